package postgis_test

import (
	"context"
	"testing"

	"planmap/data"
	"planmap/geo"
	"planmap/geo/postgis"
	"planmap/geo/postgis/pgtest"
	"planmap/geo/storetest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// open returns a migrated store on a fresh database, closed when the test ends.
func open(t testing.TB) *postgis.Store {
	t.Helper()
	ctx := context.Background()
	s, err := postgis.Open(ctx, pgtest.URL(t), postgis.Options{Migrate: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// loaded returns a store holding ds.
func loaded(t testing.TB, ds *data.Dataset) *postgis.Store {
	t.Helper()
	s := open(t)
	if _, err := postgis.Load(context.Background(), s, ds, nil); err != nil {
		t.Fatal(err)
	}
	return s
}

func TestContract(t *testing.T) {
	storetest.Run(t, func(t *testing.T, ds *data.Dataset) geo.Store { return loaded(t, ds) })
}
