package postgis_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"planmap/geo"
	"planmap/geo/postgis"
	"planmap/geo/postgis/pgtest"
	"planmap/geo/storetest"
)

// found waits up to 10 s for a search to find id.
func found(t *testing.T, s *postgis.Store, text, id string) bool {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		fs, err := s.Search(context.Background(), geo.SearchQuery{Text: text, Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range fs {
			if f.ID == id {
				return true
			}
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestSearchAfterPsqlEdit: a feature renamed in psql is found by its new
// name and its pinyin (keys that only Go computes) through a planmap
// serving with the SELECT-only role, without a new version, history or
// trail entry for the refresh; a load and planmap's edits leave no row stale.
func TestSearchAfterPsqlEdit(t *testing.T) {
	ctx := context.Background()
	ownerURL, readerURL, _ := withRoles(t)
	owner, err := postgis.Open(ctx, ownerURL, postgis.Options{Migrate: true})
	if err != nil {
		t.Fatal(err)
	}
	defer owner.Close()
	if _, err := postgis.Load(ctx, owner, storetest.Fixture(), nil); err != nil {
		t.Fatal(err)
	}
	stale := func() (n int) {
		if err := owner.Pool().QueryRow(ctx, "SELECT count(*) FROM features WHERE search_stale").Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := stale(); n != 0 {
		t.Fatalf("a load left %d rows stale", n)
	}
	reader, err := postgis.Open(ctx, readerURL, postgis.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer reader.Close()
	if found(t, reader, "阳逻", "yangluo") == false {
		t.Fatal("the fixture's yangluo is not found before the edit")
	}
	count := func(sql string) (n int) {
		if err := owner.Pool().QueryRow(ctx, sql).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	history, trail := count("SELECT count(*) FROM feature_history"), count("SELECT count(*) FROM changes")
	if _, err := owner.Pool().Exec(ctx, "UPDATE features SET name_zh = '汉南港', name_en = 'Hannan Port' WHERE id = 'yangluo'"); err != nil {
		t.Fatal(err)
	}
	if !found(t, reader, "汉南港", "yangluo") || !found(t, reader, "hannangang", "yangluo") {
		t.Fatal("the renamed feature is not found by its new name and its pinyin")
	}
	if n := stale(); n != 0 {
		t.Errorf("%d rows still stale", n)
	}
	if found(t, reader, "阳逻", "yangluo") && count("SELECT count(*) FROM features WHERE id = 'yangluo' AND search LIKE '%阳逻%'") > 0 {
		t.Error("the old name's keys are still there")
	}
	if v := count("SELECT version FROM features WHERE id = 'yangluo'"); v != 2 {
		t.Errorf("version %d after the psql edit and the refresh, want 2", v)
	}
	if h, c := count("SELECT count(*) FROM feature_history"), count("SELECT count(*) FROM changes"); h != history+1 || c != trail+1 {
		t.Errorf("history grew by %d and the trail by %d; want 1 each (the psql edit, not the refresh)", h-history, c-trail)
	}
	f, _ := owner.Feature(ctx, storetest.LayerPoints, "yangluo-port")
	f.NameZH = "阳逻新港"
	if _, err := owner.ReplaceFeature(ctx, f, 1, geo.Edit{Author: "王工", Reason: "改名"}); err != nil {
		t.Fatal(err)
	}
	if n := stale(); n != 0 {
		t.Errorf("planmap's own edit left %d rows stale", n)
	}
	if !found(t, reader, "阳逻新港", "yangluo-port") {
		t.Error("planmap's edit is not found by its new name")
	}
}

// A refresh of stale keys yields to a running load (which holds the loads'
// advisory lock) instead of writing rows the load may be writing too, and
// catches up once the load is done.
func TestRefreshYieldsToLoad(t *testing.T) {
	ctx := context.Background()
	s := loaded(t, storetest.Fixture())
	var src string
	if err := s.Pool().QueryRow(ctx, "SELECT prosrc FROM pg_proc WHERE proname = 'refresh_search'").Scan(&src); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(src, strconv.FormatInt(postgis.LockLoad, 10)) {
		t.Fatalf("refresh_search does not take the loads' lock %d:\n%s", postgis.LockLoad, src)
	}
	load, err := s.Pool().Begin(ctx) // stands for a running load
	if err != nil {
		t.Fatal(err)
	}
	defer load.Rollback(ctx)
	if _, err := load.Exec(ctx, "SELECT pg_advisory_xact_lock($1)", postgis.LockLoad); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Pool().Exec(ctx, "UPDATE features SET name_en = 'Renamed in psql' WHERE id = 'guanggu-area'"); err != nil {
		t.Fatal(err)
	}
	stale := func() (n int) {
		if err := s.Pool().QueryRow(ctx, "SELECT count(*) FROM features WHERE search_stale").Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	short, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if n, err := s.RefreshSearch(short); err != nil || n != 0 || stale() != 1 {
		t.Fatalf("during a load a refresh wrote %d rows (%v), %d stale: want 0 written, 1 stale", n, err, stale())
	}
	if err := load.Rollback(ctx); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(10 * time.Second); stale() > 0; time.Sleep(20 * time.Millisecond) {
		if _, err := s.RefreshSearch(ctx); err != nil || time.Now().After(deadline) {
			t.Fatalf("after the load the row stayed stale (%v)", err)
		}
	}
	if !found(t, s, "Renamed in psql", "guanggu-area") {
		t.Error("the renamed feature is not found by its new name")
	}
}

// TestRefreshNeverWaits: refresh_search, which every planmap serve calls
// for rows renamed outside it, waits for no lock, so it can never deadlock
// with an edit made in psql or QGIS: while another transaction that changed
// data is open it writes nothing; a stale row another transaction holds is
// left for the next round and the rest are refreshed; and the rows'
// tile_features are left as they were. (No store runs here: its own
// refresher would race the calls.)
func TestRefreshNeverWaits(t *testing.T) {
	ctx := context.Background()
	url := pgtest.URL(t)
	s := openWith(t, url, postgis.Options{Migrate: true})
	if _, err := postgis.Load(ctx, s, storetest.Fixture(), nil); err != nil {
		t.Fatal(err)
	}
	s.Close()
	pool, err := pgxpool.New(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	var a, b string
	if err := pool.QueryRow(ctx, `SELECT min(id), max(id) FROM features WHERE geom IS NOT NULL`).Scan(&a, &b); err != nil {
		t.Fatal(err)
	}
	if _, err := pool.Exec(ctx, `UPDATE features SET name_en = name_en || ' renamed' WHERE id IN ($1, $2)`, a, b); err != nil {
		t.Fatal(err)
	}
	tileRow := func(id string) (x string) {
		if err := pool.QueryRow(ctx, `SELECT xmin::text FROM tile_features WHERE id = $1`, id).Scan(&x); err != nil {
			t.Fatal(err)
		}
		return x
	}
	before := tileRow(b)
	refresh := func(what string) (n int) {
		t.Helper()
		ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
		defer cancel()
		err := pool.QueryRow(ctx, `SELECT refresh_search(array_agg(id), array_agg(concat_ws(E'\n', name_zh, name_en,
			coalesce(extra->>'name_plan', ''))), array_agg('tkey'::text)) FROM features WHERE id IN ($1, $2)`, a, b).Scan(&n)
		if err != nil {
			t.Fatalf("%s: the refresh waited: %v", what, err)
		}
		return n
	}
	writer, err := pool.Begin(ctx) // an edit in progress elsewhere
	if err != nil {
		t.Fatal(err)
	}
	defer writer.Rollback(ctx)
	if _, err := writer.Exec(ctx, `UPDATE features SET status = status WHERE id = $1`, a); err != nil {
		t.Fatal(err)
	}
	if n := refresh("while a writer is open"); n != 0 {
		t.Errorf("while a writer is open, the refresh wrote %d rows", n)
	}
	if err := writer.Rollback(ctx); err != nil {
		t.Fatal(err)
	}
	holder, err := pool.Begin(ctx) // a row held, no data changed
	if err != nil {
		t.Fatal(err)
	}
	defer holder.Rollback(ctx)
	if _, err := holder.Exec(ctx, `SELECT 1 FROM features WHERE id = $1 FOR UPDATE`, a); err != nil {
		t.Fatal(err)
	}
	if n := refresh("with a row held"); n != 1 {
		t.Errorf("with one of two stale rows held, the refresh wrote %d rows, want 1", n)
	}
	if after := tileRow(b); after != before {
		t.Errorf("the refresh rewrote the tile row of %s (xmin %s, then %s)", b, before, after)
	}
	if err := holder.Rollback(ctx); err != nil {
		t.Fatal(err)
	}
	if n := refresh("after"); n != 1 {
		t.Errorf("once the row is let go, the refresh wrote %d rows, want 1", n)
	}
}
