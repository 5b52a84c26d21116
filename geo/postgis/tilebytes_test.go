package postgis_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/paulmach/orb"

	"planmap/data"
	"planmap/geo"
	"planmap/tiles"
)

// TestTileBytesDeterministic: a tile's ETag names its content by the data
// version, so the same tile must come out byte for byte the same however
// the database happens to lay out or scan its rows. Writing tile_features
// again in the reverse order changes the order a scan returns them in.
func TestTileBytesDeterministic(t *testing.T) {
	ds, err := data.Load(data.Embedded())
	if err != nil {
		t.Fatal(err)
	}
	s := loaded(t, ds)
	ctx := context.Background()
	var layers []geo.TileLayer
	for _, l := range ds.Layers {
		layers = append(layers, geo.TileLayer{ID: l.ID, MinZoom: l.Style.MinZoom})
	}
	var ids []tiles.TileID // central Wuhan, where tiles hold many features
	for _, z := range []uint32{8, 11, 14} {
		for tid := range tiles.Covering(orb.Bound{Min: orb.Point{114.30, 30.58}, Max: orb.Point{114.30, 30.58}}, z).All() {
			ids = append(ids, tid)
		}
	}
	build := func() [][]byte {
		var out [][]byte
		for _, tid := range ids {
			b, err := s.Tile(ctx, geo.TileRequest{Tile: tid, Layers: layers})
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, b)
		}
		return out
	}
	before := build()
	for _, sql := range []string{`CREATE TEMP TABLE copy AS SELECT * FROM tile_features`, `DELETE FROM tile_features`,
		`INSERT INTO tile_features SELECT * FROM copy ORDER BY tile_id DESC`, `VACUUM ANALYZE tile_features`} {
		if _, err := s.Pool().Exec(ctx, sql); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
	}
	for i, b := range build() {
		if len(before[i]) == 0 {
			t.Errorf("tile %s is empty: the test needs features", ids[i])
		}
		if !bytes.Equal(b, before[i]) {
			t.Errorf("tile %s: %d bytes, then %d different bytes once rows moved", ids[i], len(before[i]), len(b))
		}
	}
}
