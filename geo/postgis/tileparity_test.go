package postgis_test

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"
	"github.com/paulmach/orb/planar"

	"planmap/data"
	"planmap/geo"
	"planmap/geo/memstore"
	"planmap/geo/postgis"
	"planmap/geo/storetest"
	"planmap/tiles"
)

// parityPlaces are where TestTileParity looks at every zoom: central
// Wuhan, and districts whose boundaries cross many tile edges (洪山, 蔡甸,
// 汉阳, 江夏, 新洲).
var parityPlaces = []orb.Point{{114.30, 30.58}, {114.40, 30.50}, {114.03, 30.58}, {114.22, 30.55}, {114.32, 30.35}, {114.80, 30.84}}

// TestTileParity builds the shipped plan's tiles in both stores at z0–16
// over parityPlaces and wants the same features in every layer (buffer
// included), with the same properties, geometries within a pixel of each
// other, and every polygon valid by PostGIS's own ST_IsValid.
func TestTileParity(t *testing.T) {
	ds, err := data.Load(data.Embedded())
	if err != nil {
		t.Fatal(err)
	}
	mem, pg := memstore.New(ds), loaded(t, ds)
	// Each store numbers its features its own way: features are compared
	// by the ids their MVT ids stand for in their own store.
	memIDs, pgIDs := storetest.TileIDs(context.Background(), t, mem), storetest.TileIDs(context.Background(), t, pg)
	layers, ids := parityTiles(ds)
	compared, polygons := compareTiles(t, mem, memIDs, pg, pgIDs, layers, ids)
	t.Logf("%d tiles, %d features, %d polygons compared", len(ids), compared, polygons)
	if compared < 1000 || polygons < 500 {
		t.Fatalf("compared only %d features, %d polygons", compared, polygons)
	}
}

// parityTiles are the tiles TestTileParity compares, with the layers of ds
// to ask for.
func parityTiles(ds *data.Dataset) ([]geo.TileLayer, []tiles.TileID) {
	var layers []geo.TileLayer
	for _, l := range ds.Layers {
		layers = append(layers, geo.TileLayer{ID: l.ID, MinZoom: l.Style.MinZoom})
	}
	var ids []tiles.TileID
	seen := map[tiles.TileID]bool{}
	for _, p := range parityPlaces {
		for z := uint32(0); z <= 16; z++ {
			for tid := range tiles.Covering(orb.Bound{Min: p, Max: p}, z).All() {
				if !seen[tid] {
					seen[tid] = true
					ids = append(ids, tid)
				}
			}
		}
	}
	// And a spread of the city's tiles where its detail is.
	centre := orb.Bound{Min: orb.Point{114.20, 30.50}, Max: orb.Point{114.40, 30.65}}
	for z := uint32(11); z <= 14; z++ {
		r := tiles.Covering(centre, z)
		for tid := range r.All() {
			if (tid.X+tid.Y)%max(1, uint32(r.Count()/12)) == 0 && !seen[tid] {
				seen[tid] = true
				ids = append(ids, tid)
			}
		}
	}
	return layers, ids
}

// compareTiles builds each tile in a store that builds tiles in Go and in
// pg, which builds them in SQL, compares them as TestTileParity says, and
// returns how many features and polygons it compared.
func compareTiles(t *testing.T, mem geo.Store, memIDs map[uint64]string, pg *postgis.Store, pgIDs map[uint64]string,
	layers []geo.TileLayer, ids []tiles.TileID) (compared, polygons int) {
	t.Helper()
	for _, tid := range ids {
		a, aProps := tileFeatures(t, mem, memIDs, tid, layers)
		b, bProps := tileFeatures(t, pg, pgIDs, tid, layers)
		if diff := onlyOne(a, b, atThreshold); len(diff) > 0 {
			t.Errorf("tile %s: features in one store only: %v", tid, diff)
		}
		for k, p := range aProps {
			if q, ok := bProps[k]; ok && !maps.Equal(p, q) {
				t.Errorf("tile %s, %s: properties differ: Go %v, SQL %v", tid, k, p, q)
			}
		}
		polygons += compareGeometries(t, pg, tid, a, b)
		compared += len(a)
	}
	return compared, polygons
}

