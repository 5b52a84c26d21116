package tiles

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/maptile"
)

// hankou is a z14 tile in central Wuhan.
var hankou = tileAt(114.30, 30.60, 14)

func tileAt(lon, lat float64, z uint32) TileID {
	r := Covering(orb.Bound{Min: orb.Point{lon, lat}, Max: orb.Point{lon, lat}}, z)
	return TileID{Z: z, X: r.MinX, Y: r.MinY}
}

// lerp gives the lon/lat at fractions (fx, fy) of the tile, from the
// north-west corner; values outside 0…1 lie beyond the tile.
func lerp(t TileID, fx, fy float64) orb.Point {
	// Interpolate in Mercator so fractions map linearly to tile units.
	mb := t.MercatorBound()
	x := mb.Min[0] + fx*(mb.Max[0]-mb.Min[0])
	y := mb.Max[1] - fy*(mb.Max[1]-mb.Min[1])
	lon := x / earthRadius * 180 / math.Pi
	lat := (2*math.Atan(math.Exp(y/earthRadius)) - math.Pi/2) * 180 / math.Pi
	return orb.Point{lon, lat}
}

func decode(t *testing.T, data []byte) map[string]*mvt.Layer {
	t.Helper()
	ls, err := mvt.Unmarshal(data)
	if err != nil {
		t.Fatalf("decoding tile: %v", err)
	}
	m := map[string]*mvt.Layer{}
	for _, l := range ls {
		if m[l.Name] != nil {
			t.Fatalf("layer %q twice", l.Name)
		}
		m[l.Name] = l
	}
	return m
}

