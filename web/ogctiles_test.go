package web_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"planmap/geo/memstore"
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
	code, _, b := httpGet(t, u)
	return b, code
}

// TestGDALOGCTiles drives GDAL's OGCAPI driver at the OGC API – Tiles of the
// shipped plan, and reads the tiles it would read with GDAL's MVT driver.
//
// GDAL 3.6 cannot read vector tiles through OGCAPI: from any server. Its
// InitWithTilesAPI (frmts/ogcapi/gdalogcapidataset.cpp in 3.6.2) builds
// vector layers only under #ifdef OGR_ENABLE_DRIVER_GML, a definition that
// frmts/ogcapi/CMakeLists.txt adds only if(OGR_ENABLE_DRIVER_GML) — which
// the CMake build has not yet set when it configures frmts/, before
// ogr/ogrsf_frmts (gdal.cmake). So every CMake-built GDAL up to 3.7.0
// (Debian's 3.6.2 among them: its library lacks the "vectorType" string of
// that branch) follows the links, reads the tileset and the tile matrix set,
// then, opening for vector data, returns no dataset, without an error
// message. GDAL fixed the build in 3.7.1 (OSGeo/gdal#7993). (Opening for
// raster data, it reads the map tiles: TestGDALMapTiles.)
//
// So on such a GDAL the test checks that OGCAPI: reads the
// collection through items (-oo API=ITEMS) and lists every collection from
// the landing page, that GDAL's own tile matrix set parser takes the served
// WebMercatorQuad, and that the tiles the OGC links lead to, read by GDAL's
// MVT driver as the missing branch would (each tile opened as MVT with its
// place in the tile matrix), hold every metro station of the store at the
// right place, and in the composite tileset only the layers its metadata
// names; and that the MVT driver copies the same stations out of /tiles over
// HTTP by itself. A GDAL that opens the tiles through OGCAPI: must list its
// "Zoom level" layers.
func TestGDALOGCTiles(t *testing.T) {
	requireTool(t, "ogrinfo")
	requireTool(t, "ogr2ogr")
	ds := embedded(t)
	base := newServer(t, memstore.New(ds)).URL
	const coll = "metro-stations"
	want := map[string]orb.Point{}
	for _, f := range ds.Features {
		if p, ok := f.Geometry.(orb.Point); ok && f.Layer == coll {
			want[f.ID] = p
		}
	}
	if len(want) == 0 {
		t.Fatalf("the embedded dataset has no %s", coll)
	}
	collURL := base + "/ogc/collections/" + coll

	t.Run("OGCAPI tiles", func(t *testing.T) {
		if v := gdalVersion(t); v < 3_07_01 {
			// No vector tiles through OGCAPI: in this GDAL (see above); it
			// opens the map tiles instead (TestGDALMapTiles), and the
			// features with -oo API=ITEMS (below).
			t.Logf("GDAL %d reads no vector tiles through OGCAPI:", v)
			return
		}
		out := string(gdal(t, "ogrinfo", "-ro", "-so", "-oo", "API=TILES", "OGCAPI:"+collURL))
		if !strings.Contains(out, "Zoom level") {
			t.Errorf("GDAL opened the tiles but lists no zoom level layer:\n%s", out)
		}
	})

	t.Run("OGCAPI items", func(t *testing.T) {
		out := string(gdal(t, "ogrinfo", "-ro", "-so", "-oo", "API=ITEMS", "OGCAPI:"+collURL, coll))
		if !strings.Contains(out, fmt.Sprintf("Feature Count: %d\n", len(want))) {
			t.Errorf("ogrinfo OGCAPI:%s, want %d features:\n%s", collURL, len(want), out)
		}
		land := string(gdal(t, "ogrinfo", "-ro", "-so", "OGCAPI:"+base+"/ogc"))
		for _, id := range collectionIDs(t, base) {
			if !strings.Contains(land, "=OGCAPI:"+base+"/ogc/collections/"+id+"\n") {
				t.Errorf("ogrinfo OGCAPI:%s/ogc does not list %s", base, id)
			}
		}
	})

	t.Run("tile matrix set", func(t *testing.T) {
		// GDAL's COG driver tiles by a tile matrix set given as a file, parsed
		// as the OGCAPI driver parses the one a tileset links.
		requireTool(t, "gdal_create")
		requireTool(t, "gdal_translate")
		dir := t.TempDir()
		resp, body := get(t, base+"/ogc/tileMatrixSets/WebMercatorQuad")
		if resp.StatusCode != 200 {
			t.Fatalf("tile matrix set: %d", resp.StatusCode)
		}
		tms, src := filepath.Join(dir, "tms.json"), filepath.Join(dir, "src.tif")
		if err := os.WriteFile(tms, body, 0o644); err != nil {
			t.Fatal(err)
		}
		gdal(t, "gdal_create", "-of", "GTiff", "-outsize", "8", "8", "-a_srs", "EPSG:4326", "-a_ullr", "114.3", "30.6", "114.4", "30.5", src)
		info := map[string]string{}
		for _, scheme := range []string{tms, "GoogleMapsCompatible"} {
			cog := filepath.Join(dir, fmt.Sprint(len(info), ".tif"))
			gdal(t, "gdal_translate", "-q", "-of", "COG", "-co", "TILING_SCHEME="+scheme, src, cog)
			grid := regexp.MustCompile(`(?m)^(Origin|Pixel Size|Size is|  ZOOM_LEVEL).*$`).FindAllString(string(gdal(t, "gdalinfo", cog)), -1)
			if len(grid) != 4 {
				t.Fatalf("gdalinfo of the COG tiled by %s: %q", scheme, grid)
			}
			info[scheme] = roundNumbers(strings.Join(grid, "\n"))
		}
		if info[tms] != info["GoogleMapsCompatible"] {
			t.Errorf("GDAL grids by the served WebMercatorQuad otherwise than by its own:\n%s\n---\n%s", info[tms], info["GoogleMapsCompatible"])
		}
	})

	t.Run("MVT by the links", func(t *testing.T) {
		z, dir := gdalTiles(t, collURL)
		sameStations(t, want, coll, z, "MVT:"+filepath.Join(dir, fmt.Sprint(z)))
	})

	t.Run("MVT over HTTP", func(t *testing.T) {
		// GDAL 3.6's MVT driver reads a tileset over HTTP by itself, as
		// {tileset}/{z}/{x}/{y}.{ext} beside {tileset}.json, i.e. /tiles: it
		// takes the TileJSON for tileserver-gl's metadata and fetches the
		// tiles within its bounds.
		sameStations(t, want, coll, 11, "MVT:"+base+"/tiles/"+coll+"/11", "-oo", "TILE_EXTENSION=mvt")
	})

	t.Run("composite by the links", func(t *testing.T) {
		// One tile of the whole plan: its layers are those the tileset names.
		_, _, land := fetch(t, base+"/ogc")
		tilesets := links(land)["http://www.opengis.net/def/rel/ogc/1.0/tilesets-vector"]["href"].(string)
		meta := vectorTileset(t, tilesets)
		named := map[string]bool{}
		for _, l := range meta["layers"].([]any) {
			l := l.(map[string]any)
			named[l["id"].(string)] = true
			// The plan's areas are MultiPolygons, its stations Points.
			if want, ok := map[string]float64{"main-city": 2, "metro-stations": 0, "metro-lines": 1}[l["id"].(string)]; ok && l["geometryDimension"] != want {
				t.Errorf("layer %s: geometryDimension %v, want %v", l["id"], l["geometryDimension"], want)
			}
		}
		// 光谷 at z12: row 1683, column 3349.
		tile := strings.NewReplacer("{tileMatrix}", "12", "{tileRow}", "1683", "{tileCol}", "3349").Replace(links(meta)["item"]["href"].(string))
		resp, raw := get(t, tile)
		if resp.StatusCode != 200 {
			t.Fatalf("%s: %d", tile, resp.StatusCode)
		}
		file := filepath.Join(t.TempDir(), "tile.pbf")
		if err := os.WriteFile(file, raw, 0o644); err != nil {
			t.Fatal(err)
		}
		out := gdal(t, "ogrinfo", "-ro", "-q", "-oo", "X=3349", "-oo", "Y=1683", "-oo", "Z=12", file)
		n := 0
		for _, m := range regexp.MustCompile(`(?m)^\d+: (\S+)`).FindAllStringSubmatch(string(out), -1) {
			n++
			if !named[m[1]] {
				t.Errorf("GDAL reads layer %s in the plan's tile, which the tileset's layers do not name", m[1])
			}
		}
		if n < 5 {
			t.Errorf("GDAL reads %d layers in the plan's tile:\n%s", n, out)
		}
	})
}

