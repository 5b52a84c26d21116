package tiles_test

import (
	"fmt"
	"math"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"

	"planmap/geo"
	"planmap/tiles"
)

// The encoder's polygons must be valid as GEOS judges them (geo.ValidGeometry
// agrees with PostGIS's ST_IsValid, differentially tested), whatever
// clipping, simplification and rounding do to them; the PostGIS test
// TestTileParity asks ST_IsValid itself about the shipped plan's tiles.

var z14 = tiles.TileID{Z: 14, X: 13394, Y: 6732}

// at is the WGS84 point at tile coordinates (x, y) of z14, y down.
func at(x, y float64) orb.Point {
	n := float64(uint64(1) << z14.Z)
	wx, wy := (float64(z14.X)+x/4096)/n, (float64(z14.Y)+y/4096)/n
	return orb.Point{wx*360 - 180, math.Atan(math.Sinh(math.Pi*(1-2*wy))) * 180 / math.Pi}
}

func ring(xy ...float64) orb.Ring {
	var r orb.Ring
	for i := 0; i+1 < len(xy); i += 2 {
		r = append(r, at(xy[i], xy[i+1]))
	}
	return append(r, r[0])
}

// encodeOne encodes one feature and returns the geometries decoded, with
// the layer's version.
func encodeOne(t *testing.T, g orb.Geometry, o tiles.Options) (orb.Geometry, uint32) {
	t.Helper()
	b, err := tiles.Encode(z14, []tiles.Layer{{Name: "l", Features: []tiles.Feature{{ID: 1, Geometry: g}}}}, o)
	if err != nil {
		t.Fatal(err)
	}
	if b == nil {
		return nil, 0
	}
	ls, err := mvt.Unmarshal(b)
	if err != nil || len(ls) != 1 || len(ls[0].Features) != 1 {
		t.Fatalf("tile: %v, %d layers", err, len(ls))
	}
	return ls[0].Features[0].Geometry, ls[0].Version
}

func TestEncodedPolygonsValid(t *testing.T) {
	cases := map[string]orb.Polygon{
		// Leaves the tile across its right edge twice: clipping joins the
		// two arms by a bridge of zero width along the clip edge.
		"bridge along the clip edge": {ring(3000, 1000, 6000, 1000, 6000, 3000, 3000, 3000, 3000, 2200, 5000, 2200, 5000, 1800, 3000, 1800)},
		// Two squares joined by a neck 0.3 units wide: rounding closes it.
		"neck closed by rounding": {ring(1000, 1000, 2000, 1000, 2000, 1499.8, 3000, 1499.8, 3000, 1000, 4000, 1000, 4000, 2000, 3000, 2000, 3000, 1500.1, 2000, 1500.1, 2000, 2000, 1000, 2000)},
		// A hole 0.3 units inside its shell's edge: rounding puts it on it.
		"hole on the shell after rounding": {ring(1000, 1000, 3000, 1000, 3000, 3000, 1000, 3000),
			ring(1500, 1000.3, 2500, 1000.3, 2500, 2000, 1500, 2000)},
		// A hole touching the shell in two points once rounded.
		"hole cutting the shell in two": {ring(1000, 1000, 3000, 1000, 3000, 3000, 1000, 3000),
			ring(2000, 1000.2, 2999.8, 2000, 2000, 2999.8, 1000.2, 2000)},
		// Simplification at z14's tolerance (8 units) flattens a narrow
		// spike on a long edge onto the edge.
		"spike": {ring(1000, 1000, 2000, 1000, 2003, 400, 2006, 1000, 3000, 1000, 3000, 3000, 1000, 3000)},
	}
	for name, p := range cases {
		t.Run(name, func(t *testing.T) {
			if err := geo.ValidGeometry(p); err != nil {
				t.Fatalf("the source is invalid: %v", err)
			}
			g, version := encodeOne(t, p, tiles.Options{})
			if g == nil {
				t.Fatal("the polygon vanished")
			}
			if err := geo.ValidGeometry(g); err != nil {
				t.Errorf("invalid in the tile: %v\n%v", err, g)
			}
			if version != 2 {
				t.Errorf("layer version %d, want 2", version)
			}
		})
	}
}

// TestSmallPolygonRule: a feature is kept when its clipped area reaches
// areaLimit (tolerance²/4, 16 square units at the default tolerance of 8),
// as PostGIS keeps it, even where simplification would flatten it to
// nothing; one smaller is dropped by both stores.
func TestSmallPolygonRule(t *testing.T) {
	for _, c := range []struct {
		side float64
		kept bool
	}{{5, true}, {3, false}} {
		sq := orb.Polygon{ring(2000, 2000, 2000+c.side, 2000, 2000+c.side, 2000+c.side, 2000, 2000+c.side)}
		g, _ := encodeOne(t, sq, tiles.Options{})
		if (g != nil) != c.kept {
			t.Errorf("square of side %v: kept %v, want %v", c.side, g != nil, c.kept)
		}
		if g != nil {
			if err := geo.ValidGeometry(g); err != nil {
				t.Errorf("square of side %v: %v", c.side, err)
			}
		}
	}
}

func ExampleEncode_valid() {
	// Two parts of a multipolygon that share an edge become one polygon.
	mp := orb.MultiPolygon{{ring(1000, 1000, 2000, 1000, 2000, 2000, 1000, 2000)}, {ring(2000, 1000, 3000, 1000, 3000, 2000, 2000, 2000)}}
	b, _ := tiles.Encode(z14, []tiles.Layer{{Name: "l", Features: []tiles.Feature{{ID: 1, Geometry: mp}}}}, tiles.Options{})
	ls, _ := mvt.Unmarshal(b)
	fmt.Println(ls[0].Features[0].Geometry.GeoJSONType(), geo.ValidGeometry(ls[0].Features[0].Geometry))
	// Output: Polygon <nil>
}