func TestEncodeRoundTrip(t *testing.T) {
	tile := hankou
	outerCCW := orb.Ring{lerp(tile, .1, .1), lerp(tile, .1, .9), lerp(tile, .9, .9), lerp(tile, .9, .1), lerp(tile, .1, .1)} // counter-clockwise on a map
	hole := orb.Ring{lerp(tile, .4, .4), lerp(tile, .6, .4), lerp(tile, .6, .6), lerp(tile, .4, .6), lerp(tile, .4, .4)}
	other := orb.Ring{lerp(tile, .7, -.5), lerp(tile, 1.5, -.5), lerp(tile, 1.5, .3), lerp(tile, .7, .3), lerp(tile, .7, -.5)} // clockwise on a map, overhangs
	layers := []Layer{
		{Name: "stations", Features: []Feature{
			{ID: 1, Geometry: lerp(tile, .25, .25), Properties: NewProps(map[string]any{"name": "汉口站", "rank": 1, "score": 2.5, "open": true, "gone": nil})},
			{ID: 2, Geometry: lerp(tile, .75, .25), Properties: NewProps(map[string]any{"name": "B", "rank": 2})},
			{ID: 3, Geometry: lerp(tile, 3, 3)}, // far outside: skipped
			{ID: 4, Geometry: orb.MultiPoint{lerp(tile, .5, .5), lerp(tile, .5, -2)}},
		}},
		{Name: "metro", Features: []Feature{
			{ID: 10, Geometry: orb.LineString{lerp(tile, -1, .5), lerp(tile, .5, .5), lerp(tile, .5, 2)}, Properties: NewProps(map[string]any{"line": "2"})},
		}},
		{Name: "zones", Features: []Feature{
			{ID: 20, Geometry: orb.Polygon{outerCCW, hole}, Properties: NewProps(map[string]any{"kind": "park"})},
			{ID: 21, Geometry: orb.Polygon{other}},
		}},
	}
	data, err := Encode(tile, layers, Options{})
	if err != nil || data == nil {
		t.Fatalf("Encode: %v, %d bytes", err, len(data))
	}
	if bytes.Equal(data[:2], []byte{0x1f, 0x8b}) {
		t.Fatal("Encode must not gzip")
	}
	for _, variant := range []struct {
		name string
		dec  func([]byte) (mvt.Layers, error)
		in   []byte
	}{{"plain", mvt.Unmarshal, data}, {"gzip", mvt.UnmarshalGzipped, Gzip(data)}} {
		ls, err := variant.dec(variant.in)
		if err != nil {
			t.Fatalf("%s: %v", variant.name, err)
		}
		var names []string
		for _, l := range ls {
			names = append(names, l.Name)
			if l.Version != 2 || l.Extent != 4096 {
				t.Errorf("%s: layer %s version %d extent %d", variant.name, l.Name, l.Version, l.Extent)
			}
		}
		if !slices.Equal(names, []string{"stations", "metro", "zones"}) {
			t.Errorf("%s: layers %v", variant.name, names)
		}
	}
	m := decode(t, data)
	st := m["stations"]
	if len(st.Features) != 3 {
		t.Fatalf("stations: %d features, want 3 (one is outside)", len(st.Features))
	}
	f := st.Features[0]
	if f.ID != float64(1) || f.Properties["name"] != "汉口站" || f.Properties["rank"] != float64(1) ||
		f.Properties["score"] != 2.5 || f.Properties["open"] != true {
		t.Errorf("feature 1: id %v props %v", f.ID, f.Properties)
	}
	if _, ok := f.Properties["gone"]; ok {
		t.Error("nil property must be dropped, MVT has no null")
	}
	if p, ok := f.Geometry.(orb.Point); !ok || !near(p, orb.Point{1024, 1024}, 1.01) {
		t.Errorf("feature 1 at %v, want ≈(1024,1024)", f.Geometry)
	}
	if p, ok := st.Features[2].Geometry.(orb.Point); !ok || !near(p, orb.Point{2048, 2048}, 1.01) || st.Features[2].ID != float64(4) {
		t.Errorf("multipoint clipped to its inside point: %v", st.Features[2].Geometry)
	}

	line := m["metro"].Features[0]
	ls, ok := line.Geometry.(orb.LineString)
	if !ok || len(ls) != 3 || line.ID != float64(10) {
		t.Fatalf("metro: %#v", line.Geometry)
	}
	if !near(ls[1], orb.Point{2048, 2048}, 1.01) || !near(ls[0], orb.Point{-64, 2048}, 1.01) || !near(ls[2], orb.Point{2048, 4160}, 1.01) {
		t.Errorf("metro not clipped to the buffer: %v", ls)
	}

	zones := m["zones"].Features
	if len(zones) != 2 {
		t.Fatalf("zones: %d", len(zones))
	}
	p0, ok := zones[0].Geometry.(orb.Polygon)
	if !ok || len(p0) != 2 {
		t.Fatalf("zone 20 should be one polygon with a hole: %#v", zones[0].Geometry)
	}
	p1, ok := zones[1].Geometry.(orb.Polygon)
	if !ok || len(p1) != 1 {
		t.Fatalf("zone 21: %#v", zones[1].Geometry)
	}
	for _, l := range m {
		for _, f := range l.Features {
			checkGeometry(t, f.Geometry, 4096, 64)
		}
	}
	// Decoded back to WGS84 by orb's own projection, points land where they started.
	back := decode(t, data)["stations"]
	back.ProjectToWGS84(maptile.New(tile.X, tile.Y, maptile.Zoom(tile.Z)))
	unit := (tile.Bound().Max[0] - tile.Bound().Min[0]) / 4096
	if p := back.Features[0].Geometry.(orb.Point); !near(p, layers[0].Features[0].Geometry.(orb.Point), 1.5*unit) {
		t.Errorf("round trip moved a point: %v → %v", layers[0].Features[0].Geometry, p)
	}
}

