// Package tiles knows web map tiles and nothing of the plan: z/x/y math in the
// Web Mercator (XYZ, y down) scheme, encoding of orb features into Mapbox Vector
// Tiles 2.1, TileJSON 3.0.0 documents, a byte-bounded tile cache and ETags.
//
// It imports nothing of planmap so that both stores and the web layer can use
// it without an import cycle.
package tiles

import (
	"fmt"
	"iter"
	"math"
	"strconv"

	"github.com/paulmach/orb"
)

// MaxZoom is the deepest zoom this package handles. TileJSON 3.0.0 caps
// maxzoom at 30 and 2^30 tiles per axis still fits in a uint32.
const MaxZoom = 30

// MaxLatitude is the latitude where the Web Mercator square ends.
const MaxLatitude = 85.0511287798066

// earthRadius is the WGS84 semi-major axis that EPSG:3857 uses as a sphere.
const earthRadius = 6378137.0

// TileID names one tile in the XYZ scheme: Y grows southwards from the top
// of the Web Mercator square.
type TileID struct {
	Z, X, Y uint32
}

// String gives the "z/x/y" form used in tile URLs and logs.
func (t TileID) String() string { return string(t.appendTo(make([]byte, 0, 24))) }

// appendTo appends "z/x/y" to b without the garbage of fmt.
func (t TileID) appendTo(b []byte) []byte {
	b = strconv.AppendUint(b, uint64(t.Z), 10)
	b = append(b, '/')
	b = strconv.AppendUint(b, uint64(t.X), 10)
	b = append(b, '/')
	return strconv.AppendUint(b, uint64(t.Y), 10)
}

// Valid reports whether the tile exists: z ≤ MaxZoom and x, y < 2^z.
func (t TileID) Valid() bool {
	if t.Z > MaxZoom {
		return false
	}
	n := uint32(1) << t.Z
	return t.X < n && t.Y < n
}

// Parent is the tile one zoom up that contains t; the root is its own parent.
func (t TileID) Parent() TileID {
	if t.Z == 0 {
		return t
	}
	return TileID{Z: t.Z - 1, X: t.X >> 1, Y: t.Y >> 1}
}

// Bound is the tile's extent in WGS84 longitude/latitude.
func (t TileID) Bound() orb.Bound {
	n := float64(uint64(1) << t.Z)
	return orb.Bound{
		Min: orb.Point{tileLon(float64(t.X), n), tileLat(float64(t.Y)+1, n)},
		Max: orb.Point{tileLon(float64(t.X)+1, n), tileLat(float64(t.Y), n)},
	}
}

// MercatorBound is the tile's extent in EPSG:3857 metres, the frame that
// OGC API Tiles' WebMercatorQuad and PostGIS ST_TileEnvelope use.
func (t TileID) MercatorBound() orb.Bound {
	const half = math.Pi * earthRadius
	size := 2 * half / float64(uint64(1)<<t.Z)
	minX := -half + float64(t.X)*size
	maxY := half - float64(t.Y)*size
	return orb.Bound{
		Min: orb.Point{minX, maxY - size},
		Max: orb.Point{minX + size, maxY},
	}
}

func tileLon(x, n float64) float64 { return x/n*360 - 180 }

func tileLat(y, n float64) float64 {
	return math.Atan(math.Sinh(math.Pi*(1-2*y/n))) * 180 / math.Pi
}

// ParseError says which part of a z/x/y tile address is wrong and why, so a
// handler can answer 400 with a message a client author can act on.
type ParseError struct {
	Part   string // "z", "x" or "y"
	Value  string // as received, truncated to 32 bytes
	Reason string
}

func (e *ParseError) Error() string {
	return fmt.Sprintf("tile %s %q: %s", e.Part, e.Value, e.Reason)
}

