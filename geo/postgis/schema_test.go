package postgis_test

import (
	"context"
	"testing"
	"time"

	"planmap/geo"
	"planmap/geo/postgis"
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
	propertiesInStep(t, s)
	for _, c := range []struct{ sql, key, want string }{
		{`UPDATE features SET extra = coalesce(extra, '{}') || '{"depth_m": 4.5}' WHERE id = 'p-000'`, "depth_m", geo.TypeNumber},
		{`UPDATE features SET extra = extra || '{"capacity": "many"}' WHERE id = 'p-201'`, "capacity", geo.TypeString},
		{`UPDATE features SET status = 'existing' WHERE id = 'p-201'`, "capacity", geo.TypeString},
		{`UPDATE features SET extra = extra - 'capacity' WHERE extra ? 'capacity'`, "capacity", ""},
		{`UPDATE features SET extra = '{"open": true}' WHERE id = 'yangluo'`, "open", geo.TypeBoolean},
		{`UPDATE features SET layer = 'areas' WHERE id = 'yangluo'`, "open", ""},
		{`UPDATE features SET extra = '[1, 2]' WHERE id = 'p-000'`, "depth_m", ""},
		{`INSERT INTO features (id, layer, status, accuracy, updated, extra) VALUES ('added', 'points', 'planned', 'unknown', now(), '{"depth_m": 3}')`, "depth_m", geo.TypeInteger},
		{`DELETE FROM features WHERE id = 'added'`, "depth_m", ""},
		{`UPDATE features SET extra = NULL WHERE id = 'p-249'`, "late_note", ""},
		{`TRUNCATE features CASCADE`, "name_plan", ""},
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
		propertiesInStep(t, s)
		if got := typeOf(c.key); got != c.want {
			t.Errorf("after %s: %s is %q, want %q", c.sql, c.key, got, c.want)
		}
	}
}

// propertiesInStep fails unless layer_properties counts exactly the further
// properties features hold, by layer, key and type.
func propertiesInStep(t *testing.T, s *postgis.Store) {
	t.Helper()
	tableInStep(t, s, "SELECT * FROM layer_properties WHERE n <> 0", `SELECT f.layer, t.key, t.type, count(*) AS n
		FROM features f CROSS JOIN LATERAL extra_types(f.extra) t GROUP BY 1, 2, 3`)
}

// TestLayerPropertiesMigration upgrades a database holding features from the
// schema before layer_properties: the migration must count their properties.
func TestLayerPropertiesMigration(t *testing.T) {
	ctx := context.Background()
	s := upgraded(t, 7, portsSQL(`('yangluo', '阳逻港', 'existing', 'unknown', '{"berths": 12, "draught_m": 12.5}', NULL::geometry),
		('hannan', '汉南港', 'planned', 'unknown', '{"berths": 4}', NULL)`))
	propertiesInStep(t, s)
	schema, err := s.Schema(ctx, "ports")
	if err != nil {
		t.Fatal(err)
	}
	types := map[string]string{}
	for _, p := range schema {
		types[p.Name] = p.Type
	}
	if types["berths"] != geo.TypeInteger || types["draught_m"] != geo.TypeNumber {
		t.Errorf("after the migration: berths %q, draught_m %q; want integer, number", types["berths"], types["draught_m"])
	}
}