// checkGeometry asserts MVT 2.1 rules on decoded tile geometry: inside
// extent+buffer, no repeated consecutive points, exterior rings positive in
// tile coordinates (clockwise on screen), holes negative, rings closed with
// at least three distinct points.
func checkGeometry(t *testing.T, g orb.Geometry, extent, buffer float64) {
	t.Helper()
	b := g.Bound()
	if b.Min[0] < -buffer || b.Min[1] < -buffer || b.Max[0] > extent+buffer || b.Max[1] > extent+buffer {
		t.Errorf("geometry %v beyond extent+buffer", b)
	}
	line := func(ls []orb.Point) {
		for i := 1; i < len(ls); i++ {
			if ls[i] == ls[i-1] {
				t.Errorf("zero-length segment at %v", ls[i])
			}
		}
	}
	poly := func(p orb.Polygon) {
		// Brute force, unlike the encoder's sweep: no two edges properly cross.
		type edge struct {
			a, b      orb.Point
			ring, idx int
		}
		var es []edge
		for ri, r := range p {
			for i := 0; i+1 < len(r); i++ {
				es = append(es, edge{r[i], r[i+1], ri, i})
			}
		}
		for i := range es {
			for j := i + 1; j < len(es); j++ {
				s, u := es[i], es[j]
				if s.ring == u.ring && (u.idx-s.idx == 1 || u.idx-s.idx == len(p[s.ring])-2) {
					continue
				}
				if properCross(s.a, s.b, u.a, u.b) {
					t.Errorf("edges %v–%v and %v–%v cross", s.a, s.b, u.a, u.b)
				}
			}
		}
		for i, r := range p {
			line(r)
			if len(r) < 4 || !r.Closed() {
				t.Errorf("ring %d degenerate: %v", i, r)
			}
			a := ringArea(r)
			if i == 0 && a <= 0 {
				t.Errorf("exterior ring has area %v, must be positive (clockwise on screen)", a)
			}
			if i > 0 && a >= 0 {
				t.Errorf("hole has area %v, must be negative", a)
			}
		}
	}
	switch g := g.(type) {
	case orb.LineString:
		line(g)
	case orb.MultiLineString:
		for _, l := range g {
			line(l)
		}
	case orb.Polygon:
		poly(g)
	case orb.MultiPolygon:
		for _, p := range g {
			poly(p)
		}
	}
}

func TestEncodeEmpty(t *testing.T) {
	far := []Feature{{ID: 1, Geometry: orb.Point{0, 0}}, {ID: 2, Geometry: orb.LineString{{0, 0}, {1, 1}}}}
	cases := map[string][]Layer{
		"no layers":       nil,
		"no features":     {{Name: "a"}},
		"all outside":     {{Name: "a", Features: far}},
		"nil geometry":    {{Name: "a", Features: []Feature{{ID: 1}}}},
		"below min zoom":  {{Name: "a", MinZoom: 15, Features: []Feature{{ID: 1, Geometry: lerp(hankou, .5, .5)}}}},
		"collapsed":       {{Name: "a", Features: []Feature{{ID: 1, Geometry: orb.LineString{lerp(hankou, .5, .5), lerp(hankou, .50001, .5)}}}}},
		"tiny polygon":    {{Name: "a", Features: []Feature{{ID: 1, Geometry: orb.Polygon{{lerp(hankou, .5, .5), lerp(hankou, .5001, .5), lerp(hankou, .5, .5001), lerp(hankou, .5, .5)}}}}}},
		"inside the hole": {{Name: "a", Features: []Feature{{ID: 1, Geometry: orb.Polygon{orb.Bound{Min: orb.Point{100, 20}, Max: orb.Point{120, 40}}.ToRing(), orb.Bound{Min: orb.Point{110, 25}, Max: orb.Point{118, 35}}.ToRing()}}}}},
		"line in the far": {{Name: "a", Features: []Feature{{ID: 1, Geometry: orb.LineString{lerp(hankou, -2, .5), lerp(hankou, -1, .5)}}}}},
	}
	for name, layers := range cases {
		data, err := Encode(hankou, layers, Options{})
		if err != nil || data != nil {
			t.Errorf("%s: got %d bytes, %v; want nil, nil", name, len(data), err)
		}
	}
}

func TestEncodeMinZoom(t *testing.T) {
	pt := []Feature{{ID: 1, Geometry: lerp(hankou, .5, .5)}}
	layers := []Layer{{Name: "base", Features: pt}, {Name: "pumps", MinZoom: 15, Features: pt}, {Name: "roads", MinZoom: 14, Features: pt}}
	m := decode(t, must(Encode(hankou, layers, Options{})))
	if m["pumps"] != nil || m["base"] == nil || m["roads"] == nil {
		t.Fatalf("layers present: %v", keys(m))
	}
	deeper := tileAt(114.30, 30.60, 15)
	if m := decode(t, must(Encode(deeper, layers, Options{}))); m["pumps"] == nil {
		t.Fatal("pumps missing at its min zoom")
	}
}

