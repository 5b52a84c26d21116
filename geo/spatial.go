package geo

import (
	"fmt"
	"strings"

	"github.com/paulmach/orb"
	sf "github.com/peterstace/simplefeatures/geom"
)

// relateOps are CQL2's spatial functions beyond S_INTERSECTS and S_DISJOINT
// (class spatial-functions), each a test of the DE-9IM matrix of the two
// geometries. orb has no DE-9IM, so the embedded store decides them with
// simplefeatures (pure Go, the OGC's patterns on its own overlay); PostGIS
// with the function of the same name. All of them imply that the geometries
// intersect, which lets both stores skip features by bounding box first.
var relateOps = map[string]func(a, b sf.Geometry) (bool, error){
	"s_contains": sf.Contains, "s_crosses": sf.Crosses, "s_equals": sf.Equals, "s_overlaps": sf.Overlaps,
	"s_touches": sf.Touches, "s_within": sf.Within,
}

// IsRelateOp reports whether op is one of the DE-9IM spatial functions
// that relateOps decides (not S_INTERSECTS or S_DISJOINT).
func IsRelateOp(op string) bool { return relateOps[op] != nil }

// LiteralGeometry is a spatial literal as a geometry: a BBOX is its
// rectangle, or two where it crosses the antimeridian.
func LiteralGeometry(lit *Expr) orb.Geometry {
	if lit.Kind != KindBBox {
		return lit.Geom
	}
	bs := BBoxBounds(lit.BBox)
	if len(bs) == 1 {
		return bs[0].ToPolygon()
	}
	return orb.MultiPolygon{bs[0].ToPolygon(), bs[1].ToPolygon()}
}

// SpatialArgs returns a spatial function's literal and whether it is
// written first (S_CONTAINS(literal, geometry) is S_WITHIN(geometry, literal)).
func SpatialArgs(e *Expr) (lit *Expr, litFirst bool) {
	if e.Args[0].Kind == KindProperty {
		return e.Args[1], false
	}
	return e.Args[0], true
}

// inLonLat refuses a spatial literal with a coordinate off the globe:
// literals are CRS84 once filter-crs is applied, so POINT(90 180) is a
// latitude of 180, an error rather than a point that matches nothing.
func inLonLat(lit *Expr) error {
	var pts []orb.Point
	if lit.Kind == KindBBox {
		pts = []orb.Point{{lit.BBox[0], lit.BBox[1]}, {lit.BBox[len(lit.BBox)/2], lit.BBox[len(lit.BBox)/2+1]}}
	} else {
		pts = allPoints(lit.Geom, nil)
	}
	for _, p := range pts {
		if !(p[0] >= -180 && p[0] <= 180 && p[1] >= -90 && p[1] <= 90) {
			return fmt.Errorf("the coordinate %v is not a longitude and latitude in CRS84 (longitude -180 to 180, latitude -90 to 90)", p)
		}
	}
	return nil
}

// allPoints appends every coordinate of g to pts.
func allPoints(g orb.Geometry, pts []orb.Point) []orb.Point {
	switch g := g.(type) {
	case orb.Point:
		return append(pts, g)
	case orb.MultiPoint:
		return append(pts, g...)
	case orb.LineString:
		return append(pts, g...)
	case orb.Ring:
		return append(pts, g...)
	case orb.MultiLineString:
		for _, l := range g {
			pts = append(pts, l...)
		}
	case orb.Polygon:
		for _, r := range g {
			pts = append(pts, r...)
		}
	case orb.MultiPolygon:
		for _, p := range g {
			pts = allPoints(p, pts)
		}
	case orb.Collection:
		for _, m := range g {
			pts = allPoints(m, pts)
		}
	}
	return pts
}

