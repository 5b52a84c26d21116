package web_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"planmap/geo/memstore"
	"planmap/geo/storetest"
	"planmap/web"
)

// discard is a ResponseWriter that keeps only the headers, so that a
// benchmark measures the server's work, not a recorder's copying.
type discard struct{ h http.Header }

func (d *discard) Header() http.Header         { return d.h }
func (d *discard) Write(b []byte) (int, error) { return len(b), nil }
func (d *discard) WriteHeader(int)             {}

// BenchmarkCachedTile serves one cached tile through the whole handler, as
// a map's repeated requests meet it: what is left besides writing the bytes.
func BenchmarkCachedTile(b *testing.B) {
	h := web.New(memstore.New(storetest.Fixture()), web.Options{TileCacheBytes: 1 << 20})
	req := httptest.NewRequest("GET", "http://localhost/tiles/plan/12/3349/1683.mvt", nil)
	req.Header.Set("Accept-Encoding", "gzip, deflate, br")
	req.RemoteAddr = "127.0.0.1:40000"
	w := &discard{h: http.Header{}}
	h.ServeHTTP(w, req)
	if w.h.Get("Content-Encoding") != "gzip" {
		b.Fatalf("no gzipped tile: %v", w.h)
	}
	b.ReportAllocs()
	for b.Loop() {
		w.h = make(http.Header, 16) // net/http gives each response a fresh map
		h.ServeHTTP(w, req)
	}
}