func must(b []byte, err error) []byte {
	if err != nil {
		panic(err)
	}
	return b
}

func keys(m map[string]*mvt.Layer) []string {
	var k []string
	for n := range m {
		k = append(k, n)
	}
	slices.Sort(k)
	return k
}

func TestEncodeRejects(t *testing.T) {
	if _, err := Encode(TileID{1, 2, 0}, nil, Options{}); err == nil {
		t.Error("invalid tile accepted")
	}
	if _, err := Encode(hankou, []Layer{{Name: "a"}, {Name: "a"}}, Options{}); err == nil {
		t.Error("duplicate layer names accepted")
	}
	if _, err := Encode(hankou, []Layer{{Name: ""}}, Options{}); err == nil {
		t.Error("empty layer name accepted")
	}
	if _, err := Encode(hankou, []Layer{{Name: "a", Features: []Feature{{Geometry: lerp(hankou, .5, .5), Properties: NewProps(map[string]any{"x": struct{}{}})}}}}, Options{}); err == nil {
		t.Error("unencodable property accepted")
	}
}

// randomPoints spreads n points uniformly over the tile t.
func randomPoints(t TileID, n int, seed uint64) []Feature {
	r := rand.New(rand.NewPCG(seed, 1))
	b := t.Bound()
	fs := make([]Feature, n)
	for i := range fs {
		fs[i] = Feature{
			ID:         uint64(i + 1),
			Geometry:   orb.Point{b.Min[0] + r.Float64()*(b.Max[0]-b.Min[0]), b.Min[1] + r.Float64()*(b.Max[1]-b.Min[1])},
			Properties: NewProps(map[string]any{"kind": "pump_station", "n": i}),
		}
	}
	return fs
}

func TestPointThinning(t *testing.T) {
	low := tileAt(114.3, 30.6, 8)
	fs := randomPoints(low, 5000, 1)
	data := must(Encode(low, []Layer{{Name: "p", Features: fs}}, Options{PointGrid: 256}))
	got := decode(t, data)["p"].Features
	if len(got) == 0 || len(got) >= 5000 || len(got) > (4096+128)/256*(4096+128)/256+2*17 {
		t.Fatalf("z8 thinning kept %d of 5000", len(got))
	}
	// Deterministic and independent of input order: the lowest id per cell wins.
	shuffled := slices.Clone(fs)
	rand.New(rand.NewPCG(9, 9)).Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	again := decode(t, must(Encode(low, []Layer{{Name: "p", Features: shuffled}}, Options{PointGrid: 256})))["p"].Features
	if ids(got) != ids(again) {
		t.Fatal("thinning depends on input order")
	}
	// One point alone always survives.
	if n := len(decode(t, must(Encode(low, []Layer{{Name: "p", Features: fs[:1]}}, Options{})))["p"].Features); n != 1 {
		t.Fatalf("single point: %d", n)
	}
	// At the detail zoom nothing is thinned.
	detail := randomPoints(hankou, 5000, 2)
	if n := len(decode(t, must(Encode(hankou, []Layer{{Name: "p", Features: detail}}, Options{PointGrid: 256})))["p"].Features); n != 5000 {
		t.Fatalf("z14 kept %d of 5000", n)
	}
	// Disabled thinning keeps all at low zoom too.
	if n := len(decode(t, must(Encode(low, []Layer{{Name: "p", Features: fs}}, Options{PointGrid: -1})))["p"].Features); n != 5000 {
		t.Fatalf("PointGrid -1 kept %d of 5000", n)
	}
}

func ids(fs []*geojson.Feature) string {
	var v []float64
	for _, f := range fs {
		v = append(v, f.ID.(float64))
	}
	slices.Sort(v)
	return fmt.Sprint(v)
}

