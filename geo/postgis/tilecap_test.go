package postgis_test

import (
	"context"
	"testing"

	"github.com/paulmach/orb"

	"planmap/geo"
	"planmap/geo/storetest"
	"planmap/tiles"
)

// TestTileCap asks for a dense overview tile under a small byte cap: the
// store thins points further until the tile fits, and keeps some.
func TestTileCap(t *testing.T) {
	ds := synth(20000, 3)
	s := loaded(t, ds)
	var layers []geo.TileLayer
	for _, l := range ds.Layers {
		layers = append(layers, geo.TileLayer{ID: l.ID})
	}
	var tid tiles.TileID
	for t := range tiles.Covering(orb.Bound{Min: orb.Point{114.3, 30.6}, Max: orb.Point{114.3, 30.6}}, 8).All() {
		tid = t
	}
	const limit = 20 << 10
	uncapped, err := s.Tile(context.Background(), geo.TileRequest{Tile: tid, Layers: layers})
	if err != nil {
		t.Fatal(err)
	}
	if len(uncapped) <= limit {
		t.Fatalf("the tile is only %d bytes; the test needs one over %d", len(uncapped), limit)
	}
	capped, err := s.Tile(context.Background(), geo.TileRequest{Tile: tid, Layers: layers, Options: tiles.Options{MaxBytes: limit}})
	if err != nil {
		t.Fatal(err)
	}
	if len(capped) == 0 || len(capped) > limit {
		t.Fatalf("capped tile is %d bytes, want 1..%d", len(capped), limit)
	}
	kept := 0
	for _, l := range storetest.DecodeTile(t, capped) {
		kept += len(l.Features)
	}
	if kept == 0 {
		t.Error("the capped tile kept no feature")
	}
}
