package geo

import (
	"math"
	"math/rand/v2"
	"regexp"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkt"
)

const square = "(0 0,10 0,10 10,0 10,0 0)"

// RuleCases are small hand-made geometries, one or more for each rule: Want
// is a pattern the message must match, or "" for a valid geometry. The
// PostGIS test checks that ST_IsValid agrees with each.
var RuleCases = []struct{ Name, WKT, Want string }{
	{"point", "POINT(1 2)", ""},
	{"multipoint with a repeat", "MULTIPOINT((1 2),(1 2))", ""},
	{"line", "LINESTRING(0 0,1 1)", ""},
	{"line crossing itself", "LINESTRING(0 0,2 2,2 0,0 2)", ""},
	{"line with a repeated point", "LINESTRING(0 0,0 0,1 1)", ""},
	{"line of two equal points", "LINESTRING(1 1,1 1)", "zero length"},
	{"line of three equal points", "LINESTRING(1 1,1 1,1 1)", "zero length"},
	{"multiline with a zero-length line", "MULTILINESTRING((0 0,1 1),(2 2,2 2))", "zero length"},

	{"square", "POLYGON(" + square + ")", ""},
	{"clockwise square", "POLYGON((0 0,0 10,10 10,10 0,0 0))", ""},
	{"repeated points", "POLYGON((0 0,10 0,10 0,10 10,0 10,0 0,0 0))", ""},
	{"three points once repeats are dropped", "POLYGON((0 0,10 0,10 0,0 0))", "3 points once repeats are dropped"},
	{"bow-tie", "POLYGON((0 0,10 10,10 0,0 10,0 0))", `^ring 0 self-intersects near \[5 5\]$`},
	{"zero area", "POLYGON((0 0,1 0,2 0,0 0))", "ring 0 runs back along itself"},
	{"spike", "POLYGON((0 0,10 0,10 10,5 10,5 14,5 10,0 10,0 0))", "ring 0 (runs back along|touches) itself"},
	{"ring touching itself at a vertex", "POLYGON((0 0,10 0,10 10,5 10,7 5,3 5,5 10,0 10,0 0))", `ring 0 touches itself near \[5 10\]`},
	{"vertex on its own ring's edge", "POLYGON((0 0,10 0,10 10,5 0,0 10,0 0))", `ring 0 touches itself near \[5 0\]`},

	{"hole", "POLYGON(" + square + ",(2 2,2 8,8 8,8 2,2 2))", ""},
	{"hole touching the shell once", "POLYGON(" + square + ",(0 5,4 3,4 7,0 5))", ""},
	{"hole touching the shell twice", "POLYGON(" + square + ",(0 5,5 0,5 5,0 5))", `interior is cut in two where rings touch near`},
	{"hole crossing the shell", "POLYGON(" + square + ",(5 5,15 5,15 6,5 5))", `^rings 0 and 1 cross near \[10 5(\.5)?\]$`},
	{"hole vertex crossing the shell", "POLYGON(" + square + ",(5 4,10 4,12 5,10 6,5 6,5 4))", `^rings 0 and 1 cross near \[10 [46]\]$`},
	{"hole sharing an edge with the shell", "POLYGON(" + square + ",(0 0,5 0,5 5,0 0))", "rings 0 and 1 share an edge"},
	{"hole equal to the shell", "POLYGON(" + square + "," + square + ")", "rings 0 and 1 share an edge"},
	{"hole outside", "POLYGON(" + square + ",(11 1,12 1,12 2,11 1))", `ring 1 lies outside the exterior ring near \[11 1\]`},
	{"hole outside touching", "POLYGON(" + square + ",(10 5,12 4,12 6,10 5))", "ring 1 lies outside the exterior ring"},
	{"hole around the shell", "POLYGON((2 2,8 2,8 8,2 2)," + square + ")", "ring 1 lies outside"},
	{"nested holes", "POLYGON(" + square + ",(1 1,9 1,9 9,1 9,1 1),(2 2,3 2,3 3,2 2))", `ring 2 lies inside ring 1 near \[2 2\]`},
	{"nested holes touching", "POLYGON(" + square + ",(1 1,9 1,9 9,1 9,1 1),(1 5,3 2,3 3,1 5))", "ring 2 lies inside ring 1"},
	{"holes touching once", "POLYGON(" + square + ",(5 5,2 2,2 8,5 5),(5 5,8 2,8 8,5 5))", ""},
	{"holes touching twice", "POLYGON(" + square + ",(2 2,8 2,5 5,2 2),(2 2,5 1,8 2,5 1.5,2 2))", "interior is cut in two"},
	{"holes sharing an edge", "POLYGON(" + square + ",(2 2,8 2,5 5,2 2),(2 2,8 2,5 1,2 2))", "rings 1 and 2 share an edge"},
	{"holes crossing", "POLYGON(" + square + ",(2 2,8 2,5 5,2 2),(2 3,8 3,5 1,2 3))", "rings 1 and 2 cross"},
	{"three holes meeting in a point", "POLYGON(" + square + ",(5 5,2 2,2 4,5 5),(5 5,8 2,8 4,5 5),(5 5,4 8,6 8,5 5))", ""},
	{"two holes meeting the shell in a point", "POLYGON(" + square + ",(0 5,4 3,4 7,0 5),(0 5,1 9,3 9,0 5))", ""},
	{"holes chaining shell to shell", "POLYGON(" + square + ",(0 5,5 5,3 3,0 5),(5 5,10 5,7 3,5 5))", `interior is cut in two where rings touch near`},

	// A ring starting on another ring is placed by the way its first
	// edge leaves: into the other's interior or away; the side the
	// interior lies on depends on which way the other ring runs.
	{"hole from a shell corner", "POLYGON(" + square + ",(10 10,6 8,8 6,10 10))", ""},
	{"hole from the first corner", "POLYGON(" + square + ",(0 0,4 2,2 4,0 0))", ""},
	{"hole from a corner outwards", "POLYGON(" + square + ",(10 10,12 14,14 12,10 10))", "ring 1 lies outside"},
	{"hole in a clockwise shell", "POLYGON((0 0,0 10,10 10,10 0,0 0),(2 2,3 2,3 3,2 2))", ""},
	{"hole touching a clockwise shell", "POLYGON((0 0,0 10,10 10,10 0,0 0),(0 5,4 3,4 7,0 5))", ""},
	{"hole outside a clockwise shell", "POLYGON((0 0,0 10,10 10,10 0,0 0),(0 5,-4 3,-4 7,0 5))", "ring 1 lies outside"},
	{"clockwise shell lowest in mid-edge", "POLYGON((5 0,0 0,0 10,10 10,10 0,5 0),(0 5,4 3,4 7,0 5))", ""},
	{"hole from a reflex corner into a notch", "POLYGON((0 0,10 0,10 10,6 10,6 6,4 6,4 10,0 10,0 0),(6 6,5 8,5.5 9,6 6))", `ring 1 lies outside the exterior ring near \[6 6\]`},
	{"hole from a reflex corner inwards", "POLYGON((0 0,10 0,10 10,6 10,6 6,4 6,4 10,0 10,0 0),(6 6,5 4,7 4,6 6))", ""},
	{"hole from the first vertex into a notch", "POLYGON((6 6,4 6,4 10,0 10,0 0,10 0,10 10,6 10,6 6),(6 6,5 8,5.5 9,6 6))", "ring 1 lies outside"},
	{"hole from the first vertex inwards", "POLYGON((6 6,4 6,4 10,0 10,0 0,10 0,10 10,6 10,6 6),(6 6,5 4,7 4,6 6))", ""},
	{"hole from the first vertex north-east", "POLYGON((6 6,4 6,4 10,0 10,0 0,10 0,10 10,6 10,6 6),(6 6,9 7,8 8,6 6))", ""},
	{"part in a notch from its corner", "MULTIPOLYGON(((0 0,10 0,10 10,6 10,6 6,4 6,4 10,0 10,0 0)),((6 6,5 8,5.5 9,6 6)))", ""},
	{"part inside from a reflex corner", "MULTIPOLYGON(((6 6,4 6,4 10,0 10,0 0,10 0,10 10,6 10,6 6)),((6 6,5 4,7 4,6 6)))", "polygon 1 lies inside polygon 0"},
	{"part outside a corner", "MULTIPOLYGON((" + square + "),((10 10,12 14,14 12,10 10)))", ""},
	{"part inside from a corner", "MULTIPOLYGON(((0 0,0 10,10 10,10 0,0 0)),((10 10,6 8,8 6,10 10)))", "polygon 1 lies inside polygon 0"},
	{"part in a hole from its corner", "MULTIPOLYGON((" + square + ",(2 2,2 8,8 8,8 2,2 2)),((8 8,6 7,7 6,8 8)))", ""},
	// Adjoining districts, as the shipped dataset once held them.
	{"two squares sharing an edge", "MULTIPOLYGON(((0 0,1 0,1 1,0 1,0 0)),((1 0,2 0,2 1,1 1,1 0)))", `^polygons 0 and 1 share an edge near \[1 [01]\]$`},
	{"squares touching at a corner", "MULTIPOLYGON(((0 0,1 0,1 1,0 1,0 0)),((1 1,2 1,2 2,1 2,1 1)))", ""},
	{"vertex on a neighbour's edge", "MULTIPOLYGON(((0 0,2 0,2 2,0 2,0 0)),((2 1,3 0,3 2,2 1)))", ""},
	{"C shapes touching twice", "MULTIPOLYGON(((0 0,3 0,3 1,1 1,1 3,3 3,3 4,0 4,0 0)),((3 0,6 0,6 4,3 4,5 3,5 1,3 0)))", ""},
	{"squares sharing part of an edge", "MULTIPOLYGON(((0 0,2 0,2 2,0 2,0 0)),((2 1,3 1,3 3,2 3,2 1)))", "polygons 0 and 1 share an edge near"},
	{"overlapping parts", "MULTIPOLYGON(((0 0,2 0,2 2,0 2,0 0)),((1 1,3 1,3 3,1 3,1 1)))", "polygons 0 and 1 overlap near"},
	{"equal parts", "MULTIPOLYGON(((0 0,1 0,1 1,0 0)),((0 0,1 0,1 1,0 0)))", "polygons 0 and 1 share an edge"},
	{"nested parts", "MULTIPOLYGON((" + square + "),((2 2,3 2,3 3,2 2)))", `polygon 1 lies inside polygon 0 near \[2 2\]`},
	{"nested parts touching", "MULTIPOLYGON((" + square + "),((0 5,3 2,3 8,0 5)))", "polygon 1 lies inside polygon 0"},
	{"part inside a hole", "MULTIPOLYGON((" + square + ",(1 1,9 1,9 9,1 9,1 1)),((2 2,3 2,3 3,2 2)))", ""},
	{"part filling a hole", "MULTIPOLYGON((" + square + ",(1 1,9 1,9 9,1 9,1 1)),((1 1,9 1,9 9,1 9,1 1)))", "polygons 0 and 1 share an edge"},
	{"part touching a hole twice", "MULTIPOLYGON((" + square + ",(1 1,9 1,9 9,1 9,1 1)),((1 1,5 2,9 1,5 5,1 1)))", ""},
	{"ring of a part touching itself", "MULTIPOLYGON(((20 0,21 0,21 1,20 0)),((0 0,10 0,10 10,5 0,0 10,0 0)))", `polygon 1 ring 0 touches itself`},
	{"holes of a part touching twice", "MULTIPOLYGON(((20 0,21 0,21 1,20 0)),(" + square + ",(0 5,5 0,5 5,0 5)))", `^polygon 1: interior is cut in two`},
}