func TestMaxFeatures(t *testing.T) {
	fs := randomPoints(hankou, 300, 3)
	m := decode(t, must(Encode(hankou, []Layer{{Name: "a", Features: fs}, {Name: "b", Features: fs[:10]}}, Options{MaxFeatures: 100})))
	if len(m["a"].Features) != 100 || len(m["b"].Features) != 10 {
		t.Fatalf("caps: a %d b %d", len(m["a"].Features), len(m["b"].Features))
	}
	if m["a"].Features[0].ID != float64(1) {
		t.Fatal("cap must keep input order")
	}
}

func TestMaxBytes(t *testing.T) {
	z8 := tileAt(114.3, 30.6, 8)
	fs := randomPoints(z8, 200000, 4)
	for _, o := range []Options{{}, {PointGrid: -1, MaxFeatures: 1 << 30}, {PointGrid: 1, MaxFeatures: 1 << 30, MaxBytes: 64 << 10}} {
		data, err := Encode(z8, []Layer{{Name: "p", Features: fs}}, o)
		limit := o.MaxBytes
		if limit == 0 {
			limit = DefaultMaxBytes
		}
		if err != nil || len(data) == 0 || len(data) > limit {
			t.Fatalf("%+v: %d bytes (limit %d), %v", o, len(data), limit, err)
		}
		if n := len(decode(t, data)["p"].Features); n < 1000 {
			t.Errorf("%+v: only %d features left; thinning overshot", o, n)
		}
	}
	// Lines too: long wiggly lines that simplification alone cannot shrink enough.
	var lines []Feature
	r := rand.New(rand.NewPCG(5, 5))
	for i := range 3000 {
		ls := make(orb.LineString, 200)
		for j := range ls {
			ls[j] = lerp(z8, r.Float64(), r.Float64())
		}
		lines = append(lines, Feature{ID: uint64(i + 1), Geometry: ls})
	}
	data, err := Encode(z8, []Layer{{Name: "l", Features: lines}}, Options{})
	if err != nil || len(data) == 0 || len(data) > DefaultMaxBytes {
		t.Fatalf("lines: %d bytes, %v", len(data), err)
	}
	// A single feature that cannot fit fails loudly rather than exceed the cap.
	big := []Feature{{ID: 1, Geometry: lerp(z8, .5, .5), Properties: NewProps(map[string]any{"blob": string(make([]byte, 2000))})}}
	if _, err := Encode(z8, []Layer{{Name: "a", Features: big}}, Options{MaxBytes: 1000}); !errors.Is(err, ErrTileTooLarge) {
		t.Fatalf("oversized feature: %v", err)
	}
}

func TestSimplify(t *testing.T) {
	// A line along the tile's middle with 2000 vertices wobbling by < 1 unit.
	ls := make(orb.LineString, 2000)
	for i := range ls {
		ls[i] = lerp(hankou, float64(i)/2000, .5+float64(i%2)*0.5/4096)
	}
	layers := []Layer{{Name: "l", Features: []Feature{{ID: 1, Geometry: ls}}}}
	g := decode(t, must(Encode(hankou, layers, Options{})))["l"].Features[0].Geometry.(orb.LineString)
	if len(g) > 3 {
		t.Errorf("simplified line keeps %d vertices", len(g))
	}
	g = decode(t, must(Encode(hankou, layers, Options{Tolerance: -1})))["l"].Features[0].Geometry.(orb.LineString)
	if len(g) < 1000 {
		t.Errorf("unsimplified line keeps only %d vertices", len(g))
	}
	checkGeometry(t, g, 4096, 64)
}

