package web

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/fnv"
	"html"
	"io"
	"net/http"
	"net/url"
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
func (s *Server) tileset(ctx context.Context, name string) ([]geo.Layer, error) {
	layers, err := s.store.Layers(ctx)
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
	layers, err := s.tileset(r.Context(), name)
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

// tilePath is what a tile URL names.
type tilePath struct{ tileset, z, x, y string }

// parseTilePath reads /tiles/{tileset}/{z}/{x}/{y}.mvt (tileset of a-z, 0-9
// and -; z, x and y anything but empty or a slash, for the handler to check)
// with no regexp and no allocation: tiles are most of what a map asks for.
func parseTilePath(path string) (tilePath, bool) {
	rest, ok := strings.CutPrefix(path, "/tiles/")
	if !ok {
		return tilePath{}, false
	}
	if rest, ok = strings.CutSuffix(rest, ".mvt"); !ok {
		return tilePath{}, false
	}
	var p [4]string
	for i := range p {
		if i < 3 {
			p[i], rest, ok = strings.Cut(rest, "/")
		} else {
			p[i], ok = rest, !strings.Contains(rest, "/")
		}
		if !ok || p[i] == "" || p[i] == "." || p[i] == ".." { // the router cleans those
			return tilePath{}, false
		}
	}
	if !tilesetName(p[0]) {
		return tilePath{}, false
	}
	return tilePath{p[0], p[1], p[2], p[3]}, true
}

// matchTile is the router's matcher of tile URLs (parseTilePath), for the
// requests the front door's fast path leaves to the router.
func matchTile(r *http.Request, m *mux.RouteMatch) bool {
	p, ok := parseTilePath(r.URL.Path)
	if ok {
		m.Vars = map[string]string{"tileset": p.tileset, "z": p.z, "x": p.x, "y": p.y}
	}
	return ok
}

func tilesetName(s string) bool {
	for _, c := range s {
		if !(c == '-' || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
			return false
		}
	}
	return s != ""
}

// tile serves a tile the router matched.
func (s *Server) tile(w http.ResponseWriter, r *http.Request) error {
	v := mux.Vars(r)
	return s.serveTile(w, r, tilePath{v["tileset"], v["z"], v["x"], v["y"]})
}

// serveTileFast serves a GET or HEAD of a tile URL straight from the front
// door, without the router's copies of the request and without a deadline
// unless the tile must be built: a cached tile is a map lookup and a write.
// (handle does the same for every other route.)
func (s *Server) serveTileFast(w http.ResponseWriter, r *http.Request, p tilePath) {
	defer func() {
		if v := recover(); v != nil {
			s.opts.Log.Error("panic", "id", requestID(r), "path", r.URL.Path, "panic", v)
			s.writeError(w, r, errors.New("panic"))
		}
	}()
	if rec, ok := w.(*recorder); ok {
		rec.route = tileRoute
	}
	err := checkRequest(w, r)
	if err == nil {
		err = s.serveTile(w, r, p)
	}
	if err != nil {
		s.writeError(w, r, err)
	}
}

// Header values every tile shares, set without building a slice each time
// (net/http only reads them).
var (
	hdrMVT    = []string{typeMVT}
	hdrGzip   = []string{"gzip"}
	hdrVaryAE = []string{"Accept-Encoding"}
)

func (s *Server) serveTile(w http.ResponseWriter, r *http.Request, p tilePath) error {
	v, err := tileQuery(r.URL)
	if err != nil {
		return err
	}
	t, err := tiles.ParseTileID(p.z, p.x, p.y, MaxZoom)
	if err != nil {
		return errBadParam(err.Error())
	}
	version, err := s.store.Version(r.Context())
	if err != nil {
		return err
	}
	key := tiles.Key(p.tileset, version, t)
	// The key names the content exactly (data version, tileset, tile, encoder
	// settings), so a revalidation needs no tile at all, nor even the layers:
	// a tileset that does not exist has no tile that was given a tag.
	// A strong tag names one representation (RFC 9110 8.8.3): the identity
	// body is other bytes than the gzip one, so it gets its own tag.
	gz := acceptsGzip(r)
	h := w.Header()
	h["Etag"] = []string{s.tileETag(key, gz)}
	h["Cache-Control"] = s.tileCacheHeader(v, version)
	h["Vary"] = hdrVaryAE
	if tiles.NoneMatch(r.Header.Get("If-None-Match"), h["Etag"][0]) {
		w.WriteHeader(http.StatusNotModified)
		return nil
	}
	data, _, err := s.cache.GetOrBuild(r.Context(), key, func() ([]byte, error) {
		ctx, cancel := context.WithTimeout(r.Context(), s.opts.Timeout)
		defer cancel()
		return s.buildTile(ctx, p.tileset, t)
	})
	if err != nil {
		delete(h, "Cache-Control") // an error is not kept (writeError)
		delete(h, "Vary")
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
	return s.tileCacheHeader(v, version)[0]
}

// tileCacheHeader is tileCacheControl as a header value, one of two made once.
func (s *Server) tileCacheHeader(v, version string) []string {
	if v != "" && v == s.tileVersion(version) {
		return hdrVersioned
	}
	return s.tileCC
}

var hdrVersioned = []string{versionedTiles}

// tileVersion names a data version and the tiles' encoding in a URL,
// worked out once per data version (every tile request asks).
func (s *Server) tileVersion(version string) string {
	if tv := s.lastTV.Load(); tv != nil && tv[0] == version {
		return tv[1]
	}
	tv := &[2]string{version, hash(s.tileFormat + version)[:12]}
	s.lastTV.Store(tv)
	return tv[1]
}

// tileQuery reads a tile URL's query: only v, the data version the TileJSON
// named. Its usual form, v= and a short alphanumeric value alone, is read
// without parsing the query into a map; anything else by readParams.
func tileQuery(u *url.URL) (string, error) {
	if v, ok := strings.CutPrefix(u.RawQuery, "v="); ok && len(v) <= 64 && alnum(v) {
		return v, nil
	}
	if u.RawQuery == "" {
		return "", nil
	}
	q, err := readParams(u.Query(), "v")
	if err != nil {
		return "", err
	}
	return q.get("v"), nil
}

func alnum(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			return false
		}
	}
	return true
}