// TestValidGeometryRules checks each rule on RuleCases.
func TestValidGeometryRules(t *testing.T) {
	for _, c := range RuleCases {
		t.Run(c.Name, func(t *testing.T) {
			g, err := wkt.Unmarshal(c.WKT)
			if err != nil {
				t.Fatal(err)
			}
			check(t, g, c.Want)
		})
	}
}

func check(t *testing.T, g orb.Geometry, want string) {
	t.Helper()
	err := ValidGeometry(g)
	switch {
	case want == "" && err != nil:
		t.Errorf("ValidGeometry = %v, want valid", err)
	case want != "" && err == nil:
		t.Errorf("ValidGeometry = valid, want %q", want)
	case want != "" && !regexp.MustCompile(want).MatchString(err.Error()):
		t.Errorf("ValidGeometry = %v, want %q", err, want)
	}
}

// TestValidGeometryStructure covers what WKT cannot write: empty parts,
// open and short rings, coordinates that are not numbers.
func TestValidGeometryStructure(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	sq := orb.Ring{{0, 0}, {1, 0}, {1, 1}, {0, 1}, {0, 0}}
	cases := []struct {
		name string
		g    orb.Geometry
		want string
	}{
		{"point NaN", orb.Point{nan, 1}, "not a finite number"},
		{"point Inf", orb.Point{1, inf}, "not a finite number"},
		{"multipoint NaN", orb.MultiPoint{{0, 0}, {nan, 0}}, "not a finite number"},
		{"empty multipoint", orb.MultiPoint{}, "empty multipoint"},
		{"line of one point", orb.LineString{{0, 0}}, "1 points, needs at least 2"},
		{"line NaN", orb.LineString{{0, 0}, {1, nan}}, "not a finite number"},
		{"empty multiline", orb.MultiLineString{}, "empty multilinestring"},
		{"polygon without rings", orb.Polygon{}, "polygon has no rings"},
		{"ring of three points", orb.Polygon{{{0, 0}, {1, 0}, {0, 0}}}, "ring 0 has 3 points, needs at least 4"},
		{"open ring", orb.Polygon{{{0, 0}, {1, 0}, {1, 1}, {0, 1}}}, "ring 0 is not closed"},
		{"ring Inf", orb.Polygon{sq, {{0.2, 0.2}, {inf, 0.2}, {0.2, 0.8}, {0.2, 0.2}}}, "not a finite number"},
		{"empty multipolygon", orb.MultiPolygon{}, "empty multipolygon"},
		{"multipolygon with an empty polygon", orb.MultiPolygon{{sq}, {}}, "polygon 1 has no rings"},
		{"multipolygon with an open ring", orb.MultiPolygon{{sq}, {{{2, 2}, {3, 2}, {3, 3}, {2, 3}}}}, "polygon 1 ring 0 is not closed"},
		{"bound", orb.Bound{}, "unsupported"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { check(t, c.g, c.want) })
	}
}