func TestPolygonValidity(t *testing.T) {
	// A bow-tie is invalid at the source: the layer must not claim version 2.
	bow := orb.Polygon{{lerp(hankou, .1, .1), lerp(hankou, .9, .9), lerp(hankou, .9, .1), lerp(hankou, .1, .6), lerp(hankou, .1, .1)}}
	ok := orb.Polygon{{lerp(hankou, .1, .1), lerp(hankou, .9, .1), lerp(hankou, .9, .9), lerp(hankou, .1, .9), lerp(hankou, .1, .1)}}
	ls, err := mvt.Unmarshal(must(Encode(hankou, []Layer{{Name: "bad", Features: []Feature{{ID: 1, Geometry: bow}}}, {Name: "good", Features: []Feature{{ID: 2, Geometry: ok}}}}, Options{})))
	if err != nil {
		t.Fatal(err)
	}
	if len(ls) != 2 {
		t.Fatalf("%d layers, want bad and good", len(ls))
	}
	for _, l := range ls {
		want := map[string]uint32{"bad": 1, "good": 2}[l.Name]
		if l.Version != want {
			t.Errorf("layer %s version %d, want %d", l.Name, l.Version, want)
		}
	}
	// A hole outside its exterior (no edges cross) bounds nothing of the
	// polygon: rebuilt, the polygon is its exterior alone, and valid.
	out := orb.Polygon{
		{lerp(hankou, .1, .1), lerp(hankou, .4, .1), lerp(hankou, .4, .4), lerp(hankou, .1, .4), lerp(hankou, .1, .1)},
		{lerp(hankou, .6, .6), lerp(hankou, .6, .8), lerp(hankou, .8, .8), lerp(hankou, .8, .6), lerp(hankou, .6, .6)},
	}
	ls, err = mvt.Unmarshal(must(Encode(hankou, []Layer{{Name: "bad", Features: []Feature{{ID: 1, Geometry: out}}}}, Options{})))
	if err != nil || len(ls) != 1 || ls[0].Version != 2 || len(ls[0].Features) != 1 {
		t.Fatalf("hole outside exterior: %v, layers %d", err, len(ls))
	}
	if p, ok := ls[0].Features[0].Geometry.(orb.Polygon); !ok || len(p) != 1 {
		t.Errorf("hole outside exterior: %v, want the exterior alone", ls[0].Features[0].Geometry)
	}
	// A polygon covering the whole tile becomes the buffered square.
	cover := orb.Polygon{orb.Bound{Min: orb.Point{100, 20}, Max: orb.Point{120, 40}}.ToRing()}
	g := decode(t, must(Encode(hankou, []Layer{{Name: "a", Features: []Feature{{ID: 1, Geometry: cover}}}}, Options{})))["a"].Features[0].Geometry
	if b := g.Bound(); b.Min != (orb.Point{-64, -64}) || b.Max != (orb.Point{4160, 4160}) {
		t.Errorf("covering polygon: %v", g)
	}
	checkGeometry(t, g, 4096, 64)

	// Many random star-shaped polygons with holes, crossing the edges, at
	// several zooms: whatever clipping and simplification do, the output
	// obeys the rules and stays version 2.
	r := rand.New(rand.NewPCG(7, 7))
	var fs []Feature
	for i := range 300 {
		cx, cy := r.Float64()*1.4-.2, r.Float64()*1.4-.2
		rad := .02 + r.Float64()*.3
		fs = append(fs, Feature{ID: uint64(i + 1), Geometry: orb.Polygon{star(hankou, cx, cy, rad, 200, r, false), star(hankou, cx, cy, rad/4, 30, r, true)}})
	}
	for _, tol := range []float64{0, 16, 64} {
		data := must(Encode(hankou, []Layer{{Name: "s", Features: fs}}, Options{Tolerance: tol}))
		ls, _ := mvt.Unmarshal(data)
		if ls[0].Version != 2 {
			t.Errorf("tolerance %v: stars layer version %d", tol, ls[0].Version)
		}
		for _, f := range ls[0].Features {
			checkGeometry(t, f.Geometry, 4096, 64)
		}
	}
}

// star makes a jagged ring around (cx, cy) given in tile fractions.
func star(t TileID, cx, cy, rad float64, n int, r *rand.Rand, reverse bool) orb.Ring {
	ring := make(orb.Ring, 0, n+1)
	for i := range n {
		a := 2 * math.Pi * float64(i) / float64(n)
		d := rad * (0.7 + 0.3*r.Float64())
		ring = append(ring, lerp(t, cx+d*math.Cos(a), cy+d*math.Sin(a)))
	}
	if reverse {
		slices.Reverse(ring)
	}
	return append(ring, ring[0])
}