// tileETag is the strong tag of a tile's gzip or identity body: a hash of
// the encoder settings, the key and the coding, as 32 hex digits.
func (s *Server) tileETag(key string, gz bool) string {
	var buf [160]byte
	b := append(append(buf[:0], s.tileFormat...), key...)
	if gz {
		b = append(b, "\x00gzip"...)
	} else {
		b = append(b, "\x00identity"...)
	}
	sum := sha256.Sum256(b)
	var out [34]byte
	out[0], out[33] = '"', '"'
	hex.Encode(out[1:33], sum[:16])
	return string(out[:])
}

// buildTile asks the store for a tile and keeps it gzipped, as most clients
// take it.
func (s *Server) buildTile(ctx context.Context, tileset string, t tiles.TileID) ([]byte, error) {
	layers, err := s.tileset(ctx, tileset)
	if err != nil {
		return nil, err
	}
	if t.Z < heavyTileZoom { // draws much of every layer: one of the heavy slots (web/overload.go)
		release, err := s.heavy.enter(ctx)
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
	raw, err := s.store.Tile(ctx, req)
	if err != nil || len(raw) == 0 {
		return nil, err
	}
	return tiles.GzipAt(raw, s.gzipLevel), nil
}

// writeTile sends gzipped tile bytes, unpacking them for the rare client that
// does not accept gzip.
func writeTile(w http.ResponseWriter, r *http.Request, gz []byte, acceptsGzip bool) error {
	h := w.Header()
	h["Content-Type"] = hdrMVT
	body := gz
	if acceptsGzip {
		h["Content-Encoding"] = hdrGzip
	} else {
		zr, err := gzip.NewReader(bytes.NewReader(gz))
		if err != nil {
			return err
		}
		if body, err = io.ReadAll(zr); err != nil {
			return err
		}
	}
	writeBody(w, r, body)
	return nil
}

func acceptsGzip(r *http.Request) bool {
	for rest := r.Header.Get("Accept-Encoding"); rest != ""; {
		var part string
		part, rest, _ = strings.Cut(rest, ",")
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
