package postgis_test

import (
	"context"
	"errors"
	"maps"
	"slices"
	"sync"
	"testing"
	"time"

	"planmap/geo"
	"planmap/geo/postgis"
	"planmap/geo/storetest"
)

// tileIDs reads features.tile_id by feature id.
func tileIDs(t *testing.T, s interface {
	TileIDs(context.Context, string) (map[uint64]string, error)
}, layers ...string) map[string]uint64 {
	t.Helper()
	out := map[string]uint64{}
	for _, l := range layers {
		ids, err := s.TileIDs(context.Background(), l)
		if err != nil {
			t.Fatal(err)
		}
		for tid, id := range ids {
			out[id] = tid
		}
	}
	return out
}

// TestTileIDsLifecycle: a load numbers features 1, 2, … in spatial order; an
// edit by planmap, a load and psql keep a feature's id; a new feature,
// however inserted, takes the next; a removed one's id is not given again.
func TestTileIDsLifecycle(t *testing.T) {
	ctx := context.Background()
	ds := storetest.Fixture()
	s := loaded(t, ds)
	all := []string{storetest.LayerAreas, storetest.LayerLines, storetest.LayerPoints}
	first := tileIDs(t, s, all...)
	if got := slices.Sorted(maps.Values(first)); len(got) != len(ds.Features) || got[0] != 1 || got[len(got)-1] != uint64(len(got)) {
		t.Fatalf("a first load numbered %d features %v…, want 1 to %d", len(got), got[:min(5, len(got))], len(ds.Features))
	}
	var spatial bool
	if err := s.Pool().QueryRow(ctx, `SELECT array_agg(id ORDER BY tile_id) = array_agg(id ORDER BY geom, id) FROM features`).Scan(&spatial); err != nil || !spatial {
		t.Errorf("ids not in the spatial order of the features (%v)", err)
	}
	for _, sql := range []string{
		"UPDATE features SET name_en = 'Renamed', geom = ST_Translate(geom, 0.01, 0) WHERE id = 'guanggu-area'",
		"DELETE FROM features WHERE id = 'yangluo-port'",
		"INSERT INTO features (id, layer, status, accuracy, updated, geom) VALUES ('added', 'points', 'planned', 'approximate', now(), ST_SetSRID(ST_MakePoint(114.3, 30.6), 4326))",
	} {
		if _, err := s.Pool().Exec(ctx, sql); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
	}
	inStep(t, s)
	after := tileIDs(t, s, all...)
	top := uint64(len(ds.Features))
	for id, tid := range first {
		if want := map[string]uint64{"yangluo-port": 0}[id]; id == "yangluo-port" && after[id] != want {
			t.Errorf("a deleted feature still has id %d", after[id])
		} else if id != "yangluo-port" && after[id] != tid {
			t.Errorf("%s: id %d became %d", id, tid, after[id])
		}
	}
	if after["added"] != top+1 {
		t.Errorf("a psql insert got id %d, want %d", after["added"], top+1)
	}
	// A load that changes one feature and brings the deleted one back,
	// while the server may be refreshing the search keys of the psql edits
	// (a refresh yields to a load: migration 0026).
	ds.Features[0].NameEN = "Changed by a load"
	mustLoad(t, s, ds)
	reloaded := tileIDs(t, s, all...)
	if reloaded[ds.Features[0].ID] != first[ds.Features[0].ID] {
		t.Errorf("a load's update changed %s's id %d to %d", ds.Features[0].ID, first[ds.Features[0].ID], reloaded[ds.Features[0].ID])
	}
	if reloaded["yangluo-port"] != top+2 || reloaded["added"] != 0 {
		t.Errorf("after the load yangluo-port has id %d (want %d) and the psql feature %d (want none)", reloaded["yangluo-port"], top+2, reloaded["added"])
	}
	// items?tile_id= finds a feature by the id its tiles carry.
	page, err := s.Features(ctx, storetest.LayerAreas, geo.Query{TileID: reloaded["guanggu-area"], Limit: 10})
	if err != nil || len(page.Features) != 1 || page.Features[0].ID != "guanggu-area" {
		t.Errorf("tile id %d: %v, %v", reloaded["guanggu-area"], page.Features, err)
	}
	// The trail keeps the id with each version.
	var trailID uint64
	if err := s.Pool().QueryRow(ctx, `SELECT (row->>'tile_id')::bigint FROM (`+postgis.TrailVersions+`) c ORDER BY serial DESC LIMIT 1`,
		"guanggu-area", storetest.LayerAreas).Scan(&trailID); err != nil || trailID != first["guanggu-area"] {
		t.Errorf("the trail's guanggu-area has tile id %d (%v), want %d", trailID, err, first["guanggu-area"])
	}
}