// sameStations copies the points of layer coll out of a tileset with
// ogr2ogr and compares them with the store's: every one, each in its place
// (a tile at z11 places a point to 5 m). A point on a tile's edge is in both
// tiles, and so may be read twice.
func sameStations(t *testing.T, want map[string]orb.Point, coll string, z int, src string, opts ...string) {
	t.Helper()
	geojson := filepath.Join(t.TempDir(), "out.geojson")
	gdal(t, "ogr2ogr", append([]string{"-f", "GeoJSON", "-t_srs", "EPSG:4326", geojson, src, coll}, opts...)...)
	b, err := os.ReadFile(geojson)
	if err != nil {
		t.Fatal(err)
	}
	var fc struct {
		Features []struct {
			Properties map[string]any
			Geometry   struct{ Coordinates json.RawMessage }
		}
	}
	if err := json.Unmarshal(b, &fc); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, f := range fc.Features {
		id, _ := f.Properties["id"].(string)
		p, ok := want[id]
		if !ok {
			t.Errorf("GDAL read %q out of the tiles, not a %s of the store", id, coll)
			continue
		}
		seen[id] = true
		var c []float64 // a Point, or a MultiPoint of one
		if json.Unmarshal(f.Geometry.Coordinates, &c) != nil {
			var mc [][]float64
			if json.Unmarshal(f.Geometry.Coordinates, &mc) == nil && len(mc) == 1 {
				c = mc[0]
			}
		}
		if len(c) < 2 || math.Abs(c[0]-p[0]) > 1e-4 || math.Abs(c[1]-p[1]) > 1e-4 {
			t.Errorf("%s: GDAL places it at %s, the store at %v", id, f.Geometry.Coordinates, p)
		}
	}
	if len(seen) != len(want) {
		t.Errorf("GDAL read %d of the store's %d %s out of the tiles of tile matrix %d", len(seen), len(want), coll, z)
	}
}

