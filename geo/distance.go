package geo

import (
	"math"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

// WGS84 ellipsoid.
const (
	wgsA = 6378137.0
	wgsF = 1 / 298.257223563
	wgsB = wgsA * (1 - wgsF)
)

// GeodesicDistance is the distance in metres between two lon/lat points on the
// WGS84 ellipsoid (Vincenty's inverse formula), as PostGIS geography measures it.
func GeodesicDistance(p, q orb.Point) float64 {
	if p == q {
		return 0
	}
	L := rad(q[0] - p[0])
	U1 := math.Atan((1 - wgsF) * math.Tan(rad(p[1])))
	U2 := math.Atan((1 - wgsF) * math.Tan(rad(q[1])))
	sinU1, cosU1 := math.Sincos(U1)
	sinU2, cosU2 := math.Sincos(U2)
	lambda := L
	var sinSigma, cosSigma, sigma, cos2Alpha, cos2SigmaM float64
	for i := 0; i < 100; i++ {
		sinL, cosL := math.Sincos(lambda)
		sinSigma = math.Hypot(cosU2*sinL, cosU1*sinU2-sinU1*cosU2*cosL)
		if sinSigma == 0 {
			return 0
		}
		cosSigma = sinU1*sinU2 + cosU1*cosU2*cosL
		sigma = math.Atan2(sinSigma, cosSigma)
		sinAlpha := cosU1 * cosU2 * sinL / sinSigma
		cos2Alpha = 1 - sinAlpha*sinAlpha
		cos2SigmaM = 0
		if cos2Alpha != 0 {
			cos2SigmaM = cosSigma - 2*sinU1*sinU2/cos2Alpha
		}
		C := wgsF / 16 * cos2Alpha * (4 + wgsF*(4-3*cos2Alpha))
		prev := lambda
		lambda = L + (1-C)*wgsF*sinAlpha*(sigma+C*sinSigma*(cos2SigmaM+C*cosSigma*(-1+2*cos2SigmaM*cos2SigmaM)))
		if math.Abs(lambda-prev) < 1e-12 {
			break
		}
	}
	u2 := cos2Alpha * (wgsA*wgsA - wgsB*wgsB) / (wgsB * wgsB)
	A := 1 + u2/16384*(4096+u2*(-768+u2*(320-175*u2)))
	B := u2 / 1024 * (256 + u2*(-128+u2*(74-47*u2)))
	dSigma := B * sinSigma * (cos2SigmaM + B/4*(cosSigma*(-1+2*cos2SigmaM*cos2SigmaM)-
		B/6*cos2SigmaM*(-3+4*sinSigma*sinSigma)*(-3+4*cos2SigmaM*cos2SigmaM)))
	return wgsB * A * (sigma - dSigma)
}

func rad(d float64) float64 { return d * math.Pi / 180 }

// DistanceTo is the geodesic distance in metres from p to the nearest point of
// g: 0 inside a polygon. As PostGIS's geography does, the nearest point is
// found on great-circle edges and then measured on the WGS84 ellipsoid, so
// long schematic lines measure right too.
func DistanceTo(p orb.Point, g orb.Geometry) float64 {
	if g == nil {
		return math.Inf(1)
	}
	return GeodesicDistance(p, NearestPoint(p, g))
}

// NearestPoint returns the point of g nearest to p along great circles.
func NearestPoint(p orb.Point, g orb.Geometry) orb.Point {
	pv := unit(p)
	best, bestCos := p, -2.0 // the largest cosine is the smallest angle
	try := func(q orb.Point, qv vec) {
		if c := dot(pv, qv); c > bestCos {
			best, bestCos = q, c
		}
	}
	segs := func(ls []orb.Point) {
		for i, q := range ls {
			if i == 0 || len(ls) == 1 {
				try(q, unit(q))
			}
			if i > 0 {
				n, nv := nearestOnArc(pv, ls[i-1], q)
				try(n, nv)
			}
		}
	}
	switch g := g.(type) {
	case orb.Point:
		return g
	case orb.MultiPoint:
		for _, q := range g {
			try(q, unit(q))
		}
	case orb.LineString:
		segs(g)
	case orb.MultiLineString:
		for _, l := range g {
			segs(l)
		}
	case orb.Polygon:
		if planar.PolygonContains(g, p) {
			return p
		}
		for _, r := range g {
			segs(r)
		}
	case orb.MultiPolygon:
		if planar.MultiPolygonContains(g, p) {
			return p
		}
		for _, poly := range g {
			for _, r := range poly {
				segs(r)
			}
		}
	case orb.Collection:
		for _, c := range g {
			q := NearestPoint(p, c)
			try(q, unit(q))
		}
	}
	return best
}

// vec is a point on the unit sphere.
type vec [3]float64

func unit(p orb.Point) vec {
	sinLat, cosLat := math.Sincos(rad(p[1]))
	sinLon, cosLon := math.Sincos(rad(p[0]))
	return vec{cosLat * cosLon, cosLat * sinLon, sinLat}
}

func (v vec) point() orb.Point {
	return orb.Point{math.Atan2(v[1], v[0]) * 180 / math.Pi, math.Atan2(v[2], math.Hypot(v[0], v[1])) * 180 / math.Pi}
}

func dot(a, b vec) float64 { return a[0]*b[0] + a[1]*b[1] + a[2]*b[2] }

func cross(a, b vec) vec {
	return vec{a[1]*b[2] - a[2]*b[1], a[2]*b[0] - a[0]*b[2], a[0]*b[1] - a[1]*b[0]}
}

func normalize(v vec) (vec, bool) {
	l := math.Sqrt(dot(v, v))
	if l < 1e-15 {
		return v, false
	}
	return vec{v[0] / l, v[1] / l, v[2] / l}, true
}

// nearestOnArc is the point of the great-circle arc a–b nearest to pv.
func nearestOnArc(pv vec, a, b orb.Point) (orb.Point, vec) {
	av, bv := unit(a), unit(b)
	n, ok := normalize(cross(av, bv))
	if !ok {
		return a, av // a and b coincide
	}
	d := dot(pv, n)
	c, ok := normalize(vec{pv[0] - d*n[0], pv[1] - d*n[1], pv[2] - d*n[2]})
	if ok && dot(cross(av, c), n) >= 0 && dot(cross(c, bv), n) >= 0 {
		return c.point(), c
	}
	if dot(pv, av) >= dot(pv, bv) {
		return a, av
	}
	return b, bv
}

// Intersects reports whether g shares any point with the bound b (planar, lon/lat).
func Intersects(g orb.Geometry, b orb.Bound) bool {
	if g == nil || !g.Bound().Intersects(b) {
		return false
	}
	switch g := g.(type) {
	case orb.Point:
		return b.Contains(g)
	case orb.MultiPoint:
		for _, p := range g {
			if b.Contains(p) {
				return true
			}
		}
		return false
	case orb.LineString:
		return lineHitsBound(g, b)
	case orb.MultiLineString:
		for _, l := range g {
			if lineHitsBound(l, b) {
				return true
			}
		}
		return false
	case orb.Polygon:
		return polygonHitsBound(g, b)
	case orb.MultiPolygon:
		for _, p := range g {
			if polygonHitsBound(p, b) {
				return true
			}
		}
		return false
	case orb.Collection:
		for _, c := range g {
			if Intersects(c, b) {
				return true
			}
		}
		return false
	}
	return true
}

func lineHitsBound(l []orb.Point, b orb.Bound) bool {
	corners := [5]orb.Point{b.Min, {b.Max[0], b.Min[1]}, b.Max, {b.Min[0], b.Max[1]}, b.Min}
	for i, p := range l {
		if b.Contains(p) {
			return true
		}
		if i == 0 {
			continue
		}
		for k := 0; k < 4; k++ {
			if m, _ := intersect(l[i-1], p, corners[k], corners[k+1]); m != meetApart {
				return true
			}
		}
	}
	return false
}

func polygonHitsBound(p orb.Polygon, b orb.Bound) bool {
	if len(p) == 0 {
		return false
	}
	for _, r := range p {
		if lineHitsBound(r, b) {
			return true
		}
	}
	// The box lies wholly inside the polygon (and not inside a hole).
	return planar.PolygonContains(p, b.Center())
}

// RadiusBound is a lon/lat box that surely holds every point within r metres
// of c: degrees per metre taken generously, at the box's far latitude.
// Both stores find nearby candidates through it before measuring.
func RadiusBound(c orb.Point, r float64) orb.Bound {
	dLat := r/110574*1.01 + 1e-9
	lat := math.Min(89, math.Abs(c[1])+dLat)
	dLon := r/(111320*math.Cos(lat*math.Pi/180))*1.01 + 1e-9
	return orb.Bound{Min: orb.Point{c[0] - dLon, c[1] - dLat}, Max: orb.Point{c[0] + dLon, c[1] + dLat}}
}
