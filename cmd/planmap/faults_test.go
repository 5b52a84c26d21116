package main

import (
	"bytes"
	"context"
	"log/slog"

	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"planmap/geo/postgis"
	"planmap/geo/postgis/pgtest"
	"planmap/web"
)

// servePG loads the plan into a fresh database and serves it.
func servePG(t *testing.T, timeout time.Duration) (*httptest.Server, string) {
	url := pgtest.URL(t)
	var out, errb bytes.Buffer
	if code := run([]string{"load", "--embedded", "--database-url", url}, &out, &errb); code != 0 {
		t.Fatalf("load: %s", errb.String())
	}
	db := dbFlags{url: url, timeout: timeout}
	store, _, err := openStore(slog.New(slog.DiscardHandler), &db, "", origin{}, false)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	srv := httptest.NewServer(web.New(store, web.Options{Timeout: timeout}))
	t.Cleanup(srv.Close)
	return srv, url
}

// TestDatabaseStopsUnderTraffic stops PostgreSQL while clients keep asking:
// every answer is a 200 or a 503 with Retry-After, none hangs, and answers
// come back by themselves once the database does.
func TestDatabaseStopsUnderTraffic(t *testing.T) {
	srv, _ := servePG(t, 2*time.Second)
	paths := []string{"/ogc/collections/metro-stations/items?limit=20", "/api/nearby?lon=114.398&lat=30.505",
		"/api/search?q=%E9%98%B3%E9%80%BB", "/readyz", "/tiles/plan/13/6697/3364.mvt"}
	var bad atomic.Int64
	var got503, got200 atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	client := &http.Client{Timeout: 10 * time.Second}
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			for n := 0; ; n++ {
				select {
				case <-stop:
					return
				default:
				}
				p := paths[(i+n)%len(paths)]
				start := time.Now()
				resp, err := client.Get(srv.URL + p)
				if err != nil {
					bad.Add(1)
					t.Errorf("%s: %v", p, err)
					return
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				switch {
				case time.Since(start) > 5*time.Second:
					bad.Add(1)
					t.Errorf("%s took %s", p, time.Since(start))
				case resp.StatusCode == 503 && resp.Header.Get("Retry-After") != "":
					got503.Add(1)
				case resp.StatusCode == 200 || resp.StatusCode == 204:
					got200.Add(1)
				default:
					bad.Add(1)
					t.Errorf("%s: %d", p, resp.StatusCode)
				}
			}
		}(i)
	}
	time.Sleep(500 * time.Millisecond)
	pgtest.Stop(t)
	time.Sleep(1500 * time.Millisecond)
	pgtest.Start(t)
	recovered := false
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		if resp, err := client.Get(srv.URL + paths[0]); err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				recovered = true
				break
			}
		}
	}
	close(stop)
	wg.Wait()
	if !recovered {
		t.Error("no 200 after the database came back")
	}
	if got503.Load() == 0 || bad.Load() > 0 {
		t.Errorf("%d answers 200, %d answers 503, %d bad", got200.Load(), got503.Load(), bad.Load())
	}
}

// TestSlowDatabase holds a lock that makes every feature query wait: the
// answer is a 503 within the request deadline, not a hang.
func TestSlowDatabase(t *testing.T) {
	srv, url := servePG(t, time.Second)
	s, err := postgis.Open(context.Background(), url, postgis.Options{StatementTimeout: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	tx, err := s.Pool().Begin(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(context.Background())
	if _, err := tx.Exec(context.Background(), "LOCK TABLE features IN ACCESS EXCLUSIVE MODE"); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"/ogc/collections/metro-stations/items?limit=5", "/api/nearby?lon=114.398&lat=30.505"} {
		start := time.Now()
		resp, err := http.Get(srv.URL + p)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		took := time.Since(start)
		if resp.StatusCode != 503 || resp.Header.Get("Retry-After") == "" || took > 2*time.Second {
			t.Errorf("%s with a locked table: %d in %s (Retry-After %q), want 503 within the 1 s deadline",
				p, resp.StatusCode, took, resp.Header.Get("Retry-After"))
		}
	}
	tx.Rollback(context.Background())
	resp, err := http.Get(srv.URL + "/ogc/collections/metro-stations/items?limit=5")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("after the lock is released: %d", resp.StatusCode)
	}
}
