// Package pgtest gives tests a fresh PostGIS database. It uses
// PLANMAP_TEST_DATABASE_URL when set; otherwise it starts one throwaway
// PostgreSQL cluster per test binary (initdb + pg_ctl in a temp dir, reached
// by a Unix socket there, fsync off) and removes it when Main returns. Without PostgreSQL or
// PostGIS the tests skip with a notice, or fail when PLANMAP_REQUIRE_POSTGIS=1.
package pgtest

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// Environment variables the harness reads.
const (
	EnvURL     = "PLANMAP_TEST_DATABASE_URL"
	EnvRequire = "PLANMAP_REQUIRE_POSTGIS"
)

// template is the database every fresh one is copied from: PostGIS is
// installed there once, so CREATE DATABASE is all a test pays for.
const template = "planmap_template"

var (
	mu      sync.Mutex
	once    sync.Once
	server  *cluster // nil when EnvURL is used
	baseURL string   // the server's maintenance database
	initErr error
	seq     atomic.Int64
)

// Main runs the tests and then stops and removes the throwaway cluster.
// Call it from TestMain: func TestMain(m *testing.M) { pgtest.Main(m) }.
func Main(m *testing.M) {
	code := m.Run()
	mu.Lock()
	if server != nil {
		server.remove()
	}
	mu.Unlock()
	os.Exit(code)
}

// URL returns the URL of a new, empty database with PostGIS installed,
// dropped again when the test ends.
func URL(t testing.TB) string {
	t.Helper()
	once.Do(setup)
	if initErr != nil {
		unavailable(t, initErr)
	}
	name := fmt.Sprintf("planmap_test_%d_%d", os.Getpid(), seq.Add(1))
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := admin(ctx, fmt.Sprintf("CREATE DATABASE %s TEMPLATE %s", name, template)); err != nil {
		t.Fatalf("pgtest: create database: %v", err)
	}
	t.Cleanup(func() { dropDatabase(name) })
	return withDatabase(baseURL, name)
}

// Stop stops the throwaway cluster (for tests of an unreachable database)
// and starts it again when the test ends, should the test not; it skips the
// test when an external database is in use.
func Stop(t testing.TB) {
	t.Helper()
	c := own(t)
	mu.Lock()
	defer mu.Unlock()
	if err := c.stop(); err != nil {
		t.Fatalf("pgtest: stop: %v", err)
	}
	t.Cleanup(func() {
		mu.Lock()
		defer mu.Unlock()
		if !c.running {
			_ = c.start()
		}
	})
}

// Start starts the throwaway cluster again, at the same socket.
func Start(t testing.TB) {
	t.Helper()
	c := own(t)
	mu.Lock()
	defer mu.Unlock()
	if c.running {
		return
	}
	if err := c.start(); err != nil {
		t.Fatalf("pgtest: start: %v", err)
	}
}

func own(t testing.TB) *cluster {
	once.Do(setup)
	if initErr != nil {
		unavailable(t, initErr)
	}
	mu.Lock()
	defer mu.Unlock()
	if server == nil {
		t.Skipf("pgtest: cannot stop an external database (%s is set)", EnvURL)
	}
	return server
}

func unavailable(t testing.TB, err error) {
	t.Helper()
	if os.Getenv(EnvRequire) == "1" {
		t.Fatalf("pgtest: PostGIS is required (%s=1) but unavailable: %v", EnvRequire, err)
	}
	fmt.Fprintf(os.Stderr, "NOTICE: skipping PostGIS test %s: %v\n", t.Name(), err)
	t.Skipf("PostGIS unavailable: %v", err)
}

func setup() {
	mu.Lock()
	defer mu.Unlock()
	if u := os.Getenv(EnvURL); u != "" {
		baseURL = u
	} else {
		server, initErr = newCluster()
		if initErr != nil {
			return
		}
		baseURL = server.url("postgres")
	}
	initErr = makeTemplate()
}

// makeTemplate (re)creates the template database with PostGIS.
func makeTemplate() error {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := admin(ctx, "DROP DATABASE IF EXISTS "+template); err != nil {
		return err
	}
	if err := admin(ctx, "CREATE DATABASE "+template); err != nil {
		return err
	}
	conn, err := pgx.Connect(ctx, withDatabase(baseURL, template))
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	var ok bool
	err = conn.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'postgis')`).Scan(&ok)
	if err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("the PostGIS extension is not installed (apt-get install postgresql-15-postgis-3)")
	}
	_, err = conn.Exec(ctx, "CREATE EXTENSION postgis")
	return err
}

// admin runs one statement on the server's maintenance database.
func admin(ctx context.Context, sql string) error {
	conn, err := pgx.Connect(ctx, baseURL)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, sql)
	return err
}

func dropDatabase(name string) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	// WITH (FORCE) ends connections a test's store may still hold.
	_ = admin(ctx, fmt.Sprintf("DROP DATABASE IF EXISTS %s WITH (FORCE)", name))
}

func withDatabase(raw, db string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	u.Path = "/" + db
	return u.String()
}
