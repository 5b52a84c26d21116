package storetest

import (
	"context"
	"errors"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"

	"planmap/data"
	"planmap/geo"
	"planmap/tiles"
)

// tileAt is the tile of zoom z holding the point (lon, lat).
func tileAt(z uint32, lon, lat float64) tiles.TileID {
	r := tiles.Covering(orbBound(lon, lat), z)
	for t := range r.All() {
		return t
	}
	return tiles.TileID{}
}

// DecodeTile reads MVT bytes into layers by name, failing the test on bad bytes.
func DecodeTile(t *testing.T, b []byte) map[string]*mvt.Layer {
	t.Helper()
	layers, err := mvt.Unmarshal(b)
	if err != nil {
		t.Fatalf("tile does not decode: %v", err)
	}
	out := map[string]*mvt.Layer{}
	for _, l := range layers {
		if out[l.Name] != nil {
			t.Errorf("layer %q twice in one tile", l.Name)
		}
		out[l.Name] = l
	}
	return out
}

// TileIDs maps every MVT id of a store to its feature's id, over all its
// layers, failing the test unless each feature has an id of its own: not 0,
// within the integers JavaScript holds exactly, never another feature's.
func TileIDs(ctx context.Context, t testing.TB, s geo.Store) map[uint64]string {
	t.Helper()
	layers, err := s.Layers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	out, seen := map[uint64]string{}, map[string]bool{}
	for _, l := range layers {
		ids, err := s.TileIDs(ctx, l.ID)
		if err != nil {
			t.Fatalf("TileIDs(%s): %v", l.ID, err)
		}
		for tid, id := range ids {
			if tid == 0 || tid >= 1<<52 {
				t.Errorf("%s: MVT id %d", id, tid)
			}
			if other, ok := out[tid]; ok || seen[id] {
				t.Errorf("MVT id %d of %s (and of %q), or %s with two", tid, id, other, id)
			}
			out[tid], seen[id] = id, true
		}
	}
	return out
}

// tileIDOf is the MVT id of a feature, failing the test if it has none.
func tileIDOf(t testing.TB, byTile map[uint64]string, id string) uint64 {
	t.Helper()
	for tid, fid := range byTile {
		if fid == id {
			return tid
		}
	}
	t.Fatalf("%s has no MVT id", id)
	return 0
}

// testTileIDs wants one MVT id for every feature, and no layer made up.
func testTileIDs(ctx context.Context, t *testing.T, s geo.Store, ds *data.Dataset) {
	if got := len(TileIDs(ctx, t, s)); got != len(ds.Features) {
		t.Errorf("%d MVT ids for %d features", got, len(ds.Features))
	}
	if _, err := s.TileIDs(ctx, "no-such-layer"); !errors.Is(err, geo.ErrNotFound) {
		t.Errorf("TileIDs of an unknown layer: %v, want ErrNotFound", err)
	}
}

func allLayers(minzoom map[string]int) []geo.TileLayer {
	var out []geo.TileLayer
	for _, id := range []string{LayerAreas, LayerLines, LayerPoints} {
		out = append(out, geo.TileLayer{ID: id, MinZoom: minzoom[id]})
	}
	return out
}

