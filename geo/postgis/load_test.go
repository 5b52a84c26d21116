package postgis_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/jackc/pgx/v5"

	"planmap/data"
	"planmap/geo"
	"planmap/geo/postgis"
	"planmap/geo/postgis/pgtest"
	"planmap/geo/storetest"
	"planmap/tiles"
)

// snapshot is a fingerprint of everything a load may touch.
func snapshot(t *testing.T, s *postgis.Store) string {
	t.Helper()
	var out string
	err := s.Pool().QueryRow(context.Background(), `SELECT concat_ws(' ',
		(SELECT count(*) FROM features), (SELECT count(*) FROM feature_history),
		(SELECT count(*) FROM layers), (SELECT count(*) FROM targets),
		(SELECT md5(coalesce(string_agg(f::text, E'\n' ORDER BY id), '')) FROM features f),
		(SELECT md5(coalesce(string_agg(f::text, E'\n' ORDER BY id), '')) FROM tile_features f),
		(SELECT md5(coalesce(string_agg(h::text, E'\n' ORDER BY serial), '')) FROM feature_history h),
		(SELECT md5(coalesce(string_agg(l::text, E'\n' ORDER BY id), '')) FROM layers l),
		(SELECT md5(coalesce(string_agg(t::text, E'\n' ORDER BY id), '')) FROM targets t),
		(SELECT md5(coalesce(string_agg(p::text, E'\n' ORDER BY id), '')) FROM places p),
		(SELECT md5(coalesce(string_agg(a::text, E'\n' ORDER BY position), '')) FROM aliases a))`).Scan(&out)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func mustLoad(t *testing.T, s *postgis.Store, ds *data.Dataset) postgis.Summary {
	t.Helper()
	sum, err := postgis.Load(context.Background(), s, ds, nil)
	if err != nil {
		t.Fatal(err)
	}
	return sum
}

func TestLoadSummary(t *testing.T) {
	s := open(t)
	ds := storetest.Fixture()
	first := mustLoad(t, s, ds)
	if got := first.Total(); got != (postgis.Counts{Inserted: len(ds.Features)}) {
		t.Errorf("first load: %+v, want all %d inserted", got, len(ds.Features))
	}
	if got := first.Layers[storetest.LayerLines]; got != (postgis.Counts{Inserted: 2}) {
		t.Errorf("first load, lines: %+v", got)
	}
	before := snapshot(t, s)
	version, _ := s.Version(context.Background())
	again := mustLoad(t, s, ds)
	if got := again.Total(); got != (postgis.Counts{Unchanged: len(ds.Features)}) {
		t.Errorf("second load: %+v, want all %d unchanged", got, len(ds.Features))
	}
	if after := snapshot(t, s); after != before {
		t.Errorf("loading the same data again changed the database:\n%s\n%s", before, after)
	}
	if v, _ := s.Version(context.Background()); v != version {
		t.Errorf("an unchanged load moved the data version from %s to %s (every tile cache would be dropped)", version, v)
	}
	next := storetest.Fixture()
	next.Features[0].NameEN = "Renamed"
	mustLoad(t, s, next)
	if v, _ := s.Version(context.Background()); v == version {
		t.Errorf("a changed feature left the data version at %s", v)
	}
}

func TestLoadHistory(t *testing.T) {
	s := open(t)
	ds := storetest.Fixture()
	mustLoad(t, s, ds)

	next := storetest.Fixture()
	i := slices.IndexFunc(next.Features, func(f geo.Feature) bool { return f.ID == "yangluo-port" })
	next.Features[i].NameZH = "阳逻港区"
	next.Features = slices.DeleteFunc(next.Features, func(f geo.Feature) bool { return f.ID == "donut-lake" })
	sum := mustLoad(t, s, next)
	if got := sum.Layers[storetest.LayerPoints]; got.Updated != 1 || got.Unchanged != len(ds.Features)-4-1 {
		t.Errorf("points: %+v, want 1 updated", got)
	}
	if got := sum.Layers[storetest.LayerAreas]; got != (postgis.Counts{Removed: 1, Unchanged: 1}) {
		t.Errorf("areas: %+v, want 1 removed, 1 unchanged", got)
	}
	type version struct {
		id, op, name string
		version      int
		geom         bool
	}
	rows, err := s.Pool().Query(context.Background(), `SELECT feature_id, operation, row->>'name_zh', version,
		geom IS NOT NULL FROM feature_history ORDER BY serial`)
	if err != nil {
		t.Fatal(err)
	}
	var got []version
	for rows.Next() {
		var v version
		if err := rows.Scan(&v.id, &v.op, &v.name, &v.version, &v.geom); err != nil {
			t.Fatal(err)
		}
		got = append(got, v)
	}
	want := []version{{"donut-lake", "DELETE", "环湖", 1, true}, {"yangluo-port", "UPDATE", "阳逻港", 1, true}}
	if !slices.Equal(got, want) {
		t.Errorf("history = %+v, want %+v", got, want)
	}
	f, err := s.Feature(context.Background(), storetest.LayerPoints, "yangluo-port")
	if err != nil || f.NameZH != "阳逻港区" {
		t.Errorf("updated feature = %+v, %v", f, err)
	}
	if _, err := s.Feature(context.Background(), storetest.LayerAreas, "donut-lake"); !errors.Is(err, geo.ErrNotFound) {
		t.Errorf("removed feature: %v, want ErrNotFound", err)
	}
}

func TestLoadInvalid(t *testing.T) {
	s := open(t)
	mustLoad(t, s, storetest.Fixture())
	before := snapshot(t, s)

	bad := storetest.Fixture()
	bad.Features[5].Status = "imagined"
	bad.Features[6].NameZH = "changed, but never written"
	_, err := postgis.Load(context.Background(), s, bad, nil)
	var inv *data.Invalid
	if !errors.As(err, &inv) || len(inv.Problems) != 1 {
		t.Fatalf("err = %v, want *data.Invalid with one problem", err)
	}
	p := inv.Problems[0]
	if p.Feature != bad.Features[5].ID || p.File != data.LayerFile(bad.Features[5].Layer) || !strings.Contains(p.Msg, "imagined") {
		t.Errorf("problem = %+v, want it to name the file and feature", p)
	}
	if after := snapshot(t, s); after != before {
		t.Errorf("a refused load changed the database")
	}
}

// TestLoadFSInvalid: a dataset directory with a broken feature, streamed
// into the database, fails as invalid data (*data.Invalid, naming the file
// and feature), not as the COPY the loader had to abandon, which the server
// reports as a cancelled query (SQLSTATE 57014) and a retry wrapper would
// take for an unavailable store.
func TestLoadFSInvalid(t *testing.T) {
	s := open(t)
	m := fstest.MapFS{}
	err := fs.WalkDir(data.Embedded(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(data.Embedded(), p)
		m[p] = &fstest.MapFile{Data: b}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	file := data.LayerFile("ports")
	m[file].Data = bytes.Replace(m[file].Data, []byte(`"status":"existing"`), []byte(`"status":"imagined"`), 1)
	_, err = postgis.LoadFS(context.Background(), s, m, nil)
	var inv *data.Invalid
	if !errors.As(err, &inv) || errors.Is(err, geo.ErrUnavailable) {
		t.Fatalf("err = %v, want *data.Invalid and not ErrUnavailable", err)
	}
	if len(inv.Problems) != 1 || inv.Problems[0].File != file || !strings.Contains(inv.Problems[0].Msg, "imagined") {
		t.Errorf("problems = %+v, want one naming %s", inv.Problems, file)
	}
}

func TestLoadFailsHalfway(t *testing.T) {
	s := open(t)
	mustLoad(t, s, storetest.Fixture())
	before := snapshot(t, s)

	t.Run("cancelled during COPY", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		copied := 0
		_, err := postgis.Load(ctx, s, synth(30000, 1), func(done, total int) {
			if copied = done; done >= 10000 {
				cancel()
			}
		})
		if !errors.Is(err, context.Canceled) || copied == 30000 {
			t.Errorf("err = %v after %d rows, want context.Canceled mid-COPY", err, copied)
		}
		if after := snapshot(t, s); after != before {
			t.Errorf("a cancelled load changed the database")
		}
	})
	for _, stage := range []string{"layers", "diff", "write", "prune", "targets", "names"} {
		t.Run("failing after "+stage, func(t *testing.T) {
			boom := errors.New("injected failure")
			postgis.SetLoadHook(func(st string) error {
				if st == stage {
					return boom
				}
				return nil
			})
			defer postgis.SetLoadHook(nil)
			next := synth(100, 2)
			next.Layers = append(next.Layers, storetest.Fixture().Layers...)
			if _, err := postgis.Load(context.Background(), s, next, nil); !errors.Is(err, boom) {
				t.Errorf("err = %v, want the injected failure", err)
			}
			if after := snapshot(t, s); after != before {
				t.Errorf("a load failing after %s changed the database", stage)
			}
		})
	}
	if _, err := s.Features(context.Background(), storetest.LayerPoints, geo.Query{Limit: 1}); err != nil {
		t.Errorf("the store is unusable after failed loads: %v", err)
	}
}

func TestQGISViews(t *testing.T) {
	s := loaded(t, storetest.Fixture())
	var points, lines, polygons int
	var typ string
	err := s.Pool().QueryRow(context.Background(), `SELECT
		(SELECT count(*) FROM features_points), (SELECT count(*) FROM features_lines),
		(SELECT count(*) FROM features_polygons),
		(SELECT type FROM geometry_columns WHERE f_table_name = 'features_lines')`).Scan(&points, &lines, &polygons, &typ)
	if err != nil {
		t.Fatal(err)
	}
	// The fixture has 250 grid points, 3 named ones and one without a place.
	if points != storetest.GridPoints+3 || lines != 2 || polygons != 2 || typ != "MULTILINESTRING" {
		t.Errorf("views hold %d points, %d lines, %d polygons, lines typed %q", points, lines, polygons, typ)
	}
}

// schema fingerprints the indexes and constraints of features and the
// indexes of the tables filled from them, which a bulk load drops and makes
// again, and the owner and grants of search_keys, whose table it replaces.
func schema(t *testing.T, s *postgis.Store) string {
	t.Helper()
	var out string
	err := s.Pool().QueryRow(context.Background(), `SELECT concat_ws(E'\n',
		(SELECT string_agg(indexdef, E'\n' ORDER BY indexname) FROM pg_indexes WHERE tablename IN ('features', 'tile_features', 'search_keys', 'changes')),
		(SELECT string_agg(conname || ' ' || pg_get_constraintdef(oid), E'\n' ORDER BY conname)
		 FROM pg_constraint WHERE conrelid = 'features'::regclass),
		(SELECT 'search_keys: ' || relowner::regrole::text || ' ' || coalesce(relacl::text, 'default')
		 FROM pg_class WHERE oid = 'search_keys'::regclass))`).Scan(&out)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestBulkLoad(t *testing.T) {
	const n = 2000
	s := open(t)
	// A grant on search_keys stays when a bulk load puts its own in place.
	if _, err := s.Pool().Exec(context.Background(), "GRANT SELECT ON search_keys TO PUBLIC"); err != nil {
		t.Fatal(err)
	}
	want := schema(t, s)
	if !strings.Contains(want, "FOREIGN KEY") || !strings.Contains(want, "gist") ||
		!strings.Contains(want, "search_keys_key") || !strings.Contains(want, "changes_item") {
		t.Fatalf("schema fingerprint misses what a bulk load drops:\n%s", want)
	}
	defer postgis.SetBulkRows(postgis.SetBulkRows(1000))
	// A first load fails while its search keys are built aside (after
	// copy and diff) or once they are in place (after write), with the
	// indexes dropped: all of it is rolled back, the indexes too, and the
	// table the keys were built in is gone.
	before := snapshot(t, s)
	defer postgis.SetLoadHook(nil)
	for _, stage := range []string{"copy", "diff", "write"} {
		postgis.SetLoadHook(func(st string) error {
			if st == stage {
				return errors.New("injected failure")
			}
			return nil
		})
		if _, err := postgis.Load(context.Background(), s, synth(n, 5), nil); err == nil {
			t.Fatalf("the injected failure after %s did not fail the load", stage)
		}
		if snapshot(t, s) != before || schema(t, s) != want {
			t.Errorf("a bulk load failing after %s changed the database", stage)
		}
		noAsideTable(t, s)
	}
	postgis.SetLoadHook(nil)
	keysTable := func() (oid uint32) {
		if err := s.Pool().QueryRow(context.Background(), "SELECT 'search_keys'::regclass::oid").Scan(&oid); err != nil {
			t.Fatal(err)
		}
		return oid
	}
	old := keysTable()
	if sum := mustLoad(t, s, synth(n, 5)); sum.Total().Inserted != n {
		t.Fatalf("bulk load: %+v", sum.Total())
	}
	if keysTable() == old {
		t.Errorf("the keys of a bulk first load were not built aside")
	}
	if got := schema(t, s); got != want {
		t.Errorf("after a bulk load the schema is\n%s\nwant\n%s", got, want)
	}
	noAsideTable(t, s)
	inStep(t, s)
	cellsInStep(t, s, "bulk load")
	// A reload of a table readers use keeps its indexes (see writeFeatures).
	if sum := mustLoad(t, s, synth(n, 6)); sum.Total().Updated != n {
		t.Errorf("update of every feature: %+v", sum.Total())
	}
	var history int
	if err := s.Pool().QueryRow(context.Background(), "SELECT count(*) FROM feature_history").Scan(&history); err != nil || history != n {
		t.Errorf("history holds %d versions, %v; want %d", history, err, n)
	}
	if got := schema(t, s); got != want {
		t.Errorf("after an update of every feature the schema differs")
	}
	inStep(t, s)
}

// TestBulkLoadWithoutAside: when the search keys cannot be built aside
// (the database refuses a second connection), a bulk first load copies
// them itself.
func TestBulkLoadWithoutAside(t *testing.T) {
	s := open(t)
	defer postgis.SetBulkRows(postgis.SetBulkRows(100))
	defer postgis.SetAsideHook(nil)
	postgis.SetAsideHook(func() error { return errors.New("too many connections") })
	ds := synth(500, 8)
	if sum := mustLoad(t, s, ds); sum.Total().Inserted != len(ds.Features) {
		t.Fatalf("bulk load: %+v", sum.Total())
	}
	inStep(t, s)
	noAsideTable(t, s)
	// Keys left aside by a load killed after building them go with the
	// next load, whether it builds its own aside (a first load) or not.
	postgis.SetAsideHook(nil)
	for _, first := range []bool{false, true} {
		if first {
			if _, err := s.Pool().Exec(context.Background(), "DELETE FROM features"); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := s.Pool().Exec(context.Background(), "CREATE TABLE search_keys_next (LIKE search_keys)"); err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		_, err := postgis.Load(ctx, s, ds, nil)
		cancel()
		if err != nil {
			t.Fatalf("load after keys were left aside (a first load: %v): %v", first, err)
		}
		noAsideTable(t, s)
		inStep(t, s)
	}
	f := ds.Features[42]
	hits, err := s.Search(context.Background(), geo.SearchQuery{Text: f.NameZH, Limit: 5})
	if err != nil || len(hits) == 0 || hits[0].ID != f.ID {
		t.Errorf("search %q: %v, %v; want %s first", f.NameZH, hits, err, f.ID)
	}
}

// noAsideTable fails if the table a first load builds its search keys in
// (loadaside.go) is left behind.
func noAsideTable(t *testing.T, s *postgis.Store) {
	t.Helper()
	var left bool
	if err := s.Pool().QueryRow(context.Background(), "SELECT to_regclass('search_keys_next') IS NOT NULL").Scan(&left); err != nil || left {
		t.Errorf("search_keys_next left behind (%v)", err)
	}
}

// TestFirstLoadMeetsAnEdit: a first load gathers its search keys itself,
// as every feature is new; should an edit add a feature of the dataset
// while it copies, the keys still follow the table, whether the load
// copies the keys itself or builds them aside (a bulk load: the table
// built aside is then dropped).
func TestFirstLoadMeetsAnEdit(t *testing.T) {
	for _, bulk := range []int{1 << 30, 100} {
		t.Run(fmt.Sprintf("bulk from %d rows", bulk), func(t *testing.T) {
			defer postgis.SetBulkRows(postgis.SetBulkRows(bulk))
			firstLoadMeetsAnEdit(t)
		})
	}
}

func firstLoadMeetsAnEdit(t *testing.T) {
	s := open(t)
	ds := synth(300, 7)
	mustLoad(t, s, ds)
	if _, err := s.Pool().Exec(context.Background(), "DELETE FROM features"); err != nil {
		t.Fatal(err)
	}
	edited := ds.Features[10]
	postgis.SetLoadHook(func(stage string) error {
		if stage != "copy" {
			return nil
		}
		_, err := s.Pool().Exec(context.Background(), `INSERT INTO features (id, layer, name_zh, name_en, kind, status,
			plan_section, plan_line, plan_quote, district, accuracy, source, updated, geom)
			VALUES ($1, $2, '别名', 'Other name', $3, $4, '', 0, '', '', 'approximate', 'psql', now(), ST_Point(114.3, 30.6, 4326))`,
			edited.ID, edited.Layer, edited.Kind, edited.Status)
		return err
	})
	defer postgis.SetLoadHook(nil)
	sum := mustLoad(t, s, ds)
	if got := sum.Total(); got.Inserted != len(ds.Features)-1 || got.Updated != 1 {
		t.Errorf("load after an edit: %+v", got)
	}
	inStep(t, s)
	noAsideTable(t, s)
	hits, err := s.Search(context.Background(), geo.SearchQuery{Text: edited.NameZH, Limit: 50})
	if err != nil || !slices.ContainsFunc(hits, func(f geo.Feature) bool { return f.ID == edited.ID }) {
		t.Errorf("search %q: %d hits without %s, %v", edited.NameZH, len(hits), edited.ID, err)
	}
}

func TestLoadDropsLayer(t *testing.T) {
	s := open(t)
	mustLoad(t, s, storetest.Fixture())
	next := storetest.Fixture()
	next.Layers = slices.DeleteFunc(next.Layers, func(l geo.Layer) bool { return l.ID == storetest.LayerLines })
	next.Features = slices.DeleteFunc(next.Features, func(f geo.Feature) bool { return f.Layer == storetest.LayerLines })
	sum := mustLoad(t, s, next)
	if got := sum.Layers[storetest.LayerLines]; got != (postgis.Counts{Removed: 2}) {
		t.Errorf("lines: %+v, want 2 removed", got)
	}
	layers, err := s.Layers(context.Background())
	if err != nil || len(layers) != 2 {
		t.Fatalf("layers = %v, %v; want 2", layers, err)
	}
	if _, err := s.Features(context.Background(), storetest.LayerLines, geo.Query{Limit: 1}); !errors.Is(err, geo.ErrNotFound) {
		t.Errorf("dropped layer: %v, want ErrNotFound", err)
	}
}

// inStep fails unless tile_features holds exactly what features say it
// should: one row per feature with a geometry, the same values.
func inStep(t *testing.T, s *postgis.Store) {
	t.Helper()
	tableInStep(t, s, "TABLE tile_features", `SELECT f.id, f.layer, tile_rank(f.id) AS rank, f.name_zh, f.name_en,
		f.kind, f.status, f.accuracy, f.extra->>'color' AS color, GeometryType(f.geom) = 'POINT' AS point,
		ST_Transform(f.geom, 3857) AS geom, nullif(f.district, '') AS district,
		CASE WHEN f.extra->>'plan_year' ~ '^[1-9][0-9]{0,3}$' THEN (f.extra->>'plan_year')::int END AS plan_year,
		CASE WHEN jsonb_typeof(f.extra->'uncertainty_m') = 'number' AND (f.extra->>'uncertainty_m')::float8 > 0
			THEN (f.extra->>'uncertainty_m')::float8 END AS uncertainty_m, f.tile_id
		FROM features f WHERE f.geom IS NOT NULL`)
	// The keys a load writes itself (see searchKeyRows) are those the trigger would write.
	tableInStep(t, s, "SELECT key, form, id, layer, kind, namelen FROM search_keys",
		"SELECT r.key, r.form, f.id, f.layer, f.kind, char_length(f.name_zh) FROM features f, search_key_rows(f.search) r")
}

// tableInStep fails unless the rows of query have, what a table derived
// from features holds, are exactly those of query want.
func tableInStep(t *testing.T, s *postgis.Store, have, want string) {
	t.Helper()
	var off, rows int
	err := s.Pool().QueryRow(context.Background(), `WITH want AS (`+want+`), have AS (`+have+`)
		SELECT (SELECT count(*) FROM ((TABLE want EXCEPT ALL TABLE have) UNION ALL (TABLE have EXCEPT ALL TABLE want)) d),
		       (SELECT count(*) FROM have)`).Scan(&off, &rows)
	if err != nil {
		t.Fatal(err)
	}
	if off != 0 {
		t.Errorf("%s is out of step with features: %d rows differ (of %d)", have, off, rows)
	}
}

// TestTileFeaturesFollowEdits edits features the way psql or QGIS would and
// checks that the tiles' own table follows every change.
func TestTileFeaturesFollowEdits(t *testing.T) {
	ctx := context.Background()
	s := loaded(t, storetest.Fixture())
	inStep(t, s)
	var n int
	if err := s.Pool().QueryRow(ctx, "SELECT count(*) FROM tile_features").Scan(&n); err != nil || n == 0 {
		t.Fatalf("tile_features holds %d rows after a load (%v)", n, err)
	}
	for _, sql := range []string{
		"UPDATE features SET status = 'existing', name_en = 'Renamed' WHERE id = 'guanggu-area'",
		"UPDATE features SET geom = ST_SetSRID(ST_MakePoint(114.4, 30.5), 4326) WHERE id = (SELECT min(id) FROM features WHERE geom IS NULL)",
		"UPDATE features SET id = id || '-moved' WHERE id = (SELECT min(id) FROM features WHERE GeometryType(geom) = 'POINT')",
		"UPDATE features SET geom = NULL WHERE id = (SELECT max(id) FROM features WHERE GeometryType(geom) = 'POINT')",
		"DELETE FROM features WHERE id = (SELECT max(id) FROM features)",
		"INSERT INTO features (id, layer, status, accuracy, updated, geom) SELECT 'added', layer, 'planned', 'approximate', now(), ST_SetSRID(ST_MakePoint(114.3, 30.6), 4326) FROM features LIMIT 1",
	} {
		if _, err := s.Pool().Exec(ctx, sql); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
		inStep(t, s)
	}
	var status string
	if err := s.Pool().QueryRow(ctx, "SELECT status FROM tile_features WHERE id = 'guanggu-area'").Scan(&status); err != nil || status != "existing" {
		t.Errorf("an edited status reads %q in tile_features (%v)", status, err)
	}
	if _, err := s.Pool().Exec(ctx, "TRUNCATE features CASCADE"); err != nil {
		t.Fatal(err)
	}
	if err := s.Pool().QueryRow(ctx, "SELECT count(*) FROM tile_features").Scan(&n); err != nil || n != 0 {
		t.Errorf("tile_features keeps %d rows after features were truncated (%v)", n, err)
	}
}

// TestTileFeaturesMigration upgrades a database holding features from the
// schema before tile_features: the migration must fill it from them.
func TestTileFeaturesMigration(t *testing.T) {
	ctx := context.Background()
	s := upgraded(t, 4, `INSERT INTO layers (id, position, title_zh, title_en, theme, geometry_type, sort_order, style)
			VALUES ('ports', 0, '港口', 'Ports', 'transport', 'Point', 1, '{}');
		INSERT INTO features (id, layer, name_zh, status, accuracy, updated, extra, geom) VALUES
			('yangluo', 'ports', '阳逻港', 'existing', 'surveyed', now(), '{"color": "#123456"}', ST_SetSRID(ST_MakePoint(114.55, 30.66), 4326)),
			('nowhere', 'ports', '某港', 'planned', 'unknown', now(), NULL, NULL)`)
	inStep(t, s)
	var id, color string
	if err := s.Pool().QueryRow(ctx, "SELECT id, color FROM tile_features").Scan(&id, &color); err != nil || id != "yangluo" || color != "#123456" {
		t.Errorf("tile_features after the migration: %q %q, %v; want yangluo alone, with its colour", id, color, err)
	}
}

// portsSQL fills a layer, ports, with features given as VALUES rows of
// (id, name_zh, status, accuracy, extra, geom), for upgraded.
func portsSQL(values string) string {
	return `INSERT INTO layers (id, position, title_zh, title_en, theme, geometry_type, sort_order, style)
			VALUES ('ports', 0, '港口', 'Ports', 'transport', 'Point', 1, '{}');
		INSERT INTO features (id, layer, name_zh, status, accuracy, updated, extra, geom)
			SELECT id, 'ports', name_zh, status, accuracy, now(), extra::jsonb, geom
			FROM (VALUES ` + values + `) v (id, name_zh, status, accuracy, extra, geom)`
}

// upgraded returns a store on a database that an older planmap, at schema
// version last, filled with sql, and that this one has then migrated.
func upgraded(t *testing.T, last int, sql string) *postgis.Store {
	t.Helper()
	ctx := context.Background()
	url := pgtest.URL(t)
	if _, err := migrateTo(t, url, last).Exec(ctx, sql); err != nil {
		t.Fatal(err)
	}
	s, err := postgis.Open(ctx, url, postgis.Options{Migrate: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// migrateTo applies the embedded migrations up to version last by hand, as
// an older planmap would have, and returns a connection to the database.
func migrateTo(t *testing.T, url string, last int) *pgx.Conn {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(ctx) })
	ms, err := postgis.Migrations()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Exec(ctx, `CREATE TABLE schema_migrations (
		version int PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`); err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		if m.Version > last {
			break
		}
		if _, err := conn.Exec(ctx, m.SQL); err != nil {
			t.Fatalf("%s: %v", m.Name, err)
		}
		if _, err := conn.Exec(ctx, "INSERT INTO schema_migrations VALUES ($1, $2)", m.Version, m.Name); err != nil {
			t.Fatal(err)
		}
	}
	return conn
}

// TestOutOfDateSchema: planmap started on a database its migrations have not
// reached says so (geo.ErrOutOfDate, a kind of unavailable), from Ping and
// from queries, instead of failing with SQL errors.
func TestOutOfDateSchema(t *testing.T) {
	ctx := context.Background()
	for _, last := range []int{0, 4, 5} {
		url := pgtest.URL(t)
		if last > 0 {
			migrateTo(t, url, last)
		}
		s, err := postgis.Open(ctx, url, postgis.Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		if err := s.Ping(ctx); !errors.Is(err, geo.ErrOutOfDate) || !errors.Is(err, geo.ErrUnavailable) {
			t.Errorf("schema at %d: Ping = %v, want ErrOutOfDate", last, err)
		}
		if last < 5 { // 0005 made the table tiles read
			_, err = s.Tile(ctx, geo.TileRequest{Tile: tiles.TileID{Z: 12, X: 3348, Y: 1682}, Layers: []geo.TileLayer{{ID: "ports"}}})
			if !errors.Is(err, geo.ErrOutOfDate) {
				t.Errorf("schema at %d: a tile fails with %v, want ErrOutOfDate", last, err)
			}
		}
		if _, err := s.Layers(ctx); !errors.Is(err, geo.ErrOutOfDate) { // 0006 gave layers their credits
			t.Errorf("schema at %d: the layers fail with %v, want ErrOutOfDate", last, err)
		}
	}
	s := open(t) // migrated
	if err := s.Ping(ctx); err != nil {
		t.Errorf("an up-to-date schema: Ping = %v", err)
	}
}
