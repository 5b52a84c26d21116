package main

import (
	"math"
	"sort"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

// Distances are measured on a local equirectangular plane: at Wuhan's
// latitude and over tens of kilometres it is within 0.1 % of geodesic.
const kmPerDegLat = 110.57

func kmPerDegLon(lat float64) float64 { return 111.32 * cosd(lat) }

// distM is the distance in metres between two points.
func distM(a, c orb.Point) float64 {
	lat := (a[1] + c[1]) / 2
	return 1000 * math.Hypot((c[0]-a[0])*kmPerDegLon(lat), (c[1]-a[1])*kmPerDegLat)
}

// offset moves c by east/north kilometres.
func offset(c orb.Point, eastKm, northKm float64) orb.Point {
	return orb.Point{c[0] + eastKm/kmPerDegLon(c[1]), c[1] + northKm/kmPerDegLat}
}

func meanPoint(ps []orb.Point) orb.Point {
	var x, y float64
	for _, p := range ps {
		x += p[0]
		y += p[1]
	}
	n := float64(len(ps))
	return orb.Point{x / n, y / n}
}

// nearestOnSegment is the point of segment a–c nearest to p.
func nearestOnSegment(p, a, c orb.Point) orb.Point {
	k := cosd(p[1])
	dx, dy := (c[0]-a[0])*k, c[1]-a[1]
	l := dx*dx + dy*dy
	if l == 0 {
		return a
	}
	t := math.Max(0, math.Min(1, ((p[0]-a[0])*k*dx+(p[1]-a[1])*dy)/l))
	return orb.Point{a[0] + t*(c[0]-a[0]), a[1] + t*(c[1]-a[1])}
}

// segmentCrossing is the point where segments p–q and r–s cross, if they do.
func segmentCrossing(p, q, r, s orb.Point) (orb.Point, bool) {
	d := (q[0]-p[0])*(s[1]-r[1]) - (q[1]-p[1])*(s[0]-r[0])
	if d == 0 {
		return orb.Point{}, false
	}
	t := ((r[0]-p[0])*(s[1]-r[1]) - (r[1]-p[1])*(s[0]-r[0])) / d
	u := ((r[0]-p[0])*(q[1]-p[1]) - (r[1]-p[1])*(q[0]-p[0])) / d
	if t < 0 || t > 1 || u < 0 || u > 1 {
		return orb.Point{}, false
	}
	return orb.Point{p[0] + t*(q[0]-p[0]), p[1] + t*(q[1]-p[1])}, true
}

// mergeLines joins ways that continue one another (an end of one is the
// start or end of exactly one other) into longer lines; a road of several
// OSM ways becomes as few lines as its shape allows. Dual carriageways stay
// two lines. No vertex is moved or added.
func mergeLines(ls []orb.LineString) orb.MultiLineString {
	ends := map[orb.Point]int{}
	for _, l := range ls {
		ends[l[0]]++
		ends[l[len(l)-1]]++
	}
	lines := make([]orb.LineString, len(ls))
	for i, l := range ls {
		lines[i] = append(orb.LineString{}, l...)
	}
	used := make([]bool, len(lines))
	var out orb.MultiLineString
	for i := range lines {
		if used[i] {
			continue
		}
		used[i] = true
		cur := lines[i]
		for grown := true; grown; {
			grown = false
			for j := range lines {
				if used[j] {
					continue
				}
				if l, ok := join(cur, lines[j], ends); ok {
					cur, used[j], grown = l, true, true
				}
			}
		}
		out = append(out, cur)
	}
	sort.SliceStable(out, func(i, j int) bool { return lineLess(out[i], out[j]) })
	return out
}

// join appends b to a where they meet at an end that no third way touches.
func join(a, b orb.LineString, ends map[orb.Point]int) (orb.LineString, bool) {
	rev := func(l orb.LineString) orb.LineString {
		r := make(orb.LineString, len(l))
		for i, p := range l {
			r[len(l)-1-i] = p
		}
		return r
	}
	a0, a1, b0, b1 := a[0], a[len(a)-1], b[0], b[len(b)-1]
	switch {
	case a1 == b0 && ends[a1] == 2:
		return append(a, b[1:]...), true
	case a1 == b1 && ends[a1] == 2:
		return append(a, rev(b)[1:]...), true
	case a0 == b1 && ends[a0] == 2:
		return append(append(orb.LineString{}, b...), a[1:]...), true
	case a0 == b0 && ends[a0] == 2:
		return append(rev(b), a[1:]...), true
	}
	return nil, false
}

func lineLess(a, c orb.LineString) bool {
	if a[0][0] != c[0][0] {
		return a[0][0] < c[0][0]
	}
	return a[0][1] < c[0][1]
}

// widenedHull is the convex hull of the points, widened by km: the hull of
// 32-gons of that radius around each point, so every point lies at least
// km inside the boundary.
func widenedHull(pts []orb.Point, km float64) orb.Polygon {
	var all []orb.Point
	for _, p := range pts {
		for i := 0; i < 32; i++ {
			t := 2 * math.Pi * float64(i) / 32
			all = append(all, offset(p, km*math.Cos(t), km*math.Sin(t)))
		}
	}
	return orb.Polygon{convexHull(all)}
}

// convexHull is the counter-clockwise hull of the points (Andrew's monotone
// chain), closed.
func convexHull(pts []orb.Point) orb.Ring {
	ps := append([]orb.Point{}, pts...)
	sort.Slice(ps, func(i, j int) bool {
		if ps[i][0] != ps[j][0] {
			return ps[i][0] < ps[j][0]
		}
		return ps[i][1] < ps[j][1]
	})
	cross := func(o, a, c orb.Point) float64 {
		return (a[0]-o[0])*(c[1]-o[1]) - (a[1]-o[1])*(c[0]-o[0])
	}
	var h []orb.Point
	for _, p := range ps {
		for len(h) >= 2 && cross(h[len(h)-2], h[len(h)-1], p) <= 0 {
			h = h[:len(h)-1]
		}
		h = append(h, p)
	}
	lower := len(h) + 1
	for i := len(ps) - 2; i >= 0; i-- {
		p := ps[i]
		for len(h) >= lower && cross(h[len(h)-2], h[len(h)-1], p) <= 0 {
			h = h[:len(h)-1]
		}
		h = append(h, p)
	}
	return orb.Ring(h) // the last point repeats the first
}

// interiorPoint is a point well inside the largest part of a multipolygon:
// the middle of the widest inside stretch of the horizontal line through
// its centroid (a centroid can fall outside a concave shape).
func interiorPoint(mp orb.MultiPolygon) orb.Point {
	best := 0
	for i := range mp {
		if planar.Area(mp[i]) > planar.Area(mp[best]) {
			best = i
		}
	}
	poly := mp[best]
	c, _ := planar.CentroidArea(poly)
	var xs []float64
	for _, r := range poly {
		for i := 0; i+1 < len(r); i++ {
			a, e := r[i], r[i+1]
			if (a[1] > c[1]) != (e[1] > c[1]) {
				xs = append(xs, a[0]+(c[1]-a[1])*(e[0]-a[0])/(e[1]-a[1]))
			}
		}
	}
	sort.Float64s(xs)
	p, width := c, -1.0
	for i := 0; i+1 < len(xs); i += 2 {
		if w := xs[i+1] - xs[i]; w > width {
			p, width = orb.Point{(xs[i] + xs[i+1]) / 2, c[1]}, w
		}
	}
	return p
}