// tileFeatures maps "layer/id" to each feature's geometry and properties in
// a tile, the id being the one byTile (the store's TileIDs) gives the MVT id;
// an MVT id the store does not know stays a number, "layer/#N".
func tileFeatures(t *testing.T, s geo.Store, byTile map[uint64]string, tid tiles.TileID, layers []geo.TileLayer) (map[string]orb.Geometry, map[string]map[string]any) {
	t.Helper()
	b, err := s.Tile(context.Background(), geo.TileRequest{Tile: tid, Layers: layers})
	if err != nil {
		t.Fatalf("%s: %v", tid, err)
	}
	geoms, props := map[string]orb.Geometry{}, map[string]map[string]any{}
	for name, l := range storetest.DecodeTile(t, b) {
		for _, f := range l.Features {
			k := fmt.Sprintf("%s/#%v", name, f.ID)
			if id, _ := f.ID.(float64); byTile[uint64(id)] != "" {
				k = name + "/" + byTile[uint64(id)]
			}
			geoms[k], props[k] = f.Geometry, f.Properties
		}
	}
	return geoms, props
}

// onlyOne lists the features only one of two tiles holds, each with the
// encoder that drew it (a Go, b SQL), except those tolerate forgives.
func onlyOne(a, b map[string]orb.Geometry, tolerate func(orb.Geometry) bool) []string {
	var out []string
	for i, pair := range [][2]map[string]orb.Geometry{{a, b}, {b, a}} {
		for k, g := range pair[0] {
			if _, ok := pair[1][k]; !ok && (tolerate == nil || !tolerate(g)) {
				out = append(out, []string{"Go ", "SQL "}[i]+k)
			}
		}
	}
	slices.Sort(out)
	return out
}

// atThreshold reports whether a decoded geometry is within twice the size
// limit both stores apply (at the default tolerance of 8 units: lines of 4
// units, polygons of 16 square units): both measure the same clipped parts,
// but PostGIS after its own snapping, so a part a unit either side of the
// limit may be kept by one store only. Such a feature is a few pixels of a
// 512-pixel tile's 4096 units, below what a map draws.
func atThreshold(g orb.Geometry) bool {
	switch g.(type) {
	case orb.Polygon, orb.MultiPolygon:
		return planar.Area(g) < 2*16
	case orb.LineString, orb.MultiLineString:
		return planar.Length(g) < 2*4
	}
	return false
}

// withoutThresholdParts leaves out the parts of a multi-part geometry that
// atThreshold forgives as whole features: a part a unit either side of the
// size limit, kept by one store only, may lie anywhere in the tile.
func withoutThresholdParts(g orb.Geometry) orb.Geometry {
	switch g := g.(type) {
	case orb.MultiLineString:
		var out orb.MultiLineString
		for _, l := range g {
			if !atThreshold(l) {
				out = append(out, l)
			}
		}
		if len(out) > 0 {
			return out
		}
	case orb.MultiPolygon:
		var out orb.MultiPolygon
		for _, p := range g {
			if !atThreshold(p) {
				out = append(out, p)
			}
		}
		if len(out) > 0 {
			return out
		}
	}
	return g
}

// parityDistance is how far, in tile units, the two stores' drawings of a
// feature may lie apart (compareGeometries): the embedded store simplifies
// at the tolerance (8 units, a pixel of a 512-pixel tile) where PostGIS
// only snaps to the grid, both round (up to 0.7 units each), and a line
// part at the length limit may be drawn by one store only.
const parityDistance = 12