// ParseTileID parses the z, x and y path segments of a tile URL. It accepts
// only canonical decimal numbers (no sign, no leading zeros, no spaces) so
// that each tile has exactly one URL, which keeps HTTP caches from storing
// duplicates. maxZoom is the tileset's deepest zoom (clamped to MaxZoom).
func ParseTileID(z, x, y string, maxZoom int) (TileID, error) {
	maxZoom = min(max(maxZoom, 0), MaxZoom)
	zv, err := parseUint("z", z)
	if err != nil {
		return TileID{}, err
	}
	if zv > uint64(maxZoom) {
		return TileID{}, perr("z", z, fmt.Sprintf("zoom %d is beyond the maximum zoom %d", zv, maxZoom))
	}
	n := uint64(1) << zv
	xv, err := parseUint("x", x)
	if err != nil {
		return TileID{}, err
	}
	if xv >= n {
		return TileID{}, perr("x", x, fmt.Sprintf("must be below 2^%d = %d at zoom %d", zv, n, zv))
	}
	yv, err := parseUint("y", y)
	if err != nil {
		return TileID{}, err
	}
	if yv >= n {
		return TileID{}, perr("y", y, fmt.Sprintf("must be below 2^%d = %d at zoom %d", zv, n, zv))
	}
	return TileID{Z: uint32(zv), X: uint32(xv), Y: uint32(yv)}, nil
}

func perr(part, value, reason string) *ParseError {
	if len(value) > 32 {
		value = value[:32] + "…"
	}
	return &ParseError{Part: part, Value: value, Reason: reason}
}

// parseUint accepts 0 or a digit string without a leading zero, at most 10
// digits (2^30 has 10), and rejects everything strconv would be lenient about.
func parseUint(part, s string) (uint64, error) {
	switch {
	case s == "":
		return 0, perr(part, s, "is empty")
	case s[0] == '-':
		return 0, perr(part, s, "must not be negative")
	case s[0] == '+':
		return 0, perr(part, s, "must not have a sign")
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, perr(part, s, "must be a non-negative integer")
		}
	}
	if len(s) > 1 && s[0] == '0' {
		return 0, perr(part, s, "must not have leading zeros")
	}
	if len(s) > 10 {
		return 0, perr(part, s, "is too large")
	}
	v, err := strconv.ParseUint(s, 10, 64)
	if err != nil { // unreachable after the checks above, kept for safety
		return 0, perr(part, s, "must be a non-negative integer")
	}
	return v, nil
}

// TileRange is the inclusive rectangle of tiles at one zoom that cover a bound.
type TileRange struct {
	Z                      uint32
	MinX, MinY, MaxX, MaxY uint32
}

// Count is the number of tiles in the range.
func (r TileRange) Count() uint64 {
	return uint64(r.MaxX-r.MinX+1) * uint64(r.MaxY-r.MinY+1)
}

// All yields the tiles row by row (y outer, x inner), the order that keeps
// neighbouring tiles close for seeding and benchmarks.
func (r TileRange) All() iter.Seq[TileID] {
	return func(yield func(TileID) bool) {
		for y := r.MinY; y <= r.MaxY; y++ {
			for x := r.MinX; x <= r.MaxX; x++ {
				if !yield(TileID{Z: r.Z, X: x, Y: y}) {
					return
				}
			}
		}
	}
}

// Covering returns the tiles at zoom z that intersect the lon/lat bound b.
// Latitudes are clamped to the Mercator square; a bound edge lying exactly on
// a tile edge does not pull in the neighbour beyond it.
func Covering(b orb.Bound, z uint32) TileRange {
	z = min(z, MaxZoom)
	n := float64(uint64(1) << z)
	last := uint32(n) - 1
	toX := func(lon float64) float64 { return (lon + 180) / 360 * n }
	toY := func(lat float64) float64 {
		lat = math.Max(-MaxLatitude, math.Min(MaxLatitude, lat))
		s := math.Sin(lat * math.Pi / 180)
		return (0.5 - math.Log((1+s)/(1-s))/(4*math.Pi)) * n
	}
	clampIdx := func(v float64, upper bool) uint32 {
		f := math.Floor(v)
		if upper && f == v && v > 0 { // exact edge: belongs to the tile before
			f--
		}
		if f < 0 {
			return 0
		}
		if f > float64(last) {
			return last
		}
		return uint32(f)
	}
	minX := clampIdx(toX(b.Min[0]), false)
	maxX := clampIdx(toX(b.Max[0]), true)
	minY := clampIdx(toY(b.Max[1]), false)
	maxY := clampIdx(toY(b.Min[1]), true)
	if maxX < minX {
		maxX = minX
	}
	if maxY < minY {
		maxY = minY
	}
	return TileRange{Z: z, MinX: minX, MinY: minY, MaxX: maxX, MaxY: maxY}
}
