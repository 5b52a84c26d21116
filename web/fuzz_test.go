package web

import (
	"math"
	"net/http"
	"strings"
	"sync"
	"testing"

	"planmap/geo/memstore"
	"planmap/geo/storetest"
	"planmap/web/hostile"
)

// FuzzBBox: parseBBox never panics, and what it accepts in any CRS is
// finite, ordered and inside CRS84.
func FuzzBBox(f *testing.F) {
	for _, s := range []string{"114.2,30.5,114.4,30.6", "-180,-90,180,90", "114,30,0,115,31,100", "1,2,3",
		"NaN,0,1,1", "Infinity,0,1,1", "1e308,0,1,1", "0x1p-2,0,1,1", "1_0,0,1,1", " 1 , 2 , 3 , 4 ", "-0,-0,0,0",
		"115,30,114,31", "1,1,1,1,1,1,1", ",,,", "114,30,10,115,31,0", "4.9e-324,0,1e-400,1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for i := range crsList {
			b, err := parseBBox(s, &crsList[i])
			if err != nil {
				if b != nil {
					t.Fatalf("%q: error %v with a bbox", s, err)
				}
				if _, ok := err.(*apiError); !ok {
					t.Fatalf("%q: error %T is not an apiError", s, err)
				}
				continue
			}
			for _, v := range []float64{b.Min[0], b.Min[1], b.Max[0], b.Max[1]} {
				if math.IsNaN(v) || math.IsInf(v, 0) {
					t.Fatalf("%q accepted as %v: not finite", s, b)
				}
			}
			if b.Min[0] > b.Max[0] || b.Min[1] > b.Max[1] {
				t.Fatalf("%q accepted as %v: not ordered", s, b)
			}
			if b.Min[0] < -180 || b.Max[0] > 180 || b.Min[1] < -90 || b.Max[1] > 90 {
				t.Fatalf("%q accepted as %v: outside CRS84", s, b)
			}
			if n := strings.Count(s, ",") + 1; n != 4 && n != 6 {
				t.Fatalf("%q accepted with %d numbers", s, n)
			}
		}
	})
}

// FuzzDatetime: parseDatetime never panics; an accepted value has a closed
// end, start ≤ end, and no closed end the zero time (which reads as open).
func FuzzDatetime(f *testing.F) {
	for _, s := range []string{"2026-01-03", "2026-01-03T00:00:00Z", "2026-01-11/2026-01-20", "../2026-01-05", "2026-01-05/..",
		"2026-01-05/", "/2026-01-05", "../..", "/", "2026-02-01/2026-01-01", "0001-01-01T00:00:00Z", "../0001-01-01T00:00:00Z",
		"2026-01-01T00:00:00+14:00/2026-01-01T00:00:00-12:00", "9999-12-31T23:59:59.999999999Z", "2026-13-45", "2026-01-01T24:00:00Z",
		"2026-01-01t00:00:00z", "a/b/c", "0000-01-01"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := parseDatetime(s)
		if err != nil {
			if _, ok := err.(*apiError); !ok || r != nil {
				t.Fatalf("%q: error %T %v with range %v", s, err, err, r)
			}
			return
		}
		if r.Start.IsZero() && r.End.IsZero() {
			t.Fatalf("%q accepted as an interval open at both ends", s)
		}
		if !r.Start.IsZero() && !r.End.IsZero() && r.End.Before(r.Start) {
			t.Fatalf("%q accepted with end %v before start %v", s, r.End, r.Start)
		}
		// A closed side must stay closed.
		for i, side := range strings.SplitN(s, "/", 2) {
			closed := side != "" && side != ".."
			if !strings.Contains(s, "/") {
				closed, i = true, -1
			}
			switch {
			case closed && (i == 0 || i == -1) && r.Start.IsZero():
				t.Fatalf("%q: closed start read as open", s)
			case closed && (i == 1 || i == -1) && r.End.IsZero():
				t.Fatalf("%q: closed end read as open", s)
			}
		}
	})
}

// fuzzServer is one fixture server shared by every FuzzQuery exec.
var fuzzServer = sync.OnceValue(func() http.Handler {
	return New(memstore.New(storetest.Fixture()), Options{TileCacheBytes: 1 << 20})
})

// FuzzQuery sends raw query strings to the endpoints that read the most
// parameters: the answer is 200, 204, 304, 400 or 404, errors are JSON
// {code, description}, and nothing internal leaks.
func FuzzQuery(f *testing.F) {
	paths := []string{"/ogc/collections/points/items", "/api/nearby", "/api/search", "/tiles/plan/10/843/414.mvt"}
	for _, s := range []struct {
		path  uint8
		query string
	}{
		{0, "limit=10&offset=5&bbox=114.1,30.4,114.3,30.6&datetime=2026-01-11/2026-01-20&status=planned"},
		{0, "bbox=%zz"}, {0, "bbox=114,30,115,31;limit=1"}, {0, "limit=99999999999999999999"}, {0, "datetime=../.."},
		{0, "kind=%00&district=%ff%fe"}, {0, "f=json&f=geojson"}, {0, "offset=-0"}, {0, "limit=+5"},
		{1, "lon=114.398&lat=30.505&radius=10000&layers=points,areas&limit=5"}, {1, "lon=NaN&lat=Infinity"},
		{1, "lon=114&lat=30&radius=1e308"}, {2, "q=%E9%98%B3%E9%80%BB"}, {2, "q=%27%20OR%201%3D1%20--"},
		{2, "q=" + strings.Repeat("a", 101)}, {3, ""}, {3, "x=1"}, {0, "%gg=1"}, {0, "=&&=="},
	} {
		f.Add(s.path, s.query)
	}
	f.Fuzz(func(t *testing.T, which uint8, query string) {
		if len(query) > 4096 {
			return // bounded by checkQuery/MaxHeaderBytes; keep each exec cheap
		}
		target := paths[int(which)%len(paths)] + "?" + query
		w := hostile.Do(fuzzServer(), http.MethodGet, target)
		switch w.Code {
		case 200, 204, 304, 400, 404:
		default:
			t.Fatalf("GET %q: status %d: %.300s", target, w.Code, w.Body.Bytes())
		}
		if msg := hostile.Check(http.MethodGet, target, w.Code, w.Header(), w.Body.Bytes()); msg != "" {
			t.Fatalf("GET %q: %s", target, msg)
		}
	})
}