func testTiles(ctx context.Context, t *testing.T, s geo.Store) {
	tile := func(tid tiles.TileID, layers []geo.TileLayer) []byte {
		b, err := s.Tile(ctx, geo.TileRequest{Tile: tid, Layers: layers})
		if err != nil {
			t.Fatalf("tile %v: %v", tid, err)
		}
		return b
	}
	// A street-level tile at 光谷: the area polygon covers it wholly.
	at := tileAt(14, Guanggu[0], Guanggu[1])
	layers := DecodeTile(t, tile(at, allLayers(nil)))
	areas := layers[LayerAreas]
	if areas == nil || len(areas.Features) != 1 {
		t.Fatalf("tile %v: areas layer = %v", at, areas)
	}
	f := areas.Features[0]
	if areas.Version != 2 || areas.Extent != 4096 {
		t.Errorf("layer version %d extent %d, want 2 and 4096", areas.Version, areas.Extent)
	}
	byTile := TileIDs(ctx, t, s)
	if id, _ := f.ID.(float64); uint64(id) != tileIDOf(t, byTile, "guanggu-area") {
		t.Errorf("feature id %v, want %d", f.ID, tileIDOf(t, byTile, "guanggu-area"))
	}
	// Every feature's MVT id is the one its store gives it.
	for name, l := range DecodeTile(t, tile(tileAt(12, Guanggu[0], Guanggu[1]), allLayers(nil))) {
		for _, f := range l.Features {
			if id, _ := f.ID.(float64); byTile[uint64(id)] != f.Properties["id"] {
				t.Errorf("%s: MVT id %v is %q's, not %v's", name, f.ID, byTile[uint64(id)], f.Properties["id"])
			}
		}
	}
	for k, want := range map[string]any{"id": "guanggu-area", "name_zh": "光谷副城", "status": geo.StatusPlanned, "accuracy": geo.AccuracyApproximate} {
		if f.Properties[k] != want {
			t.Errorf("property %s = %v, want %v", k, f.Properties[k], want)
		}
	}
	if _, long := f.Properties["plan_quote"]; long {
		t.Error("tiles carry plan_quote; long texts belong to the OGC API")
	}
	// The whole city in one tile: every layer, the points thinned.
	city := tileAt(8, Guanggu[0], Guanggu[1])
	overview := DecodeTile(t, tile(city, allLayers(nil)))
	for _, id := range []string{LayerAreas, LayerLines, LayerPoints} {
		if overview[id] == nil || len(overview[id].Features) == 0 {
			t.Errorf("z8 tile lacks layer %s", id)
		}
	}
	wide := DecodeTile(t, tile(tileAt(4, Guanggu[0], Guanggu[1]), allLayers(nil)))[LayerPoints]
	if wide == nil || len(wide.Features) == 0 || len(wide.Features) >= GridPoints {
		t.Errorf("z4 tile should keep some but not all of the %d grid points", GridPoints)
	}
	// A dense layer loses its labels; a sparse one keeps them.
	withDense := allLayers(nil)
	for i := range withDense {
		withDense[i].Dense = withDense[i].ID == LayerPoints
	}
	b, err := s.Tile(ctx, geo.TileRequest{Tile: city, Layers: withDense,
		Options: tiles.Options{DenseDrop: geo.TileDenseDrop}})
	if err != nil {
		t.Fatal(err)
	}
	dense := DecodeTile(t, b)
	for _, f := range dense[LayerPoints].Features {
		_, named := f.Properties["name_zh"]
		_, hasID := f.Properties["id"]
		if named || hasID || f.Properties["status"] == nil || f.ID == nil {
			t.Fatalf("a point of a dense layer keeps its name or string id, or lost its status or MVT id: %v %v", f.ID, f.Properties)
		}
	}
	for _, f := range dense[LayerAreas].Features {
		if f.Properties["name_zh"] == nil {
			t.Errorf("an area of a sparse layer lost its name: %v", f.Properties)
		}
	}
	// A layer below its minimum zoom is left out.
	if l := DecodeTile(t, tile(city, allLayers(map[string]int{LayerPoints: 12})))[LayerPoints]; l != nil {
		t.Errorf("points drawn at z8 despite minzoom 12")
	}
	// Nothing there: no bytes.
	if b := tile(tileAt(12, 100, 10), allLayers(nil)); len(b) != 0 {
		t.Errorf("empty tile has %d bytes", len(b))
	}
	v1, err := s.Version(ctx)
	v2, _ := s.Version(ctx)
	if err != nil || v1 == "" || v1 != v2 {
		t.Errorf("version %q then %q (%v)", v1, v2, err)
	}
}

func orbBound(lon, lat float64) orb.Bound {
	p := orb.Point{lon, lat}
	return orb.Bound{Min: p, Max: p}
}
