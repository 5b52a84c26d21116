package web_test

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"planmap/geo/storetest"
)

// TestOGCTiles: OGC API – Tiles over the vector tiles, discovered from the
// landing page and the collections by link relations, on both stores: a
// tile fetched by its OGC path ({z}/{row}/{col}) is the same tile as by
// /tiles/{tileset}/{z}/{x}/{y}.mvt.
func TestOGCTiles(t *testing.T) {
	eachStore(t, storetest.Fixture(), func(t *testing.T, base string) {
		rel := "http://www.opengis.net/def/rel/ogc/1.0/tilesets-vector"
		_, _, land := fetch(t, base+"/ogc")
		_, _, coll := fetch(t, base+"/ogc/collections/points")
		_, _, conf := fetch(t, base+"/ogc/conformance")
		if !strings.Contains(fmt.Sprint(conf["conformsTo"]), "ogcapi-tiles-1/1.0/conf/core") {
			t.Error("conformance lacks tiles core")
		}
		for _, c := range []struct {
			doc     map[string]any
			tileset string
		}{{land, "plan"}, {coll, "points"}} {
			l := links(c.doc)[rel]
			if l == nil {
				t.Fatalf("no %s link in %v", rel, c.doc["links"])
			}
			code, _, list := fetch(t, l["href"].(string))
			if code != 200 {
				t.Fatalf("%s: %d", l["href"], code)
			}
			ts := list["tilesets"].([]any)[0].(map[string]any)
			if ts["tileMatrixSetURI"] != "http://www.opengis.net/def/tilematrixset/OGC/1.0/WebMercatorQuad" || ts["dataType"] != "vector" {
				t.Errorf("tileset entry %v", ts)
			}
			code, _, meta := fetch(t, links(ts)["self"]["href"].(string))
			if code != 200 {
				t.Fatalf("tileset: %d", code)
			}
			item := links(meta)["item"]
			tms := links(meta)["http://www.opengis.net/def/rel/ogc/1.0/tiling-scheme"]
			if item == nil || item["type"] != "application/vnd.mapbox-vector-tile" || tms == nil {
				t.Fatalf("tileset links %v", meta["links"])
			}
			if len(meta["tileMatrixSetLimits"].([]any)) != 17 {
				t.Errorf("limits: %v", meta["tileMatrixSetLimits"])
			}
			_, _, def := fetch(t, tms["href"].(string))
			if ms := def["tileMatrices"].([]any); len(ms) != 25 || def["crs"] != uri3857 ||
				ms[12].(map[string]any)["matrixWidth"] != 4096.0 {
				t.Errorf("tile matrix set %v", def["id"])
			}
			// 光谷 at z12 is x=3349, y=1683 (row 1683, column 3349).
			ogc := strings.NewReplacer("{tileMatrix}", "12", "{tileRow}", "1683", "{tileCol}", "3349").Replace(item["href"].(string))
			a, ca := getBytes(t, ogc)
			b, cb := getBytes(t, base+"/tiles/"+c.tileset+"/12/3349/1683.mvt")
			if ca != 200 || cb != 200 || len(a) == 0 || !bytes.Equal(a, b) {
				t.Errorf("%s: %d (%d bytes) vs /tiles: %d (%d bytes)", ogc, ca, len(a), cb, len(b))
			}
		}
		for _, path := range []string{"/ogc/tiles/WorldCRS84Quad", "/ogc/collections/nosuch/tiles",
			"/ogc/collections/points/tiles/WebMercatorQuad/12/1683/99999", "/ogc/tileMatrixSets/Foo"} {
			code, _, _ := fetch(t, base+path)
			if code != 404 && code != 400 {
				t.Errorf("%s: %d", path, code)
			}
		}
	})
}

func getBytes(t *testing.T, u string) ([]byte, int) {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return b, resp.StatusCode
}
