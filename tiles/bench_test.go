package tiles

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/paulmach/orb"
)

var wuhan = orb.Bound{Min: orb.Point{113.68, 29.97}, Max: orb.Point{115.08, 31.37}}

var benchData = sync.OnceValues(func() (points, lines []Feature) {
	r := rand.New(rand.NewPCG(42, 42))
	rnd := func() orb.Point {
		return orb.Point{wuhan.Min[0] + r.Float64()*(wuhan.Max[0]-wuhan.Min[0]), wuhan.Min[1] + r.Float64()*(wuhan.Max[1]-wuhan.Min[1])}
	}
	kinds := []string{"pump_station", "metro_station", "water_plant", "port", "park"}
	statuses := []string{"existing", "planned", "under_construction"}
	points = make([]Feature, 500_000)
	for i := range points {
		points[i] = Feature{ID: uint64(i + 1), Geometry: rnd(), Properties: NewProps(map[string]any{
			"kind": kinds[i%len(kinds)], "status": statuses[i%len(statuses)], "name_en": fmt.Sprintf("feature %d", i),
		})}
	}
	lines = make([]Feature, 50_000)
	for i := range lines {
		p := rnd()
		ls := make(orb.LineString, 2+r.IntN(8))
		for j := range ls {
			ls[j] = p
			p = orb.Point{p[0] + (r.Float64()-.5)*0.004, p[1] + (r.Float64()-.5)*0.004} // ~200 m steps
		}
		lines[i] = Feature{ID: uint64(i + 1), Geometry: ls, Properties: NewProps(map[string]any{"kind": "road", "status": statuses[i%len(statuses)]})}
	}
	return points, lines
})

// selectFor mimics a store's bbox query: the features whose bound meets the
// tile grown by the buffer.
func selectFor(t TileID, fs []Feature) []Feature {
	b := t.Bound()
	pad := (b.Max[0] - b.Min[0]) * DefaultBuffer / DefaultExtent
	b = b.Pad(pad)
	var out []Feature
	for _, f := range fs {
		if b.Intersects(f.Geometry.Bound()) {
			out = append(out, f)
		}
	}
	return out
}

func BenchmarkEncode(b *testing.B) {
	points, lines := benchData()
	for _, kind := range []struct {
		name string
		fs   []Feature
	}{{"points500k", points}, {"lines50k", lines}} {
		for _, z := range []uint32{10, 12, 14} {
			tile := tileAt(114.38, 30.67, z)
			sel := selectFor(tile, kind.fs)
			layers := []Layer{{Name: kind.name, Features: sel}}
			b.Run(fmt.Sprintf("%s/z%d", kind.name, z), func(b *testing.B) {
				var size int
				for b.Loop() {
					data, err := Encode(tile, layers, Options{})
					if err != nil {
						b.Fatal(err)
					}
					size = len(data)
				}
				b.ReportMetric(float64(len(sel)), "features_in")
				b.ReportMetric(float64(size), "tile_bytes")
			})
		}
	}
}

func BenchmarkGzip(b *testing.B) {
	points, _ := benchData()
	tile := tileAt(114.38, 30.67, 12)
	data, _ := Encode(tile, []Layer{{Name: "p", Features: selectFor(tile, points)}}, Options{})
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		Gzip(data)
	}
}

func BenchmarkCacheHit(b *testing.B) {
	c := NewCache(64 << 20)
	keys := make([]string, 1024)
	for i := range keys {
		keys[i] = Key("plan", "1", TileID{14, uint32(i), 0})
		c.Add(keys[i], make([]byte, 10_000))
	}
	ctx := context.Background()
	build := func() ([]byte, error) { panic("miss") }
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			if _, hit, _ := c.GetOrBuild(ctx, keys[i&1023], build); !hit {
				b.Fatal("miss")
			}
			i++
		}
	})
}

func BenchmarkKey(b *testing.B) {
	for b.Loop() {
		Key("plan", "1.2.0", TileID{14, 13358, 6746})
	}
}
