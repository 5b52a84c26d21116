package geo

import "github.com/paulmach/orb"

// Vertices lists every coordinate of a geometry, rings' closing points
// included; nil for nil or a collection.
func Vertices(g orb.Geometry) []orb.Point {
	var out []orb.Point
	switch g := g.(type) {
	case orb.Point:
		out = append(out, g)
	case orb.MultiPoint:
		out = append(out, g...)
	case orb.LineString:
		out = append(out, g...)
	case orb.MultiLineString:
		for _, l := range g {
			out = append(out, l...)
		}
	case orb.Ring:
		out = append(out, g...)
	case orb.Polygon:
		for _, r := range g {
			out = append(out, r...)
		}
	case orb.MultiPolygon:
		for _, p := range g {
			out = append(out, Vertices(p)...)
		}
	}
	return out
}
