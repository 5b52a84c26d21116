package main

import (
	"fmt"
	"math"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

// dissolve merges the parts of a multipolygon that share edges: adjoining
// districts (OpenStreetMap's neighbours share every boundary vertex) become
// one area, since parts sharing an edge would make an invalid multipolygon.
// Shared edges appear once in each direction once every outer ring runs
// counter-clockwise, so cancelling opposite pairs and re-chaining the
// remaining edges gives the union's boundary, vertex for vertex, without
// moving or inventing any point.
func dissolve(mp orb.MultiPolygon) (orb.MultiPolygon, error) {
	type edge struct{ a, b orb.Point }
	var edges []edge
	idx := map[edge]int{}
	alive := []bool{}
	cancelled := 0
	add := func(a, b orb.Point) {
		if a == b {
			return
		}
		if j, ok := idx[edge{b, a}]; ok && alive[j] {
			alive[j] = false
			delete(idx, edge{b, a})
			cancelled++
			return
		}
		idx[edge{a, b}] = len(edges)
		edges = append(edges, edge{a, b})
		alive = append(alive, true)
	}
	for _, poly := range mp {
		for i, r := range poly {
			ccw := ringArea(r) > 0
			if (i == 0) != ccw { // outer rings CCW, holes CW
				r = reversed(r)
			}
			for k := 0; k+1 < len(r); k++ {
				add(r[k], r[k+1])
			}
		}
	}
	if cancelled == 0 {
		return mp, nil
	}
	out := map[orb.Point][]int{}
	for i, e := range edges {
		if alive[i] {
			out[e.a] = append(out[e.a], i)
		}
	}
	var rings []orb.Ring
	for i := range edges {
		if !alive[i] {
			continue
		}
		start := edges[i].a
		ring := orb.Ring{start}
		cur := i
		for steps := 0; ; steps++ {
			if steps > len(edges) {
				return nil, fmt.Errorf("dissolve: ring does not close")
			}
			alive[cur] = false
			e := edges[cur]
			ring = append(ring, e.b)
			if e.b == start {
				break
			}
			next := -1
			for _, j := range out[e.b] {
				if alive[j] && (next < 0 || turn(e.a, e.b, edges[j].b) < turn(e.a, e.b, edges[next].b)) {
					next = j
				}
			}
			if next < 0 {
				return nil, fmt.Errorf("dissolve: open chain at %v", e.b)
			}
			cur = next
		}
		rings = append(rings, ring)
	}
	var res orb.MultiPolygon
	var holes []orb.Ring
	for _, r := range rings {
		if ringArea(r) > 0 {
			res = append(res, orb.Polygon{r})
		} else {
			holes = append(holes, r)
		}
	}
	for _, h := range holes {
		placed := false
		for i := range res {
			if planar.RingContains(res[i][0], h[0]) || planar.RingContains(res[i][0], interior(h)) {
				res[i] = append(res[i], h)
				placed = true
				break
			}
		}
		if !placed {
			return nil, fmt.Errorf("dissolve: hole at %v lies in no outer ring", h[0])
		}
	}
	return res, nil
}

func interior(r orb.Ring) orb.Point {
	return orb.Point{(r[0][0] + r[1][0] + r[2][0]) / 3, (r[0][1] + r[1][1] + r[2][1]) / 3}
}

// turn is the angle of the turn a->b->c, in (-pi, pi]; smaller is more
// clockwise. Taking the most clockwise exit at a vertex where rings touch
// keeps the traced rings simple.
func turn(a, b, c orb.Point) float64 {
	a1 := math.Atan2(b[1]-a[1], b[0]-a[0])
	a2 := math.Atan2(c[1]-b[1], c[0]-b[0])
	d := a2 - a1
	for d <= -math.Pi {
		d += 2 * math.Pi
	}
	for d > math.Pi {
		d -= 2 * math.Pi
	}
	return d
}

func ringArea(r orb.Ring) float64 {
	s := 0.0
	for i := 0; i+1 < len(r); i++ {
		s += r[i][0]*r[i+1][1] - r[i+1][0]*r[i][1]
	}
	return s / 2
}

func reversed(r orb.Ring) orb.Ring {
	out := make(orb.Ring, len(r))
	for i, p := range r {
		out[len(r)-1-i] = p
	}
	return out
}

// round rounds every coordinate to d decimals.
func round(g orb.Geometry, d int) orb.Geometry {
	f := math.Pow(10, float64(d))
	r := func(p orb.Point) orb.Point {
		return orb.Point{math.Round(p[0]*f) / f, math.Round(p[1]*f) / f}
	}
	line := func(l []orb.Point) []orb.Point {
		out := make([]orb.Point, 0, len(l))
		for _, p := range l {
			q := r(p)
			if len(out) > 0 && out[len(out)-1] == q {
				continue
			}
			out = append(out, q)
		}
		return out
	}
	switch g := g.(type) {
	case nil:
		return nil
	case orb.Point:
		return r(g)
	case orb.MultiPoint:
		return orb.MultiPoint(line(g))
	case orb.LineString:
		return orb.LineString(line(g))
	case orb.MultiLineString:
		out := orb.MultiLineString{}
		for _, l := range g {
			out = append(out, orb.LineString(line(l)))
		}
		return out
	case orb.Polygon:
		out := orb.Polygon{}
		for _, ring := range g {
			out = append(out, orb.Ring(line(ring)))
		}
		return out
	case orb.MultiPolygon:
		out := orb.MultiPolygon{}
		for _, p := range g {
			out = append(out, round(p, d).(orb.Polygon))
		}
		return out
	}
	return g
}

func cosd(d float64) float64 { return math.Cos(d * math.Pi / 180) }
