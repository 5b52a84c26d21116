package tiles

import (
	"bytes"
	"net/netip"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/geojson"
)

// The hand-written protobuf must be byte-identical to orb's gogo/protobuf
// encoder for the same layers, which makes orb the reference implementation.
func TestWriterMatchesOrb(t *testing.T) {
	ip := netip.MustParseAddr("10.0.0.1") // a fmt.Stringer
	type feat struct {
		id    uint64
		g     orb.Geometry
		props map[string]any
	}
	layers := []struct {
		name     string
		version  uint32
		features []feat
	}{
		{"points", 2, []feat{
			{1, orb.Point{10, 20}, map[string]any{"s": "汉口", "i": -3, "i8": int8(-8), "i16": int16(16), "i32": int32(-32), "i64": int64(1 << 40)}},
			{2, orb.Point{-64, 4160}, map[string]any{"u": uint(3), "u8": uint8(8), "u16": uint16(16), "u32": uint32(32), "u64": uint64(1 << 63)}},
			{0, orb.MultiPoint{{1, 1}, {2, 3}, {2, 3}}, map[string]any{"f32": float32(1.5), "f64": 2.25, "t": true, "f": false, "s": "汉口"}},
			{3, orb.Point{5, 5}, nil},
			{4, orb.Point{6, 6}, map[string]any{"list": []any{1, "a"}, "obj": map[string]any{"k": 1}, "ip": ip}},
		}},
		{"lines", 1, []feat{
			{10, orb.LineString{{0, 0}, {100, 0}, {100, -50}}, map[string]any{"s": "x"}},
			{11, orb.MultiLineString{{{0, 0}, {1, 1}}, {{5, 5}, {4000, 4000}, {-60, 30}}}, map[string]any{"s": "x", "n": 7}},
		}},
		{"polygons", 2, []feat{
			{20, orb.Polygon{{{0, 0}, {100, 0}, {100, 100}, {0, 100}, {0, 0}}, {{10, 10}, {10, 20}, {20, 20}, {10, 10}}}, nil},
			{21, orb.MultiPolygon{{{{0, 0}, {10, 0}, {10, 10}, {0, 0}}}, {{{50, 50}, {60, 50}, {60, 60}, {50, 50}}}}, map[string]any{"a": 1.0}},
			{1 << 60, orb.Polygon{{{0, 0}, {3, 0}, {3, 3}}}, map[string]any{"open": "ring"}}, // unclosed ring
		}},
	}

	var w tileWriter
	w.reset()
	var ref mvt.Layers
	for _, l := range layers {
		w.beginLayer(l.name)
		ml := &mvt.Layer{Name: l.name, Version: l.version, Extent: 4096}
		for _, f := range l.features {
			var err error
			if p, ok := f.g.(orb.Point); ok && f.id%2 == 1 {
				err = w.point(f.id, f.props, p) // both paths must agree
			} else {
				err = w.feature(f.id, f.props, f.g)
			}
			if err != nil {
				t.Fatal(err)
			}
			gf := geojson.NewFeature(f.g)
			gf.Properties = f.props
			if f.id != 0 {
				gf.ID = f.id
			}
			ml.Features = append(ml.Features, gf)
		}
		w.endLayer(l.version, 4096)
		ref = append(ref, ml)
	}
	want, err := mvt.Marshal(ref)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(w.out, want) {
		t.Fatalf("writer output differs from orb's:\n got %x\nwant %x", w.out, want)
	}
}

func TestWriterLongFeature(t *testing.T) {
	// A feature over 2 MiB exercises a 4-byte length prefix.
	ls := make(orb.LineString, 300_000)
	for i := range ls {
		ls[i] = orb.Point{float64(i % 4000), float64(i % 7)}
	}
	var w tileWriter
	w.reset()
	w.beginLayer("l")
	if err := w.feature(1, map[string]any{"k": "v"}, ls); err != nil {
		t.Fatal(err)
	}
	w.endLayer(2, 4096)
	want, _ := mvt.Marshal(mvt.Layers{{Name: "l", Version: 2, Extent: 4096, Features: []*geojson.Feature{{ID: uint64(1), Geometry: ls, Properties: geojson.Properties{"k": "v"}}}}})
	if !bytes.Equal(w.out, want) {
		t.Fatal("long feature differs from orb's encoding")
	}
}
