package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"planmap/data"
	"planmap/data/synth"
	"planmap/geo"
	"planmap/geo/postgis"
	"planmap/geo/postgis/pgtest"
	"planmap/web"
)

// TestReloadUnderTraffic reloads a dataset whose every feature changed
// while clients read items, tiles and /readyz: every probe is a 200 (the
// previous version until the reload commits, then the new one).
// PLANMAP_RELOAD_POINTS sets the size (with a tenth as many lines): CI runs
// 30,000; BENCHMARKS.md gives the run at 500,000.
func TestReloadUnderTraffic(t *testing.T) {
	n := 30000
	if testing.Short() {
		n = 5000
	}
	if v := os.Getenv("PLANMAP_RELOAD_POINTS"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil || n < 1000 {
			t.Fatalf("PLANMAP_RELOAD_POINTS=%q: want a whole number of at least 1000", v)
		}
	}
	ctx := context.Background()
	dirs := [2]string{t.TempDir(), t.TempDir()}
	for i, dir := range dirs {
		if err := synth.Write(dir, synth.Sizes{Points: n, Lines: n / 10}, uint64(i+1)); err != nil {
			t.Fatal(err)
		}
	}
	s, err := postgis.Open(ctx, pgtest.URL(t), postgis.Options{Migrate: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := postgis.LoadFS(ctx, s, data.Dir(dirs[0]), nil); err != nil {
		t.Fatal(err)
	}
	srv := newServerOpts(t, s, web.Options{Timeout: 3 * time.Second})
	paths := []string{"/readyz", "/ogc/collections/" + synth.LayerPoints + "/items?limit=20&bbox=114.2,30.5,114.4,30.7",
		"/tiles/" + synth.LayerPoints + "/12/3348/1682.mvt", "/ogc/collections/" + synth.LayerLines + "/items/" + firstID(t, dirs[0])}
	var probes, bad atomic.Int64
	var mu sync.Mutex
	var failures []string
	stop := make(chan struct{})
	var wg sync.WaitGroup
	start := time.Now()
	for _, p := range paths {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				asked := time.Now()
				resp, err := http.Get(srv.URL + p)
				probes.Add(1)
				code := 0
				if err == nil {
					code = resp.StatusCode
					resp.Body.Close()
				}
				if code != 200 && code != 204 {
					bad.Add(1)
					mu.Lock()
					failures = append(failures, fmt.Sprintf("%s: %d %v, asked %s into the reload, answered after %s",
						p, code, err, asked.Sub(start).Round(time.Millisecond), time.Since(asked).Round(time.Millisecond)))
					mu.Unlock()
				}
				time.Sleep(20 * time.Millisecond)
			}
		}()
	}
	sum, err := postgis.LoadFS(ctx, s, data.Dir(dirs[1]), nil)
	took := time.Since(start)
	time.Sleep(200 * time.Millisecond)
	close(stop)
	wg.Wait()
	if err != nil {
		t.Fatal(err)
	}
	if sum.Total().Updated < n {
		t.Fatalf("the reload changed %+v, want every feature updated", sum.Total())
	}
	t.Logf("reloaded %d changed features in %s under %d probes", sum.Total().Updated, took.Round(time.Millisecond), probes.Load())
	if bad.Load() > 0 {
		t.Errorf("%d of %d probes failed during the reload, e.g. %v", bad.Load(), probes.Load(), failures[:min(5, len(failures))])
	}
	if probes.Load() < 20 {
		t.Errorf("only %d probes: the reload was too quick to tell", probes.Load())
	}
}

// firstID is the id of the first line of a synthetic dataset.
func firstID(t *testing.T, dir string) string {
	var id string
	_, err := data.Scan(os.DirFS(dir), func(f geo.Feature) error {
		if id == "" && f.Layer == synth.LayerLines {
			id = f.ID
		}
		return nil
	})
	if err != nil || id == "" {
		t.Fatalf("no line in the synthetic dataset: %v", err)
	}
	return id
}

func newServerOpts(t *testing.T, store geo.Store, opts web.Options) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(web.New(store, opts))
	t.Cleanup(srv.Close)
	return srv
}

// TestReadyWhileLocked: /readyz is 503 while the features cannot be read
// (a table locked by DDL), not only while the database is down, and 200
// again once they can.
func TestReadyWhileLocked(t *testing.T) {
	ctx := context.Background()
	s, err := postgis.Open(ctx, pgtest.URL(t), postgis.Options{Migrate: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	srv := newServerOpts(t, s, web.Options{Timeout: 5 * time.Second})
	get := func() int {
		resp, err := http.Get(srv.URL + "/readyz")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if code := get(); code != 200 {
		t.Fatalf("readyz: %d", code)
	}
	tx, err := s.Pool().Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(ctx, "LOCK TABLE features IN ACCESS EXCLUSIVE MODE"); err != nil {
		t.Fatal(err)
	}
	// readyz answers from the last probe when a new one takes longer than a
	// moment (web/ready.go), so a load balancer polling it sees the 503 once
	// the probe's 2 s are up.
	until := func(want int) (int, time.Duration) {
		start := time.Now()
		code := get()
		for code != want && time.Since(start) < 6*time.Second {
			time.Sleep(100 * time.Millisecond)
			code = get()
		}
		return code, time.Since(start)
	}
	code, took := until(503)
	tx.Rollback(ctx)
	if code != 503 {
		t.Errorf("readyz with features locked: %d after %s, want 503 within the ping's 2 s and a poll", code, took)
	}
	if code, took := until(200); code != 200 {
		t.Errorf("readyz after the lock: %d after %s", code, took)
	}
}
