// Package edition writes the static edition of the plan: the web map, a
// PMTiles archive of the plan tileset, each layer's GeoJSON, the TileJSON
// and the targets, as files that any static host, object store or CDN
// serves with no planmap behind it.
//
// Every file is what the server itself answers (the handler is asked
// in-process), so the edition shows exactly what the live map shows.
package edition

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/paulmach/orb"

	"planmap/geo"
	"planmap/tiles"
	"planmap/web"
)

// Config is the file by which the web map knows it is static (its
// static-mode.js reads it) and where the archive is.
const Config = "planmap-static.json"

// Options of an edition.
type Options struct {
	MaxZoom   int    // deepest zoom in the archive; the map overzooms beyond it
	PublicURL string // where the edition will be published, for the links inside its JSON
	Sources   []byte // SOURCES.md of the dataset; nil for none
	PlanText  []byte // the plan's text; nil for none
	Workers   int    // tiles built at once; 0: 2
}

// Summary says what was written.
type Summary struct {
	Layers, Features, Tiles int
	ArchiveBytes            int64
}

// Write writes the edition of the store's plan into dir (created if need be).
func Write(ctx context.Context, store geo.Store, dir string, o Options) (Summary, error) {
	var sum Summary
	if o.MaxZoom < 0 || o.MaxZoom > web.MaxZoom {
		return sum, fmt.Errorf("max zoom must be 0–%d, got %d", web.MaxZoom, o.MaxZoom)
	}
	if o.PublicURL == "" {
		o.PublicURL = "http://localhost"
	}
	h := web.New(store, web.Options{PublicURL: o.PublicURL, Sources: o.Sources, PlanText: o.PlanText,
		Timeout: time.Minute, MaxHeavy: max(2, o.Workers), TileGzipLevel: 9}) // the archive's tiles are built once
	e := &exporter{ctx: ctx, h: h, dir: dir}

	// The web map, with its page told that it is static.
	for _, p := range web.StaticPaths() {
		if err := e.copy(p, strings.TrimPrefix(p, "/")); err != nil {
			return sum, err
		}
	}
	page, err := e.get("/", false)
	if err != nil {
		return sum, err
	}
	if err := e.write("index.html", staticPage(page)); err != nil {
		return sum, err
	}

	// Data: the collections, each layer whole (GeoJSON and CSV), the tile
	// ids of its features, the targets, sources and plan text.
	colls, err := e.get("/ogc/collections", false)
	if err != nil {
		return sum, err
	}
	if err := e.write("collections.json", colls); err != nil {
		return sum, err
	}
	var cs struct {
		Collections []struct{ ID string } `json:"collections"`
	}
	if err := json.Unmarshal(colls, &cs); err != nil {
		return sum, err
	}
	tileIDs := map[string]map[string]string{}
	for _, c := range cs.Collections {
		b, err := e.get("/download/"+c.ID+".geojson", false)
		if err != nil {
			return sum, err
		}
		var fc struct {
			Features []struct{ ID string } `json:"features"`
		}
		if err := json.Unmarshal(b, &fc); err != nil {
			return sum, err
		}
		byTile, err := store.TileIDs(ctx, c.ID) // the store's own MVT ids
		if err != nil {
			return sum, err
		}
		ids := make(map[string]string, len(byTile))
		for tid, id := range byTile {
			ids[strconv.FormatUint(tid, 10)] = id
		}
		tileIDs[c.ID] = ids
		sum.Features += len(fc.Features)
		if err := e.write("layers/"+c.ID+".geojson", b); err != nil {
			return sum, err
		}
		if err := e.copy("/download/"+c.ID+".csv", "download/"+c.ID+".csv"); err != nil {
			return sum, err
		}
	}
	sum.Layers = len(cs.Collections)
	if err := e.writeJSON("tile-ids.json", tileIDs); err != nil {
		return sum, err
	}
	if err := e.copy("/api/targets", "targets.json"); err != nil {
		return sum, err
	}
	if err := e.copy("/api/basemap", "basemap.json"); err != nil { // none: the offline base layers only
		return sum, err
	}
	if o.Sources != nil {
		if err := e.copy(web.SourcesPath, "data/SOURCES.md"); err != nil {
			return sum, err
		}
	}
	if o.PlanText != nil {
		if err := e.copy(web.PlanPath, "plan.html"); err != nil {
			return sum, err
		}
	}

	// The plan tileset: its TileJSON, pointing at the archive, and the archive.
	var tj map[string]any
	b, err := e.get("/tiles/plan.json", false)
	if err != nil {
		return sum, err
	}
	if err := json.Unmarshal(b, &tj); err != nil {
		return sum, err
	}
	tj["tiles"] = []string{"pmtiles://plan.pmtiles/{z}/{x}/{y}"} // static-mode.js makes it absolute
	tj["maxzoom"] = o.MaxZoom
	if err := e.writeJSON("plan.json", tj); err != nil {
		return sum, err
	}
	bounds, center := tileJSONBounds(tj)
	archive, err := e.tiles(bounds, o.MaxZoom, max(1, o.Workers))
	if err != nil {
		return sum, err
	}
	sum.Tiles = len(archive)
	meta := map[string]any{"name": tj["name"], "description": tj["description"], "attribution": tj["attribution"],
		"vector_layers": tj["vector_layers"], "version": tj["version"], "type": "overlay", "format": "pbf"}
	f, err := os.Create(filepath.Join(dir, "plan.pmtiles"))
	if err != nil {
		return sum, err
	}
	err = tiles.WritePMTiles(f, archive, tiles.PMTilesMeta{MinZoom: 0, MaxZoom: o.MaxZoom,
		Bounds: [4]float64{bounds.Min[0], bounds.Min[1], bounds.Max[0], bounds.Max[1]}, Center: center, Metadata: meta})
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return sum, err
	}
	if st, err := os.Stat(filepath.Join(dir, "plan.pmtiles")); err == nil {
		sum.ArchiveBytes = st.Size()
	}
	ids := make([]string, len(cs.Collections))
	for i, c := range cs.Collections {
		ids[i] = c.ID
	}
	return sum, e.writeJSON(Config, map[string]any{"edition": "static", "pmtiles": "plan.pmtiles",
		"minzoom": 0, "maxzoom": o.MaxZoom, "layers": ids, "features": sum.Features, "tiles": sum.Tiles,
		"sources": o.Sources != nil, "plan": o.PlanText != nil, "exported": time.Now().UTC().Format(time.RFC3339)})
}

