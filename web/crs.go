package web

import (
	"fmt"
	"math"
	"net/http"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/project"

	"planmap/geo"
)

// OGC API – Features Part 2: the coordinate reference systems planmap serves.
// Features are stored in CRS84 (WGS84 longitude, latitude) and transformed on
// the way out, the same for every store.
const (
	crs84    = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
	epsg4326 = "http://www.opengis.net/def/crs/EPSG/0/4326"
	epsg3857 = "http://www.opengis.net/def/crs/EPSG/0/3857"
	epsg4490 = "http://www.opengis.net/def/crs/EPSG/0/4490"
	// GCJ-02 has no EPSG code: planmap names it with its own URN.
	crsGCJ02 = "urn:planmap:def:crs:GCJ-02"
)

// crsDef is one CRS: how a CRS84 point is written in it, and read back.
type crsDef struct {
	uri        string
	out, in    func(orb.Point) orb.Point // from CRS84 / to CRS84
	xMin, xMax float64                   // the first axis's range, for bbox checks
	yMin, yMax float64
	axes       string
}

func swap(p orb.Point) orb.Point { return orb.Point{p[1], p[0]} }
func same(p orb.Point) orb.Point { return p }

// mercLat is the latitude where Web Mercator is cut off (a square world).
const mercLat = 85.0511287798066

var mercMax = project.WGS84.ToMercator(orb.Point{180, mercLat})

// crsList are the CRSs planmap serves, CRS84 first (the default).
// EPSG:4326 and EPSG:4490 put latitude first, as their EPSG definitions do.
// CGCS2000 (EPSG:4490) and WGS84 agree to a few centimetres (both realise the
// ITRF; PROJ relates them by a null transformation), far below the accuracy
// of any plan element, so planmap writes the same numbers in both.
var crsList = []crsDef{
	{crs84, same, same, -180, 180, -90, 90, "longitude, latitude"},
	{epsg4326, swap, swap, -90, 90, -180, 180, "latitude, longitude"},
	{epsg3857, func(p orb.Point) orb.Point {
		return project.WGS84.ToMercator(orb.Point{p[0], math.Max(-mercLat, math.Min(mercLat, p[1]))})
	}, project.Mercator.ToWGS84, -mercMax[0], mercMax[0], -mercMax[1], mercMax[1], "easting, northing (metres)"},
	{epsg4490, swap, swap, -90, 90, -180, 180, "latitude, longitude"},
	{crsGCJ02, geo.WGS84ToGCJ02, geo.GCJ02ToWGS84, -180, 180, -90, 90, "longitude, latitude"},
}

func crsURIs() []string {
	out := make([]string, len(crsList))
	for i, c := range crsList {
		out[i] = c.uri
	}
	return out
}

// crsAliases are the short names clients also send for the same CRSs.
var crsAliases = map[string]string{
	"CRS84": crs84, "OGC:CRS84": crs84, "[OGC:CRS84]": crs84, "http://www.opengis.net/def/crs/OGC/0/CRS84": crs84,
	"EPSG:4326": epsg4326, "[EPSG:4326]": epsg4326,
	"EPSG:3857": epsg3857, "[EPSG:3857]": epsg3857,
	"EPSG:4490": epsg4490, "[EPSG:4490]": epsg4490,
	"GCJ-02": crsGCJ02, "GCJ02": crsGCJ02,
}

// parseCRS reads a CRS parameter; the empty value is CRS84.
func parseCRS(name, s string) (*crsDef, error) {
	if s == "" {
		return &crsList[0], nil
	}
	uri := s
	if a, ok := crsAliases[strings.ToUpper(s)]; ok {
		uri = a
	}
	for i := range crsList {
		if crsList[i].uri == uri {
			return &crsList[i], nil
		}
	}
	return nil, errBadParam(fmt.Sprintf("%s %q is not supported; supported: %s", name, clip(s), strings.Join(crsURIs(), ", ")))
}

// geometry writes a CRS84 geometry in c; the input is not changed.
func (c *crsDef) geometry(g orb.Geometry) orb.Geometry {
	if c.uri == crs84 || g == nil {
		return g
	}
	return geo.MapGeometry(g, c.out)
}

// bound reads a box given in c as a CRS84 bound. A box in GCJ-02 is warped
// in CRS84, so its edges are sampled and the box that holds them is taken.
func (c *crsDef) bound(n [4]float64) (orb.Bound, error) {
	if n[0] < c.xMin || n[2] > c.xMax || n[1] < c.yMin || n[3] > c.yMax {
		return orb.Bound{}, errBadParam(fmt.Sprintf("bbox must lie within %g..%g, %g..%g (%s of %s)",
			c.xMin, c.xMax, c.yMin, c.yMax, c.axes, c.uri))
	}
	if n[0] > n[2] || n[1] > n[3] {
		return orb.Bound{}, errBadParam(fmt.Sprintf("bbox minimum must not exceed its maximum (%s of %s)", c.axes, c.uri))
	}
	const steps = 8
	var b orb.Bound
	first := true
	for i := 0; i <= steps; i++ {
		t := float64(i) / steps
		x, y := n[0]+t*(n[2]-n[0]), n[1]+t*(n[3]-n[1])
		for _, p := range []orb.Point{{x, n[1]}, {x, n[3]}, {n[0], y}, {n[2], y}} {
			q := c.in(p)
			if first {
				b, first = orb.Bound{Min: q, Max: q}, false
			}
			b = b.Extend(q)
		}
	}
	b.Min[0], b.Min[1] = math.Max(b.Min[0], -180), math.Max(b.Min[1], -90)
	b.Max[0], b.Max[1] = math.Min(b.Max[0], 180), math.Min(b.Max[1], 90)
	return b, nil
}

// setContentCrs sends the CRS of the coordinates in a response (Part 2).
func setContentCrs(w http.ResponseWriter, c *crsDef) {
	w.Header().Set("Content-Crs", "<"+c.uri+">")
}
