package geo_test

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"
	"github.com/paulmach/orb/encoding/wkt"

	sf "github.com/peterstace/simplefeatures/geom"

	"planmap/geo"
	"planmap/geo/postgis/pgtest"
)

// TestRelateMatchesPostGIS evaluates each DE-9IM spatial function as the
// embedded store does (CheckFilter, then EvalFilter) on random pairs of
// valid geometries of every type, and asks PostGIS the same: the two must
// agree on every pair. The geometries lie on a small integer grid, so they
// share vertices and edges and meet end to end, where the functions differ.
func TestRelateMatchesPostGIS(t *testing.T) {
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, pgtest.URL(t))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)

	r := rand.New(rand.NewPCG(7, 14))
	var pool []orb.Geometry
	for len(pool) < 400 {
		if g := randomGeometry(r); geo.ValidGeometry(g) == nil {
			pool = append(pool, g)
		}
	}
	ops := []string{"s_contains", "s_crosses", "s_equals", "s_overlaps", "s_touches", "s_within"}
	var as, bs [][]byte
	var pairs [][2]orb.Geometry
	for range 6000 {
		a, b := pool[r.IntN(len(pool))], pool[r.IntN(len(pool))]
		if r.IntN(8) == 0 {
			b = a // equal, and every function's edge with itself
		}
		wa, _ := wkb.Marshal(a)
		wb, _ := wkb.Marshal(b)
		as, bs, pairs = append(as, wa), append(bs, wb), append(pairs, [2]orb.Geometry{a, b})
	}
	rows, err := conn.Query(ctx, `SELECT ARRAY[ST_Contains(a, b), ST_Crosses(a, b), ST_Equals(a, b), ST_Overlaps(a, b),
			ST_Touches(a, b), ST_Within(a, b)], ST_Relate(a, b)
		FROM unnest($1::bytea[], $2::bytea[]) WITH ORDINALITY t(wa, wb, i),
			LATERAL (SELECT ST_GeomFromWKB(wa) a, ST_GeomFromWKB(wb) b) g ORDER BY i`, as, bs)
	if err != nil {
		t.Fatal(err)
	}
	type answer struct {
		Funcs  []bool
		Matrix string
	}
	want, err := pgx.CollectRows(rows, pgx.RowToStructByPos[answer])
	if err != nil {
		t.Fatal(err)
	}
	qs := geo.Queryables(nil)
	disagree, excused, trues := 0, 0, map[string]int{}
	for i, p := range pairs {
		if geosMissesSharedLine(want[i].Matrix, p[0], p[1]) {
			excused++
			continue
		}
		for j, op := range ops {
			e := &geo.Expr{Kind: geo.KindOp, Op: op, Args: []*geo.Expr{
				{Kind: geo.KindProperty, Str: geo.GeometryQueryable}, {Kind: geo.KindGeometry, Geom: p[1]}}}
			if err := geo.CheckFilter(e, qs); err != nil {
				t.Fatalf("%s: %v", wkt.MarshalString(p[1]), err)
			}
			got := geo.EvalFilter(e, &geo.Feature{Geometry: p[0]}, nil)
			if got {
				trues[op]++
			}
			if got != want[i].Funcs[j] {
				if disagree++; disagree <= 20 {
					t.Errorf("%s(%s, %s): embedded %v, PostGIS %v", strings.ToUpper(op), wkt.MarshalString(p[0]),
						wkt.MarshalString(p[1]), got, want[i].Funcs[j])
				}
			}
		}
	}
	if disagree > 0 {
		t.Fatalf("%d of %d answers differ", disagree, len(pairs)*len(ops))
	}
	t.Logf("%d pairs agree, %d excused (GEOS misses a shared line); true answers by function: %v", len(pairs)-excused, excused, trues)
	if excused > len(pairs)/100 {
		t.Errorf("%d pairs excused: more than the odd self-crossing multi-line", excused)
	}
	for _, op := range ops {
		if trues[op] < 20 {
			t.Errorf("%s is true for %d pairs only: the generator no longer reaches it", op, trues[op])
		}
	}
}