// checkRelateLiteral accepts the literal of a DE-9IM function and converts
// it once for every feature it is tested against: it must be valid as
// PostGIS judges validity (GEOS refuses to relate invalid polygons), and a
// GEOMETRYCOLLECTION must hold geometries of one dimension, which PostGIS
// 3.3 relates once dissolved into one (ST_UnaryUnion).
func checkRelateLiteral(op string, lit *Expr) error {
	g := LiteralGeometry(lit)
	name := strings.ToUpper(op)
	parts := []orb.Geometry{g}
	if c, ok := g.(orb.Collection); ok {
		if len(c) == 0 {
			return filterErr("%s: the GEOMETRYCOLLECTION is empty", name)
		}
		parts = c
	}
	for i, p := range parts {
		if _, nested := p.(orb.Collection); nested {
			return filterErr("%s: a GEOMETRYCOLLECTION within a GEOMETRYCOLLECTION is not supported", name)
		}
		if p.Dimensions() != parts[0].Dimensions() {
			return filterErr("%s: the GEOMETRYCOLLECTION mixes %s and %s; %s relates geometries of one dimension at a time",
				name, p.GeoJSONType(), parts[0].GeoJSONType(), name)
		}
		if err := ValidGeometry(p); err != nil {
			where := "the " + strings.ToUpper(p.GeoJSONType())
			if lit.Kind == KindBBox {
				where = "the BBOX"
			} else if len(parts) > 1 {
				where = fmt.Sprintf("geometry %d of the GEOMETRYCOLLECTION", i+1)
			}
			return filterErr("%s: %s literal is not valid: %v", name, where, err)
		}
	}
	lit.sf, lit.sfBound = toSF(g), g.Bound()
	return nil
}

// sfFeature is a feature's geometry converted for relate, at most once
// however many DE-9IM functions a filter has.
type sfFeature struct {
	g  sf.Geometry
	ok bool
}

// relate decides a DE-9IM function on a feature's geometry and the
// filter's literal.
func relate(e *Expr, g orb.Geometry, fg *sfFeature) (v, known bool) {
	lit, litFirst := SpatialArgs(e)
	if !g.Bound().Intersects(lit.sfBound) {
		return false, true
	}
	if !fg.ok {
		fg.g, fg.ok = toSF(g), true
	}
	a, b := fg.g, lit.sf
	if litFirst {
		a, b = b, a
	}
	v, err := safeRelate(relateOps[e.Op], a, b)
	return v, err == nil
}

// safeRelate turns a panic of the overlay (which a geometry that is not
// valid may cause) into an error: the result is then unknown.
func safeRelate(fn func(a, b sf.Geometry) (bool, error), a, b sf.Geometry) (v bool, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("relate: %v", r)
		}
	}()
	return fn(a, b)
}

// toSF converts an orb geometry to simplefeatures, in two dimensions.
func toSF(g orb.Geometry) sf.Geometry {
	switch g := g.(type) {
	case orb.Point:
		return sfPoint(g).AsGeometry()
	case orb.MultiPoint:
		ps := make([]sf.Point, len(g))
		for i, p := range g {
			ps[i] = sfPoint(p)
		}
		return sf.NewMultiPoint(ps).AsGeometry()
	case orb.LineString:
		return sfLine(g).AsGeometry()
	case orb.MultiLineString:
		ls := make([]sf.LineString, len(g))
		for i, l := range g {
			ls[i] = sfLine(l)
		}
		return sf.NewMultiLineString(ls).AsGeometry()
	case orb.Ring:
		return sfPolygon(orb.Polygon{g}).AsGeometry()
	case orb.Polygon:
		return sfPolygon(g).AsGeometry()
	case orb.MultiPolygon:
		ps := make([]sf.Polygon, len(g))
		for i, p := range g {
			ps[i] = sfPolygon(p)
		}
		return sf.NewMultiPolygon(ps).AsGeometry()
	case orb.Bound:
		return sfPolygon(g.ToPolygon()).AsGeometry()
	case orb.Collection:
		gs := make([]sf.Geometry, len(g))
		for i, m := range g {
			gs[i] = toSF(m)
		}
		return sf.NewGeometryCollection(gs).AsGeometry()
	}
	panic(fmt.Sprintf("toSF: unknown geometry %T", g))
}

func sfPoint(p orb.Point) sf.Point {
	return sf.NewPoint(sf.Coordinates{XY: sf.XY{X: p[0], Y: p[1]}, Type: sf.DimXY})
}

func sfLine(l []orb.Point) sf.LineString {
	xy := make([]float64, 0, 2*len(l))
	for _, p := range l {
		xy = append(xy, p[0], p[1])
	}
	return sf.NewLineString(sf.NewSequence(xy, sf.DimXY))
}

func sfPolygon(p orb.Polygon) sf.Polygon {
	rs := make([]sf.LineString, len(p))
	for i, r := range p {
		rs[i] = sfLine(r)
	}
	return sf.NewPolygon(rs)
}
