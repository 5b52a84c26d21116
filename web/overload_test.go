package web_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"runtime/metrics"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"planmap/geo"
	"planmap/geo/memstore"
	"planmap/geo/storetest"
	"planmap/web"
)

// bigLine is a line of n coordinates winding over Wuhan.
func bigLine(n int) orb.LineString {
	l := make(orb.LineString, n)
	for i := range l {
		l[i] = orb.Point{114.0 + float64(i%1000)*0.0005, 30.3 + float64(i/1000)*0.0002}
	}
	return l
}

// heavyStore is the fixture with line-a made a line of n coordinates.
func heavyStore(n int) *memstore.Store {
	ds := storetest.Fixture()
	for i := range ds.Features {
		if ds.Features[i].ID == "line-a" {
			ds.Features[i].Geometry = bigLine(n)
		}
	}
	return memstore.New(ds)
}

// heapPeak samples the live-and-garbage heap every 2 ms until stop is
// closed and returns the largest value seen.
func heapPeak(stop <-chan struct{}) <-chan uint64 {
	out := make(chan uint64, 1)
	go func() {
		s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
		var peak uint64
		tick := time.NewTicker(2 * time.Millisecond)
		defer tick.Stop()
		for {
			metrics.Read(s)
			peak = max(peak, s[0].Value.Uint64())
			select {
			case <-stop:
				out <- peak
				return
			case <-tick.C:
			}
		}
	}()
	return out
}

type burst struct {
	ok, busy, bad atomic.Int64
	slowestBusy   atomic.Int64 // ns
	peak          uint64
}

// burstOn sends 32 clients at once, 3 requests each, at path.
func burstOn(t *testing.T, h http.Handler, path string, wantBytes int) *burst {
	srv := httptest.NewServer(h)
	defer srv.Close()
	runtime.GC()
	stop := make(chan struct{})
	peak := heapPeak(stop)
	var b burst
	var wg sync.WaitGroup
	start := make(chan struct{})
	for range 32 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			for range 3 {
				t0 := time.Now()
				resp, err := http.Get(srv.URL + path) // gzip, as browsers ask
				if err != nil {
					b.bad.Add(1)
					continue
				}
				n, _ := io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				switch {
				case resp.StatusCode == 200 && int(n) >= wantBytes:
					b.ok.Add(1)
				case resp.StatusCode == 503 && resp.Header.Get("Retry-After") != "":
					b.busy.Add(1)
					if d := int64(time.Since(t0)); d > b.slowestBusy.Load() {
						b.slowestBusy.Store(d)
					}
				default:
					b.bad.Add(1)
					t.Errorf("%s: %d, %d bytes", path, resp.StatusCode, n)
				}
			}
		}()
	}
	close(start)
	wg.Wait()
	close(stop)
	b.peak = <-peak
	return &b
}

// TestHeavyFeatureBurst: 32 clients ask at once for one feature of 300,000
// coordinates (6.4 MB of JSON, about 25 MB of buffers to answer). With two
// heavy slots the heap stays under a bound a few answers wide; the clients
// that find no slot get a quick 503 with Retry-After, and the answers that
// are given are whole.
func TestHeavyFeatureBurst(t *testing.T) {
	const n = 300_000
	store := heavyStore(n)
	path := "/ogc/collections/" + storetest.LayerLines + "/items/line-a"
	const bound = 300 << 20
	h := web.New(store, web.Options{MaxHeavy: 2})
	b := burstOn(t, h, path, 1000)
	t.Logf("2 slots: %d answers, %d busy (slowest %s), heap peak %d MB", b.ok.Load(), b.busy.Load(),
		time.Duration(b.slowestBusy.Load()), b.peak>>20)
	if b.ok.Load() == 0 || b.busy.Load() == 0 || b.bad.Load() > 0 {
		t.Errorf("%d answered, %d busy, %d bad: want some of each of the first two and none bad", b.ok.Load(), b.busy.Load(), b.bad.Load())
	}
	if b.peak > bound {
		t.Errorf("heap peaked at %d MB under 32 clients, over the %d MB bound", b.peak>>20, bound>>20)
	}
	if d := time.Duration(b.slowestBusy.Load()); d > 2*time.Second {
		t.Errorf("a busy answer took %s; it should come at once", d)
	}
	// The same burst with a slot for every client, for BENCHMARKS.md.
	if os.Getenv("PLANMAP_BENCH_UNBOUNDED") != "" {
		b := burstOn(t, web.New(store, web.Options{MaxHeavy: 32}), path, 1000)
		t.Logf("32 slots: %d answers, %d busy, heap peak %d MB", b.ok.Load(), b.busy.Load(), b.peak>>20)
	}
}