// vectorTileset follows a tilesets-vector link to the WebMercatorQuad
// tileset as GDAL's OGCAPI driver does: the tileset of dataType vector, by
// its self link of type application/json.
func vectorTileset(t *testing.T, tilesets string) map[string]any {
	t.Helper()
	_, _, list := fetch(t, tilesets)
	for _, ts := range list["tilesets"].([]any) {
		ts := ts.(map[string]any)
		self := links(ts)["self"]
		if ts["dataType"] == "vector" && self != nil && self["type"] == "application/json" {
			_, _, meta := fetch(t, self["href"].(string))
			item := links(meta)["item"]
			if item == nil || item["type"] != "application/vnd.mapbox-vector-tile" ||
				links(meta)["http://www.opengis.net/def/rel/ogc/1.0/tiling-scheme"]["type"] != "application/json" {
				t.Fatalf("tileset links: %v", meta["links"])
			}
			return meta
		}
	}
	t.Fatalf("no vector tileset with a JSON self link in %v", list)
	return nil
}

// gdalTiles follows a collection's links to its tileset, as GDAL's OGCAPI
// driver does, and downloads every tile of the tileset's first tile matrix
// with data (its layer's minTileMatrix) within tileMatrixSetLimits into a
// directory laid out as GDAL's MVT driver reads one: {z}/{col}/{row}.pbf.
func gdalTiles(t *testing.T, collURL string) (int, string) {
	t.Helper()
	_, _, coll := fetch(t, collURL)
	meta := vectorTileset(t, links(coll)["http://www.opengis.net/def/rel/ogc/1.0/tilesets-vector"]["href"].(string))
	layer := meta["layers"].([]any)[0].(map[string]any)
	z := layer["minTileMatrix"].(string)
	template := links(meta)["item"]["href"].(string)
	dir := t.TempDir()
	tiles := 0
	for _, l := range meta["tileMatrixSetLimits"].([]any) {
		l := l.(map[string]any)
		if l["tileMatrix"] != z {
			continue
		}
		for row := int(l["minTileRow"].(float64)); row <= int(l["maxTileRow"].(float64)); row++ {
			for col := int(l["minTileCol"].(float64)); col <= int(l["maxTileCol"].(float64)); col++ {
				u := strings.NewReplacer("{tileMatrix}", z, "{tileRow}", fmt.Sprint(row), "{tileCol}", fmt.Sprint(col)).Replace(template)
				resp, raw := get(t, u)
				if resp.StatusCode == http.StatusNoContent {
					continue
				}
				if resp.StatusCode != 200 {
					t.Fatalf("%s: %d", u, resp.StatusCode)
				}
				d := filepath.Join(dir, z, fmt.Sprint(col))
				if err := os.MkdirAll(d, 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(filepath.Join(d, fmt.Sprint(row)+".pbf"), raw, 0o644); err != nil {
					t.Fatal(err)
				}
				tiles++
			}
		}
	}
	if tiles == 0 {
		t.Fatalf("no tile with data at tile matrix %s within the limits", z)
	}
	n, _ := strconv.Atoi(z)
	return n, dir
}

// gdalVersion is GDAL's version as a number, 3_06_02 for 3.6.2.
func gdalVersion(t *testing.T) int {
	t.Helper()
	m := regexp.MustCompile(`GDAL (\d+)\.(\d+)\.(\d+)`).FindStringSubmatch(string(gdal(t, "ogrinfo", "--version")))
	if m == nil {
		t.Fatal("ogrinfo --version names no version")
	}
	a, _ := strconv.Atoi(m[1])
	b, _ := strconv.Atoi(m[2])
	c, _ := strconv.Atoi(m[3])
	return a*10000 + b*100 + c
}

// roundNumbers rounds the numbers of a gdalinfo line to a millimetre.
func roundNumbers(s string) string {
	return regexp.MustCompile(`-?\d+\.\d+`).ReplaceAllStringFunc(s, func(n string) string {
		f, _ := strconv.ParseFloat(n, 64)
		return strconv.FormatFloat(math.Round(f*1000)/1000, 'f', 3, 64)
	})
}
