package web_test

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"testing"

	"planmap/data"
	"planmap/geo/memstore"
	"planmap/geo/postgis"
	"planmap/geo/postgis/pgtest"
)

// Helpers of the tests that drive real GIS clients (GDAL, QGIS) against a
// live server on each store.

func TestMain(m *testing.M) { pgtest.Main(m) }

// require skips a client test when its program is missing, with a notice,
// unless the environment variable env is 1 (as in CI): then it fails.
func require(t *testing.T, missing error, env, install string) {
	t.Helper()
	if missing == nil {
		return
	}
	if os.Getenv(env) == "1" {
		t.Fatalf("%v, and %s=1", missing, env)
	}
	msg := fmt.Sprintf("NOTICE: %v (Debian: apt-get install %s); %s skipped", missing, install, t.Name())
	fmt.Fprintln(os.Stderr, msg) // seen without -v too
	t.Skip(msg)
}

// requireTool skips when a GDAL program is missing, unless CI asks for it.
func requireTool(t *testing.T, name string) {
	t.Helper()
	_, err := exec.LookPath(name)
	require(t, err, "PLANMAP_REQUIRE_GDAL", "gdal-bin")
}

// embedded is the dataset the binary serves.
func embedded(t *testing.T) *data.Dataset {
	t.Helper()
	ds, err := data.Load(data.Embedded())
	if err != nil {
		t.Fatal(err)
	}
	if len(ds.Layers) == 0 {
		t.Skip("the embedded dataset has no layers yet")
	}
	return ds
}

// eachStore runs fn against a live server on the embedded store and one on
// PostGIS, both holding ds; the PostGIS store keeps the copy in memory that
// planmap serve keeps by default, from which it answers tiles and pages of
// items in a box.
func eachStore(t *testing.T, ds *data.Dataset, fn func(t *testing.T, base string)) {
	t.Run("memstore", func(t *testing.T) { fn(t, newServer(t, memstore.New(ds)).URL) })
	t.Run("postgis", func(t *testing.T) {
		ctx := context.Background()
		s, err := postgis.Open(ctx, pgtest.URL(t), postgis.Options{Migrate: true, TileMemoryFeatures: 1_000_000})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		if _, err := postgis.Load(ctx, s, ds, nil); err != nil {
			t.Fatal(err)
		}
		fn(t, newServer(t, s).URL)
	})
}

// served is what a server serves of one collection: its features' ids and
// properties, in order, from every page, and its JSON Schema's properties.
type served struct {
	ids    []string
	props  []map[string]any
	schema map[string]map[string]any
}

func collectionIDs(t *testing.T, base string) []string {
	t.Helper()
	_, _, v := fetch(t, base+"/ogc/collections")
	var ids []string
	for _, c := range v["collections"].([]any) {
		ids = append(ids, c.(map[string]any)["id"].(string))
	}
	return ids
}

func serve(t *testing.T, base, collection string) served {
	t.Helper()
	var s served
	for next := base + "/ogc/collections/" + url.PathEscape(collection) + "/items?limit=10000"; next != ""; {
		code, _, v := fetch(t, next)
		if code != 200 {
			t.Fatalf("%s: %d %v", next, code, v)
		}
		for _, f := range v["features"].([]any) {
			f := f.(map[string]any)
			s.ids = append(s.ids, f["id"].(string))
			s.props = append(s.props, f["properties"].(map[string]any))
		}
		next = ""
		if l := links(v)["next"]; l != nil {
			next = l["href"].(string)
		}
	}
	_, _, sch := fetch(t, base+"/ogc/collections/"+url.PathEscape(collection)+"/schema")
	s.schema = map[string]map[string]any{}
	for k, p := range sch["properties"].(map[string]any)["properties"].(map[string]any)["properties"].(map[string]any) {
		s.schema[k] = p.(map[string]any)
	}
	return s
}