// TestHeavyGateSmallRequests: small answers never wait for a heavy slot.
func TestHeavyGateSmallRequests(t *testing.T) {
	h := web.New(memstore.New(storetest.Fixture()), web.Options{MaxHeavy: 1})
	for i := range 50 {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest("GET", "/ogc/collections/"+storetest.LayerLines+"/items", nil))
		if w.Code != 200 {
			t.Fatalf("request %d: %d", i, w.Code)
		}
	}
}

// slowPing is a store whose Ping waits as on a pool whose every connection
// is busy.
type slowPing struct {
	geo.Store
	slow  atomic.Bool
	delay time.Duration // while slow; 5 s when zero
}

func (s *slowPing) Ping(ctx context.Context) error {
	if s.slow.Load() {
		d := s.delay
		if d == 0 {
			d = 5 * time.Second
		}
		select {
		case <-time.After(d):
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return s.Store.Ping(ctx)
}

// TestReadyzFromState: /readyz answers at once from the last state while
// the store is too busy to answer a probe.
func TestReadyzFromState(t *testing.T) {
	store := &slowPing{Store: memstore.New(storetest.Fixture())}
	h := web.New(store, web.Options{Timeout: 10 * time.Second})
	ask := func() (int, time.Duration) {
		t0 := time.Now()
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest("GET", "/readyz", nil))
		return w.Code, time.Since(t0)
	}
	if code, _ := ask(); code != 200 {
		t.Fatalf("readyz %d", code)
	}
	store.slow.Store(true)
	for i := range 5 {
		if code, d := ask(); code != 200 || d > time.Second {
			t.Errorf("readyz %d with a busy store: %d in %s, want 200 from state at once", i, code, d)
		}
	}
	// Never answered: not ready, within a health check's time.
	fresh := web.New(store, web.Options{})
	w := httptest.NewRecorder()
	t0 := time.Now()
	fresh.ServeHTTP(w, httptest.NewRequest("GET", "/readyz", nil))
	if w.Code != 503 || time.Since(t0) > 3*time.Second {
		t.Errorf("first readyz on a hung store: %d in %s, want a 503 within 3 s", w.Code, time.Since(t0))
	}
	// A first probe slower than a later one may be (a busy moment at start)
	// is waited for: the store answers, so the instance is ready.
	slowStart := &slowPing{Store: memstore.New(storetest.Fixture()), delay: 800 * time.Millisecond}
	slowStart.slow.Store(true)
	w = httptest.NewRecorder()
	web.New(slowStart, web.Options{}).ServeHTTP(w, httptest.NewRequest("GET", "/readyz", nil))
	if w.Code != 200 {
		t.Errorf("first readyz on a store answering in 0.8 s: %d, want 200", w.Code)
	}
}

// slowTiles is a store whose tiles take a while to build.
type slowTiles struct {
	geo.Store
	building atomic.Int64
}

func (s *slowTiles) Tile(ctx context.Context, req geo.TileRequest) ([]byte, error) {
	s.building.Add(1)
	defer s.building.Add(-1)
	select {
	case <-time.After(2 * time.Second):
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	return s.Store.Tile(ctx, req)
}

// TestHeavyTiles: uncached low-zoom tiles take a heavy slot each; with
// every slot building, another is a quick 503 with Retry-After, while a
// street-zoom tile is built at once.
func TestHeavyTiles(t *testing.T) {
	store := &slowTiles{Store: memstore.New(storetest.Fixture())}
	h := web.New(store, web.Options{MaxHeavy: 1, TileCacheBytes: 1 << 20})
	ask := timedAsk(h)
	done := make(chan int)
	go func() { w, _ := ask("/tiles/plan/5/26/13.mvt"); done <- w.Code }()
	for store.building.Load() == 0 {
		time.Sleep(5 * time.Millisecond)
	}
	w, d := ask("/tiles/plan/6/52/26.mvt")
	if w.Code != 503 || w.Header().Get("Retry-After") == "" || d > time.Second {
		t.Errorf("a second low-zoom tile with the only slot taken: %d in %s (Retry-After %q), want a quick 503",
			w.Code, d, w.Header().Get("Retry-After"))
	}
	if w, _ := ask("/tiles/plan/14/13398/6738.mvt"); w.Code != 200 && w.Code != 204 {
		t.Errorf("a street-zoom tile waited for the heavy slot: %d", w.Code)
	}
	if code := <-done; code != 200 && code != 204 {
		t.Errorf("the first low-zoom tile: %d", code)
	}
}

// timedAsk asks h for a path and says how long the answer took.
func timedAsk(h http.Handler) func(path string) (*httptest.ResponseRecorder, time.Duration) {
	return func(path string) (*httptest.ResponseRecorder, time.Duration) {
		t0 := time.Now()
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest("GET", path, nil))
		return w, time.Since(t0)
	}
}
