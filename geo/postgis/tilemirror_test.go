package postgis_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"planmap/data"
	"planmap/geo"
	"planmap/geo/postgis"
	"planmap/geo/postgis/pgtest"
	"planmap/geo/storetest"
	"planmap/tiles"
	"planmap/web"
)

// planDB loads the plan's dataset into a new database and returns it, the
// database's URL and a store on it.
func planDB(t *testing.T) (*data.Dataset, string, *postgis.Store) {
	t.Helper()
	ds, err := data.Load(data.Embedded())
	if err != nil {
		t.Fatal(err)
	}
	url := pgtest.URL(t)
	db := openWith(t, url, postgis.Options{Migrate: true})
	if _, err := postgis.Load(context.Background(), db, ds, nil); err != nil {
		t.Fatal(err)
	}
	return ds, url, db
}

// openWith opens a store on url with opts, closed when the test ends.
func openWith(t *testing.T, url string, opts postgis.Options) *postgis.Store {
	t.Helper()
	s, err := postgis.Open(context.Background(), url, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// TestTilesInMemory: a store that keeps a copy of the tiles' data in memory
// builds the same tiles as the database does (TestTileParity's rule, over
// its tiles), shows an edit, a delete and a create made by another process
// in the very next tile, copying only what changed, and makes no copy of a
// database holding more features than its limit.
func TestTilesInMemory(t *testing.T) {
	ctx := context.Background()
	ds, url, db := planDB(t)
	var drawn int // features with a geometry
	if err := db.Pool().QueryRow(ctx, `SELECT count(*) FROM tile_features`).Scan(&drawn); err != nil {
		t.Fatal(err)
	}
	mem := openWith(t, url, postgis.Options{TileMemoryFeatures: drawn})
	small := openWith(t, url, postgis.Options{TileMemoryFeatures: drawn / 2})
	ids := storetest.TileIDs(ctx, t, db)
	layers, tids := parityTiles(ds)
	compared, polygons := compareTiles(t, mem, ids, db, ids, layers, tids)
	t.Logf("%d tiles, %d features, %d polygons compared", len(tids), compared, polygons)
	if compared < 1000 || polygons < 500 {
		t.Fatalf("compared only %d features, %d polygons", compared, polygons)
	}
	if n := mem.TileCopies(); n != 1 {
		t.Fatalf("%d copies made for one data version, want 1", n)
	}
	srv := httptest.NewServer(web.New(mem, web.Options{}))
	defer srv.Close()
	_, metrics := httpGet(t, srv.URL+"/metrics")
	for _, m := range []string{fmt.Sprintf("planmap_tile_copy_features %d\n", drawn), "planmap_tile_copies_total 1\n", "planmap_tile_copy_seconds "} {
		if !strings.Contains(string(metrics), m) {
			t.Errorf("/metrics lacks %q", m)
		}
	}

	// Changes by another store: the next tile waits for the copy of the new
	// version, made from the one before and what changed.
	var f geo.Feature
	for _, g := range ds.Features {
		if _, ok := g.Geometry.(orb.Point); ok && g.Status != "existing" {
			f = g
			break
		}
	}
	v, err := db.FeatureVersion(ctx, f.Layer, f.ID)
	if err != nil {
		t.Fatal(err)
	}
	f.Status = "existing"
	if _, err := db.ReplaceFeature(ctx, f, v, geo.Edit{Author: "test", Reason: "opened"}); err != nil {
		t.Fatal(err)
	}
	if got := shownAs(t, mem, db, f); got != "existing" {
		t.Fatalf("after the edit, the tile shows %s as %v, want existing", f.ID, got)
	}
	if err := db.DeleteFeature(ctx, f.Layer, f.ID, v+1, geo.Edit{Author: "test", Reason: "gone"}); err != nil {
		t.Fatal(err)
	}
	if got := shownAs(t, mem, db, f); got != nil {
		t.Fatalf("after the delete, the tile still shows %s (%v)", f.ID, got)
	}
	f.ID, f.Status = f.ID+"-new", "planned"
	if _, err := db.CreateFeature(ctx, f, geo.Edit{Author: "test", Reason: "new"}); err != nil {
		t.Fatal(err)
	}
	if got := shownAs(t, mem, db, f); got != "planned" {
		t.Fatalf("after the create, the tile shows %s as %v, want planned", f.ID, got)
	}
	if n, u := mem.TileCopies(), mem.TileCopyUpdates(); n != 4 || u != 3 {
		t.Errorf("%d copies made for four data versions, %d from the one before; want 4 and 3", n, u)
	}
	// What three changes left matches the database's own tiles still.
	if compared, _ := compareTiles(t, mem, storetest.TileIDs(ctx, t, db), db, storetest.TileIDs(ctx, t, db), layers, tids); compared < 1000 {
		t.Fatalf("compared only %d features", compared)
	}
	if b, err := small.Tile(ctx, geo.TileRequest{Tile: tids[0], Layers: layers}); err != nil || len(b) == 0 {
		t.Errorf("over the limit, the database builds the tile: %d bytes, %v", len(b), err)
	}
	if n := small.TileCopies(); n != 0 {
		t.Errorf("over the limit, %d copies made", n)
	}
}

// shownAs waits until mem has heard of db's current version and returns the
// status the z14 tile of f shows it with, nil when it is not there.
func shownAs(t *testing.T, mem, db *postgis.Store, f geo.Feature) any {
	t.Helper()
	ctx := context.Background()
	want, _ := db.Version(ctx)
	for tries := 0; tries < 250; tries++ {
		if got, _ := mem.Version(ctx); got == want {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	var status any
	for id := range tiles.Covering(f.Geometry.Bound(), 14).All() {
		b, err := mem.Tile(ctx, geo.TileRequest{Tile: id, Layers: []geo.TileLayer{{ID: f.Layer}}})
		if err != nil {
			t.Fatal(err)
		}
		for _, g := range storetest.DecodeTile(t, b)[f.Layer].Features {
			if g.Properties["id"] == f.ID {
				status = g.Properties["status"]
			}
		}
	}
	return status
}

// TestCopyOutlastsStatementTimeout checks that a copy taking longer than a
// request's statement may (a million features take about 7 s to read, the
// default statement timeout is 5 s) is still made, not failed again and
// again with tiles left to the database.
func TestCopyOutlastsStatementTimeout(t *testing.T) {
	_, url, db := planDB(t)
	postgis.SetCopyPause(1500 * time.Millisecond)
	defer postgis.SetCopyPause(0)
	mem := openWith(t, url, postgis.Options{TileMemoryFeatures: 1 << 20, StatementTimeout: time.Second})
	waitCopy(t, mem, db)
	if n := mem.TileCopies(); n != 1 {
		t.Fatalf("%d copies made, want 1: a copy longer than the statement timeout failed", n)
	}
}