// TestOrientExact compares orient with rational arithmetic on points a few
// units in the last place off the line through (12, 12) and (24, 24), where
// the float64 determinant gets the sign wrong (Kettner et al., "Classroom
// examples of robustness problems in geometric computations").
func TestOrientExact(t *testing.T) {
	q, r := orb.Point{12, 12}, orb.Point{24, 24}
	for i := range 64 {
		for j := range 64 {
			p := orb.Point{0.5 + float64(i)*0x1p-53, 0.5 + float64(j)*0x1p-53}
			for _, c := range [][3]orb.Point{{p, q, r}, {q, r, p}, {r, p, q}} {
				if got, want := orient(c[0], c[1], c[2]), orientExact(c[0], c[1], c[2]); got != want {
					t.Fatalf("orient%v = %d, exactly %d", c, got, want)
				}
			}
		}
	}
}

// TestLocateIndexed checks that point location through the edge index a
// large ring gets gives what a scan of every edge gives: for each vertex,
// each edge's midpoint and points around them, inside, outside and on.
func TestLocateIndexed(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	var pts []orb.Point
	for i := range 300 {
		a := 2 * math.Pi * float64(i) / 300
		d := 100 + float64(r.IntN(40))
		pts = append(pts, orb.Point{math.Round(d * math.Cos(a)), math.Round(d * math.Sin(a))})
	}
	ring := append(orb.Ring(pts), pts[0])
	if err := ValidGeometry(orb.Polygon{ring}); err != nil {
		t.Fatal(err)
	}
	scan := &vring{pts: dedupe(ring), env: ring.Bound()}
	indexed := &vring{pts: scan.pts, env: scan.env, queries: 1}
	var queries []orb.Point
	for i, p := range pts {
		q := pts[(i+1)%len(pts)]
		mid := orb.Point{(p[0] + q[0]) / 2, (p[1] + q[1]) / 2}
		queries = append(queries, p, mid, orb.Point{p[0] + 1, p[1]}, orb.Point{p[0], p[1] - 1}, orb.Point{mid[0] - 0.5, mid[1]})
	}
	on := 0
	for _, p := range queries {
		l1, prev1, next1 := scan.locate(p)
		scan.queries = 0 // keep it scanning
		l2, prev2, next2 := indexed.locate(p)
		if l1 != l2 || prev1 != prev2 || next1 != next2 {
			t.Fatalf("locate(%v): scan %d %v %v, index %d %v %v", p, l1, prev1, next1, l2, prev2, next2)
		}
		if l1 == 0 {
			on++
		}
	}
	if indexed.edges == nil || on < len(pts) {
		t.Fatalf("index built: %v; %d of %d points on the ring", indexed.edges != nil, on, len(queries))
	}
}

