package tiles

// Stage 3: simplify and round lines and polygons, drop parts below the size
// limit and rebuild polygons valid (repair.go).

import (
	"math"
	"slices"

	"github.com/paulmach/orb"
)

// finish turns a prepared feature into integer tile geometry.
func (e *encoder) finish(pf *prepFeature, tol, lineLimit, areaLimit float64) orb.Geometry {
	switch pf.kind {
	case kindPoint:
		return roundPoint(pf.pt)
	case kindMultiPoint:
		start := len(e.arena)
		for _, p := range pf.mp {
			e.arena = append(e.arena, roundPoint(p))
		}
		mp := orb.MultiPoint(e.arena[start:len(e.arena):len(e.arena)])
		if len(mp) == 1 {
			return mp[0]
		}
		return mp
	case kindLine:
		var mls orb.MultiLineString
		// One rule for both stores (PostGIS filters ST_Dump of its
		// ST_AsMVTGeom output alike): a part is kept when its clipped length,
		// rounded to the grid, reaches lineLimit; it is drawn simplified, or
		// where that leaves no line, only rounded.
		for _, ls := range pf.mls {
			if roundedLength(ls) < lineLimit {
				continue
			}
			r := orb.LineString(e.simplify(ls, tol, false))
			if len(r) < 2 {
				r = orb.LineString(e.simplify(ls, 0, false))
			}
			if len(r) >= 2 {
				mls = append(mls, r)
			}
		}
		switch len(mls) {
		case 0:
			return nil
		case 1:
			return mls[0]
		}
		return mls
	case kindPolygon:
		return e.polygons(pf.mpoly, tol, areaLimit)
	}
	return nil
}

func roundPoint(p orb.Point) orb.Point { return orb.Point{math.Round(p[0]), math.Round(p[1])} }

// roundedLength is the length of a clipped line once rounded to the grid,
// as PostGIS measures its snapped ST_AsMVTGeom output.
func roundedLength(ls orb.LineString) float64 {
	d := 0.0
	for i := 1; i < len(ls); i++ {
		a, b := roundPoint(ls[i-1]), roundPoint(ls[i])
		d += math.Hypot(b[0]-a[0], b[1]-a[1])
	}
	return d
}

// polygons simplifies a feature's clipped polygons and rebuilds them valid
// (polygonize). One rule for both stores (PostGIS filters ST_Dump of its
// ST_AsMVTGeom output alike): a part is kept when its clipped area reaches
// areaLimit; it is drawn simplified, or where simplification would flatten
// it to nothing, as its rounded shape, so that a small lake stays on the
// map. Holes are kept as PostGIS keeps them, whatever their size, drawn
// the same way. Only if edges
// cross even unsimplified (bad source data) is the layer marked dirty
// (version 1) and the polygons written as they are.
func (e *encoder) polygons(mp orb.MultiPolygon, tol, areaLimit float64) orb.Geometry {
	out, ok := e.rebuild(mp, tol, areaLimit)
	if !ok && tol > 0 {
		out, ok = e.rebuild(mp, 0, areaLimit)
	}
	if !ok {
		e.dirty = true
		out = out[:0]
		for _, p := range mp {
			if q, _ := e.polygonAt(p, 0, 1); q != nil {
				out = append(out, q)
			}
		}
	}
	switch len(out) {
	case 0:
		return nil
	case 1:
		return out[0]
	}
	return out
}

// partArea is the area of a clipped polygon once rounded to the grid, as
// PostGIS measures its snapped ST_AsMVTGeom output: its shell less its
// holes.
func partArea(p orb.Polygon) float64 {
	a := 0.0
	for i, r := range p {
		s := 0.0
		for j := 0; j+1 < len(r); j++ {
			p, q := roundPoint(r[j]), roundPoint(r[j+1])
			s += p[0]*q[1] - q[0]*p[1]
		}
		if i == 0 {
			a += math.Abs(s / 2)
		} else {
			a -= math.Abs(s / 2)
		}
	}
	return a
}

// ring simplifies a ring at tol, or where that flattens it, only rounds
// it; nil if even that leaves no area.
func (e *encoder) ring(r orb.Ring, tol float64) orb.Ring {
	for _, t := range []float64{tol, 0} {
		if q := orb.Ring(e.simplify(r, t, true)); len(q) >= 4 && ringArea(q) != 0 {
			return q
		}
		if t == 0 {
			break
		}
	}
	return nil
}

