package storetest

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/paulmach/orb"

	"planmap/data/synth"
	"planmap/geo"
	"planmap/tiles"
)

// SynthDir writes the benchmarks' synthetic dataset (planmap gen's default
// size: 500,000 points and 50,000 lines, seed 1) to a temporary directory.
func SynthDir(b *testing.B) string {
	dir := b.TempDir()
	if err := synth.Write(dir, synth.Sizes{Points: 500000, Lines: 50000}, 1); err != nil {
		b.Fatal(err)
	}
	return dir
}

// BenchTiles builds random tiles of a store holding planmap gen's synthetic
// data (data/synth), at z10, z12 and z14, the same way for every store and
// as the server asks: dense layers go without geo.TileDenseDrop.
func BenchTiles(b *testing.B, s geo.Store) {
	wuhan := orb.Bound{Min: orb.Point{synth.MinLon, synth.MinLat}, Max: orb.Point{synth.MaxLon, synth.MaxLat}}
	layers, err := s.Layers(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	opts := tiles.Options{DenseDrop: geo.TileDenseDrop}
	for _, l := range layers {
		if l.ID != synth.LayerPoints && l.ID != synth.LayerLines {
			continue
		}
		for _, z := range []uint32{10, 12, 14} {
			r := tiles.Covering(wuhan, z)
			layer := []geo.TileLayer{{ID: l.ID, Dense: tiles.Dense(l.Count, l.Bounds, z, opts)}}
			b.Run(fmt.Sprintf("%s/z%d", l.ID, z), func(b *testing.B) {
				rng := rand.New(rand.NewPCG(1, 2))
				size := 0
				for b.Loop() {
					t := tiles.TileID{Z: z, X: r.MinX + uint32(rng.IntN(int(r.MaxX-r.MinX+1))), Y: r.MinY + uint32(rng.IntN(int(r.MaxY-r.MinY+1)))}
					tile, err := s.Tile(context.Background(), geo.TileRequest{Tile: t, Layers: layer, Options: opts})
					if err != nil {
						b.Fatal(err)
					}
					size += len(tile)
				}
				b.ReportMetric(float64(size)/float64(b.N)/1024, "KB/tile")
			})
		}
	}
}
