package postgis_test

import (
	"context"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"planmap/data"
	"planmap/geo"
	"planmap/geo/postgis"
	"planmap/geo/postgis/pgtest"
	"planmap/geo/storetest"
	"planmap/tiles"
)

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
// its tiles), shows an edit made by another process in the very next tile,
// and makes no copy of a database holding more features than its limit.
func TestTilesInMemory(t *testing.T) {
	ctx := context.Background()
	ds, err := data.Load(data.Embedded())
	if err != nil {
		t.Fatal(err)
	}
	url := pgtest.URL(t)
	db := openWith(t, url, postgis.Options{Migrate: true})
	if _, err := postgis.Load(ctx, db, ds, nil); err != nil {
		t.Fatal(err)
	}
	var drawn int // features with a geometry
	if err := db.Pool().QueryRow(ctx, `SELECT count(*) FROM tile_features`).Scan(&drawn); err != nil {
		t.Fatal(err)
	}
	mem := openWith(t, url, postgis.Options{TileMemoryFeatures: drawn})
	small := openWith(t, url, postgis.Options{TileMemoryFeatures: drawn - 1})
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

	// An edit by another store: the next tile waits for the new copy.
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
	want, _ := db.Version(ctx)
	// The notice of the change reaches mem a moment later.
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
	if status != "existing" {
		t.Fatalf("after the edit, the tile shows %s as %v, want existing", f.ID, status)
	}
	if n := mem.TileCopies(); n != 2 {
		t.Errorf("%d copies made for two data versions, want 2", n)
	}
	if b, err := small.Tile(ctx, geo.TileRequest{Tile: tids[0], Layers: layers}); err != nil || len(b) == 0 {
		t.Errorf("over the limit, the database builds the tile: %d bytes, %v", len(b), err)
	}
	if n := small.TileCopies(); n != 0 {
		t.Errorf("over the limit, %d copies made", n)
	}
}