// geosMissesSharedLine recognises a defect of GEOS before 3.13 (PostGIS
// 3.3 on Debian 12 has 3.11): where lines cross themselves or each other
// and also share a segment, its relate may put 0 for the interiors'
// intersection (and its overlay may lose the shared line too), though a
// line the two share holds interior points of both, whatever the
// endpoints. simplefeatures answers 1, so S_CROSSES and S_OVERLAPS of such
// lines differ between the stores. The pair is excused only when the two
// do share a segment (on the grid, exactly) and simplefeatures's matrix is
// PostGIS's with that one entry put right.
func geosMissesSharedLine(pg string, a, b orb.Geometry) bool {
	if pg[0] != '0' || !shareSegment(a, b) {
		return false
	}
	sa, err1 := sf.UnmarshalWKT(wkt.MarshalString(a))
	sb, err2 := sf.UnmarshalWKT(wkt.MarshalString(b))
	if err1 != nil || err2 != nil {
		return false
	}
	m, err := sf.Relate(sa, sb)
	return err == nil && m == "1"+pg[1:]
}

// shareSegment reports whether two lines overlap along a stretch of some
// segment: collinear segments whose projections overlap in more than a
// point (exact in integer coordinates).
func shareSegment(a, b orb.Geometry) bool {
	lines := func(g orb.Geometry) []orb.LineString {
		switch g := g.(type) {
		case orb.LineString:
			return []orb.LineString{g}
		case orb.MultiLineString:
			return g
		}
		return nil
	}
	cross := func(o, p, q orb.Point) float64 { return (p[0]-o[0])*(q[1]-o[1]) - (p[1]-o[1])*(q[0]-o[0]) }
	for _, la := range lines(a) {
		for _, lb := range lines(b) {
			for i := 1; i < len(la); i++ {
				for j := 1; j < len(lb); j++ {
					p, q, r, s := la[i-1], la[i], lb[j-1], lb[j]
					if p == q || r == s || cross(p, q, r) != 0 || cross(p, q, s) != 0 {
						continue
					}
					k := 0 // project on the longer axis of pq
					if math.Abs(q[1]-p[1]) > math.Abs(q[0]-p[0]) {
						k = 1
					}
					lo := max(min(p[k], q[k]), min(r[k], s[k]))
					hi := min(max(p[k], q[k]), max(r[k], s[k]))
					if hi > lo {
						return true
					}
				}
			}
		}
	}
	return false
}

// randomGeometry is a geometry of any type on the grid 0..6, not always valid.
func randomGeometry(r *rand.Rand) orb.Geometry {
	pt := func() orb.Point { return orb.Point{float64(r.IntN(7)), float64(r.IntN(7))} }
	line := func() orb.LineString {
		l := orb.LineString{pt()}
		for range 1 + r.IntN(3) {
			l = append(l, pt())
		}
		return l
	}
	rect := func() orb.Ring {
		x0, y0 := float64(r.IntN(6)), float64(r.IntN(6))
		x1, y1 := x0+1+float64(r.IntN(6-int(x0))), y0+1+float64(r.IntN(6-int(y0)))
		return orb.Ring{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}}
	}
	poly := func() orb.Polygon {
		switch r.IntN(3) {
		case 0:
			return orb.Polygon{rect()}
		case 1:
			a, b, c := pt(), pt(), pt()
			return orb.Polygon{{a, b, c, a}}
		}
		return orb.Polygon{{{0, 0}, {6, 0}, {6, 6}, {0, 6}, {0, 0}}, rect()} // a hole, when it lies inside
	}
	switch k := r.IntN(6); k {
	case 0:
		return pt()
	case 1:
		return orb.MultiPoint{pt(), pt(), pt()}[:2+r.IntN(2)]
	case 2:
		return line()
	case 3:
		return orb.MultiLineString{line(), line()}
	case 4:
		return poly()
	case 5:
		return orb.MultiPolygon{poly(), poly()}
	default:
		panic(fmt.Sprint(k))
	}
}
