package geo_test

import (
	"context"
	"math"
	"math/rand/v2"
	"os"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"
	"github.com/paulmach/orb/encoding/wkt"
	"github.com/paulmach/orb/project"

	"planmap/geo"
	"planmap/geo/postgis/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// TestValidGeometryMatchesPostGIS checks generated geometries, random and
// built to hit each rule's edge, with both ValidGeometry and PostGIS's
// ST_IsValid: the two must agree on every one. PLANMAP_VALIDITY_SEED picks
// another set.
//
// ValidGeometry's predicates are exact; GEOS computes orientation in
// double-double (about 106 bits), exact unless a determinant falls below
// about 2^-100 of its terms, i.e. a point within ~1e-30 (relatively) of a
// line. There the two cannot be made to agree, so the generator stays clear:
// its coordinates are grid units mapped to Wuhan by a power of two (every
// difference and product exact), decimal degrees rounded to six places (the
// near-misses of real data, decided alike by both), or floats in general
// position.
func TestValidGeometryMatchesPostGIS(t *testing.T) {
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, pgtest.URL(t))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	// GEOS may throw rather than answer; that is a disagreement to show, not
	// a failed query.
	if _, err := conn.Exec(ctx, `CREATE FUNCTION invalid_reason(w bytea) RETURNS text LANGUAGE plpgsql AS $$
		DECLARE g geometry := ST_GeomFromWKB(w);
		BEGIN
			IF ST_IsValid(g) THEN RETURN NULL; END IF;
			RETURN ST_IsValidReason(g);
		EXCEPTION WHEN OTHERS THEN
			RETURN 'error: ' || SQLERRM;
		END $$`); err != nil {
		t.Fatal(err)
	}

	seed, _ := strconv.ParseUint(os.Getenv("PLANMAP_VALIDITY_SEED"), 10, 64)
	cases := generate(rand.New(rand.NewPCG(1, seed)))
	for _, c := range geo.RuleCases {
		g, err := wkt.Unmarshal(c.WKT)
		if err != nil {
			t.Fatal(err)
		}
		cases = append(cases, genCase{"hand-made: " + c.Name, g})
	}
	wkbs := make([][]byte, len(cases))
	for i, c := range cases {
		if wkbs[i], err = wkb.Marshal(c.g); err != nil {
			t.Fatal(err)
		}
	}
	start := time.Now()
	rows, err := conn.Query(ctx, `SELECT invalid_reason(w) FROM unnest($1::bytea[]) WITH ORDINALITY t(w, i) ORDER BY i`, wkbs)
	if err != nil {
		t.Fatal(err)
	}
	reasons, err := pgx.CollectRows(rows, pgx.RowTo[*string])
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d geometries checked by PostGIS in %v", len(cases), time.Since(start).Round(time.Millisecond))

	type tally struct{ valid, invalid int }
	byKind := map[string]*tally{}
	byReason := map[string]int{} // PostGIS's reason, without its location
	disagree := 0
	for i, c := range cases {
		err := geo.ValidGeometry(c.g)
		kind, _, _ := strings.Cut(c.kind, ":")
		n := byKind[kind]
		if n == nil {
			n = &tally{}
			byKind[kind] = n
		}
		pg := "valid"
		if reasons[i] == nil {
			n.valid++
		} else {
			n.invalid++
			pg = *reasons[i]
			byReason[strings.TrimSpace(strings.Split(pg, "[")[0])]++
		}
		if (err == nil) != (reasons[i] == nil) {
			if disagree++; disagree <= 20 {
				t.Errorf("%s: %s\n\tValidGeometry: %v\n\tPostGIS: %s", c.kind, wkt.MarshalString(c.g), err, pg)
			}
		}
	}
	if disagree > 0 {
		t.Fatalf("%d of %d geometries judged differently", disagree, len(cases))
	}
	// Each kind must give both answers, and PostGIS must name each rule,
	// or part of a rule goes untested.
	kinds := make([]string, 0, len(byKind))
	for k := range byKind {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	for _, k := range kinds {
		n := byKind[k]
		t.Logf("%-16s %4d valid %4d invalid", k, n.valid, n.invalid)
		if n.valid < 5 || n.invalid < 5 {
			t.Errorf("%s: %d valid, %d invalid: the generator no longer reaches both sides", k, n.valid, n.invalid)
		}
	}
	t.Logf("PostGIS's reasons: %v", byReason)
	for _, r := range []string{"Self-intersection", "Ring Self-intersection", "Interior is disconnected",
		"Hole lies outside shell", "Holes are nested", "Nested shells", "Too few points in geometry component"} {
		if byReason[r] < 5 {
			t.Errorf("PostGIS found %q in %d geometries: the generator no longer reaches that rule", r, byReason[r])
		}
	}
}

type genCase struct {
	kind string
	g    orb.Geometry
}

// generate makes the test's geometries, in grid units unless said otherwise.
func generate(r *rand.Rand) []genCase {
	var out []genCase
	add := func(kind string, g orb.Geometry) { out = append(out, genCase{kind, g}) }
	grid := func(n int) orb.Point { return orb.Point{float64(r.IntN(n + 1)), float64(r.IntN(n + 1))} }
	ring := func(pts ...orb.Point) orb.Ring { return append(orb.Ring(pts), pts[0]) }
	randomRing := func(n, size int) orb.Ring {
		pts := make([]orb.Point, n)
		for i := range pts {
			pts[i] = grid(size)
		}
		return ring(pts...)
	}
	rect := func(x0, y0, x1, y1 float64) orb.Ring {
		return ring(orb.Point{x0, y0}, orb.Point{x1, y0}, orb.Point{x1, y1}, orb.Point{x0, y1})
	}
	randomRect := func(size int) orb.Ring {
		x0, y0 := r.IntN(size), r.IntN(size)
		return rect(float64(x0), float64(y0), float64(x0+1+r.IntN(size-x0)), float64(y0+1+r.IntN(size-y0)))
	}
	star := func(n int, c orb.Point, radius float64) orb.Ring { return starAt(r, n, c, radius, math.Round) }

	for range 1000 {
		add("random ring", orb.Polygon{randomRing(3+r.IntN(4), 4)})
	}
	for range 300 {
		add("star", orb.Polygon{star(5+r.IntN(20), orb.Point{20, 20}, 15)})
	}
	for range 2000 {
		add("mutated ring", orb.Polygon{mutate(r, star(6+r.IntN(10), orb.Point{20, 20}, 15))})
	}
	for range 1500 {
		// Holes on a small grid inside, on and beyond a square shell: they
		// touch it, each other, share edges, nest, cross and stray outside.
		p := orb.Polygon{rect(0, 0, 6, 6)}
		for range 1 + r.IntN(3) {
			if r.IntN(2) == 0 {
				p = append(p, randomRing(3, 7))
			} else {
				p = append(p, randomRect(6))
			}
		}
		add("holes", p)
	}
	// cellTriangle is three corners of a unit cell at a random place.
	cellTriangle := func(size int) orb.Ring {
		x, y := float64(r.IntN(size)), float64(r.IntN(size))
		c := []orb.Point{{x, y}, {x + 1, y}, {x + 1, y + 1}, {x, y + 1}}
		skip := r.IntN(4)
		return ring(append(c[:skip:skip], c[skip+1:]...)...)
	}
	for range 1200 {
		// Half-cells in a square: touches chain into cycles that cut the
		// interior, or meet in one point and do not; some share edges.
		p := orb.Polygon{rect(0, 0, 4, 4)}
		for range 2 + r.IntN(3) {
			p = append(p, cellTriangle(4))
		}
		add("hole touches", p)
	}
	for range 1500 {
		// Parts on a small grid: adjoining, nested, overlapping, apart.
		var mp orb.MultiPolygon
		for range 2 + r.IntN(3) {
			if r.IntN(2) == 0 {
				mp = append(mp, orb.Polygon{randomRect(5)})
			} else {
				mp = append(mp, orb.Polygon{randomRing(3, 5)})
			}
		}
		add("parts", mp)
	}
	for range 600 {
		// Unit cells of a 3×3 block as parts: cells side by side share an
		// edge, diagonal ones touch at a corner.
		var mp orb.MultiPolygon
		for _, c := range r.Perm(9)[:2+r.IntN(3)] {
			x, y := float64(c%3), float64(c/3)
			mp = append(mp, orb.Polygon{rect(x, y, x+1, y+1)})
		}
		add("cells", mp)
	}
	for range 1000 {
		// Parts with holes, and small parts placed in, across or around them.
		mp := orb.MultiPolygon{{rect(1, 1, 7, 7), rect(2, 2, 6, 6)}}
		for range 1 + r.IntN(2) {
			if r.IntN(2) == 0 {
				mp = append(mp, orb.Polygon{cellTriangle(8)})
			} else {
				x, y := float64(r.IntN(8)), float64(r.IntN(8))
				mp = append(mp, orb.Polygon{rect(x, y, x+float64(1+r.IntN(2)), y+float64(1+r.IntN(2)))})
			}
		}
		add("parts and holes", mp)
	}
	// within is a rectangle inside o, mostly clear of its edges, or anywhere.
	within := func(o orb.Ring, size int) orb.Ring {
		x0, y0, x1, y1 := int(o[0][0]), int(o[0][1]), int(o[2][0]), int(o[2][1])
		m := 0
		if r.IntN(4) > 0 && x1-x0 > 2 && y1-y0 > 2 {
			m = 1 // a margin
		} else if r.IntN(2) == 0 {
			return randomRect(size)
		}
		ax, ay := x0+m+r.IntN(x1-x0-2*m), y0+m+r.IntN(y1-y0-2*m)
		return rect(float64(ax), float64(ay), float64(ax+1+r.IntN(x1-m-ax)), float64(ay+1+r.IntN(y1-m-ay)))
	}
	for range 1000 {
		// Rectangles in rectangles: nested holes, parts in holes or not.
		shell := rect(0, 0, 12, 12)
		a := within(shell, 12)
		if r.IntN(2) == 0 {
			add("nesting", orb.Polygon{shell, a, within(a, 12)})
		} else {
			add("nesting", orb.MultiPolygon{{shell, a}, {within(a, 12)}})
		}
	}
	for range 600 {
		// A district cut in two along a chord: the halves share it, as
		// adjoining districts share a border; one half shifted may overlap,
		// touch or come apart.
		pts := star(8+r.IntN(12), orb.Point{20, 20}, 15)
		n := len(pts) - 1
		i := r.IntN(n)
		j := (i + 2 + r.IntN(n-3)) % n
		half := func(from, to int) orb.Ring {
			var h []orb.Point
			for k := from; ; k = (k + 1) % n {
				h = append(h, pts[k])
				if k == to {
					return ring(h...)
				}
			}
		}
		b := half(j, i)
		if r.IntN(2) == 0 {
			dx, dy := float64(r.IntN(5)), float64(r.IntN(3)-1)
			for k := range b {
				b[k] = orb.Point{b[k][0] + dx, b[k][1] + dy}
			}
		}
		add("split district", orb.MultiPolygon{{half(i, j)}, {b}})
	}
	for range 400 {
		// More of everything: holes, parts, mutations.
		p := orb.Polygon{rect(0, 0, 6, 6)}
		for range 3 + r.IntN(8) {
			p = append(p, cellTriangle(6))
		}
		add("many holes", p)
		var mp orb.MultiPolygon
		for range 3 + r.IntN(8) {
			mp = append(mp, orb.Polygon{cellTriangle(4)})
		}
		add("many parts", mp)
		rg := star(20+r.IntN(40), orb.Point{30, 30}, 25)
		for range 1 + r.IntN(4) {
			rg = mutate(r, rg)
		}
		add("mutated again", orb.Polygon{rg})
		mp2 := orb.MultiPolygon{{rect(0, 0, 10, 10), rect(1, 1, 9, 9)}}
		for range 2 + r.IntN(5) {
			mp2 = append(mp2, orb.Polygon{within(rect(1, 1, 9, 9), 10)})
		}
		add("parts in a hole", mp2)
		// Shells big enough to get an edge index for placing their holes.
		p2 := orb.Polygon{star(70+r.IntN(60), orb.Point{60, 60}, 60)}
		for range 2 + r.IntN(5) {
			p2 = append(p2, star(3+r.IntN(4), orb.Point{float64(40 + r.IntN(40)), float64(40 + r.IntN(40))}, 5))
		}
		add("star holes", p2)
	}
	for range 200 {
		var l orb.LineString
		for range 2 + r.IntN(3) {
			l = append(l, grid(1))
		}
		add("line", l)
	}
	for range 100 {
		ml := orb.MultiLineString{{grid(3), grid(3)}, {grid(1), grid(1), grid(1)}}
		add("multiline", ml)
	}

	// Map grid units to Wuhan by a power of two: exact.
	for i := range out {
		out[i].g = project.Geometry(out[i].g, func(p orb.Point) orb.Point {
			return orb.Point{114 + p[0]/64, 30.5 + p[1]/64}
		})
	}

	// General position: random floats, as surveyed data would be.
	float := func() orb.Point { return orb.Point{114 + r.Float64()/4, 30.5 + r.Float64()/4} }
	for range 300 {
		pts := make([]orb.Point, 3+r.IntN(3))
		for i := range pts {
			pts[i] = float()
		}
		add("float ring", orb.Polygon{ring(pts...)})
	}
	for range 200 {
		c, rad := float(), 0.05
		hole := orb.Point{c[0] + r.NormFloat64()*rad/3, c[1] + r.NormFloat64()*rad/3}
		add("float holes", orb.Polygon{starAt(r, 12, c, rad, nil), starAt(r, 6, hole, rad/4, nil)})
	}
	// Decimal degrees: a vertex rounded to a point of a neighbour's edge
	// lies on it or a hair to either side, so the parts share a stretch of
	// edge, overlap or just touch, and a hole crosses its shell, touches it
	// or keeps inside.
	dec := func(p orb.Point) orb.Point { return orb.Point{math.Round(p[0]*1e6) / 1e6, math.Round(p[1]*1e6) / 1e6} }
	along := func(a, b orb.Point) orb.Point {
		t := r.Float64()
		return dec(orb.Point{a[0] + t*(b[0]-a[0]), a[1] + t*(b[1]-a[1])})
	}
	for range 1000 {
		a := dec(float())
		b := dec(orb.Point{a[0] + r.Float64()/100, a[1] + r.Float64()/100})
		c := dec(orb.Point{a[0] - (b[1] - a[1]), a[1] + (b[0] - a[0])})
		d := dec(orb.Point{a[0] + (b[1] - a[1]), a[1] - (b[0] - a[0])})
		add("decimal degrees", orb.MultiPolygon{{ring(a, b, c)}, {ring(along(a, b), d, b)}})
		add("decimal degrees", orb.MultiPolygon{{ring(a, b, c)}, {ring(a, d, b, along(a, b))}})
		add("decimal degrees", orb.Polygon{ring(a, d, b, c), ring(along(b, c), along(a, b), along(a, b))})
	}
	return out
}

// starAt is a star-shaped ring around c, its coordinates snapped by snap
// when not nil: simple, unless snapping bunches vertices.
func starAt(r *rand.Rand, n int, c orb.Point, radius float64, snap func(float64) float64) orb.Ring {
	angles := make([]float64, n)
	for i := range angles {
		angles[i] = r.Float64() * 2 * math.Pi
	}
	sort.Float64s(angles)
	ring := make(orb.Ring, 0, n+1)
	for _, a := range angles {
		d := radius * (0.3 + 0.7*r.Float64())
		p := orb.Point{c[0] + d*math.Cos(a), c[1] + d*math.Sin(a)}
		if snap != nil {
			p = orb.Point{snap(p[0]), snap(p[1])}
		}
		ring = append(ring, p)
	}
	return append(ring, ring[0])
}

// mutate damages a ring the ways real data is damaged, or not quite.
func mutate(r *rand.Rand, ring orb.Ring) orb.Ring {
	pts := append([]orb.Point(nil), ring[:len(ring)-1]...)
	n := len(pts)
	i, j := r.IntN(n), r.IntN(n)
	switch r.IntN(7) {
	case 0: // a duplicate point
		pts = append(pts[:i+1], pts[i:]...)
	case 1: // a spike out to another vertex and back
		pts = append(pts[:i+1], append([]orb.Point{pts[j], pts[i]}, pts[i+1:]...)...)
	case 2: // a vertex moved onto another: the ring touches itself
		pts[i] = pts[j]
	case 3: // a vertex moved onto the middle of another edge
		a, b := pts[j], pts[(j+1)%n]
		pts[i] = orb.Point{(a[0] + b[0]) / 2, (a[1] + b[1]) / 2}
	case 4: // neighbours swapped: a bow-tie, often
		pts[i], pts[(i+1)%n] = pts[(i+1)%n], pts[i]
	case 5: // a point in the middle of an edge: collinear, harmless
		a, b := pts[i], pts[(i+1)%n]
		pts = append(pts[:i+1], append([]orb.Point{{(a[0] + b[0]) / 2, (a[1] + b[1]) / 2}}, pts[i+1:]...)...)
	case 6: // a vertex moved anywhere nearby
		pts[i] = orb.Point{pts[i][0] + float64(r.IntN(9)-4), pts[i][1] + float64(r.IntN(9)-4)}
	}
	return append(orb.Ring(pts), pts[0])
}
