package main

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"planmap/geo/postgis/pgtest"
)

// TestLoadWaitsForDatabase starts load while the database is down, as
// docker compose may: with --db-wait it retries until the database accepts
// connections and loads; without, it fails at once, naming the database.
func TestLoadWaitsForDatabase(t *testing.T) {
	url := pgtest.URL(t)
	pgtest.Stop(t)
	var out, errb bytes.Buffer
	t0 := time.Now()
	if code := run([]string{"load", "--embedded", "--database-url", url}, &out, &errb); code == 0 || time.Since(t0) > 10*time.Second {
		t.Fatalf("load without --db-wait on a stopped database: exit %d after %s", code, time.Since(t0))
	}
	done := make(chan int)
	errb.Reset()
	go func() {
		done <- run([]string{"load", "--embedded", "--db-wait", "60s", "--database-url", url}, &out, &errb)
	}()
	time.Sleep(2 * time.Second)
	select {
	case code := <-done:
		t.Fatalf("load gave up (exit %d) while waiting: %s", code, errb.String())
	default:
	}
	pgtest.Start(t)
	select {
	case code := <-done:
		if code != 0 || !strings.Contains(out.String(), "total") {
			t.Fatalf("load after the database came up: exit %d: %s %s", code, out.String(), errb.String())
		}
	case <-time.After(90 * time.Second):
		t.Fatal("load still waiting 90 s after the database came up")
	}
}
