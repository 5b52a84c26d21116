package web

import (
	"fmt"
	"math"
	"net/http"
	"strings"

	"github.com/gorilla/mux"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"planmap/geo"
)

// OGC API – Tiles (20-057) over planmap's vector tiles: the composite plan
// as the dataset's tileset, each collection's own tiles as its tileset, both
// in WebMercatorQuad only. The tiles are the /tiles/… ones (same cache,
// ETags, 204 for an empty tile); only the path differs: {z}/{row}/{col}.
//
// GDAL's OGCAPI driver reads exactly these members, each of which must stay
// as it is (TestGDALOGCTiles): the tilesets-vector link of type
// application/json; in the list, a tileset of dataType "vector" whose "self"
// link is of type application/json; in the tileset, a tiling-scheme link of
// type application/json, an "item" link of type
// application/vnd.mapbox-vector-tile whose href has {tileMatrix}, {tileRow}
// and {tileCol}, and tileMatrixSetLimits, whose tile matrices are the only
// ones it reads; in the tile matrix set, the TMS 1.0 members. GDAL 3.6 (every
// CMake build before 3.7.1) then stops: its vector tile layers are compiled
// out.

var tilesConformance = []string{
	"http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/core",
	"http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/tileset",
	"http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/tilesets-list",
	"http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/dataset-tilesets",
	"http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/geodata-tilesets",
	"http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/mvt",
	"http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/png",
	"http://www.opengis.net/spec/tms/2.0/conf/tilematrixset",
	"http://www.opengis.net/spec/tms/2.0/conf/json-tilematrixset",
}

const (
	tmsID          = "WebMercatorQuad"
	tmsURI         = "http://www.opengis.net/def/tilematrixset/OGC/1.0/WebMercatorQuad"
	relTilesets    = "http://www.opengis.net/def/rel/ogc/1.0/tilesets-vector"
	relTilingSch   = "http://www.opengis.net/def/rel/ogc/1.0/tiling-scheme"
	relTilingSchs  = "http://www.opengis.net/def/rel/ogc/1.0/tiling-schemes"
	tmsHalfWorld   = 20037508.3427892
	tmsLevels      = 25 // WebMercatorQuad's tile matrices, 0 to 24
	tmsTopCellSize = 2 * tmsHalfWorld / 256
)

// tileMatrixSet is WebMercatorQuad in the JSON encoding of OGC 17-083r4
// (TMS 2.0), with the members of the TMS 1.0 encoding beside them (type,
// identifier, supportedCRS, tileMatrix), which GDAL before 3.7 reads.
func tileMatrixSet(base string) obj {
	ms, ms1 := make([]obj, tmsLevels), make([]obj, tmsLevels)
	for z := range ms {
		cell := tmsTopCellSize / math.Exp2(float64(z))
		ms[z] = obj{"id": fmt.Sprint(z), "scaleDenominator": cell / 0.00028, "cellSize": cell,
			"cornerOfOrigin": "topLeft", "pointOfOrigin": []float64{-tmsHalfWorld, tmsHalfWorld},
			"tileWidth": 256, "tileHeight": 256, "matrixWidth": 1 << z, "matrixHeight": 1 << z}
		ms1[z] = obj{"type": "TileMatrixType", "identifier": fmt.Sprint(z), "scaleDenominator": cell / 0.00028,
			"topLeftCorner": []float64{-tmsHalfWorld, tmsHalfWorld},
			"tileWidth":     256, "tileHeight": 256, "matrixWidth": 1 << z, "matrixHeight": 1 << z}
	}
	return obj{"id": tmsID, "title": "Google Maps Compatible for the World", "uri": tmsURI,
		"crs": epsg3857, "orderedAxes": []string{"X", "Y"}, "wellKnownScaleSet": "http://www.opengis.net/def/wkss/OGC/1.0/GoogleMapsCompatible",
		"tileMatrices": ms,
		"type":         "TileMatrixSetType", "identifier": tmsID, "supportedCRS": epsg3857, "tileMatrix": ms1,
		"links": []Link{{base + "/ogc/tileMatrixSets/" + tmsID, "self", typeJSON, "WebMercatorQuad"}}}
}

func (s *Server) tileMatrixSets(w http.ResponseWriter, r *http.Request) error {
	if _, err := readParams(r.URL.Query(), "f"); err != nil {
		return err
	}
	href := baseURL(r) + "/ogc/tileMatrixSets/" + tmsID
	return writeJSON(w, r, http.StatusOK, typeJSON, obj{"tileMatrixSets": []obj{{"id": tmsID,
		"title": "Google Maps Compatible for the World", "uri": tmsURI,
		"links": []Link{{href, "self", typeJSON, "WebMercatorQuad"}}}}})
}

