package web_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"planmap/data"
	"planmap/geo"
	"planmap/geo/memstore"
	"planmap/geo/storetest"
)

// requireTool skips when a client program is missing, unless CI asks for it.
func requireTool(t *testing.T, name string) {
	t.Helper()
	if _, err := exec.LookPath(name); err != nil {
		if os.Getenv("PLANMAP_REQUIRE_GDAL") == "1" {
			t.Fatalf("%s is not installed and PLANMAP_REQUIRE_GDAL=1", name)
		}
		t.Skipf("NOTICE: %s is not installed (Debian: apt-get install gdal-bin); GDAL client test skipped", name)
	}
}

// ogr2ogr downloads one layer through GDAL's OAPIF driver and returns how many
// features the GeoJSON it wrote holds.
func ogr2ogr(t *testing.T, url, layer string, opts ...string) int {
	t.Helper()
	out := filepath.Join(t.TempDir(), layer+".geojson")
	args := append([]string{"-f", "GeoJSON", out, "OAPIF:" + url, layer}, opts...)
	cmd := exec.Command("ogr2ogr", args...)
	cmd.Env = append(os.Environ(), "GDAL_HTTP_TIMEOUT=30", "CPL_DEBUG=OFF")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("ogr2ogr %s: %v\n%s", layer, err, b)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var fc struct{ Features []json.RawMessage }
	if err := json.Unmarshal(b, &fc); err != nil {
		t.Fatalf("%s: %v", layer, err)
	}
	return len(fc.Features)
}

// TestGDALPaging makes GDAL page through a layer by next links alone.
func TestGDALPaging(t *testing.T) {
	requireTool(t, "ogr2ogr")
	srv := fixtureServer(t)
	want := 0
	for _, f := range storetest.Fixture().Features {
		if f.Layer == storetest.LayerPoints {
			want++
		}
	}
	if got := ogr2ogr(t, srv.URL+"/ogc", storetest.LayerPoints, "-oo", "PAGE_SIZE=40"); got != want {
		t.Errorf("ogr2ogr with 40 a page: %d features, want numberMatched %d", got, want)
	}
	// GDAL lists every collection with its geometry type.
	b, err := exec.Command("ogrinfo", "-ro", "-q", "OAPIF:"+srv.URL+"/ogc").CombinedOutput()
	if err != nil {
		t.Fatalf("ogrinfo: %v\n%s", err, b)
	}
	for _, l := range []string{storetest.LayerAreas, storetest.LayerLines, storetest.LayerPoints} {
		if !strings.Contains(string(b), l) {
			t.Errorf("ogrinfo does not list %s:\n%s", l, b)
		}
	}
}

// TestGDALEveryLayer downloads every layer of the shipped dataset.
func TestGDALEveryLayer(t *testing.T) {
	requireTool(t, "ogr2ogr")
	ds, err := data.Load(data.Embedded())
	if err != nil {
		t.Fatal(err)
	}
	store := memstore.New(ds)
	srv := newServer(t, store)
	layers, _ := store.Layers(t.Context())
	if len(layers) == 0 {
		t.Skip("the embedded dataset has no layers yet")
	}
	for _, l := range layers {
		page, err := store.Features(t.Context(), l.ID, geo.Query{Limit: 1})
		if err != nil {
			t.Fatal(err)
		}
		if got := ogr2ogr(t, srv.URL+"/ogc", l.ID); got != page.Matched {
			t.Errorf("%s: ogr2ogr wrote %d features, numberMatched is %d", l.ID, got, page.Matched)
		}
	}
}
