package postgis_test

import (
	"context"
	"errors"
	"net/url"
	"testing"
	"time"

	"planmap/geo"
	"planmap/geo/postgis"
	"planmap/geo/postgis/pgtest"
	"planmap/geo/storetest"
)

func TestStartsWhileDown(t *testing.T) {
	url := pgtest.URL(t)
	pgtest.Stop(t)
	ctx := context.Background()
	s, err := postgis.Open(ctx, url, postgis.Options{})
	if err != nil {
		t.Fatalf("Open while the database is down: %v", err)
	}
	defer s.Close()
	if err := s.Ping(ctx); !errors.Is(err, geo.ErrUnavailable) {
		t.Fatalf("Ping while down = %v, want ErrUnavailable", err)
	}
	if _, err := s.Layers(ctx); !errors.Is(err, geo.ErrUnavailable) {
		t.Errorf("Layers while down = %v, want ErrUnavailable", err)
	}
	pgtest.Start(t)
	if err := s.Ping(ctx); !errors.Is(err, geo.ErrOutOfDate) {
		t.Fatalf("Ping after the database came back, not yet migrated = %v, want ErrOutOfDate", err)
	}
	if err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if err := s.Ping(ctx); err != nil {
		t.Fatalf("Ping after migrating = %v", err)
	}
	if _, err := postgis.Load(ctx, s, storetest.Fixture(), nil); err != nil {
		t.Fatal(err)
	}
}

func TestRecoversAfterRestart(t *testing.T) {
	s := loaded(t, storetest.Fixture())
	ctx := context.Background()
	query := func() error {
		_, err := s.Features(ctx, storetest.LayerPoints, geo.Query{Limit: 10})
		return err
	}
	if err := query(); err != nil {
		t.Fatal(err)
	}
	pgtest.Stop(t)
	if err := query(); !errors.Is(err, geo.ErrUnavailable) {
		t.Errorf("query while down = %v, want ErrUnavailable", err)
	}
	if err := s.Ping(ctx); !errors.Is(err, geo.ErrUnavailable) {
		t.Errorf("Ping while down = %v, want ErrUnavailable", err)
	}
	pgtest.Start(t)
	if err := s.Ping(ctx); err != nil {
		t.Errorf("Ping after restart = %v", err)
	}
	if err := query(); err != nil {
		t.Errorf("query after restart = %v", err)
	}
}

func TestCancel(t *testing.T) {
	s := loaded(t, storetest.Fixture())
	ctx, cancel := context.WithTimeout(context.Background(), time.Nanosecond)
	defer cancel()
	<-ctx.Done()
	_, err := s.Features(ctx, storetest.LayerPoints, geo.Query{Limit: 10})
	if !errors.Is(err, context.DeadlineExceeded) || errors.Is(err, geo.ErrUnavailable) {
		t.Errorf("err = %v, want the caller's deadline, not ErrUnavailable", err)
	}
}

func TestMigrateTwice(t *testing.T) {
	s := open(t)
	if err := s.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	ms, err := postgis.Migrations()
	if err != nil {
		t.Fatal(err)
	}
	var n, last int
	err = s.Pool().QueryRow(context.Background(), "SELECT count(*), max(version) FROM schema_migrations").Scan(&n, &last)
	if err != nil || n != len(ms) || last != ms[len(ms)-1].Version {
		t.Errorf("schema_migrations: %d rows up to %d, %v; want %d", n, last, err, len(ms))
	}
}

func TestOptions(t *testing.T) {
	url := pgtest.URL(t)
	ctx := context.Background()
	for _, c := range []struct {
		opts postgis.Options
		want string
	}{
		{postgis.Options{}, "5s"},
		{postgis.Options{StatementTimeout: 250 * time.Millisecond, MaxConns: 2}, "250ms"},
		{postgis.Options{StatementTimeout: -1}, "0"},
	} {
		s, err := postgis.Open(ctx, url, c.opts)
		if err != nil {
			t.Fatal(err)
		}
		var got string
		if err := s.Pool().QueryRow(ctx, "SHOW statement_timeout").Scan(&got); err != nil || got != c.want {
			t.Errorf("%+v: statement_timeout = %q, %v; want %q", c.opts, got, err, c.want)
		}
		if c.opts.MaxConns > 0 && s.Pool().Config().MaxConns != c.opts.MaxConns {
			t.Errorf("MaxConns = %d, want %d", s.Pool().Config().MaxConns, c.opts.MaxConns)
		}
		s.Close()
	}
}

// TestMissingDatabase: a database that does not exist (not yet created, or
// a typo in the URL) is a store planmap cannot reach, as a server that is
// down is: 503 and retry, not a 500.
func TestMissingDatabase(t *testing.T) {
	u, err := url.Parse(pgtest.URL(t))
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/planmap_no_such_database"
	s, err := postgis.Open(context.Background(), u.String(), postgis.Options{})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer s.Close()
	if err := s.Ping(context.Background()); !errors.Is(err, geo.ErrUnavailable) {
		t.Errorf("Ping = %v, want ErrUnavailable", err)
	}
	if _, err := s.Layers(context.Background()); !errors.Is(err, geo.ErrUnavailable) {
		t.Errorf("Layers = %v, want ErrUnavailable", err)
	}
}
