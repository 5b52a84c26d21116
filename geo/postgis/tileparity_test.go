package postgis_test

import (
	"context"
	"fmt"
	"maps"
	"math"
	"slices"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"planmap/data"
	"planmap/geo"
	"planmap/geo/memstore"
	"planmap/geo/storetest"
	"planmap/tiles"
)

// TestTileParity builds the same tiles of the shipped plan in both stores and
// wants the same layers holding the same features with the same properties.
func TestTileParity(t *testing.T) {
	ds, err := data.Load(data.Embedded())
	if err != nil {
		t.Fatal(err)
	}
	mem, pg := memstore.New(ds), loaded(t, ds)
	var layers []geo.TileLayer
	for _, l := range ds.Layers {
		layers = append(layers, geo.TileLayer{ID: l.ID, MinZoom: l.Style.MinZoom})
	}
	centre := orb.Bound{Min: orb.Point{114.20, 30.50}, Max: orb.Point{114.40, 30.65}}
	compared := 0
	for z := uint32(11); z <= 14; z++ {
		r := tiles.Covering(centre, z)
		for tid := range r.All() {
			if (tid.X+tid.Y)%max(1, uint32(r.Count()/12)) != 0 {
				continue // a spread of tiles, not all of them
			}
			a, aProps := tileFeatures(t, mem, tid, layers)
			b, bProps := tileFeatures(t, pg, tid, layers)
			if diff := substantialDiff(a, b); len(diff) > 0 {
				t.Errorf("tile %s: features in one store only: %v", tid, diff)
			}
			for k, p := range aProps {
				if q, ok := bProps[k]; ok && !maps.Equal(p, q) {
					t.Errorf("tile %s, %s: properties differ: embedded %v, PostGIS %v", tid, k, p, q)
				}
			}
			compared++
		}
	}
	if compared < 20 {
		t.Fatalf("compared only %d tiles", compared)
	}
}

// tileFeatures maps "layer/id" to each feature's geometry and properties in
// a tile.
func tileFeatures(t *testing.T, s geo.Store, tid tiles.TileID, layers []geo.TileLayer) (map[string]orb.Geometry, map[string]map[string]any) {
	t.Helper()
	b, err := s.Tile(context.Background(), geo.TileRequest{Tile: tid, Layers: layers})
	if err != nil {
		t.Fatalf("%s: %v", tid, err)
	}
	geoms, props := map[string]orb.Geometry{}, map[string]map[string]any{}
	for name, l := range storetest.DecodeTile(t, b) {
		for _, f := range l.Features {
			k := fmt.Sprintf("%s/%v", name, f.ID)
			geoms[k], props[k] = f.Geometry, f.Properties
		}
	}
	return geoms, props
}

// substantialDiff lists the features only one tile holds, leaving out
// slivers at the size threshold (a few square pixels of polygon, a few
// pixels of line), which the two stores round differently, and features
// that lie wholly in the buffer, which no map draws from this tile.
func substantialDiff(a, b map[string]orb.Geometry) []string {
	var out []string
	for _, pair := range [][2]map[string]orb.Geometry{{a, b}, {b, a}} {
		for k, g := range pair[0] {
			if _, ok := pair[1][k]; !ok && !sliver(g) && !inBufferOnly(g) {
				out = append(out, k)
			}
		}
	}
	slices.Sort(out)
	return out
}

// inBufferOnly reports whether a decoded geometry (tile coordinates) lies
// wholly outside the tile proper.
func inBufferOnly(g orb.Geometry) bool {
	b := g.Bound()
	const extent = 4096
	return b.Max[0] <= 0 || b.Max[1] <= 0 || b.Min[0] >= extent || b.Min[1] >= extent
}

func sliver(g orb.Geometry) bool {
	switch g.(type) {
	case orb.Polygon, orb.MultiPolygon:
		return math.Abs(planar.Area(g)) < 64
	case orb.LineString, orb.MultiLineString:
		return planar.Length(g) < 16
	}
	return false
}

// TestOverviewParity builds overview tiles of 30,000 points in both stores:
// too many to keep on the configured grid, so both must pick the same
// coarser one (tiles.OverviewGrid) and keep the same points.
func TestOverviewParity(t *testing.T) {
	ds := synth(30000, 3)
	mem, pg := memstore.New(ds), loaded(t, ds)
	var layers []geo.TileLayer
	for _, l := range ds.Layers {
		layers = append(layers, geo.TileLayer{ID: l.ID})
	}
	for _, tid := range []tiles.TileID{{Z: 8, X: 209, Y: 104}, {Z: 9, X: 418, Y: 209}} {
		a, _ := tileFeatures(t, mem, tid, layers)
		b, _ := tileFeatures(t, pg, tid, layers)
		if len(a) == 0 || len(a) > 15000 {
			t.Errorf("tile %s keeps %d of the points: not thinned as an overview", tid, len(a))
		}
		// A point on a cell's edge may fall either side of it in the two
		// stores' arithmetic: allow a few in a thousand.
		if diff := substantialDiff(a, b); len(diff) > len(a)/200 {
			t.Errorf("tile %s: %d of %d features in one store only: %v", tid, len(diff), len(a), diff[:min(len(diff), 10)])
		}
	}
}