// TestTileIDsMigration: a database from before 0025 (tile ids) has its features
// numbered once, in spatial order, without a new version or trail entry,
// and tiles and tile_cells in step with them.
func TestTileIDsMigration(t *testing.T) {
	ctx := context.Background()
	s := upgraded(t, 24, portsSQL(`('c', '丙', 'planned', 'approximate', '{}', 'SRID=4326;POINT(114.5 30.7)'::geometry),
		('a', '甲', 'planned', 'approximate', '{}', 'SRID=4326;POINT(114.3 30.5)'::geometry),
		('a-none', '无', 'planned', 'unknown', '{}', NULL::geometry),
		('b', '乙', 'planned', 'approximate', '{}', 'SRID=4326;POINT(114.31 30.51)'::geometry)`)+
		`; UPDATE features SET name_en = 'B' WHERE id = 'b'`)
	var order []string
	var versions, trail int
	if err := s.Pool().QueryRow(ctx, `SELECT array_agg(id ORDER BY tile_id), sum(version),
		(SELECT count(*) FROM changes WHERE kind = 'feature') FROM features`).Scan(&order, &versions, &trail); err != nil {
		t.Fatal(err)
	}
	var want []string
	if err := s.Pool().QueryRow(ctx, `SELECT array_agg(id ORDER BY geom, id) FROM features`).Scan(&want); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(order, want) || order[len(order)-1] != "a-none" {
		t.Errorf("numbered %v, want the spatial order %v (no geometry last)", order, want)
	}
	if versions != 5 || trail != 5 {
		t.Errorf("versions add up to %d and the trail holds %d entries, want 5 and 5 (the numbering is no edit)", versions, trail)
	}
	ids := tileIDs(t, s, "ports")
	if got := slices.Sorted(maps.Values(ids)); !slices.Equal(got, []uint64{1, 2, 3, 4}) {
		t.Errorf("ids %v, want 1 to 4", got)
	}
	inStep(t, s)
	if _, err := s.Pool().Exec(ctx, `INSERT INTO features (id, layer, status, accuracy, updated) VALUES ('d', 'ports', 'planned', 'unknown', now())`); err != nil {
		t.Fatal(err)
	}
	if id := tileIDs(t, s, "ports")["d"]; id != 5 {
		t.Errorf("the next feature after the migration has id %d, want 5", id)
	}
}

// The first requests after a change all want the layers, whose extents
// are a scan of every feature: one scan serves them all.
func TestLayersScannedOncePerVersion(t *testing.T) {
	ctx := context.Background()
	s := loaded(t, storetest.Fixture())
	v0, err := s.Version(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Pool().Exec(ctx, "UPDATE features SET name_en = 'Renamed' WHERE id = 'guanggu-area'"); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if v, err := s.Version(ctx); err == nil && v != v0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the store did not see the new data version")
		}
	}
	before := s.LayerScans()
	var wg sync.WaitGroup
	start := make(chan struct{})
	errs := make(chan error, 16)
	for range 16 {
		wg.Go(func() {
			<-start
			layers, err := s.Layers(ctx)
			if err == nil && len(layers) == 0 {
				err = errors.New("no layers")
			}
			errs <- err
		})
	}
	close(start)
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if n := s.LayerScans() - before; n != 1 {
		t.Errorf("16 requests at once scanned the layers %d times, want 1", n)
	}
}
