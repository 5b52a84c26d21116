package tiles

import (
	"cmp"
	"slices"

	"github.com/paulmach/orb"
)

// segment is one edge of a ring, for the crossing sweep.
type segment struct {
	a, b       orb.Point
	minX, maxX float64
	ring, idx  int32
	n          int32 // edges in the ring, to recognise the wrap-around neighbour
}

// valid checks what MVT 2 requires of a polygon that simplification or
// rounding could break: no two edges of its rings properly cross (this
// covers self-intersection and holes crossing the exterior), and every hole
// lies inside the exterior. Rings are integer, closed and free of repeated
// points here. Touching at a vertex and collinear overlap along the clip
// edge (from Sutherland-Hodgman clipping, as in geojson-vt) are tolerated.
func (e *encoder) valid(p orb.Polygon) bool {
	segs := e.segs[:0]
	for ri, r := range p {
		n := int32(len(r) - 1)
		for i := 0; i+1 < len(r); i++ {
			a, b := r[i], r[i+1]
			segs = append(segs, segment{
				a: a, b: b,
				minX: min(a[0], b[0]), maxX: max(a[0], b[0]),
				ring: int32(ri), idx: int32(i), n: n,
			})
		}
	}
	e.segs = segs
	slices.SortFunc(segs, func(s, t segment) int { return cmp.Compare(s.minX, t.minX) })
	for i := range segs {
		s := &segs[i]
		sMinY, sMaxY := min(s.a[1], s.b[1]), max(s.a[1], s.b[1])
		for j := i + 1; j < len(segs) && segs[j].minX <= s.maxX; j++ {
			t := &segs[j]
			if max(t.a[1], t.b[1]) < sMinY || min(t.a[1], t.b[1]) > sMaxY {
				continue
			}
			if s.ring == t.ring {
				d := s.idx - t.idx
				if d == 1 || d == -1 || d == s.n-1 || d == 1-s.n {
					continue
				}
			}
			if properCross(s.a, s.b, t.a, t.b) {
				return false
			}
		}
	}
	for _, h := range p[1:] {
		if !holeInside(h, p[0]) {
			return false
		}
	}
	return true
}

// orient is twice the signed area of abc: exact for our integer coordinates.
func orient(a, b, c orb.Point) float64 {
	return (b[0]-a[0])*(c[1]-a[1]) - (b[1]-a[1])*(c[0]-a[0])
}

func properCross(a, b, c, d orb.Point) bool {
	d1, d2 := orient(a, b, c), orient(a, b, d)
	d3, d4 := orient(c, d, a), orient(c, d, b)
	return ((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) &&
		((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0))
}

// holeInside decides by the first hole vertex not on the exterior's
// boundary; with no proper crossings one such vertex settles it.
func holeInside(h, ext orb.Ring) bool {
	for _, p := range h[:len(h)-1] {
		switch pointInRing(p, ext) {
		case 1:
			return true
		case -1:
			return false
		}
	}
	return true // every vertex on the boundary: degenerate but not outside
}

// pointInRing is 1 inside, 0 on the boundary, -1 outside (even-odd rule).
func pointInRing(p orb.Point, r orb.Ring) int {
	in := false
	for i := 0; i+1 < len(r); i++ {
		a, b := r[i], r[i+1]
		if orient(a, b, p) == 0 &&
			p[0] >= min(a[0], b[0]) && p[0] <= max(a[0], b[0]) &&
			p[1] >= min(a[1], b[1]) && p[1] <= max(a[1], b[1]) {
			return 0
		}
		if (a[1] > p[1]) != (b[1] > p[1]) {
			x := a[0] + (p[1]-a[1])*(b[0]-a[0])/(b[1]-a[1])
			if p[0] < x {
				in = !in
			}
		}
	}
	if in {
		return 1
	}
	return -1
}
