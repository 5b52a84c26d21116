package postgis_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"planmap/geo"
	"planmap/geo/postgis"
)

// TestPagesInMemory checks that feature pages answered from the tiles' copy
// in memory are those the database answers (same count, same features, in
// the same order) for boxes of every size, boxes whose edges pass through
// vertices, a box of no area, and every way of paging; and that an edit
// made by another process shows in the next page.
func TestPagesInMemory(t *testing.T) {
	ctx := context.Background()
	ds, url, db := planDB(t)
	mem := openWith(t, url, postgis.Options{TileMemoryFeatures: 1 << 20})
	waitCopy(t, mem, db)

	rng := rand.New(rand.NewPCG(1, 2))
	asked, matched := 0, 0
	for _, f := range ds.Features {
		if f.Geometry == nil || rng.IntN(4) != 0 {
			continue
		}
		for _, box := range pageBoxes(rng, f.Geometry) {
			for _, q := range pageQueries(box, f.ID) {
				want, err := db.Features(ctx, f.Layer, q)
				if err != nil {
					t.Fatal(err)
				}
				got, err := mem.Features(ctx, f.Layer, q)
				if err != nil {
					t.Fatal(err)
				}
				if got.Matched != want.Matched || !reflect.DeepEqual(got.Features, want.Features) {
					t.Fatalf("layer %s, box %v, %+v: from memory %d matched, %v; the database %d, %v",
						f.Layer, box, q, got.Matched, pageIDs(got), want.Matched, pageIDs(want))
				}
				asked++
				matched += want.Matched
			}
		}
	}
	if n := mem.MemoryPages(); n < int64(asked)*9/10 || matched < asked {
		t.Fatalf("%d of %d pages answered from memory, %d features matched in all", n, asked, matched)
	}
	t.Logf("%d pages compared, %d features matched", asked, matched)

	// An edit by another process: the next page shows it, from the
	// database until the copy has it, then from the copy.
	var f geo.Feature
	for _, g := range ds.Features {
		if _, ok := g.Geometry.(orb.Point); ok {
			f = g
			break
		}
	}
	box := f.Geometry.Bound().Pad(0.001)
	v, err := db.FeatureVersion(ctx, f.Layer, f.ID)
	if err != nil {
		t.Fatal(err)
	}
	moved := f
	moved.Geometry = orb.Point{f.Geometry.(orb.Point)[0] + 0.01, f.Geometry.(orb.Point)[1]}
	if _, err := db.ReplaceFeature(ctx, moved, v, geo.Edit{Author: "test", Reason: "moved"}); err != nil {
		t.Fatal(err)
	}
	waitCopy(t, mem, db)
	before := mem.MemoryPages()
	page, err := mem.Features(ctx, f.Layer, geo.Query{BBox: &box, Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range page.Features {
		if g.ID == f.ID {
			t.Fatalf("%s moved out of the box, still on its page", f.ID)
		}
	}
	if mem.MemoryPages() != before+1 {
		t.Errorf("the page after the copy caught up was not answered from memory")
	}
}

// waitCopy waits until mem holds the copy of db's current version: until
// it has heard of that version (Version may ask the database instead) and
// a tile, which waits for the copy of the version heard, finds it made.
func waitCopy(t *testing.T, mem, db *postgis.Store) {
	t.Helper()
	ctx := context.Background()
	want, _ := db.Version(ctx)
	for range 500 {
		if _, err := mem.Tile(ctx, geo.TileRequest{Layers: []geo.TileLayer{{ID: "none"}}}); err != nil {
			t.Fatal(err)
		}
		if fmt.Sprintf("pg-%d", mem.CopiedVersion()) == want {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("no copy of version %s made", want)
}

// pageBoxes are boxes around and through a geometry: random ones of every
// size, one whose corner is a vertex of it, one whose edges cut through it,
// and one of no area on its first vertex.
func pageBoxes(rng *rand.Rand, g orb.Geometry) []orb.Bound {
	b := g.Bound()
	vs := geo.Vertices(g)
	v := vs[rng.IntN(len(vs))]
	c := b.Center()
	side := []float64{0.0005, 0.01, 0.05, 0.3}[rng.IntN(4)]
	x, y := c[0]+(rng.Float64()-0.5)*side, c[1]+(rng.Float64()-0.5)*side
	return []orb.Bound{
		{Min: orb.Point{x - side/2, y - side/2}, Max: orb.Point{x + side/2, y + side/2}},
		{Min: v, Max: orb.Point{v[0] + side, v[1] + side}},
		{Min: orb.Point{c[0], b.Min[1]}, Max: orb.Point{b.Max[0] + side, c[1]}},
		{Min: vs[0], Max: vs[0]},
	}
}

// pageQueries page through a box every way items can: the first page, a
// later one by offset, and the page after an id.
func pageQueries(box orb.Bound, id string) []geo.Query {
	return []geo.Query{
		{BBox: &box, Limit: 10},
		{BBox: &box, Limit: 3, Offset: 2},
		{BBox: &box, Limit: 5, After: id},
	}
}

func pageIDs(p geo.Page) []string {
	out := make([]string, len(p.Features))
	for i, f := range p.Features {
		out[i] = f.ID
	}
	return out
}
