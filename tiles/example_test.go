package tiles_test

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/paulmach/orb"

	"planmap/tiles"
)

// A tile handler as the web layer might write it: parse, build once through
// the cache, answer 204 for empty tiles and 304 for matching ETags.
func Example() {
	const version = "1.0.0" // the data version: part of every cache key
	stations := []tiles.Feature{{ID: 1, Geometry: orb.Point{114.2505, 30.6196}, Properties: tiles.NewProps(map[string]any{"name_en": "Hankou"})}}
	cache := tiles.NewCache(64 << 20)

	mux := http.NewServeMux()
	mux.HandleFunc("GET /tiles/plan/{z}/{x}/{y}", func(w http.ResponseWriter, r *http.Request) {
		y, ok := strings.CutSuffix(r.PathValue("y"), ".mvt")
		id, err := tiles.ParseTileID(r.PathValue("z"), r.PathValue("x"), y, 16)
		if !ok || err != nil {
			var pe *tiles.ParseError
			if errors.As(err, &pe) {
				http.Error(w, pe.Error(), http.StatusBadRequest)
			} else {
				http.NotFound(w, r)
			}
			return
		}
		key := tiles.Key("plan", version, id)
		data, _, err := cache.GetOrBuild(r.Context(), key, func() ([]byte, error) {
			return tiles.Encode(id, []tiles.Layer{{Name: "stations", Features: stations}}, tiles.Options{})
		})
		switch {
		case err != nil:
			http.Error(w, "tile failed", http.StatusInternalServerError)
			return
		case data == nil:
			w.WriteHeader(http.StatusNoContent)
			return
		}
		// The key names the content (tileset, data version, tile), so it
		// can be the tag; a server that also sends the tile gzipped needs a
		// second tag for that body.
		etag := `"` + key + `"`
		w.Header().Set("ETag", etag)
		w.Header().Set("Cache-Control", "public, max-age=3600")
		if tiles.NoneMatch(r.Header.Get("If-None-Match"), etag) {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("Content-Type", "application/vnd.mapbox-vector-tile")
		w.Write(data)
	})

	get := func(path, inm string) *httptest.ResponseRecorder {
		r := httptest.NewRequest("GET", path, nil)
		if inm != "" {
			r.Header.Set("If-None-Match", inm)
		}
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, r)
		return rec
	}
	first := get("/tiles/plan/14/13391/6726.mvt", "")
	fmt.Println(first.Code, first.Header().Get("Content-Type"))
	fmt.Println(get("/tiles/plan/14/13391/6726.mvt", first.Header().Get("ETag")).Code)
	fmt.Println(get("/tiles/plan/14/0/0.mvt", "").Code)
	bad := get("/tiles/plan/14/13391/-1.mvt", "")
	fmt.Println(bad.Code, strings.TrimSpace(bad.Body.String()))
	s := cache.Stats()
	fmt.Println("hits", s.Hits, "misses", s.Misses, "entries", s.Entries)
	// Output:
	// 200 application/vnd.mapbox-vector-tile
	// 304
	// 204
	// 400 tile y "-1": must not be negative
	// hits 1 misses 2 entries 2
}