// TestValidateLimits: a feature's texts must be storable (no NUL) and its
// geometry within MaxVertices.
func TestValidateLimits(t *testing.T) {
	f := Feature{ID: "a", NameZH: "甲", Kind: "k", Status: StatusPlanned, Accuracy: AccuracyApproximate, Source: "s"}
	line := make(orb.LineString, MaxVertices+1)
	for i := range line {
		line[i] = orb.Point{114 + float64(i)*1e-6, 30.5}
	}
	cases := map[string]struct {
		edit func(*Feature)
		want string
	}{
		"valid":         {func(f *Feature) { f.Geometry = line[:2] }, ""},
		"many vertices": {func(f *Feature) { f.Geometry = line }, "more than the 500000"},
		"NUL in a name": {func(f *Feature) { f.Geometry = line[:2]; f.NameEN = "a\x00b" }, "name_en contains a NUL"},
		"NUL in a target": {func(f *Feature) {
			f.Geometry = line[:2]
			f.Targets = []Target{{Metric: "m\x00", Text: "t"}}
		}, "target 0: a text contains a NUL"},
	}
	for name, c := range cases {
		g := f
		c.edit(&g)
		probs := Validate(g)
		switch {
		case c.want == "" && len(probs) > 0:
			t.Errorf("%s: %v", name, probs)
		case c.want != "" && (len(probs) != 1 || !regexp.MustCompile(regexp.QuoteMeta(c.want)).MatchString(probs[0].Msg)):
			t.Errorf("%s: %v, want one problem saying %q", name, probs, c.want)
		}
	}
}
