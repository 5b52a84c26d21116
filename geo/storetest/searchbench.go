package storetest

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"runtime"
	"slices"
	"testing"
	"time"
)

// SearchMix is what residents type, over planmap gen's names (合成要素N,
// Synthetic N) and the plan's own: names whole and begun, pinyin in full and
// as initials, a typo, a substring, aliases and places. %d is a random
// feature number.
var SearchMix = []string{"合成要素%d", "Synthetic %d", "synthetic %d", "hechengyaosu%d", "hcys%d",
	"syntetic %d", "要素%d", "光谷", "guanggu", "gg", "光古", "天河机场", "Tianhe airport", "临空港",
	"汉口江滩", "zhongshan dadao", "武汉站", "tianhe airprot"}

// BenchSearch sends the mix to h's /api/search, one request at a time, and
// reports the latency's median and 99th percentile.
func BenchSearch(b *testing.B, h http.Handler, features int) {
	rng := rand.New(rand.NewPCG(3, 4))
	type sample struct {
		d time.Duration
		q string
	}
	var lat []sample
	runtime.GC() // the garbage of loading the data is not the search's
	for b.Loop() {
		q := SearchMix[rng.IntN(len(SearchMix))]
		if n := rng.IntN(features); slices.Contains([]byte(q), '%') {
			q = fmt.Sprintf(q, n/(1+rng.IntN(100))) // numbers of every length, so prefixes match many
		}
		req := httptest.NewRequest(http.MethodGet, "/api/search?q="+url.QueryEscape(q), nil)
		w := httptest.NewRecorder()
		start := time.Now()
		h.ServeHTTP(w, req)
		lat = append(lat, sample{time.Since(start), q})
		if w.Code != http.StatusOK {
			b.Fatalf("%s: %d %s", q, w.Code, w.Body)
		}
	}
	slices.SortFunc(lat, func(a, c sample) int { return int(a.d - c.d) })
	for _, s := range lat[max(0, len(lat)-5):] {
		b.Logf("slow: %q %v", s.q, s.d)
	}
	ms := func(p float64) float64 { return float64(lat[int(p*float64(len(lat)-1))].d) / 1e6 }
	b.ReportMetric(ms(0.5), "p50-ms")
	b.ReportMetric(ms(0.99), "p99-ms")
	b.ReportMetric(ms(1), "max-ms")
}
