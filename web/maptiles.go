package web

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/gorilla/mux"

	"planmap/geo"
	"planmap/tiles"
)

// OGC API – Tiles map tilesets: the plan and each collection drawn as
// 256×256 PNG tiles (web/maprender.go), for clients that read raster tiles
// only. GDAL 3.6's OGCAPI driver opens them as a raster dataset, which it
// cannot do with the vector tiles (web/ogctiles.go); Leaflet, OpenLayers and
// QGIS take their URL as an XYZ layer with {z}/{y}/{x}.

const (
	typePNG        = "image/png"
	relTilesetsMap = "http://www.opengis.net/def/rel/ogc/1.0/tilesets-map"
)

// ogcMapTile serves a PNG map tile by its OGC path, drawn from the vector
// tile of the same tileset and tile (from the tile cache, or built as
// /tiles builds it) and cached beside it.
func (s *Server) ogcMapTile(w http.ResponseWriter, r *http.Request) error {
	if _, err := readParams(r.URL.Query()); err != nil {
		return err
	}
	v := mux.Vars(r)
	if v["tms"] != tmsID {
		return errNotFound(fmt.Sprintf("no tileset in %q; planmap has %s", clip(v["tms"]), tmsID))
	}
	t, err := tiles.ParseTileID(v["z"], v["col"], v["row"], MaxZoom)
	if err != nil {
		return errBadParam(err.Error())
	}
	_, name, _, layers, err := s.ogcTileset(r)
	if err != nil {
		return err
	}
	version, err := s.store.Version(r.Context())
	if err != nil {
		return err
	}
	// The styles are part of the key: an admin's new colour is a new tile
	// even where no feature changed.
	key := tiles.Key("png:"+name+":"+stylesHash(layers), version, t)
	etag := `"` + hash(s.tileFormat+key) + `"`
	h := w.Header()
	h.Set("ETag", etag)
	h.Set("Cache-Control", s.tileCacheControl("", version))
	if tiles.NoneMatch(r.Header.Get("If-None-Match"), etag) {
		w.WriteHeader(http.StatusNotModified)
		return nil
	}
	data, _, err := s.cache.GetOrBuild(r.Context(), key, func() ([]byte, error) {
		return s.buildMapTile(r, name, version, t, layers)
	})
	if err != nil {
		return err
	}
	h.Set("Content-Type", typePNG)
	h.Set("Content-Length", fmt.Sprint(len(data)))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write(data)
	}
	return nil
}

// buildMapTile draws a map tile from its vector tile. Below heavyTileZoom
// drawing takes a heavy slot (web/overload.go), after the vector tile, whose
// own build takes one, so that a request never holds two.
func (s *Server) buildMapTile(r *http.Request, name, version string, t tiles.TileID, layers []geo.Layer) ([]byte, error) {
	mvt, _, err := s.cache.GetOrBuild(r.Context(), tiles.Key(name, version, t), func() ([]byte, error) {
		return s.buildTile(r.Context(), name, t) // the tileset's own layers, as the vector tile has them
	})
	if err != nil {
		return nil, err
	}
	if t.Z < heavyTileZoom && len(mvt) > 0 {
		release, err := s.heavy.enter(r.Context())
		if err != nil {
			return nil, err
		}
		defer release()
	}
	return renderTile(mvt, layers)
}

// stylesHash names what a map tile's look depends on besides the data.
func stylesHash(layers []geo.Layer) string {
	var b strings.Builder
	for _, l := range layers {
		fmt.Fprintf(&b, "%s %s %t\n", l.ID, l.Style.Color, l.Base)
	}
	return hash(b.String())[:12]
}
