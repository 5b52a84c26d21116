package postgis_test

import (
	"context"
	"testing"
	"time"

	"planmap/geo"
	"planmap/geo/storetest"
)

// TestSchemaFollowsEdits edits further properties the way psql or QGIS
// would: the schema a store serves must follow each change, though it is
// cached between changes.
func TestSchemaFollowsEdits(t *testing.T) {
	ctx := context.Background()
	s := loaded(t, storetest.Fixture())
	typeOf := func(key string) string {
		t.Helper()
		schema, err := s.Schema(ctx, storetest.LayerPoints)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range schema {
			if p.Name == key {
				return p.Type
			}
		}
		return ""
	}
	if got := typeOf("capacity"); got != geo.TypeInteger {
		t.Fatalf("capacity is %q before any edit", got)
	}
	for _, c := range []struct{ sql, key, want string }{
		{`UPDATE features SET extra = coalesce(extra, '{}') || '{"depth_m": 4.5}' WHERE id = 'p-000'`, "depth_m", geo.TypeNumber},
		{`UPDATE features SET extra = extra || '{"capacity": "many"}' WHERE id = 'p-201'`, "capacity", geo.TypeString},
		{`UPDATE features SET extra = extra - 'capacity' WHERE extra ? 'capacity'`, "capacity", ""},
		{`UPDATE features SET extra = '{"open": true}' WHERE id = 'yangluo'`, "open", geo.TypeBoolean},
	} {
		before, _ := s.Version(ctx)
		if _, err := s.Pool().Exec(ctx, c.sql); err != nil {
			t.Fatalf("%s: %v", c.sql, err)
		}
		// The store hears of an edit made elsewhere by notification.
		for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(10 * time.Millisecond) {
			if v, _ := s.Version(ctx); v != before || time.Now().After(deadline) {
				break
			}
		}
		if got := typeOf(c.key); got != c.want {
			t.Errorf("after %s: %s is %q, want %q", c.sql, c.key, got, c.want)
		}
	}
}