func TestCollection(t *testing.T) {
	c := orb.Collection{lerp(hankou, .5, .5), orb.LineString{lerp(hankou, .1, .1), lerp(hankou, .2, .3)}, orb.Collection{lerp(hankou, .6, .6)}}
	fs := decode(t, must(Encode(hankou, []Layer{{Name: "c", Features: []Feature{{ID: 7, Geometry: c}}}}, Options{})))["c"].Features
	if len(fs) != 2 {
		t.Fatalf("collection became %d features", len(fs))
	}
	if _, ok := fs[0].Geometry.(orb.MultiPoint); !ok || fs[0].ID != float64(7) || fs[1].ID != float64(7) {
		t.Errorf("collection: %#v", fs)
	}
}

func TestGzip(t *testing.T) {
	if Gzip(nil) != nil {
		t.Error("nil must stay nil")
	}
	in := bytes.Repeat([]byte("tile"), 1000)
	z := Gzip(in)
	if len(z) >= len(in) || z[0] != 0x1f || z[1] != 0x8b {
		t.Fatalf("not gzip: %x", z[:4])
	}
}

func TestEncodeExtent(t *testing.T) {
	if _, err := Encode(hankou, nil, Options{Extent: MaxExtent + 1}); err == nil {
		t.Error("huge extent accepted")
	}
	layers := []Layer{{Name: "a", Features: []Feature{{ID: 1, Geometry: lerp(hankou, .25, .75)}, {ID: 2, Geometry: lerp(hankou, 1.01, .5)}}}}
	ls, err := mvt.Unmarshal(must(Encode(hankou, layers, Options{Extent: 512, Buffer: -1})))
	if err != nil || len(ls) != 1 || ls[0].Extent != 512 || len(ls[0].Features) != 1 {
		t.Fatalf("extent 512, no buffer: %v %+v", err, ls)
	}
	if p := ls[0].Features[0].Geometry.(orb.Point); !near(p, orb.Point{128, 384}, 1.01) {
		t.Errorf("point at %v, want ≈(128,384)", p)
	}
}

func TestDense(t *testing.T) {
	wuhan := orb.Bound{Min: orb.Point{113.68, 29.97}, Max: orb.Point{115.08, 31.37}}
	cases := []struct {
		count int
		z     uint32
		o     Options
		want  bool
	}{
		{500000, 12, Options{}, true},  // 340 tiles: about 1,470 a tile
		{500000, 14, Options{}, false}, // 4,875 tiles: about 103 a tile
		{400, 0, Options{}, false},     // never more than the limit in all
		{600, 0, Options{}, true},
		{600, 0, Options{DenseLayer: 1000}, false},
		{500000, 12, Options{DenseLayer: -1}, false},
	}
	for _, c := range cases {
		if got := Dense(c.count, wuhan, c.z, c.o); got != c.want {
			t.Errorf("Dense(%d, wuhan, z%d, %+v) = %v, want %v", c.count, c.z, c.o, got, c.want)
		}
	}
	if n := Covering(wuhan, 12).Count(); n != 340 {
		t.Errorf("wuhan covers %d z12 tiles, want 340", n)
	}
}

func TestOverviewGrid(t *testing.T) {
	cases := []struct {
		candidates int
		o          Options
		want       int
	}{
		{100, Options{}, DefaultPointGrid},       // few points: the configured grid
		{10000, Options{}, DefaultPointGrid},     // just fits the ~10,000-point budget
		{16000, Options{}, 4 * DefaultPointGrid}, // 17,424 cells at 32 still hold more than fit
		{1000000, Options{}, 4 * DefaultPointGrid},
		{1000000, Options{PointGrid: 8}, 64},
		{1000000, Options{MaxBytes: 100 * 1024}, 128},
		{1000000, Options{PointGrid: -1}, -1}, // thinning off stays off
	}
	for _, c := range cases {
		if got := OverviewGrid(c.candidates, c.o); got != c.want {
			t.Errorf("OverviewGrid(%d, %+v) = %d, want %d", c.candidates, c.o, got, c.want)
		}
	}
}
