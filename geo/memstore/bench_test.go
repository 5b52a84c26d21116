package memstore_test

import (
	"context"
	"syscall"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"planmap/data"
	"planmap/data/synth"
	"planmap/geo"
	"planmap/geo/cql2"
	"planmap/geo/memstore"
	"planmap/geo/storetest"
	"planmap/tiles"
)

// BenchmarkTile builds random uncached tiles in Go over 500,000 points and
// 50,000 lines.
func BenchmarkTile(b *testing.B) {
	ds, err := data.Load(data.Dir(storetest.SynthDir(b)))
	if err != nil {
		b.Fatal(err)
	}
	storetest.BenchTiles(b, memstore.New(ds))
}

// BenchmarkPlanTiles builds every layer of the shipped plan in one tile
// (the composite "plan" tileset), uncached, at the tiles over central Wuhan
// from z6 to z14: mostly polygons (districts, zones, wetlands), where
// the encoder's clipping, simplification and validity repair cost most.
func BenchmarkPlanTiles(b *testing.B) {
	ds, err := data.Load(data.Embedded())
	if err != nil {
		b.Fatal(err)
	}
	s := memstore.New(ds)
	var layers []geo.TileLayer
	for _, l := range ds.Layers {
		layers = append(layers, geo.TileLayer{ID: l.ID, MinZoom: l.Style.MinZoom})
	}
	var ids []tiles.TileID
	for z := uint32(6); z <= 14; z++ {
		for tid := range tiles.Covering(orb.Bound{Min: orb.Point{114.25, 30.55}, Max: orb.Point{114.35, 30.62}}, z).All() {
			ids = append(ids, tid)
		}
	}
	ctx := context.Background()
	cpu0 := cpuTime()
	for b.Loop() {
		for _, tid := range ids {
			if _, err := s.Tile(ctx, geo.TileRequest{Tile: tid, Layers: layers}); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(ids))/1e3, "µs/tile")
	// CPU time as well: on a machine shared with other work, wall time
	// measures the neighbours as much as the encoder.
	b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/float64(b.N*len(ids)), "cpu-µs/tile")
}

// cpuTime is the process's user and system CPU time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkFilterSpatial filters the 50,000 synthetic lines with each
// spatial function and a box over a tenth of Wuhan: S_INTERSECTS by orb,
// the DE-9IM functions by simplefeatures on the features whose boxes meet.
func BenchmarkFilterSpatial(b *testing.B) {
	ds, err := data.Load(data.Dir(storetest.SynthDir(b)))
	if err != nil {
		b.Fatal(err)
	}
	s := memstore.New(ds)
	ctx := context.Background()
	for _, op := range []string{"S_INTERSECTS", "S_WITHIN", "S_CROSSES", "S_TOUCHES"} {
		b.Run(op, func(b *testing.B) {
			e, err := cql2.ParseText(op + "(geometry, POLYGON((114.2 30.4, 114.6 30.4, 114.6 30.8, 114.2 30.4)))")
			if err != nil {
				b.Fatal(err)
			}
			schema, _ := s.Schema(ctx, synth.LayerLines)
			if err := geo.CheckFilter(e, geo.Queryables(schema)); err != nil {
				b.Fatal(err)
			}
			var n int
			cpu0 := cpuTime()
			for b.Loop() {
				p, err := s.Features(ctx, synth.LayerLines, geo.Query{Filter: e, Limit: 10})
				if err != nil {
					b.Fatal(err)
				}
				n = p.Matched
			}
			b.ReportMetric(float64(n), "matched")
			b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/float64(b.N)/1e3, "cpu-ms/op")
		})
	}
}
