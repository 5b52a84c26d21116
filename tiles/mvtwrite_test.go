package tiles

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/geojson"
)

// TestWriterMatchesOrb writes random layers with the tile writer and with
// orb's generic marshaller and wants the same bytes: every geometry kind the
// encoder emits, ids present and absent, repeated and unique values of every
// property type, nil values and dropped keys.
func TestWriterMatchesOrb(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 11))
	coord := func() float64 { return float64(r.IntN(4096+256) - 128) }
	pt := func() orb.Point { return orb.Point{coord(), coord()} }
	line := func() orb.LineString {
		ls := make(orb.LineString, 2+r.IntN(5))
		for i := range ls {
			ls[i] = pt()
		}
		return ls
	}
	ring := func() orb.Ring {
		rg := orb.Ring{pt(), pt(), pt(), pt()}
		if r.IntN(2) == 0 {
			rg = append(rg, rg[0]) // closed, as the encoder writes rings
		}
		return rg
	}
	geoms := []func() orb.Geometry{
		func() orb.Geometry { return pt() },
		func() orb.Geometry { return orb.MultiPoint{pt(), pt(), pt()} },
		func() orb.Geometry { return line() },
		func() orb.Geometry { return orb.MultiLineString{line(), line()} },
		func() orb.Geometry { return orb.Polygon{ring(), ring()} },
		func() orb.Geometry { return orb.MultiPolygon{{ring()}, {ring(), ring()}} },
	}
	values := []func() any{
		func() any { return []string{"existing", "planned", "建设中"}[r.IntN(3)] },
		func() any { return fmt.Sprintf("unique %d", r.Int()) },
		func() any { return r.IntN(5) - 2 },
		func() any { return int64(r.IntN(3)) },
		func() any { return uint32(r.IntN(3)) },
		func() any { return float64(r.IntN(3)) / 2 },
		func() any { return float32(r.IntN(3)) / 4 },
		func() any { return r.IntN(2) == 0 },
		func() any { return time.Duration(r.IntN(3)) * time.Second }, // a Stringer
		func() any { return []any{"a", r.IntN(2)} },                  // not comparable: JSON
		func() any { return nil },
	}
	drop := []string{"name_en", "id"}
	keys := []string{"id", "name_en", "kind", "status", "a", "b", "c"}

	for run := 0; run < 50; run++ {
		var w tileWriter
		w.reset()
		var want mvt.Layers
		for li := 0; li < 1+r.IntN(3); li++ {
			name := fmt.Sprintf("layer%d", li)
			dense := r.IntN(2) == 0
			w.beginLayer(name)
			ol := &mvt.Layer{Name: name, Version: 2, Extent: 4096}
			for fi := 0; fi < 1+r.IntN(40); fi++ {
				id := uint64(r.IntN(3)) * uint64(r.Int64N(1<<52))
				g := geoms[r.IntN(len(geoms))]()
				props := map[string]any{}
				for _, k := range keys {
					if r.IntN(3) > 0 {
						props[k] = values[r.IntN(len(values))]()
					}
				}
				var d []string
				if dense {
					d = drop
				}
				if err := w.feature(id, NewProps(props), d, g); err != nil {
					t.Fatal(err)
				}
				of := geojson.NewFeature(g)
				for k, v := range props {
					if v != nil && !slices.Contains(d, k) {
						of.Properties[k] = v
					}
				}
				if id != 0 {
					of.ID = id
				}
				ol.Features = append(ol.Features, of)
			}
			w.endLayer(2, 4096)
			want = append(want, ol)
		}
		got, err := w.bytes()
		if err != nil {
			t.Fatal(err)
		}
		wantBytes, err := mvt.Marshal(want)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, wantBytes) {
			t.Fatalf("run %d: writer wrote %d bytes, orb %d, and they differ", run, len(got), len(wantBytes))
		}
	}
}

func TestWriterEmptyAndErrors(t *testing.T) {
	var w tileWriter
	w.reset()
	if b, err := w.bytes(); b != nil || err != nil {
		t.Fatalf("empty tile: %v, %v; want nil, nil", b, err)
	}
	w.beginLayer("l")
	if err := w.feature(1, nil, nil, orb.Bound{}); err == nil {
		t.Error("a bound as geometry was accepted")
	}
	if err := w.feature(1, Props{{"k", struct{ C chan int }{}}}, nil, orb.Point{1, 2}); err == nil {
		t.Error("a channel-holding value was accepted")
	}
}
