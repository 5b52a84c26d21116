package web_test

import (
	"bytes"
	"fmt"
	"image"
	"image/png"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"
	"github.com/paulmach/orb/planar"
	"github.com/paulmach/orb/project"

	"planmap/geo"
	"planmap/geo/memstore"
	"planmap/geo/storetest"
	"planmap/web"
)

// TestMapTiles: OGC API – Tiles map tilesets, discovered by their link
// relation from the landing page and a collection, on both stores; a tile
// is a 256×256 PNG with the layer's colour inside its polygons (a hole
// left empty) and nothing away from them.
func TestMapTiles(t *testing.T) {
	ds := storetest.Fixture()
	ds.Layers[0].Style.Color = "#e53935" // areas
	// Existing, so that no status mark covers the colour (TestMapTileLooks checks the marks).
	for i := range ds.Features {
		if ds.Features[i].Layer == storetest.LayerAreas {
			ds.Features[i].Status = geo.StatusExisting
		}
	}
	// An area with a hole, both whole in one tile at z12 (the fixture's
	// donut lies across tiles at every zoom).
	for _, f := range ds.Features {
		if f.ID == "donut-lake" {
			f.ID = "ring-park"
			f.Geometry = orb.Polygon{
				{{114.27, 30.61}, {114.33, 30.61}, {114.33, 30.67}, {114.27, 30.67}, {114.27, 30.61}},
				{{114.29, 30.63}, {114.29, 30.65}, {114.31, 30.65}, {114.31, 30.63}, {114.29, 30.63}},
			}
			ds.Features = append(ds.Features, f)
			break
		}
	}
	eachStore(t, ds, func(t *testing.T, base string) {
		_, _, conf := fetch(t, base+"/ogc/conformance")
		if !strings.Contains(fmt.Sprint(conf["conformsTo"]), "ogcapi-tiles-1/1.0/conf/png") {
			t.Error("conformance lacks the PNG class")
		}
		_, _, land := fetch(t, base+"/ogc")
		_, _, coll := fetch(t, base+"/ogc/collections/"+storetest.LayerAreas)
		var template string
		for _, doc := range []map[string]any{land, coll} {
			template = mapTemplate(t, doc)
		}
		// The square, the ring and the fixture's donut, each in the tile
		// of its centre.
		var areas orb.MultiPolygon
		for _, f := range ds.Features {
			if p, ok := f.Geometry.(orb.Polygon); ok && f.Layer == storetest.LayerAreas {
				areas = append(areas, p)
			}
		}
		for _, c := range []struct {
			at orb.Point
			z  maptile.Zoom
		}{{orb.Point{114.40, 30.50}, 12}, {orb.Point{114.30, 30.64}, 12}, {orb.Point{114.15, 30.75}, 13}} {
			tile := maptile.At(c.at, c.z)
			u := strings.NewReplacer("{tileMatrix}", fmt.Sprint(c.z), "{tileRow}", fmt.Sprint(tile.Y), "{tileCol}", fmt.Sprint(tile.X)).Replace(template)
			resp, body := get(t, u)
			if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "image/png" {
				t.Fatalf("%s: %d %s", u, resp.StatusCode, resp.Header.Get("Content-Type"))
			}
			img, err := png.Decode(bytes.NewReader(body))
			if err != nil || img.Bounds() != image.Rect(0, 0, 256, 256) {
				t.Fatalf("%s: %v, %v", u, err, img.Bounds())
			}
			checkDrawn(t, img, tile, areas, [3]uint8{0xe5, 0x39, 0x35})
			// Revalidation by ETag, and the tiles' Cache-Control.
			if resp.Header.Get("Cache-Control") != "public, max-age=300" {
				t.Errorf("Cache-Control %q", resp.Header.Get("Cache-Control"))
			}
			if r2, _ := get(t, u, "If-None-Match", resp.Header.Get("ETag")); r2.StatusCode != http.StatusNotModified {
				t.Errorf("revalidation: %d", r2.StatusCode)
			}
		}
		for path, want := range map[string]int{
			"/ogc/map/tiles/WorldCRS84Quad/3/1/1":                          404,
			"/ogc/collections/nosuch/map/tiles":                            404,
			"/ogc/collections/areas/map/tiles/WebMercatorQuad/12/1683/1e9": 400,
			"/ogc/collections/areas/map/tiles/WebMercatorQuad/17/0/0":      400,
			"/ogc/map/tiles/WebMercatorQuad/3/1/1?size=512":                400,
		} {
			if code, _, _ := fetch(t, base+path); code != want {
				t.Errorf("%s: %d, want %d", path, code, want)
			}
		}
	})
}