type exporter struct {
	ctx context.Context
	h   http.Handler
	dir string
}

// get asks the server for path: the body of a 200, or an error naming it.
func (e *exporter) get(path string, gzip bool) ([]byte, error) {
	code, b := e.ask(path, gzip)
	if code != http.StatusOK {
		return nil, fmt.Errorf("export: %s answered %d: %.300s", path, code, b)
	}
	return b, nil
}

func (e *exporter) ask(path string, gzip bool) (int, []byte) {
	r := httptest.NewRequestWithContext(e.ctx, http.MethodGet, path, nil)
	if gzip {
		r.Header.Set("Accept-Encoding", "gzip")
	}
	w := httptest.NewRecorder()
	e.h.ServeHTTP(w, r)
	return w.Code, w.Body.Bytes()
}

func (e *exporter) copy(path, file string) error {
	b, err := e.get(path, false)
	if err != nil {
		return err
	}
	return e.write(file, b)
}

func (e *exporter) write(file string, b []byte) error {
	p := filepath.Join(e.dir, filepath.FromSlash(file))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	return os.WriteFile(p, b, 0o644)
}

func (e *exporter) writeJSON(file string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return e.write(file, b)
}

// tiles builds every non-empty tile of the plan tileset over bounds, from
// zoom 0 to maxZoom, gzipped as the server sends them.
func (e *exporter) tiles(bounds orb.Bound, maxZoom, workers int) ([]tiles.PMTile, error) {
	jobs := make(chan tiles.TileID)
	var mu sync.Mutex
	var out []tiles.PMTile
	var firstErr error
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for t := range jobs {
				code, b := e.ask("/tiles/plan/"+t.String()+".mvt", true)
				mu.Lock()
				switch {
				case code == http.StatusOK:
					out = append(out, tiles.PMTile{ID: t, Data: b})
				case code != http.StatusNoContent && firstErr == nil:
					firstErr = fmt.Errorf("export: tile %s answered %d: %.300s", t, code, b)
				}
				mu.Unlock()
			}
		}()
	}
	for z := 0; z <= maxZoom && e.ctx.Err() == nil; z++ {
		for t := range tiles.Covering(bounds, uint32(z)).All() {
			jobs <- t
		}
	}
	close(jobs)
	wg.Wait()
	if firstErr == nil {
		firstErr = e.ctx.Err()
	}
	return out, firstErr
}

// tileJSONBounds reads bounds and center of a TileJSON document.
func tileJSONBounds(tj map[string]any) (orb.Bound, [3]float64) {
	num := func(v any, i int) float64 {
		if a, ok := v.([]any); ok && i < len(a) {
			f, _ := a[i].(float64)
			return f
		}
		return 0
	}
	b := orb.Bound{Min: orb.Point{num(tj["bounds"], 0), num(tj["bounds"], 1)}, Max: orb.Point{num(tj["bounds"], 2), num(tj["bounds"], 3)}}
	return b, [3]float64{num(tj["center"], 0), num(tj["center"], 1), num(tj["center"], 2)}
}

// staticPage turns the server's index.html into the edition's: its files
// are found relative to the page (an import map sends the modules' /static/
// imports there too, so the edition works under any path), and
// static-mode.js, loaded first, answers the page's API requests from files.
func staticPage(page []byte) []byte {
	s := string(page)
	s = strings.ReplaceAll(s, `href="/static/`, `href="static/`)
	s = strings.ReplaceAll(s, `src="/static/`, `src="static/`)
	head := `<script type="importmap">{"imports": {"/static/": "./static/"}}</script>
<script src="static/vendor/pmtiles/pmtiles.js"></script>
<script type="module" src="static/static-mode.js"></script>
`
	if i := strings.Index(s, `<script type="module"`); i >= 0 {
		s = s[:i] + head + s[i:]
	}
	return []byte(s)
}
