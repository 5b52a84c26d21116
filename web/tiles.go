package web

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"hash/fnv"
	"html"
	"io"
	"net/http"
	"strings"

	"github.com/gorilla/mux"
	"github.com/paulmach/orb"

	"planmap/geo"
	"planmap/tiles"
)

// PlanTileset is the composite tileset: every layer as its own MVT layer.
const PlanTileset = "plan"

// MaxZoom is the deepest tile served; clients overzoom beyond it.
const MaxZoom = 16

const typeMVT = "application/vnd.mapbox-vector-tile"

// tileset resolves a tileset name to the layers it draws.
func (s *Server) tileset(r *http.Request, name string) ([]geo.Layer, error) {
	layers, err := s.store.Layers(r.Context())
	if err != nil {
		return nil, err
	}
	if name == PlanTileset {
		return layers, nil
	}
	for _, l := range layers {
		if l.ID == name {
			return []geo.Layer{l}, nil
		}
	}
	return nil, errNotFound(fmt.Sprintf("no tileset %q; see /tiles", clip(name)))
}

func (s *Server) tileList(w http.ResponseWriter, r *http.Request) error {
	if _, err := readParams(r.URL.Query()); err != nil {
		return err
	}
	layers, err := s.store.Layers(r.Context())
	if err != nil {
		return err
	}
	base := baseURL(r) + "/tiles/"
	type entry struct {
		ID       string `json:"id"`
		TitleZH  string `json:"title_zh"`
		TitleEN  string `json:"title_en"`
		TileJSON string `json:"tilejson"`
	}
	list := []entry{{PlanTileset, "规划全图", "The whole plan", base + PlanTileset + ".json"}}
	for _, l := range layers {
		list = append(list, entry{l.ID, l.TitleZH, l.TitleEN, base + l.ID + ".json"})
	}
	return writeJSON(w, r, http.StatusOK, typeJSON, map[string]any{"tilesets": list})
}

func (s *Server) tileJSON(w http.ResponseWriter, r *http.Request) error {
	if _, err := readParams(r.URL.Query()); err != nil {
		return err
	}
	name := mux.Vars(r)["tileset"]
	layers, err := s.tileset(r, name)
	if err != nil {
		return err
	}
	version, err := s.store.Version(r.Context())
	if err != nil {
		return err
	}
	// The URLs name the data version, so a client that reads this TileJSON
	// after a change asks for new tiles instead of the ones its cache holds.
	tj := tiles.NewTileJSON(baseURL(r)+"/tiles/"+name+"/{z}/{x}/{y}.mvt?v="+s.tileVersion(version), MaxZoom, vectorLayers(layers)...)
	tj.Name = "planmap " + name
	tj.Description = "Wuhan 14th Five-Year Plan and 2035 Vision — 武汉市“十四五”规划空间要素"
	tj.Attribution = attributionHTML(layers)
	tj.Version = "1.0.0"
	if b, ok := layersBound(layers); ok {
		tj.Bounds = [4]float64{b.Min[0], b.Min[1], b.Max[0], b.Max[1]}
		c := b.Center()
		tj.Center = [3]float64{c[0], c[1], 10}
	}
	w.Header().Set("ETag", `"`+hash(version+tj.Tiles[0])+`"`)
	return writeJSON(w, r, http.StatusOK, typeJSON, tj)
}

// creditSep separates credits in one line, as MapLibre separates sources.
const creditSep = " | "

// attributionHTML credits the sources of the layers a tileset holds, each
// once, in layer order. TileJSON's attribution is HTML to MapLibre, so the
// credits are escaped: they are text, whatever characters they hold.
func attributionHTML(layers []geo.Layer) string {
	var out []string
	seen := map[string]bool{}
	for _, l := range layers {
		for _, c := range l.Attribution {
			if !seen[c] {
				seen[c] = true
				out = append(out, html.EscapeString(c))
			}
		}
	}
	return strings.Join(out, creditSep)
}

// layersBound is the union of the layers' extents.
func layersBound(layers []geo.Layer) (orb.Bound, bool) {
	var b orb.Bound
	ok := false
	for _, l := range layers {
		if l.Count == 0 || l.Bounds.IsZero() {
			continue
		}
		if !ok {
			b, ok = l.Bounds, true
		} else {
			b = b.Union(l.Bounds)
		}
	}
	return b, ok
}

func vectorLayers(layers []geo.Layer) []tiles.VectorLayer {
	fields := map[string]string{
		"id":      "feature id (not in a dense layer's tiles: the OGC items?tile_id= parameter finds a feature by its MVT id)",
		"name_zh": "Chinese name (not in a dense layer's tiles)", "name_en": "English name (not in a dense layer's tiles)",
		"kind": "kind of element", "status": "existing, under_construction, planned, expansion or upgrade",
		"accuracy": "surveyed, approximate, indicative, district or unknown", "color": "official colour (metro lines)",
	}
	out := make([]tiles.VectorLayer, len(layers))
	for i, l := range layers {
		out[i] = tiles.VectorLayer{ID: l.ID, Fields: fields, Description: l.TitleZH + " " + l.TitleEN,
			MinZoom: l.Style.MinZoom, MaxZoom: MaxZoom}
	}
	return out
}

// tileRoute names the tile route, which matchTile matches.
const tileRoute = "/tiles/{tileset}/{z}/{x}/{y}.mvt"

