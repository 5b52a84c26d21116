// Package tileindex builds vector tiles in Go from features held in memory,
// one R-tree per layer. The embedded store keeps its whole dataset in one;
// the PostGIS store keeps a copy of what its tiles draw, current with the
// database, so that a tile costs the database nothing.
package tileindex

import (
	"cmp"
	"context"
	"slices"
	"sync"

	"github.com/paulmach/orb"
	"github.com/tidwall/rtree"

	"planmap/geo"
	"planmap/tiles"
)

// Index holds entries of type E by layer; tile gives what a tile draws of
// one. It is safe for concurrent readers once built; building is not (a
// Clone is changed instead, while readers keep the original).
type Index[E any] struct {
	trees map[string]*rtree.RTreeG[E]
	tile  func(E) tiles.Feature
}

// New makes an empty index.
func New[E any](tile func(E) tiles.Feature) *Index[E] {
	return &Index[E]{trees: map[string]*rtree.RTreeG[E]{}, tile: tile}
}

// Insert adds an entry to a layer under its bound.
func (x *Index[E]) Insert(layer string, b orb.Bound, e E) {
	tree := x.trees[layer]
	if tree == nil {
		tree = &rtree.RTreeG[E]{}
		x.trees[layer] = tree
	}
	tree.Insert(b.Min, b.Max, e)
}

// Delete removes an entry from a layer, found under the bound it was
// inserted with; E must be comparable (a pointer).
func (x *Index[E]) Delete(layer string, b orb.Bound, e E) {
	if tree := x.trees[layer]; tree != nil {
		tree.Delete(b.Min, b.Max, e)
	}
}

// Clone returns an index that starts as x and changes apart from it; the
// trees' nodes are shared until either side writes to them, so a clone of a
// large index is cheap and x stays safe for its readers.
func (x *Index[E]) Clone() *Index[E] {
	c := New(x.tile)
	for l, tree := range x.trees {
		c.trees[l] = tree.Copy()
	}
	return c
}

// Layers lists the layers that hold entries.
func (x *Index[E]) Layers() []string {
	out := make([]string, 0, len(x.trees))
	for l := range x.trees {
		out = append(out, l)
	}
	return out
}

// Holds reports whether a layer holds entries.
func (x *Index[E]) Holds(layer string) bool { return x.trees[layer] != nil }

// Search calls fn for each entry of a layer whose bound meets b.
func (x *Index[E]) Search(layer string, b orb.Bound, fn func(E)) {
	tree := x.trees[layer]
	if tree == nil {
		return
	}
	tree.Search(b.Min, b.Max, func(_, _ [2]float64, e E) bool {
		fn(e)
		return true
	})
}

// SearchBounds calls fn for each entry of a layer whose bound meets b, with
// that bound, until fn returns false.
func (x *Index[E]) SearchBounds(layer string, b orb.Bound, fn func(orb.Bound, E) bool) {
	tree := x.trees[layer]
	if tree == nil {
		return
	}
	tree.Search(b.Min, b.Max, func(lo, hi [2]float64, e E) bool {
		return fn(orb.Bound{Min: lo, Max: hi}, e)
	})
}

// Tile encodes one vector tile of the requested layers.
func (x *Index[E]) Tile(ctx context.Context, req geo.TileRequest) ([]byte, error) {
	b := BufferedBound(req.Tile, req.Options)
	buf := featurePool.Get().(*[]tiles.Feature)
	defer releaseFeatures(buf)
	all := (*buf)[:0]
	layers := make([]tiles.Layer, 0, len(req.Layers))
	for _, l := range req.Layers {
		if int(req.Tile.Z) < l.MinZoom {
			continue
		}
		start := len(all)
		x.Search(l.ID, b, func(e E) { all = append(all, x.tile(e)) })
		// In MVT id order, as PostGIS writes them: ids that follow each
		// other, and neighbours' geometry next to each other, compress
		// better (a z12 tile of the synthetic points 5 % smaller); it is also
		// their order in memory.
		slices.SortFunc(all[start:], func(a, b tiles.Feature) int { return cmp.Compare(a.ID, b.ID) })
		if len(all) > start {
			layers = append(layers, tiles.Layer{Name: l.ID, Dense: l.Dense, Features: all[start:len(all):len(all)]})
		}
	}
	*buf = all
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return tiles.Encode(req.Tile, layers, req.Options)
}

// featurePool recycles the list of a tile's candidate features, thousands
// long for a dense tile, so that building a tile makes little garbage for a
// collector that must scan the whole in-memory dataset each cycle.
var featurePool = sync.Pool{New: func() any { return new([]tiles.Feature) }}

// releaseFeatures returns a candidate list to the pool, unless an unusually
// large tile (a low zoom over a big dataset) grew it: the pool would pin it.
func releaseFeatures(buf *[]tiles.Feature) {
	if cap(*buf) > 1<<16 {
		return
	}
	clear(*buf)
	featurePool.Put(buf)
}

// BufferedBound is the tile's lon/lat bound grown by the encoder's buffer,
// resolved by the encoder's own rule (0 the default, negative none).
func BufferedBound(t tiles.TileID, o tiles.Options) orb.Bound {
	o = tiles.Resolved(o)
	b := t.Bound()
	dx := (b.Max[0] - b.Min[0]) * float64(o.Buffer) / float64(o.Extent)
	dy := (b.Max[1] - b.Min[1]) * float64(o.Buffer) / float64(o.Extent)
	return orb.Bound{Min: orb.Point{b.Min[0] - dx, b.Min[1] - dy}, Max: orb.Point{b.Max[0] + dx, b.Max[1] + dy}}
}
