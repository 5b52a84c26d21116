package postgis_test

import (
	"context"
	"testing"

	"planmap/geo/postgis"
	"planmap/geo/postgis/pgtest"
)

// TestTargetFiguresMigration upgrades a database whose targets hold the
// plan's wording in value (before 0007): the wording moves to value_text, the
// figure is empty until the next load, and only geo.Comparators are accepted.
func TestTargetFiguresMigration(t *testing.T) {
	ctx := context.Background()
	url := pgtest.URL(t)
	conn := migrateTo(t, url, 5)
	if _, err := conn.Exec(ctx, `INSERT INTO targets (id, position, metric, value, year)
		VALUES ('t-001', 0, '阳逻港集装箱吞吐量', '约300万标箱', 2025)`); err != nil {
		t.Fatal(err)
	}
	s, err := postgis.Open(ctx, url, postgis.Options{Migrate: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ts, err := s.Targets(ctx)
	if err != nil || len(ts) != 1 || ts[0].Text != "约300万标箱" || ts[0].Value != nil || ts[0].Comparator != "" {
		t.Fatalf("targets after the migration: %+v, %v; want the wording kept as text and no figure", ts, err)
	}
	for cmp, ok := range map[string]bool{"≥": true, "约": true, "~": false, "以上": false} {
		_, err := s.Pool().Exec(ctx, "UPDATE targets SET comparator = $1", cmp)
		if (err == nil) != ok {
			t.Errorf("comparator %q: %v, want accepted %v", cmp, err, ok)
		}
	}
}
