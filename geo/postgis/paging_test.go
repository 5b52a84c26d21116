package postgis_test

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"planmap/geo"
	"planmap/geo/postgis"
	"planmap/geo/postgis/pgtest"
	"planmap/geo/storetest"
)

// TestCountFollowsEdits: a query's count is kept per data version, so an
// edit made outside planmap (psql) changes the next page's count.
func TestCountFollowsEdits(t *testing.T) {
	ctx := context.Background()
	url := pgtest.URL(t)
	s, err := postgis.Open(ctx, url, postgis.Options{Migrate: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if _, err := postgis.Load(ctx, s, storetest.Fixture(), nil); err != nil {
		t.Fatal(err)
	}
	q := geo.Query{Props: map[string]string{"status": geo.StatusPlanned}, Limit: 5}
	first, err := s.Features(ctx, storetest.LayerPoints, q)
	if err != nil {
		t.Fatal(err)
	}
	before, _ := s.Version(ctx)
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "DELETE FROM features WHERE id = 'p-000'"); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if v, _ := s.Version(ctx); v != before {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the data version did not change")
		}
	}
	q.After = "p-100"
	page, err := s.Features(ctx, storetest.LayerPoints, q)
	if err != nil || page.Matched != first.Matched-1 {
		t.Errorf("after the edit: matched %d (%v), want %d", page.Matched, err, first.Matched-1)
	}
}
