package postgis_test

import (
	"context"
	"testing"

	"planmap/geo/postgis"
)

// TestTileCellsKeptCurrent edits features every way SQL can (delete, move,
// insert, in one statement and in several) and wants tile_cells to hold
// what working it out again from tile_features gives: the lowest rank of
// every occupied cell at every level.
func TestTileCellsKeptCurrent(t *testing.T) {
	s := loaded(t, synth(3000, 5))
	ctx := context.Background()
	cellsInStep(t, s, "after load")
	for _, step := range []struct{ what, sql string }{
		{"delete", `DELETE FROM features WHERE id IN (SELECT id FROM features ORDER BY id LIMIT 40)`},
		{"move", `UPDATE features SET geom = ST_Translate(geom, 0.013, -0.007) WHERE id LIKE 'syn-00001%'`},
		{"insert", `CREATE TEMP TABLE more AS SELECT * FROM features WHERE id LIKE 'syn-00002%';
			UPDATE more SET id = 'new-' || id, geom = ST_Translate(geom, -0.002, 0.004);
			ALTER TABLE more DROP COLUMN tile_id; -- the last column: the database gives new ones
			INSERT INTO features SELECT * FROM more`},
		{"delete the winners", `DELETE FROM features WHERE id IN (SELECT id FROM tile_features f JOIN tile_cells c USING (rank) WHERE c.level < 12)`},
		{"delete all", `DELETE FROM features`},
	} {
		if _, err := s.Pool().Exec(ctx, step.sql); err != nil {
			t.Fatalf("%s: %v", step.what, err)
		}
		cellsInStep(t, s, step.what)
	}
}

// cellsInStep fails unless tile_cells holds what working it out again from
// tile_features gives: the lowest rank of every occupied cell at every
// level.
func cellsInStep(t *testing.T, s *postgis.Store, what string) {
	t.Helper()
	var missing, extra int
	if err := s.Pool().QueryRow(context.Background(), `WITH want AS (
		SELECT f.layer, l::smallint AS level, tile_cell_x(f.geom, l) AS cx, tile_cell_y(f.geom, l) AS cy, min(f.rank) AS rank
		FROM tile_features f, generate_series(0, 16) l WHERE f.point GROUP BY 1, 2, 3, 4)
		SELECT (SELECT count(*) FROM (SELECT * FROM want EXCEPT SELECT layer, level, cx, cy, rank FROM tile_cells) a),
		       (SELECT count(*) FROM (SELECT layer, level, cx, cy, rank FROM tile_cells EXCEPT SELECT * FROM want) a)`).
		Scan(&missing, &extra); err != nil {
		t.Fatal(err)
	}
	if missing+extra > 0 {
		t.Errorf("%s: tile_cells lacks %d cells and has %d it should not", what, missing, extra)
	}
}
