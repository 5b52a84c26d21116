package memstore_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"sync"
	"testing"

	"planmap/data"
	"planmap/data/synth"
	"planmap/geo"
	"planmap/geo/memstore"
	"planmap/tiles"
)

// synthetic is a store of 500,000 points and 50,000 lines over Wuhan, built once.
var synthetic = sync.OnceValues(func() (*memstore.Store, error) {
	dir, err := os.MkdirTemp("", "planmap-bench")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	if err := synth.Write(dir, synth.Sizes{Points: 500000, Lines: 50000}, 1); err != nil {
		return nil, err
	}
	ds, err := data.Load(data.Dir(dir))
	if err != nil {
		return nil, err
	}
	return memstore.New(ds), nil
})

// BenchmarkTile builds random uncached tiles over the Wuhan extent.
func BenchmarkTile(b *testing.B) {
	s, err := synthetic()
	if err != nil {
		b.Fatal(err)
	}
	for _, layer := range []string{synth.LayerPoints, synth.LayerLines} {
		for _, z := range []uint32{10, 12, 14} {
			r := tiles.Covering(wuhan, z)
			b.Run(fmt.Sprintf("%s/z%d", layer, z), func(b *testing.B) {
				rng := rand.New(rand.NewPCG(1, 2))
				size := 0
				for b.Loop() {
					t := tiles.TileID{Z: z, X: r.MinX + uint32(rng.IntN(int(r.MaxX-r.MinX+1))), Y: r.MinY + uint32(rng.IntN(int(r.MaxY-r.MinY+1)))}
					tile, err := s.Tile(context.Background(), geo.TileRequest{Tile: t, Layers: []geo.TileLayer{{ID: layer}},
						Options: tiles.Options{DenseDrop: geo.TileLabels}})
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

var wuhan = orbBound(synth.MinLon, synth.MinLat, synth.MaxLon, synth.MaxLat)
