package geo

import (
	"math"

	"github.com/paulmach/orb"
)

// GCJ-02 is the obfuscated datum Chinese map providers (AMap, Tencent, DataV)
// publish in. The forward formula below is the widely published one (as in
// the eviltransform and coordtransform libraries); the inverse is iterative.

const (
	gcjA  = 6378245.0              // Krasovsky 1940 semi-major axis
	gcjEE = 0.00669342162296594323 // its first eccentricity squared
)

// outOfChina is the standard rough bounding-box test: outside it GCJ-02 is WGS84.
func outOfChina(lon, lat float64) bool {
	return lon < 72.004 || lon > 137.8347 || lat < 0.8293 || lat > 55.8271
}

func gcjLat(x, y float64) float64 {
	r := -100.0 + 2.0*x + 3.0*y + 0.2*y*y + 0.1*x*y + 0.2*math.Sqrt(math.Abs(x))
	r += (20.0*math.Sin(6.0*x*math.Pi) + 20.0*math.Sin(2.0*x*math.Pi)) * 2.0 / 3.0
	r += (20.0*math.Sin(y*math.Pi) + 40.0*math.Sin(y/3.0*math.Pi)) * 2.0 / 3.0
	r += (160.0*math.Sin(y/12.0*math.Pi) + 320*math.Sin(y*math.Pi/30.0)) * 2.0 / 3.0
	return r
}

func gcjLon(x, y float64) float64 {
	r := 300.0 + x + 2.0*y + 0.1*x*x + 0.1*x*y + 0.1*math.Sqrt(math.Abs(x))
	r += (20.0*math.Sin(6.0*x*math.Pi) + 20.0*math.Sin(2.0*x*math.Pi)) * 2.0 / 3.0
	r += (20.0*math.Sin(x*math.Pi) + 40.0*math.Sin(x/3.0*math.Pi)) * 2.0 / 3.0
	r += (150.0*math.Sin(x/12.0*math.Pi) + 300.0*math.Sin(x/30.0*math.Pi)) * 2.0 / 3.0
	return r
}

// gcjDelta returns the GCJ-02 offset (dlon, dlat) in degrees at a WGS84 point.
func gcjDelta(lon, lat float64) (float64, float64) {
	dLat := gcjLat(lon-105.0, lat-35.0)
	dLon := gcjLon(lon-105.0, lat-35.0)
	radLat := lat / 180.0 * math.Pi
	magic := math.Sin(radLat)
	magic = 1 - gcjEE*magic*magic
	sqrtMagic := math.Sqrt(magic)
	dLat = (dLat * 180.0) / ((gcjA * (1 - gcjEE)) / (magic * sqrtMagic) * math.Pi)
	dLon = (dLon * 180.0) / (gcjA / sqrtMagic * math.Cos(radLat) * math.Pi)
	return dLon, dLat
}

// WGS84ToGCJ02 converts a WGS84 lon/lat point to GCJ-02. Outside China it
// returns the point unchanged.
func WGS84ToGCJ02(p orb.Point) orb.Point {
	if outOfChina(p[0], p[1]) {
		return p
	}
	dLon, dLat := gcjDelta(p[0], p[1])
	return orb.Point{p[0] + dLon, p[1] + dLat}
}

// GCJ02ToWGS84 converts a GCJ-02 lon/lat point to WGS84 by iterating the
// forward formula until it reproduces the input to within 1e-9 degrees.
// Outside China it returns the point unchanged.
func GCJ02ToWGS84(p orb.Point) orb.Point {
	if outOfChina(p[0], p[1]) {
		return p
	}
	w := p
	for range 50 {
		g := WGS84ToGCJ02(w)
		dLon, dLat := g[0]-p[0], g[1]-p[1]
		w = orb.Point{w[0] - dLon, w[1] - dLat}
		if math.Abs(dLon) < 1e-10 && math.Abs(dLat) < 1e-10 {
			break
		}
	}
	return w
}

// GCJ02ToWGS84Geometry converts every coordinate of a geometry from GCJ-02
// to WGS84 and returns a new geometry of the same type; the input is not
// changed. A nil geometry gives nil.
func GCJ02ToWGS84Geometry(g orb.Geometry) orb.Geometry {
	return MapGeometry(g, GCJ02ToWGS84)
}

// MapGeometry applies f to every coordinate of a geometry and returns a new
// geometry of the same type; the input is not changed. A nil geometry gives nil.
func MapGeometry(g orb.Geometry, f func(orb.Point) orb.Point) orb.Geometry {
	line := func(l []orb.Point) []orb.Point {
		out := make([]orb.Point, len(l))
		for i, p := range l {
			out[i] = f(p)
		}
		return out
	}
	poly := func(p orb.Polygon) orb.Polygon {
		out := make(orb.Polygon, len(p))
		for i, r := range p {
			out[i] = orb.Ring(line(r))
		}
		return out
	}
	switch g := g.(type) {
	case nil:
		return nil
	case orb.Point:
		return f(g)
	case orb.MultiPoint:
		return orb.MultiPoint(line(g))
	case orb.LineString:
		return orb.LineString(line(g))
	case orb.MultiLineString:
		out := make(orb.MultiLineString, len(g))
		for i, l := range g {
			out[i] = orb.LineString(line(l))
		}
		return out
	case orb.Ring:
		return orb.Ring(line(g))
	case orb.Polygon:
		return poly(g)
	case orb.MultiPolygon:
		out := make(orb.MultiPolygon, len(g))
		for i, p := range g {
			out[i] = poly(p)
		}
		return out
	case orb.Collection:
		out := make(orb.Collection, len(g))
		for i, c := range g {
			out[i] = MapGeometry(c, f)
		}
		return out
	case orb.Bound:
		return orb.Bound{Min: f(g.Min), Max: f(g.Max)}
	}
	return g
}