// mapTemplate follows a document's tilesets-map link to the WebMercatorQuad
// map tileset and returns its PNG tiles' URL template.
func mapTemplate(t *testing.T, doc map[string]any) string {
	t.Helper()
	l := links(doc)["http://www.opengis.net/def/rel/ogc/1.0/tilesets-map"]
	if l == nil || l["type"] != "application/json" {
		t.Fatalf("no typed tilesets-map link in %v", doc["links"])
	}
	_, _, list := fetch(t, l["href"].(string))
	ts := list["tilesets"].([]any)[0].(map[string]any)
	if ts["dataType"] != "map" || ts["tileMatrixSetURI"] != "http://www.opengis.net/def/tilematrixset/OGC/1.0/WebMercatorQuad" {
		t.Fatalf("map tileset entry %v", ts)
	}
	_, _, meta := fetch(t, links(ts)["self"]["href"].(string))
	item := links(meta)["item"]
	if meta["dataType"] != "map" || item == nil || item["type"] != "image/png" ||
		!strings.HasSuffix(item["href"].(string), "/map/tiles/WebMercatorQuad/{tileMatrix}/{tileRow}/{tileCol}") {
		t.Fatalf("map tileset %v", meta)
	}
	if links(meta)["http://www.opengis.net/def/rel/ogc/1.0/tiling-scheme"] == nil || meta["tileMatrixSetLimits"] == nil {
		t.Fatalf("map tileset without its tiling scheme or limits: %v", meta)
	}
	return item["href"].(string)
}

// checkDrawn compares a map tile with the polygons it draws: a pixel well
// inside one (its centre and eight points 2 pixels around it all inside) is
// drawn in their colour, a quarter opaque or more; one well outside is
// transparent; those near an edge can be either.
func checkDrawn(t *testing.T, img image.Image, tile maptile.Tile, mp orb.MultiPolygon, rgb [3]uint8) {
	t.Helper()
	in, out := 0, 0
	for py := 0; py < 256; py++ {
		for px := 0; px < 256; px++ {
			inside, outside := true, true
			for _, d := range [][2]float64{{0, 0}, {-2, -2}, {0, -2}, {2, -2}, {-2, 0}, {2, 0}, {-2, 2}, {0, 2}, {2, 2}} {
				c := pixelLonLat(tile, float64(px)+0.5+d[0], float64(py)+0.5+d[1])
				if planar.MultiPolygonContains(mp, c) {
					outside = false
				} else {
					inside = false
				}
			}
			r, g, b, a := img.At(px, py).RGBA()
			switch {
			case inside:
				in++
				if a < 0xffff/4-0x200 || !sameChannel(r, a, rgb[0]) || !sameChannel(g, a, rgb[1]) || !sameChannel(b, a, rgb[2]) {
					t.Fatalf("tile %v pixel %d,%d inside the areas: RGBA %x %x %x %x, want colour %x", tile, px, py, r, g, b, a, rgb)
				}
			case outside:
				out++
				if a != 0 {
					t.Fatalf("tile %v pixel %d,%d away from the areas: alpha %x", tile, px, py, a)
				}
			}
		}
	}
	if in < 1000 || out < 1000 {
		t.Errorf("tile %v: %d pixels inside the areas, %d outside; the test wants both", tile, in, out)
	}
}

// sameChannel compares a premultiplied channel with a colour's, to a few levels.
func sameChannel(c, a uint32, want uint8) bool {
	return math.Abs(float64(c)/float64(a)*255-float64(want)) < 4
}

// pixelLonLat is where a pixel position of a 256-pixel tile lies.
func pixelLonLat(tile maptile.Tile, px, py float64) orb.Point {
	n := 256 * math.Exp2(float64(tile.Z))
	x, y := (float64(tile.X)*256+px)/n, (float64(tile.Y)*256+py)/n
	return orb.Point{x*360 - 180, math.Atan(math.Sinh(math.Pi*(1-2*y))) * 180 / math.Pi}
}