// compareGeometries asks PostGIS, with the decoded tile geometries of both
// stores, whether every polygon is valid and how far apart each feature's
// two drawings lie, and returns the number of polygons judged.
func compareGeometries(t *testing.T, pg *postgis.Store, tid tiles.TileID, a, b map[string]orb.Geometry) int {
	t.Helper()
	var keys []string
	var wa, wb, ta, tb [][]byte // whole, and without the parts at the size limit
	for k, g := range a {
		if h, ok := b[k]; ok {
			keys = append(keys, k)
			wa, wb = append(wa, must(wkb.Marshal(g))), append(wb, must(wkb.Marshal(h)))
			ta, tb = append(ta, must(wkb.Marshal(withoutThresholdParts(g)))), append(tb, must(wkb.Marshal(withoutThresholdParts(h))))
		}
	}
	// The distance is Hausdorff's, discrete as GEOS computes it, taken from
	// the vertices of each drawing without its parts at the size limit to
	// the other drawing whole (its outline, for a polygon): a part one store
	// keeps and the other drops is forgiven, one that lies elsewhere is not.
	rows, err := pg.Pool().Query(context.Background(), `
		SELECT i, GeometryType(a), ST_IsValid(a), ST_IsValidReason(a), ST_IsValid(b), greatest(
			(SELECT max(ST_Distance(d.geom, CASE WHEN ST_Dimension(b) = 2 THEN ST_Boundary(b) ELSE b END)) FROM ST_DumpPoints(ta) d),
			(SELECT max(ST_Distance(d.geom, CASE WHEN ST_Dimension(a) = 2 THEN ST_Boundary(a) ELSE a END)) FROM ST_DumpPoints(tb) d))
		FROM (SELECT i, ST_GeomFromWKB(a) a, ST_GeomFromWKB(b) b, ST_GeomFromWKB(ta) ta, ST_GeomFromWKB(tb) tb
		      FROM unnest($1::bytea[], $2::bytea[], $3::bytea[], $4::bytea[]) WITH ORDINALITY AS u(a, b, ta, tb, i)) g`, wa, wb, ta, tb)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	polygons := 0
	for rows.Next() {
		var i int
		var kind, reason string
		var validA, validB bool
		var dist float64
		if err := rows.Scan(&i, &kind, &validA, &reason, &validB, &dist); err != nil {
			t.Fatal(err)
		}
		k := keys[i-1]
		if strings.Contains(kind, "POLYGON") {
			polygons++
		}
		if !validA {
			t.Errorf("tile %s, %s: the embedded store's %s is invalid: %s", tid, k, kind, reason)
		}
		if !validB {
			t.Errorf("tile %s, %s: PostGIS's %s is invalid", tid, k, kind)
		}
		if dist > parityDistance {
			t.Errorf("tile %s, %s: the stores' drawings lie %.1f units apart, more than %d", tid, k, dist, parityDistance)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return polygons
}

func must(b []byte, err error) []byte {
	if err != nil {
		panic(err)
	}
	return b
}

// TestOverviewParity builds overview tiles of 30,000 points in both stores:
// too many to keep on the configured grid, so both must pick the same
// coarser one (tiles.OverviewGrid) and keep the same points.
func TestOverviewParity(t *testing.T) {
	ds := synth(30000, 3)
	mem, pg := memstore.New(ds), loaded(t, ds)
	// Each store numbers its features its own way: features are compared
	// by the ids their MVT ids stand for in their own store.
	memIDs, pgIDs := storetest.TileIDs(context.Background(), t, mem), storetest.TileIDs(context.Background(), t, pg)
	var layers []geo.TileLayer
	for _, l := range ds.Layers {
		layers = append(layers, geo.TileLayer{ID: l.ID})
	}
	for _, tid := range []tiles.TileID{{Z: 8, X: 209, Y: 104}, {Z: 9, X: 418, Y: 209}} {
		a, _ := tileFeatures(t, mem, memIDs, tid, layers)
		b, _ := tileFeatures(t, pg, pgIDs, tid, layers)
		if len(a) == 0 || len(a) > 15000 {
			t.Errorf("tile %s keeps %d of the points: not thinned as an overview", tid, len(a))
		}
		// A point on a cell's edge may fall either side of it in the two
		// stores' arithmetic: allow a few in a thousand.
		if diff := onlyOne(a, b, nil); len(diff) > len(a)/200 {
			t.Errorf("tile %s: %d of %d features in one store only: %v", tid, len(diff), len(a), diff[:min(len(diff), 10)])
		}
	}
}
