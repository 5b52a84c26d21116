package geo

import (
	"sort"

	"github.com/paulmach/orb"
)

// selfIntersection finds two non-adjacent edges of a closed ring that touch or
// cross. Edges are swept in order of their smallest x, so only edges whose x
// ranges overlap are compared: near-linear for the rings a plan holds.
func selfIntersection(r orb.Ring) (orb.Point, bool) {
	n := len(r) - 1 // edges; the ring is closed
	if n < 3 {
		return orb.Point{}, false
	}
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	minX := func(i int) float64 { return min(r[i][0], r[i+1][0]) }
	sort.Slice(idx, func(a, b int) bool { return minX(idx[a]) < minX(idx[b]) })
	for a := 0; a < n; a++ {
		i := idx[a]
		maxX := max(r[i][0], r[i+1][0])
		for b := a + 1; b < n && minX(idx[b]) <= maxX; b++ {
			j := idx[b]
			if adjacent(i, j, n) {
				continue
			}
			if segmentsIntersect(r[i], r[i+1], r[j], r[j+1]) {
				return r[i], true
			}
		}
	}
	return orb.Point{}, false
}

func adjacent(i, j, n int) bool {
	d := i - j
	if d < 0 {
		d = -d
	}
	return d <= 1 || d == n-1
}

func orient(a, b, c orb.Point) float64 {
	return (b[0]-a[0])*(c[1]-a[1]) - (b[1]-a[1])*(c[0]-a[0])
}

func onSegment(a, b, p orb.Point) bool {
	return min(a[0], b[0]) <= p[0] && p[0] <= max(a[0], b[0]) &&
		min(a[1], b[1]) <= p[1] && p[1] <= max(a[1], b[1])
}

// segmentsIntersect reports whether segment pq and segment rs share a point.
func segmentsIntersect(p, q, r, s orb.Point) bool {
	d1, d2 := orient(r, s, p), orient(r, s, q)
	d3, d4 := orient(p, q, r), orient(p, q, s)
	if ((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0)) {
		return true
	}
	return (d1 == 0 && onSegment(r, s, p)) || (d2 == 0 && onSegment(r, s, q)) ||
		(d3 == 0 && onSegment(p, q, r)) || (d4 == 0 && onSegment(p, q, s))
}