// TestGDALMapTiles: GDAL's OGCAPI driver opens a collection as a raster of
// its map tiles with no API option (GDAL 3.6 included, which cannot open
// the vector tiles), given the area in EPSG:3857 from the tileset's
// boundingBox (GDAL 3.6 takes the collection's CRS84 extent as if it were
// in the tile matrix set's CRS). gdal_translate then cuts out the metro
// stations around 光谷 at tile matrix 13's resolution: every station there is
// drawn at its place, and nothing is drawn away from the stations.
func TestGDALMapTiles(t *testing.T) {
	requireTool(t, "gdalinfo")
	requireTool(t, "gdal_translate")
	ds := embedded(t)
	base := newServer(t, memstore.New(ds)).URL
	const coll = "metro-stations"
	var stations []orb.Point // in EPSG:3857
	for _, f := range ds.Features {
		if p, ok := f.Geometry.(orb.Point); ok && f.Layer == coll {
			stations = append(stations, project.WGS84.ToMercator(p))
		}
	}
	_, _, meta := fetch(t, base+"/ogc/collections/"+coll+"/map/tiles/WebMercatorQuad")
	bb := meta["boundingBox"].(map[string]any)
	lo, hi := bb["lowerLeft"].([]any), bb["upperRight"].([]any)
	src := "OGCAPI:" + base + "/ogc/collections/" + coll
	open := []string{"-oo", "CACHE=NO", "-oo", fmt.Sprint("MINX=", lo[0]), "-oo", fmt.Sprint("MINY=", lo[1]),
		"-oo", fmt.Sprint("MAXX=", hi[0]), "-oo", fmt.Sprint("MAXY=", hi[1])}

	info := string(gdal(t, "gdalinfo", append(open, src)...))
	for _, want := range []string{"Driver: OGCAPI/OGCAPI", `ID["EPSG",3857]`, "Band 4 Block=", "ColorInterp=Alpha"} {
		if !strings.Contains(info, want) {
			t.Fatalf("gdalinfo %s lacks %q:\n%s", src, want, info)
		}
	}

	// 150 pixels of tile matrix 13 (19.109 m) around 光谷广场, on its pixel
	// grid, which gdal_translate would otherwise round the window to.
	const size, half = 150, 20037508.3427892
	const res = 2 * half / 256 / 8192
	c := project.WGS84.ToMercator(orb.Point{114.398, 30.506})
	minX := math.Round((c[0]-size/2*res+half)/res)*res - half
	maxY := half - math.Round((half-c[1]-size/2*res)/res)*res
	out := filepath.Join(t.TempDir(), "stations.png")
	gdal(t, "gdal_translate", append(open, "-q", "-of", "PNG", "-outsize", fmt.Sprint(size), fmt.Sprint(size),
		"-projwin", fmt.Sprint(minX), fmt.Sprint(maxY), fmt.Sprint(minX+size*res), fmt.Sprint(maxY-size*res), src, out)...)
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil || img.Bounds().Dx() != size || img.Bounds().Dy() != size {
		t.Fatalf("gdal_translate wrote %v (%v)", img.Bounds(), err)
	}
	at := func(px, py float64) orb.Point { return orb.Point{minX + px*res, maxY - py*res} }
	// A dot is 4.7 tile pixels across its radius; a pixel's centre lies
	// within ¾ of a pixel of what it shows.
	const reach = (4.7 + 0.75) * res
	drawn, shown := 0, 0
	for py := 0; py < size; py++ {
		for px := 0; px < size; px++ {
			if _, _, _, a := img.At(px, py).RGBA(); a == 0 {
				continue
			}
			drawn++
			p := at(float64(px)+0.5, float64(py)+0.5)
			if d := nearest(stations, p); d > reach {
				t.Errorf("pixel %d,%d is drawn %.0f m from the nearest station", px, py, d)
			}
		}
	}
	for _, s := range stations {
		px, py := (s[0]-minX)/res, (maxY-s[1])/res
		if px < 2 || py < 2 || px > size-2 || py > size-2 {
			continue
		}
		shown++
		if _, _, _, a := img.At(int(px), int(py)).RGBA(); a < 0x8000 {
			t.Errorf("the station at %v is not drawn (alpha %x at pixel %d,%d)", s, a, int(px), int(py))
		}
	}
	if shown < 2 || drawn == 0 {
		t.Errorf("%d stations in the window, %d pixels drawn: the test wants some of both", shown, drawn)
	}
}

// nearest is the distance from p to the nearest of points, in their units.
func nearest(points []orb.Point, p orb.Point) float64 {
	d := math.Inf(1)
	for _, q := range points {
		d = min(d, math.Hypot(q[0]-p[0], q[1]-p[1]))
	}
	return d
}

// TestHeavyMapTiles: a low-zoom map tile takes a heavy slot to draw, even
// from a cached vector tile, and another to build its vector tile; with the
// only slot taken each is a quick 503 with Retry-After.
func TestHeavyMapTiles(t *testing.T) {
	store := &slowTiles{Store: memstore.New(storetest.Fixture())}
	h := web.New(store, web.Options{MaxHeavy: 1, TileCacheBytes: 1 << 20})
	ask := timedAsk(h)
	if w, _ := ask("/tiles/plan/6/52/26.mvt"); w.Code != 200 { // cached from now on
		t.Fatalf("vector tile: %d", w.Code)
	}
	done := make(chan int)
	go func() { w, _ := ask("/tiles/plan/5/26/13.mvt"); done <- w.Code }()
	for store.building.Load() == 0 {
		time.Sleep(5 * time.Millisecond)
	}
	for _, path := range []string{"/ogc/map/tiles/WebMercatorQuad/6/26/52", "/ogc/map/tiles/WebMercatorQuad/6/26/53"} {
		w, d := ask(path)
		if w.Code != 503 || w.Header().Get("Retry-After") == "" || d > time.Second {
			t.Errorf("%s with the only slot taken: %d in %s (Retry-After %q), want a quick 503",
				path, w.Code, d, w.Header().Get("Retry-After"))
		}
	}
	if code := <-done; code != 200 {
		t.Errorf("the low-zoom vector tile: %d", code)
	}
}
