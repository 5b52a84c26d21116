package tiles

import (
	"cmp"
	"slices"

	"github.com/paulmach/orb"
)

// Clipping (Sutherland-Hodgman), Douglas-Peucker and rounding to the integer
// grid keep a polygon's area but not its validity: a ring that leaves the
// tile and comes back gets a zero-width bridge along the clip edge, and a
// simplified or rounded ring may touch itself, or share an edge with a hole.
// GEOS (and so PostGIS, QGIS and GDAL) rejects such polygons. polygonize
// rebuilds them as PostGIS's ST_AsMVTGeom output would be: the same area,
// drawn by rings that meet only at single points.

// dirEdge is a directed edge of integer tile coordinates with the polygon's
// interior on its left (in the y-up reading of the numbers: shells have a
// positive ringArea, holes a negative one).
type dirEdge struct{ a, b orb.Point }

// polygonize returns the region that rings bound (each with the interior on
// its left) as valid polygons: every ring simple, rings meeting only in
// points, holes inside their shells, exteriors of positive ringArea and
// holes negative, as MVT wants. It reports false when two edges properly
// cross, which needs a real overlay; the caller then tries other input.
func polygonize(rings []orb.Ring) (orb.MultiPolygon, bool) {
	var edges []dirEdge
	var verts []orb.Point
	for _, r := range rings {
		for i := 0; i+1 < len(r); i++ {
			if r[i] != r[i+1] {
				edges = append(edges, dirEdge{r[i], r[i+1]})
			}
			verts = append(verts, r[i])
		}
	}
	slices.SortFunc(verts, comparePoints)
	verts = slices.Compact(verts)
	edges = node(edges, verts)
	if crossing(edges) {
		return nil, false
	}
	edges = cancel(edges)
	var loops []orb.Ring
	for _, ring := range trace(edges) {
		loops = appendLoops(loops, ring)
	}
	return assemble(loops), true
}

func comparePoints(p, q orb.Point) int {
	if c := cmp.Compare(p[0], q[0]); c != 0 {
		return c
	}
	return cmp.Compare(p[1], q[1])
}

// node splits every edge at the vertices that lie inside it, so that edges
// which overlap along a stretch become equal edges, and a vertex that
// touches an edge becomes a vertex of it.
func node(edges []dirEdge, verts []orb.Point) []dirEdge {
	out := make([]dirEdge, 0, len(edges))
	var cut []orb.Point
	for _, e := range edges {
		minX, maxX := min(e.a[0], e.b[0]), max(e.a[0], e.b[0])
		minY, maxY := min(e.a[1], e.b[1]), max(e.a[1], e.b[1])
		cut = cut[:0]
		i, _ := slices.BinarySearchFunc(verts, minX, func(p orb.Point, x float64) int { return cmp.Compare(p[0], x) })
		for ; i < len(verts) && verts[i][0] <= maxX; i++ {
			v := verts[i]
			if v[1] < minY || v[1] > maxY || v == e.a || v == e.b || orient(e.a, e.b, v) != 0 {
				continue
			}
			cut = append(cut, v)
		}
		if len(cut) == 0 {
			out = append(out, e)
			continue
		}
		// Along the edge: by distance from a, which for points on it is
		// the order of the dot product with its direction.
		dx, dy := e.b[0]-e.a[0], e.b[1]-e.a[1]
		slices.SortFunc(cut, func(p, q orb.Point) int {
			return cmp.Compare((p[0]-e.a[0])*dx+(p[1]-e.a[1])*dy, (q[0]-e.a[0])*dx+(q[1]-e.a[1])*dy)
		})
		from := e.a
		for _, v := range cut {
			out = append(out, dirEdge{from, v})
			from = v
		}
		out = append(out, dirEdge{from, e.b})
	}
	return out
}

// crossing reports whether two noded edges cross inside both, by a sweep
// over edges sorted by their least x.
func crossing(edges []dirEdge) bool {
	segs := make([]segment, len(edges))
	for i, e := range edges {
		segs[i] = segment{a: e.a, b: e.b, minX: min(e.a[0], e.b[0]), maxX: max(e.a[0], e.b[0])}
	}
	slices.SortFunc(segs, func(s, t segment) int { return cmp.Compare(s.minX, t.minX) })
	for i := range segs {
		s := &segs[i]
		for j := i + 1; j < len(segs) && segs[j].minX <= s.maxX; j++ {
			if properCross(s.a, s.b, segs[j].a, segs[j].b) {
				return true
			}
		}
	}
	return false
}

// cancel drops each pair of equal edges run in opposite directions (a
// bridge of zero width, or a hole's edge along its shell's) and merges
// edges run twice the same way, leaving each edge of the region's boundary
// once, directed with the interior on its left.
func cancel(edges []dirEdge) []dirEdge {
	type counted struct {
		lo, hi orb.Point
		n      int
	}
	cs := make([]counted, len(edges))
	for i, e := range edges {
		if comparePoints(e.a, e.b) < 0 {
			cs[i] = counted{e.a, e.b, 1}
		} else {
			cs[i] = counted{e.b, e.a, -1}
		}
	}
	slices.SortFunc(cs, func(p, q counted) int {
		if c := comparePoints(p.lo, q.lo); c != 0 {
			return c
		}
		return comparePoints(p.hi, q.hi)
	})
	out := edges[:0]
	for i := 0; i < len(cs); {
		j, n := i, 0
		for ; j < len(cs) && cs[j].lo == cs[i].lo && cs[j].hi == cs[i].hi; j++ {
			n += cs[j].n
		}
		switch {
		case n > 0:
			out = append(out, dirEdge{cs[i].lo, cs[i].hi})
		case n < 0:
			out = append(out, dirEdge{cs[i].hi, cs[i].lo})
		}
		i = j
	}
	return out
}