func (s *Server) tileMatrixSetDef(w http.ResponseWriter, r *http.Request) error {
	if _, err := readParams(r.URL.Query(), "f"); err != nil {
		return err
	}
	if mux.Vars(r)["tms"] != tmsID {
		return errNotFound(fmt.Sprintf("no tile matrix set %q; planmap has %s", clip(mux.Vars(r)["tms"]), tmsID))
	}
	return writeJSON(w, r, http.StatusOK, typeJSON, tileMatrixSet(baseURL(r)))
}

// ogcTileset finds the layers of the tileset a request names: the plan,
// or one collection.
func (s *Server) ogcTileset(r *http.Request) (href, name, title string, layers []geo.Layer, err error) {
	id, ok := mux.Vars(r)["collection"]
	if !ok {
		layers, err = s.tileset(r.Context(), PlanTileset)
		return baseURL(r) + "/ogc", PlanTileset, "规划全图 The whole plan", layers, err
	}
	l, err := s.layer(r)
	return baseURL(r) + "/ogc/collections/" + id, id, l.TitleZH + " " + l.TitleEN, []geo.Layer{l}, err
}

// tileKind is what a tileset's tiles are: vector tiles (MVT) or map tiles
// (PNG, web/maptiles.go), each under its own path of a collection or the plan.
type tileKind struct {
	path, dataType, itemType, itemTitle string
}

var (
	vectorTiles = tileKind{"/tiles", "vector", typeMVT, "Mapbox Vector Tiles"}
	mapTiles    = tileKind{"/map/tiles", "map", typePNG, "PNG map tiles, 256×256"}
)

// ogcTilesets lists the tilesets of one kind (one: WebMercatorQuad).
func (s *Server) ogcTilesets(k tileKind) func(http.ResponseWriter, *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		if _, err := readParams(r.URL.Query(), "f"); err != nil {
			return err
		}
		href, _, title, _, err := s.ogcTileset(r)
		if err != nil {
			return err
		}
		ts := href + k.path + "/" + tmsID
		return writeJSON(w, r, http.StatusOK, typeJSON, obj{
			"links": []Link{{href + k.path, "self", typeJSON, "Tilesets"}},
			"tilesets": []obj{{"title": title, "dataType": k.dataType, "crs": epsg3857, "tileMatrixSetURI": tmsURI,
				"links": []Link{{ts, "self", typeJSON, title + " (WebMercatorQuad)"},
					{ts, "http://www.opengis.net/def/rel/ogc/1.0/tileset", typeJSON, title + " (WebMercatorQuad)"},
					{baseURL(r) + "/ogc/tileMatrixSets/" + tmsID, relTilingSch, typeJSON, "WebMercatorQuad"}}}},
		})
	}
}

// ogcTilesetMeta describes a tileset of one kind; a vector tileset names its layers.
func (s *Server) ogcTilesetMeta(k tileKind) func(http.ResponseWriter, *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		if _, err := readParams(r.URL.Query(), "f"); err != nil {
			return err
		}
		if mux.Vars(r)["tms"] != tmsID {
			return errNotFound(fmt.Sprintf("no tileset in %q; planmap has %s", clip(mux.Vars(r)["tms"]), tmsID))
		}
		href, _, title, layers, err := s.ogcTileset(r)
		if err != nil {
			return err
		}
		ts := href + k.path + "/" + tmsID
		tmsHref := baseURL(r) + "/ogc/tileMatrixSets/" + tmsID
		meta := obj{"title": title, "dataType": k.dataType, "crs": epsg3857, "tileMatrixSetURI": tmsURI,
			"tileMatrixSetDefinition": tmsHref,
			"links": []obj{
				{"href": ts, "rel": "self", "type": typeJSON, "title": title},
				{"href": tmsHref, "rel": relTilingSch, "type": typeJSON, "title": "WebMercatorQuad"},
				{"href": ts + "/{tileMatrix}/{tileRow}/{tileCol}", "rel": "item", "type": k.itemType, "templated": true,
					"title": k.itemTitle},
			}}
		if k == vectorTiles {
			meta["layers"] = tileLayersMeta(layers)
		}
		if b, ok := layersBound(layers); ok {
			// In the tile matrix set's CRS, as GDAL (3.6 at least) reads it.
			lo, hi := crsList[2].out(b.Min), crsList[2].out(b.Max)
			limits := tileLimits(b)
			if k == mapTiles {
				lo, hi, limits = mapTileLimits(lo, hi, minZoom(layers))
			}
			meta["boundingBox"] = obj{"lowerLeft": []float64{lo[0], lo[1]}, "upperRight": []float64{hi[0], hi[1]}, "crs": epsg3857}
			meta["tileMatrixSetLimits"] = limits
		}
		return writeJSON(w, r, http.StatusOK, typeJSON, meta)
	}
}

