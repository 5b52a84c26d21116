package postgis_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/paulmach/orb"

	"planmap/data"
	synthdata "planmap/data/synth"
	"planmap/geo"
	"planmap/geo/postgis"
	"planmap/tiles"
)

// BenchmarkTile builds random uncached tiles in PostGIS over 500,000 points
// and 50,000 lines (the same synthetic data as the embedded store's
// benchmark), one statement per tile.
func BenchmarkTile(b *testing.B) {
	dir := b.TempDir()
	if err := synthdata.Write(dir, synthdata.Sizes{Points: 500000, Lines: 50000}, 1); err != nil {
		b.Fatal(err)
	}
	s := open(b)
	if _, err := postgis.LoadFS(context.Background(), s, data.Dir(dir), nil); err != nil {
		b.Fatal(err)
	}
	wuhan := orb.Bound{Min: orb.Point{synthdata.MinLon, synthdata.MinLat}, Max: orb.Point{synthdata.MaxLon, synthdata.MaxLat}}
	for _, layer := range []string{synthdata.LayerPoints, synthdata.LayerLines} {
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
