package postgis_test

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"planmap/geo"
	"planmap/geo/storetest"
)

// unservable are rows PostgreSQL itself would take but planmap could not
// serve, each with the constraint that keeps it out.
var unservable = []struct{ name, set, constraint string }{
	{"POINT EMPTY", "geom = 'SRID=4326;POINT EMPTY'", "features_servable_geometry"},
	{"empty collection", "geom = 'SRID=4326;MULTIPOLYGON EMPTY'", "features_servable_geometry"},
	{"empty part", "geom = 'SRID=4326;MULTIPOINT(EMPTY, 114.3 30.5)'", "features_servable_geometry"},
	{"NaN", "geom = ST_SetSRID(ST_MakePoint('NaN', 30.5), 4326)", "features_servable_geometry"},
	{"infinite", "geom = ST_SetSRID(ST_MakePoint(114.3, 'Infinity'), 4326)", "features_servable_geometry"},
	{"off the earth", "geom = 'SRID=4326;POINT(200 30)'", "features_servable_geometry"},
	{"self-crossing polygon", "geom = 'SRID=4326;POLYGON((114 30, 115 31, 114 31, 115 30, 114 30))'", "features_servable_geometry"},
	{"collection", "geom = 'SRID=4326;GEOMETRYCOLLECTION(POINT(114.3 30.5))'", "features_servable_geometry"},
	{"unknown status", "status = 'imagined'", "features_known_status"},
	{"unknown accuracy", "accuracy = 'guessed'", "features_known_accuracy"},
}

// TestServableRows: no statement can put an unservable row into features,
// by UPDATE or INSERT, and the refusal names the constraint.
func TestServableRows(t *testing.T) {
	s := loaded(t, storetest.Fixture())
	ctx := context.Background()
	before := snapshot(t, s)
	for _, c := range unservable {
		for _, sql := range []string{
			"UPDATE features SET " + c.set + " WHERE id = 'yangluo'",
			"INSERT INTO features (id, layer, name_zh, kind, status, accuracy, source, updated, geom) " +
				"SELECT 'new-one', layer, 'x', kind, status, accuracy, source, updated, geom FROM features WHERE id = 'yangluo'; " +
				"UPDATE features SET " + c.set + " WHERE id = 'new-one'",
		} {
			_, err := s.Pool().Exec(ctx, "BEGIN; "+sql+"; COMMIT")
			var pgErr *pgconn.PgError
			if !errors.As(err, &pgErr) || pgErr.Code != "23514" || pgErr.ConstraintName != c.constraint {
				t.Errorf("%s: %v, want a check violation of %s", c.name, err, c.constraint)
			}
			s.Pool().Exec(ctx, "ROLLBACK")
		}
	}
	if _, err := s.Pool().Exec(ctx, "UPDATE features SET id = 'Bad Id' WHERE id = 'yangluo'"); err == nil {
		t.Error("an id that is not kebab-case entered")
	}
	if after := snapshot(t, s); after != before {
		t.Error("a refused row changed the table")
	}
}

// TestUnservableRowsFromBefore: a database that took such rows before the
// constraints existed still migrates (the migration warns and leaves them),
// and every answer that holds them is still served: their geometry reads as
// none and the collection's extent leaves them out.
func TestUnservableRowsFromBefore(t *testing.T) {
	var sql []string
	for i, c := range unservable {
		if !strings.HasPrefix(c.set, "geom") {
			continue
		}
		sql = append(sql, "INSERT INTO features (id, layer, name_zh, kind, status, accuracy, source, updated, geom) VALUES "+
			"('bad-"+string(rune('a'+i))+"', 'ports', '坏', 'port', 'planned', 'approximate', 't', now(), NULL)",
			"UPDATE features SET "+c.set+" WHERE id = 'bad-"+string(rune('a'+i))+"'")
	}
	s := upgraded(t, 9, portsSQL("('ok', '好', 'planned', 'approximate', '{}', 'SRID=4326;POINT(114.3 30.5)'::geometry)")+"; "+strings.Join(sql, "; "))
	ctx := context.Background()
	page, err := s.Features(ctx, "ports", geo.Query{Limit: 100})
	if err != nil {
		t.Fatalf("items with unservable rows: %v", err)
	}
	if len(page.Features) != 1+len(sql)/2 {
		t.Errorf("%d features, want %d", len(page.Features), 1+len(sql)/2)
	}
	for _, f := range page.Features {
		// Empty and non-finite geometries (the first five) read as none;
		// the others are finite, so JSON and tiles can carry them as they are.
		if f.ID != "ok" && f.ID < "bad-f" && f.Geometry != nil {
			t.Errorf("%s: geometry %v, want none", f.ID, f.Geometry)
		}
	}
	layers, err := s.Layers(ctx)
	if err != nil || len(layers) != 1 {
		t.Fatalf("layers: %v, %v", layers, err)
	}
	for _, v := range []float64{layers[0].Bounds.Min[0], layers[0].Bounds.Min[1], layers[0].Bounds.Max[0], layers[0].Bounds.Max[1]} {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			t.Errorf("extent %v is not finite", layers[0].Bounds)
		}
	}
	if _, err := s.Feature(ctx, "ports", "bad-a"); err != nil {
		t.Errorf("one unservable feature: %v", err)
	}
	var valid bool
	if err := s.Pool().QueryRow(ctx, "SELECT convalidated FROM pg_constraint WHERE conname = 'features_servable_geometry'").Scan(&valid); err != nil || valid {
		t.Errorf("the constraint is validated (%v, %v) over rows that break it", valid, err)
	}
}