// tileLayersMeta describes the MVT layers of a vector tileset.
func tileLayersMeta(layers []geo.Layer) []obj {
	ls := make([]obj, len(layers))
	for i, l := range layers {
		ls[i] = obj{"id": l.ID, "title": l.TitleZH + " " + l.TitleEN, "dataType": "vector",
			"minTileMatrix": fmt.Sprint(l.Style.MinZoom), "maxTileMatrix": fmt.Sprint(MaxZoom)}
		// A Multi* layer has its parts' dimension; a layer of mixed types has none to give.
		if dim, ok := map[string]int{"Point": 0, "LineString": 1, "Polygon": 2}[strings.TrimPrefix(l.GeometryType, "Multi")]; ok {
			ls[i]["geometryDimension"] = dim
		}
	}
	return ls
}

// tileLimits are the rows and columns that hold a bound, at every zoom served.
func tileLimits(b orb.Bound) []obj {
	out := make([]obj, MaxZoom+1)
	for z := range out {
		tl := maptile.At(orb.Point{b.Min[0], b.Max[1]}, maptile.Zoom(z))
		br := maptile.At(orb.Point{b.Max[0], b.Min[1]}, maptile.Zoom(z))
		out[z] = obj{"tileMatrix": fmt.Sprint(z), "minTileRow": tl.Y, "maxTileRow": br.Y, "minTileCol": tl.X, "maxTileCol": br.X}
	}
	return out
}

// mapTileLimits are the tile matrices of a map tileset, whole: a map tile
// beyond the data is transparent, not missing. They start at the layers'
// minimum zoom, below which they draw nothing, or where the extent (lo, hi,
// in metres) spans a few pixels, below which a raster of it is empty. The
// extent is widened to whole pixels of the first tile matrix, and so of
// every one. GDAL 3.6's OGCAPI driver needs all three: it fails to open a
// raster less than a pixel wide at any tile matrix the limits list, takes a
// tile matrix whose limits leave out rows for one as tall as the whole, and
// reads a tile matrix cut at another pixel than the finest a pixel astray.
func mapTileLimits(lo, hi orb.Point, minZoom int) (orb.Point, orb.Point, []obj) {
	const minPixels = 16
	z := minZoom
	for ; z < MaxZoom && min(hi[0]-lo[0], hi[1]-lo[1]) < minPixels*tmsTopCellSize/math.Exp2(float64(z)); z++ {
	}
	cell := tmsTopCellSize / math.Exp2(float64(z))
	for i := range 2 {
		lo[i] = math.Floor((lo[i]+tmsHalfWorld)/cell)*cell - tmsHalfWorld
		hi[i] = math.Ceil((hi[i]+tmsHalfWorld)/cell)*cell - tmsHalfWorld
	}
	var out []obj
	for ; z <= MaxZoom; z++ {
		out = append(out, obj{"tileMatrix": fmt.Sprint(z), "minTileRow": 0, "maxTileRow": 1<<z - 1, "minTileCol": 0, "maxTileCol": 1<<z - 1})
	}
	return lo, hi, out
}

// minZoom is the lowest zoom at which any of the layers is drawn.
func minZoom(layers []geo.Layer) int {
	z := MaxZoom
	for _, l := range layers {
		z = min(z, l.Style.MinZoom)
	}
	return z
}

// ogcTile serves a tile by its OGC path, as /tiles/{tileset}/{z}/{x}/{y}.mvt.
func (s *Server) ogcTile(w http.ResponseWriter, r *http.Request) error {
	v := mux.Vars(r)
	if v["tms"] != tmsID {
		return errNotFound(fmt.Sprintf("no tileset in %q; planmap has %s", clip(v["tms"]), tmsID))
	}
	name := PlanTileset
	if id, ok := v["collection"]; ok {
		if _, err := s.layer(r); err != nil {
			return err
		}
		name = id
	}
	return s.tile(w, mux.SetURLVars(r, map[string]string{"tileset": name, "z": v["z"], "x": v["col"], "y": v["row"]}))
}
