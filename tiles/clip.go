package tiles

// Stage 1: project WGS84 features to tile coordinates and clip them to the
// buffered tile.

import (
	"cmp"
	"math"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/clip"
)

// project maps WGS84 to tile coordinates (float, y down).
func (e *encoder) project(p orb.Point) orb.Point {
	x := (p[0]+180)/360*e.world - e.ox
	lat := math.Max(-MaxLatitude, math.Min(MaxLatitude, p[1]))
	s := math.Sin(lat * (math.Pi / 180))
	y := (0.5-math.Log((1+s)/(1-s))/(4*math.Pi))*e.world - e.oy
	return orb.Point{x, y}
}

func (e *encoder) lon(x float64) float64 { return (x+e.ox)/e.world*360 - 180 }

func (e *encoder) lat(y float64) float64 {
	return math.Atan(math.Sinh(math.Pi*(1-2*(y+e.oy)/e.world))) * 180 / math.Pi
}

// prepare projects and clips one feature and appends what is left.
func (e *encoder) prepare(dst []prepFeature, f *Feature) []prepFeature {
	if f.Geometry == nil {
		return dst
	}
	pf := prepFeature{id: f.ID, rank: cmp.Or(f.Rank, f.ID), props: f.Properties}
	switch g := f.Geometry.(type) {
	case orb.Point:
		if !e.geoBox.Contains(g) {
			return dst
		}
		pf.kind, pf.pt = kindPoint, e.project(g)
		return append(dst, pf)
	case orb.Collection:
		// MVT has no collections: merge members into one feature per kind,
		// all with the feature's id.
		var pts orb.MultiPoint
		var lines orb.MultiLineString
		var polys orb.MultiPolygon
		e.flatten(g, &pts, &lines, &polys)
		if len(pts) > 0 {
			pf.kind, pf.mp = kindMultiPoint, pts
			dst = append(dst, pf)
		}
		if len(lines) > 0 {
			pf.kind, pf.mp, pf.mls = kindLine, nil, lines
			dst = append(dst, pf)
		}
		if len(polys) > 0 {
			pf.kind, pf.mp, pf.mls, pf.mpoly = kindPolygon, nil, nil, polys
			dst = append(dst, pf)
		}
		return dst
	}
	if !e.geoBox.Intersects(f.Geometry.Bound()) {
		return dst
	}
	var pts orb.MultiPoint
	var lines orb.MultiLineString
	var polys orb.MultiPolygon
	e.addGeometry(f.Geometry, &pts, &lines, &polys)
	switch {
	case len(pts) > 0:
		pf.kind, pf.mp = kindMultiPoint, pts
	case len(lines) > 0:
		pf.kind, pf.mls = kindLine, lines
	case len(polys) > 0:
		pf.kind, pf.mpoly = kindPolygon, polys
	default:
		return dst
	}
	return append(dst, pf)
}

func (e *encoder) flatten(c orb.Collection, pts *orb.MultiPoint, lines *orb.MultiLineString, polys *orb.MultiPolygon) {
	for _, g := range c {
		if g == nil {
			continue
		}
		if sub, ok := g.(orb.Collection); ok {
			e.flatten(sub, pts, lines, polys)
			continue
		}
		if !e.geoBox.Intersects(g.Bound()) {
			continue
		}
		e.addGeometry(g, pts, lines, polys)
	}
}

// addGeometry projects g and appends its clipped parts to the matching list.
func (e *encoder) addGeometry(g orb.Geometry, pts *orb.MultiPoint, lines *orb.MultiLineString, polys *orb.MultiPolygon) {
	switch g := g.(type) {
	case orb.Point:
		if e.geoBox.Contains(g) {
			*pts = append(*pts, e.project(g))
		}
	case orb.MultiPoint:
		for _, p := range g {
			if e.geoBox.Contains(p) {
				*pts = append(*pts, e.project(p))
			}
		}
	case orb.LineString:
		*lines = e.addLine(*lines, g)
	case orb.MultiLineString:
		for _, ls := range g {
			*lines = e.addLine(*lines, ls)
		}
	case orb.Ring:
		*polys = e.addPolygon(*polys, orb.Polygon{g})
	case orb.Polygon:
		*polys = e.addPolygon(*polys, g)
	case orb.MultiPolygon:
		for _, p := range g {
			*polys = e.addPolygon(*polys, p)
		}
	case orb.Bound:
		*polys = e.addPolygon(*polys, g.ToPolygon())
	}
}

func (e *encoder) projectAll(in []orb.Point, closeRing bool) []orb.Point {
	out := make([]orb.Point, len(in), len(in)+1)
	for i, p := range in {
		out[i] = e.project(p)
	}
	if closeRing && len(out) > 0 && out[0] != out[len(out)-1] {
		out = append(out, out[0])
	}
	return out
}

func (e *encoder) addLine(dst orb.MultiLineString, ls orb.LineString) orb.MultiLineString {
	if len(ls) < 2 {
		return dst
	}
	p := orb.LineString(e.projectAll(ls, false))
	b := p.Bound()
	if !e.box.Intersects(b) {
		return dst
	}
	if boundWithin(b, e.box) {
		return append(dst, p)
	}
	for _, part := range clip.LineString(e.box, p) {
		if len(part) >= 2 {
			dst = append(dst, part)
		}
	}
	return dst
}

func (e *encoder) addPolygon(dst orb.MultiPolygon, poly orb.Polygon) orb.MultiPolygon {
	if len(poly) == 0 || len(poly[0]) < 3 {
		return dst
	}
	out := make(orb.Polygon, 0, len(poly))
	for i, r := range poly {
		if len(r) < 3 {
			if i == 0 {
				return dst
			}
			continue
		}
		pr := orb.Ring(e.projectAll(r, true))
		b := pr.Bound()
		if !e.box.Intersects(b) {
			if i == 0 {
				return dst
			}
			continue
		}
		if !boundWithin(b, e.box) {
			pr = clip.Ring(e.box, pr) // Sutherland-Hodgman; pr is our copy, fine as scratch
		}
		if len(pr) < 4 {
			if i == 0 {
				return dst
			}
			continue
		}
		out = append(out, pr)
	}
	return append(dst, out)
}

func boundWithin(b, box orb.Bound) bool {
	return b.Min[0] >= box.Min[0] && b.Min[1] >= box.Min[1] && b.Max[0] <= box.Max[0] && b.Max[1] <= box.Max[1]
}