// trace walks the boundary edges into closed rings. Where several edges
// leave a vertex it takes the sharpest left turn, so each ring goes round
// one face: two shells that touch at a point come out as two rings.
func trace(edges []dirEdge) []orb.Ring {
	slices.SortFunc(edges, func(p, q dirEdge) int {
		if c := comparePoints(p.a, q.a); c != 0 {
			return c
		}
		return comparePoints(p.b, q.b)
	})
	used := make([]bool, len(edges))
	from := func(p orb.Point) (int, int) { // the edges leaving p: edges[lo:hi]
		lo, _ := slices.BinarySearchFunc(edges, p, func(e dirEdge, p orb.Point) int { return comparePoints(e.a, p) })
		hi := lo
		for hi < len(edges) && edges[hi].a == p {
			hi++
		}
		return lo, hi
	}
	var rings []orb.Ring
	for start := range edges {
		if used[start] {
			continue
		}
		used[start] = true
		ring := orb.Ring{edges[start].a, edges[start].b}
		prev, at := edges[start].a, edges[start].b
		for at != ring[0] {
			lo, hi := from(at)
			best := -1
			for k := lo; k < hi; k++ {
				if !used[k] && (best < 0 || leftOf(at, prev, edges[k].b, edges[best].b)) {
					best = k
				}
			}
			if best < 0 {
				break // cannot happen: every vertex has as many edges in as out
			}
			used[best] = true
			prev, at = at, edges[best].b
			ring = append(ring, at)
		}
		if at == ring[0] && len(ring) >= 4 {
			rings = append(rings, ring)
		}
	}
	return rings
}

// leftOf reports whether, arriving at o from prev, turning towards p is a
// sharper left turn than turning towards q: whether p's direction comes
// later than q's counter-clockwise from the direction back to prev.
func leftOf(o, prev, p, q orb.Point) bool {
	back := orb.Point{prev[0] - o[0], prev[1] - o[1]}
	dp := orb.Point{p[0] - o[0], p[1] - o[1]}
	dq := orb.Point{q[0] - o[0], q[1] - o[1]}
	hp, hq := half(back, dp), half(back, dq)
	if hp != hq {
		return hp > hq
	}
	return cross(dq, dp) > 0
}

// half is 0 for directions less than half a turn counter-clockwise from
// ref (ref itself included), 1 for the rest.
func half(ref, d orb.Point) int {
	c := cross(ref, d)
	if c > 0 || (c == 0 && ref[0]*d[0]+ref[1]*d[1] > 0) {
		return 0
	}
	return 1
}

func cross(u, v orb.Point) float64 { return u[0]*v[1] - u[1]*v[0] }

// appendLoops splits a closed ring where it passes a vertex twice (a hole
// that touches its shell comes out of trace joined to it) into loops that
// each pass every vertex once, and appends those of non-zero area.
func appendLoops(dst []orb.Ring, ring orb.Ring) []orb.Ring {
	var path []orb.Point
	seen := map[orb.Point]int{} // vertex -> its index in path
	for _, p := range ring[:len(ring)-1] {
		if i, ok := seen[p]; ok {
			loop := append(orb.Ring(nil), path[i:]...)
			loop = append(loop, p)
			if len(loop) >= 4 && ringArea(loop) != 0 {
				dst = append(dst, loop)
			}
			for _, q := range path[i+1:] {
				delete(seen, q)
			}
			path = path[:i+1]
			continue
		}
		seen[p] = len(path)
		path = append(path, p)
	}
	loop := append(orb.Ring(path), path[0])
	if len(loop) >= 4 && ringArea(loop) != 0 {
		dst = append(dst, loop)
	}
	return dst
}

// assemble makes polygons of simple loops: those of positive area are
// shells, the others holes of the smallest shell around them.
func assemble(loops []orb.Ring) orb.MultiPolygon {
	var shells []int
	for i, l := range loops {
		if ringArea(l) > 0 {
			shells = append(shells, i)
		}
	}
	out := make(orb.MultiPolygon, len(shells))
	for k, i := range shells {
		out[k] = orb.Polygon{loops[i]}
	}
	for _, h := range loops {
		if ringArea(h) > 0 {
			continue
		}
		best, bestArea := -1, 0.0
		for k, i := range shells {
			if a := ringArea(loops[i]); (best < 0 || a < bestArea) && holeWithin(h, loops[i]) {
				best, bestArea = k, a
			}
		}
		if best >= 0 {
			out[best] = append(out[best], h)
		}
	}
	return out
}

// holeWithin reports whether simple loop h lies inside shell s, which it
// does not cross: decided by a vertex of h off s's boundary, or failing
// one (every vertex on it), by the middle of an edge of h.
func holeWithin(h, s orb.Ring) bool {
	if !s.Bound().Contains(h.Bound().Min) || !s.Bound().Contains(h.Bound().Max) {
		return false
	}
	for _, p := range h[:len(h)-1] {
		if in := pointInRing(p, s); in != 0 {
			return in > 0
		}
	}
	for i := 0; i+1 < len(h); i++ {
		m := orb.Point{(h[i][0] + h[i+1][0]) / 2, (h[i][1] + h[i+1][1]) / 2}
		if in := pointInRing(m, s); in != 0 {
			return in > 0
		}
	}
	return false
}