// rebuild simplifies the rings of the parts that areaLimit keeps, orients
// shells positive and holes negative, and polygonizes them.
func (e *encoder) rebuild(mp orb.MultiPolygon, tol, areaLimit float64) (orb.MultiPolygon, bool) {
	var rings []orb.Ring
	for _, p := range mp {
		if partArea(p) < areaLimit {
			continue
		}
		for i, r := range p {
			q := e.ring(r, tol)
			if q == nil && i == 0 {
				break
			}
			if q != nil && (ringArea(q) < 0) == (i == 0) {
				slices.Reverse(q)
			}
			if q != nil {
				rings = append(rings, q)
			}
		}
	}
	return polygonize(rings)
}

func (e *encoder) polygonAt(p orb.Polygon, tol, areaLimit float64) (orb.Polygon, bool) {
	ext := orb.Ring(e.simplify(p[0], tol, true))
	if len(ext) < 4 {
		return nil, true
	}
	a := ringArea(ext)
	if math.Abs(a) < areaLimit {
		return nil, true
	}
	if a < 0 {
		slices.Reverse(ext)
	}
	out := orb.Polygon{ext}
	net := math.Abs(a)
	for _, r := range p[1:] {
		h := orb.Ring(e.simplify(r, tol, true))
		if len(h) < 4 {
			continue
		}
		ha := ringArea(h)
		if math.Abs(ha) < areaLimit {
			continue
		}
		if ha > 0 {
			slices.Reverse(h)
		}
		net -= math.Abs(ha)
		out = append(out, h)
	}
	if net < areaLimit {
		return nil, true // holes cover it: the tile is inside a hole
	}
	return out, e.valid(out)
}

// simplify runs Douglas-Peucker (tol in extent units; 0 = off) over a line
// or closed ring, rounds to integers and drops repeated points, which MVT
// forbids as zero-length LineTo. The result is carved from e.arena. Rings
// come back closed, or shorter than 4 points if they collapsed.
func (e *encoder) simplify(in []orb.Point, tol float64, ring bool) []orb.Point {
	n := len(in)
	if cap(e.mask) < n {
		e.mask = make([]bool, n)
	}
	mask := e.mask[:n]
	if tol <= 0 || n <= 3 {
		for i := range mask {
			mask[i] = true
		}
	} else {
		clear(mask)
		mask[0], mask[n-1] = true, true
		e.dp(in, tol*tol, mask)
	}
	start := len(e.arena)
	for i, p := range in {
		if !mask[i] {
			continue
		}
		p = roundPoint(p)
		if len(e.arena) > start && e.arena[len(e.arena)-1] == p {
			continue
		}
		e.arena = append(e.arena, p)
	}
	if ring {
		if len(e.arena)-start >= 1 && e.arena[len(e.arena)-1] != e.arena[start] {
			e.arena = append(e.arena, e.arena[start])
		}
	}
	return e.arena[start:len(e.arena):len(e.arena)]
}

// dp is the iterative Douglas-Peucker over a reusable stack.
func (e *encoder) dp(ls []orb.Point, tol2 float64, mask []bool) {
	stack := append(e.stack[:0], 0, len(ls)-1)
	for len(stack) > 0 {
		end := stack[len(stack)-1]
		start := stack[len(stack)-2]
		stack = stack[:len(stack)-2]
		maxD, maxI := 0.0, 0
		a, b := ls[start], ls[end]
		for i := start + 1; i < end; i++ {
			if d := segDist2(a, b, ls[i]); d > maxD {
				maxD, maxI = d, i
			}
		}
		if maxD > tol2 {
			mask[maxI] = true
			stack = append(stack, start, maxI, maxI, end)
		}
	}
	e.stack = stack
}

func segDist2(a, b, p orb.Point) float64 {
	x, y := a[0], a[1]
	dx, dy := b[0]-x, b[1]-y
	if dx != 0 || dy != 0 {
		t := ((p[0]-x)*dx + (p[1]-y)*dy) / (dx*dx + dy*dy)
		if t > 1 {
			x, y = b[0], b[1]
		} else if t > 0 {
			x += dx * t
			y += dy * t
		}
	}
	dx, dy = p[0]-x, p[1]-y
	return dx*dx + dy*dy
}

// ringArea is the surveyor's formula; positive means clockwise on screen
// (y down), which MVT requires for exterior rings.
func ringArea(r orb.Ring) float64 {
	s := 0.0
	for i := 0; i+1 < len(r); i++ {
		s += r[i][0]*r[i+1][1] - r[i+1][0]*r[i][1]
	}
	return s / 2
}
