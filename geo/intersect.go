package geo

import (
	"math"
	"math/big"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

// The predicates below are exact. ValidGeometry must agree with PostGIS,
// whose GEOS decides orientation in double-double arithmetic; a plain
// float64 determinant misjudges nearly collinear points, and validity turns
// on exactly those (a vertex on an edge, an edge along an edge).

// orientBound is Shewchuk's error bound for the float64 determinant below:
// a value beyond it has the sign of the exact one.
const orientBound = (3 + 16*0x1p-53) * 0x1p-53

// orient is the side of line ab that c lies on: 1 left, -1 right, 0 on it.
func orient(a, b, c orb.Point) int {
	dx1, dy1 := a[0]-c[0], a[1]-c[1]
	dx2, dy2 := b[0]-c[0], b[1]-c[1]
	// A float difference has the exact sign, so the products' signs are
	// exact too: when they differ, or one is zero, they decide alone.
	sl, sr := sign(dx1)*sign(dy2), sign(dy1)*sign(dx2)
	if sl != sr || sl == 0 {
		return compare(sl, sr)
	}
	l, r := dx1*dy2, dy1*dx2
	det, bound := l-r, orientBound*math.Abs(l+r)
	// The bound assumes no underflow; NaN from overflow fails both tests.
	if math.Abs(l+r) > 0x1p-900 {
		if det > bound {
			return 1
		}
		if -det > bound {
			return -1
		}
	}
	return orientExact(a, b, c)
}

// orientExact is orient in rational arithmetic, for the rare close calls.
func orientExact(a, b, c orb.Point) int {
	var v [6]big.Rat
	for i, f := range []float64{a[0], a[1], b[0], b[1], c[0], c[1]} {
		v[i].SetFloat64(f)
	}
	var dx1, dy1, dx2, dy2, l, r big.Rat
	dx1.Sub(&v[0], &v[4])
	dy1.Sub(&v[1], &v[5])
	dx2.Sub(&v[2], &v[4])
	dy2.Sub(&v[3], &v[5])
	l.Mul(&dx1, &dy2)
	r.Mul(&dy1, &dx2)
	return l.Cmp(&r)
}

func sign(f float64) int {
	switch {
	case f > 0:
		return 1
	case f < 0:
		return -1
	}
	return 0
}

func compare(a, b int) int {
	switch {
	case a > b:
		return 1
	case a < b:
		return -1
	}
	return 0
}

// meeting is how two segments meet.
type meeting int

const (
	meetApart   meeting = iota
	meetTouch           // in one point, an endpoint of at least one of them
	meetCross           // in one point inside both
	meetOverlap         // along a stretch: collinear and overlapping
)

// intersect tells how segments pq and rs meet, and where (for a cross, near
// where). A segment may be a single point.
func intersect(p, q, r, s orb.Point) (meeting, orb.Point) {
	if max(p[0], q[0]) < min(r[0], s[0]) || max(r[0], s[0]) < min(p[0], q[0]) ||
		max(p[1], q[1]) < min(r[1], s[1]) || max(r[1], s[1]) < min(p[1], q[1]) {
		return meetApart, orb.Point{}
	}
	o1, o2 := orient(p, q, r), orient(p, q, s)
	if o1*o2 > 0 {
		return meetApart, orb.Point{}
	}
	o3, o4 := orient(r, s, p), orient(r, s, q)
	if o3*o4 > 0 {
		return meetApart, orb.Point{}
	}
	if o1 == 0 && o2 == 0 && o3 == 0 && o4 == 0 {
		return collinear(p, q, r, s)
	}
	if o1 != 0 && o2 != 0 && o3 != 0 && o4 != 0 {
		return meetCross, crossPoint(p, q, r, s)
	}
	// One endpoint lies on the other segment: that is where they meet.
	switch {
	case o1 == 0:
		return meetTouch, r
	case o2 == 0:
		return meetTouch, s
	case o3 == 0:
		return meetTouch, p
	}
	return meetTouch, q
}

// collinear handles segments on one line whose envelopes meet: they
// overlap, or share just an endpoint.
func collinear(p, q, r, s orb.Point) (meeting, orb.Point) {
	k := 0 // compare along x unless the line is vertical
	if p[0] == q[0] && r[0] == s[0] {
		k = 1
	}
	lo := max(min(p[k], q[k]), min(r[k], s[k]))
	hi := min(max(p[k], q[k]), max(r[k], s[k]))
	at := p
	if q[k] == lo {
		at = q
	}
	if r[k] == lo {
		at = r
	}
	if s[k] == lo {
		at = s
	}
	switch {
	case lo < hi:
		return meetOverlap, at
	case lo == hi:
		return meetTouch, at
	}
	return meetApart, orb.Point{}
}

// crossPoint approximates where pq properly crosses rs, for messages only.
func crossPoint(p, q, r, s orb.Point) orb.Point {
	d := (q[0]-p[0])*(s[1]-r[1]) - (q[1]-p[1])*(s[0]-r[0])
	t := ((r[0]-p[0])*(s[1]-r[1]) - (r[1]-p[1])*(s[0]-r[0])) / d
	return orb.Point{p[0] + t*(q[0]-p[0]), p[1] + t*(q[1]-p[1])}
}

// quadrant numbers the quadrant of p seen from o counter-clockwise from
// north-east (0) to south-east (3); each holds one end of its angle range, so
// the four partition the directions.
func quadrant(o, p orb.Point) int {
	dx, dy := p[0]-o[0], p[1]-o[1]
	switch {
	case dx >= 0 && dy >= 0:
		return 0
	case dy >= 0:
		return 1
	case dx < 0:
		return 2
	}
	return 3
}

// compareAngle orders the directions from o to p and to q by angle
// counter-clockwise from east: 1 when p's is the greater, 0 when equal.
func compareAngle(o, p, q orb.Point) int {
	if qp, qq := quadrant(o, p), quadrant(o, q); qp != qq {
		return compare(qp, qq)
	}
	return orient(o, q, p)
}

// inSector reports whether the direction from o to p lies strictly inside
// the sector swept counter-clockwise from the direction of from to that of to.
func inSector(o, from, to, p orb.Point) bool {
	pf, pt := compareAngle(o, p, from), compareAngle(o, p, to)
	if compareAngle(o, from, to) < 0 {
		return pf > 0 && pt < 0
	}
	return pf > 0 || pt < 0 // the sector wraps past east
}

// crosses reports whether, at a point o that two rings share, ring b (edges
// to b0 and b1) passes from one side of ring a (edges to a0 and a1) to the
// other. Edges in a common direction overlap, which is caught as such.
func crosses(o, a0, a1, b0, b1 orb.Point) bool {
	for _, b := range [2]orb.Point{b0, b1} {
		if compareAngle(o, b, a0) == 0 || compareAngle(o, b, a1) == 0 {
			return false
		}
	}
	return inSector(o, a0, a1, b0) != inSector(o, a0, a1, b1)
}

// GeometriesIntersect reports whether two geometries share a point, as
// PostGIS's ST_Intersects does in the plane: some of their segments (a point
// is a segment of length 0) meet, or a part of one lies inside a polygon of
// the other.
func GeometriesIntersect(a, b orb.Geometry) bool {
	if a == nil || b == nil || !a.Bound().Intersects(b.Bound()) {
		return false
	}
	pa, pb := partsOf(a), partsOf(b)
	for _, la := range pa.lines {
		for _, lb := range pb.lines {
			if linesMeet(la, lb) {
				return true
			}
		}
	}
	return pa.inside(pb) || pb.inside(pa)
}

// parts are a geometry's pieces: every point, line and ring as a line (a
// point as a line of one point), and its polygons.
type parts struct {
	lines [][]orb.Point
	polys []orb.Polygon
}

func partsOf(g orb.Geometry) parts {
	var p parts
	var add func(g orb.Geometry)
	add = func(g orb.Geometry) {
		switch g := g.(type) {
		case orb.Point:
			p.lines = append(p.lines, []orb.Point{g})
		case orb.MultiPoint:
			for _, x := range g {
				add(x)
			}
		case orb.LineString:
			p.lines = append(p.lines, g)
		case orb.MultiLineString:
			for _, x := range g {
				add(x)
			}
		case orb.Ring:
			add(orb.Polygon{g})
		case orb.Bound:
			add(g.ToPolygon())
		case orb.Polygon:
			for _, r := range g {
				p.lines = append(p.lines, r)
			}
			if len(g) > 0 && len(g[0]) > 0 {
				p.polys = append(p.polys, g)
			}
		case orb.MultiPolygon:
			for _, x := range g {
				add(x)
			}
		case orb.Collection:
			for _, x := range g {
				add(x)
			}
		}
	}
	add(g)
	return p
}

// inside reports whether a vertex of some line of p lies inside a polygon of q.
func (p parts) inside(q parts) bool {
	for _, l := range p.lines {
		if len(l) == 0 {
			continue
		}
		for _, poly := range q.polys {
			if planar.PolygonContains(poly, l[0]) {
				return true
			}
		}
	}
	return false
}

func linesMeet(a, b []orb.Point) bool {
	if len(a) == 0 || len(b) == 0 || !orb.LineString(a).Bound().Intersects(orb.LineString(b).Bound()) {
		return false
	}
	seg := func(l []orb.Point, i int) (orb.Point, orb.Point) {
		if len(l) == 1 {
			return l[0], l[0]
		}
		return l[i], l[i+1]
	}
	for i := 0; i < max(1, len(a)-1); i++ {
		p, q := seg(a, i)
		for j := 0; j < max(1, len(b)-1); j++ {
			r, s := seg(b, j)
			if m, _ := intersect(p, q, r, s); m != meetApart {
				return true
			}
		}
	}
	return false
}