// matchTile matches /tiles/{tileset}/{z}/{x}/{y}.mvt (a tileset of a-z, 0-9
// and -; z, x and y anything but empty or a slash, for the handler to check)
// and sets those route variables. It does what a path template would, with
// no regexp to run for every tile.
func matchTile(r *http.Request, m *mux.RouteMatch) bool {
	rest, ok := strings.CutPrefix(r.URL.Path, "/tiles/")
	if !ok {
		return false
	}
	if rest, ok = strings.CutSuffix(rest, ".mvt"); !ok {
		return false
	}
	p := strings.Split(rest, "/")
	if len(p) != 4 || !tilesetName(p[0]) || p[1] == "" || p[2] == "" || p[3] == "" {
		return false
	}
	m.Vars = map[string]string{"tileset": p[0], "z": p[1], "x": p[2], "y": p[3]}
	return true
}

func tilesetName(s string) bool {
	for _, c := range s {
		if !(c == '-' || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
			return false
		}
	}
	return s != ""
}

func (s *Server) tile(w http.ResponseWriter, r *http.Request) error {
	q, err := readParams(r.URL.Query(), "v")
	if err != nil {
		return err
	}
	v := mux.Vars(r)
	t, err := tiles.ParseTileID(v["z"], v["x"], v["y"], MaxZoom)
	if err != nil {
		return errBadParam(err.Error())
	}
	layers, err := s.tileset(r, v["tileset"])
	if err != nil {
		return err
	}
	version, err := s.store.Version(r.Context())
	if err != nil {
		return err
	}
	key := tiles.Key(v["tileset"], version, t)
	// The key names the content exactly (data version, tileset, tile, encoder
	// settings), so a revalidation needs no tile at all.
	// A strong tag names one representation (RFC 9110 8.8.3): the identity
	// body is other bytes than the gzip one, so it gets its own tag.
	gz := acceptsGzip(r)
	coding := "gzip"
	if !gz {
		coding = "identity"
	}
	etag := `"` + hash(s.tileFormat+key+"\x00"+coding) + `"`
	h := w.Header()
	h.Set("ETag", etag)
	h.Set("Cache-Control", s.tileCacheControl(q.get("v"), version))
	h.Set("Vary", "Accept-Encoding")
	if tiles.NoneMatch(r.Header.Get("If-None-Match"), etag) {
		w.WriteHeader(http.StatusNotModified)
		return nil
	}
	data, _, err := s.cache.GetOrBuild(r.Context(), key, func() ([]byte, error) {
		return s.buildTile(r, t, layers)
	})
	if err != nil {
		return err
	}
	if len(data) == 0 {
		w.WriteHeader(http.StatusNoContent)
		return nil
	}
	return writeTile(w, r, data, gz)
}

// versionedTiles is the Cache-Control of a tile asked for under the current
// data version (?v= from the TileJSON): that URL names its content exactly,
// so it never needs asking again. Without it, or under an older version (a
// TileJSON read before a change), a tile is cached as configured.
const versionedTiles = "public, max-age=31536000, immutable"

func (s *Server) tileCacheControl(v, version string) string {
	if v != "" && v == s.tileVersion(version) {
		return versionedTiles
	}
	return s.opts.TileCacheControl
}

// tileVersion names a data version and the tiles' encoding in a URL.
func (s *Server) tileVersion(version string) string {
	return hash(s.tileFormat + version)[:12]
}

// buildTile asks the store for a tile and keeps it gzipped, as most clients take it.
func (s *Server) buildTile(r *http.Request, t tiles.TileID, layers []geo.Layer) ([]byte, error) {
	if t.Z < heavyTileZoom { // draws much of every layer: one of the heavy slots (web/overload.go)
		release, err := s.heavy.enter(r.Context())
		if err != nil {
			return nil, err
		}
		defer release()
	}
	req := geo.TileRequest{Tile: t, Options: s.opts.Tiles}
	if req.Options.DenseDrop == nil {
		req.Options.DenseDrop = geo.TileDenseDrop
	}
	for _, l := range layers {
		req.Layers = append(req.Layers, geo.TileLayer{ID: l.ID, MinZoom: l.Style.MinZoom,
			Dense: tiles.Dense(l.Count, l.Bounds, t.Z, req.Options)})
	}
	raw, err := s.store.Tile(r.Context(), req)
	if err != nil || len(raw) == 0 {
		return nil, err
	}
	return tiles.Gzip(raw), nil
}

// writeTile sends gzipped tile bytes, unpacking them for the rare client that
// does not accept gzip.
func writeTile(w http.ResponseWriter, r *http.Request, gz []byte, acceptsGzip bool) error {
	h := w.Header()
	h.Set("Content-Type", typeMVT)
	if acceptsGzip {
		h.Set("Content-Encoding", "gzip")
		h.Set("Content-Length", fmt.Sprint(len(gz)))
		w.WriteHeader(http.StatusOK)
		if r.Method != http.MethodHead {
			_, _ = w.Write(gz)
		}
		return nil
	}
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		return err
	}
	raw, err := io.ReadAll(zr)
	if err != nil {
		return err
	}
	h.Set("Content-Length", fmt.Sprint(len(raw)))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write(raw)
	}
	return nil
}

func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		name, q, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.EqualFold(strings.TrimSpace(name), "gzip") && strings.ReplaceAll(q, " ", "") != "q=0" {
			return true
		}
	}
	return false
}

func hash(s string) string {
	h := fnv.New128a()
	h.Write([]byte(s))
	return fmt.Sprintf("%x", h.Sum(nil))
}
