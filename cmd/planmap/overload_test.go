package main

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"planmap/geo/postgis"
	"planmap/geo/postgis/pgtest"
	"planmap/web"
)

// TestReadyzBusyPool fills a two-connection pool with queries that wait on
// a lock: /readyz still answers at once, from the state it last saw,
// rather than queueing behind them for a connection.
func TestReadyzBusyPool(t *testing.T) {
	url := pgtest.URL(t)
	if code := run([]string{"load", "--embedded", "--database-url", url}, io.Discard, io.Discard); code != 0 {
		t.Fatal("load failed")
	}
	db := dbFlags{url: url, maxConns: 2, timeout: 8 * time.Second}
	store, _, err := openStore(slog.New(slog.DiscardHandler), &db, "", origin{}, false)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	srv := httptest.NewServer(web.New(store, web.Options{Timeout: 10 * time.Second}))
	defer srv.Close()
	ready := func() (int, time.Duration) {
		t0 := time.Now()
		resp, err := http.Get(srv.URL + "/readyz")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode, time.Since(t0)
	}
	if code, _ := ready(); code != 200 {
		t.Fatalf("readyz %d with the database up", code)
	}
	locker, err := postgis.Open(context.Background(), url, postgis.Options{StatementTimeout: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer locker.Close()
	tx, err := locker.Pool().Begin(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(context.Background())
	if _, err := tx.Exec(context.Background(), "LOCK TABLE features IN ACCESS EXCLUSIVE MODE"); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for range 4 { // more than the pool holds: every connection waits on the lock
		wg.Add(1)
		go func() {
			defer wg.Done()
			if resp, err := http.Get(srv.URL + "/ogc/collections/metro-stations/items?limit=5"); err == nil {
				resp.Body.Close()
			}
		}()
	}
	time.Sleep(500 * time.Millisecond)
	for i := range 3 {
		if code, d := ready(); code != 200 || d > time.Second {
			t.Errorf("readyz %d with every connection busy: %d in %s, want 200 from state within a second", i, code, d)
		}
	}
	tx.Rollback(context.Background())
	wg.Wait()
}
