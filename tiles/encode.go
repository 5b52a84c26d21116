package tiles

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"

	"github.com/klauspost/compress/gzip"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/clip"
)

// Feature is one thing to draw, in WGS84 longitude/latitude.
type Feature struct {
	// ID becomes the MVT feature id, which MapLibre uses for feature state
	// and hover. 0 means "no id": the MVT id field is optional and proto2
	// cannot tell an explicit 0 from an absent one anyway.
	ID         uint64
	Geometry   orb.Geometry
	Properties Props
}

// Prop is one property of a feature.
type Prop struct {
	Key   string
	Value any
}

// Props are a feature's properties sorted by key, without nil values (MVT has
// no null), as the tile writer takes them. A slice rather than a map: a
// store holds them for every feature, and a dense tile reads thousands of
// them; iterating one small contiguous slice costs a fraction of iterating
// a map scattered over the heap (profiled).
type Props []Prop

// NewProps sorts a property map into Props.
func NewProps(m map[string]any) Props {
	p := make(Props, 0, len(m))
	for k, v := range m {
		if v != nil {
			p = append(p, Prop{k, v})
		}
	}
	slices.SortFunc(p, func(a, b Prop) int { return strings.Compare(a.Key, b.Key) })
	return p
}

// Layer is one named MVT layer; Name must be unique within a tile.
type Layer struct {
	Name     string
	Features []Feature
	// MinZoom skips the layer in tiles shallower than it, so that, say, pump
	// stations do not crowd a city-wide view.
	MinZoom int
	// Dense drops Options.DenseDrop (labels, string ids) from the layer's
	// features (see Dense).
	Dense bool
}

// Options tune the encoder. The zero value gives the defaults noted on each field.
type Options struct {
	// Extent is the tile's coordinate range (default 4096, the MVT default;
	// at most MaxExtent).
	Extent uint32
	// Buffer is how far, in extent units, geometry overhangs the tile so that
	// lines and symbols join without seams at tile edges (default 64, as
	// Martin; negative means none).
	Buffer int
	// MaxFeatures caps the features kept per layer per tile, in input order
	// (default 20000): callers order features by importance.
	MaxFeatures int
	// MaxBytes is the hard ceiling of an encoded tile (default 500 KiB, the
	// size above which MapLibre and CDNs get sluggish). Encode thins and
	// simplifies harder until the tile fits, or fails with ErrTileTooLarge.
	MaxBytes int
	// Tolerance is the Douglas-Peucker tolerance in extent units (default
	// Extent/512: one CSS pixel, as MapLibre draws a tile 512 px wide).
	// Negative disables simplification.
	Tolerance float64
	// PointGrid is the cell size, in extent units, of the grid that thins
	// point features below DetailZoom: each cell keeps only its point with the
	// lowest ID, so the choice does not depend on the order a store returns
	// features in and neighbouring tiles agree (default 16). Negative disables
	// thinning unless needed to meet MaxBytes.
	PointGrid int
	// DetailZoom is the zoom from which every point is kept (default 12, where
	// a 16-pixel cell is under 40 m and thinning costs more than it removes);
	// clients overzoom the deepest tiles, so these must be complete.
	DetailZoom int
	// DenseLayer is the average number of features per tile above which a
	// layer is dense at a zoom (see Dense): its features lose the DenseDrop
	// properties. Labels of that many features could not be placed anyway,
	// and unique strings are most of a dense tile's size and encoding time.
	// 0 means DefaultDenseLayer; negative never drops.
	DenseLayer int
	// DenseDrop names the properties dense layers go without (planmap's:
	// geo.TileDenseDrop, the names and the string id).
	DenseDrop []string
}

// Dense reports whether a layer of count features over the lon/lat bound b
// averages more than o.DenseLayer features per tile at zoom z. The choice is
// made per layer and zoom, not per tile, so neighbouring tiles agree on
// labels, and stores need not count a tile's features before building it.
func Dense(count int, b orb.Bound, z uint32, o Options) bool {
	o = o.withDefaults()
	if o.DenseLayer < 0 || count <= o.DenseLayer {
		return false
	}
	return uint64(count) > uint64(o.DenseLayer)*Covering(b, z).Count()
}

// bytesPerPoint is about what a thinned point costs in a tile: its geometry,
// its MVT id and a few short properties.
const bytesPerPoint = 40

// OverviewGrid is the thinning cell, in extent units, of an overview tile
// (below DetailZoom) whose buffered area holds candidates features: the
// configured PointGrid when the points it keeps fit in four fifths of
// MaxBytes, else the coarser power-of-two cell that should. Counting
// candidates is cheap (an index or an R-tree), so a dense tile is built once
// at the right grid rather than thinned again; both stores follow this rule,
// so they thin a tile alike.
func OverviewGrid(candidates int, o Options) int {
	o = o.withDefaults()
	grid := o.PointGrid
	if grid <= 0 {
		return grid
	}
	span := float64(o.Extent) + 2*float64(o.Buffer)
	budget := float64(o.MaxBytes) * 0.8 / bytesPerPoint
	for cells := (span / float64(grid)) * (span / float64(grid)); min(float64(candidates), cells) > budget; cells /= 4 {
		grid *= 2
	}
	return grid
}

// Defaults of Options.
const (
	DefaultExtent      = 4096
	DefaultBuffer      = 64
	DefaultMaxFeatures = 20000
	DefaultMaxBytes    = 500 * 1024
	DefaultPointGrid   = 16
	DefaultDetailZoom  = 12
	DefaultDenseLayer  = 500

	// MaxExtent keeps tile coordinates, buffer included, well inside int32.
	MaxExtent = 1 << 20
)

// ErrTileTooLarge is returned when a tile would exceed Options.MaxBytes even
// with a single, maximally simplified feature per layer.
var ErrTileTooLarge = errors.New("tiles: tile exceeds MaxBytes even with one feature per layer")

func (o Options) withDefaults() Options {
	if o.Extent == 0 {
		o.Extent = DefaultExtent
	}
	if o.Buffer <= 0 {
		if o.Buffer == 0 {
			o.Buffer = DefaultBuffer
		} else {
			o.Buffer = 0
		}
	}
	if o.MaxFeatures <= 0 {
		o.MaxFeatures = DefaultMaxFeatures
	}
	if o.MaxBytes <= 0 {
		o.MaxBytes = DefaultMaxBytes
	}
	if o.Tolerance == 0 {
		o.Tolerance = float64(o.Extent) / 512
	}
	if o.PointGrid == 0 {
		o.PointGrid = DefaultPointGrid
	}
	if o.DetailZoom == 0 {
		o.DetailZoom = DefaultDetailZoom
	}
	if o.DenseLayer == 0 {
		o.DenseLayer = DefaultDenseLayer
	}
	return o
}

// geometry kinds after flattening: MVT has exactly these three.
const (
	kindPoint = iota // a single orb.Point, stored unboxed in prepFeature.pt
	kindMultiPoint
	kindLine
	kindPolygon
)

// prepFeature is a feature projected to tile coordinates (floats, not yet
// rounded) and clipped to the buffered tile. It is computed once per Encode
// call; the simplify/thin/marshal stage may run several times against it.
type prepFeature struct {
	id    uint64
	props Props
	kind  uint8
	pt    orb.Point
	mp    orb.MultiPoint
	mls   orb.MultiLineString
	mpoly orb.MultiPolygon
}

type prepLayer struct {
	name  string
	dense bool
	feats []prepFeature
	kept  int // features written by the last build, to scale caps down
}

// Encode renders one tile: it projects the layers' WGS84 features into tile
// coordinates, clips them to the tile plus Options.Buffer, simplifies lines
// and polygons, thins points at low zoom, drops geometry that collapses, caps
// features per layer and marshals MVT 2.1 (uncompressed). An empty tile is
// (nil, nil) so handlers can answer 204. Features outside the tile are
// tolerated and skipped cheaply, so callers may pass a coarse selection.
//
// Layers are labelled version 2 because the output is checked: rings closed,
// at least three distinct vertices, exterior rings with positive area in tile
// coordinates (clockwise on screen), holes negative and inside their
// exterior, no crossing edges within a polygon, no zero-length segments. A
// layer in which a polygon fails these checks even unsimplified (bad source
// data) is labelled version 1 rather than claiming clean geometry.
func Encode(t TileID, layers []Layer, o Options) ([]byte, error) {
	if !t.Valid() {
		return nil, fmt.Errorf("tiles: invalid tile %s", t)
	}
	o = o.withDefaults()
	if o.Extent > MaxExtent || o.Buffer > int(o.Extent) {
		return nil, fmt.Errorf("tiles: extent %d / buffer %d out of range", o.Extent, o.Buffer)
	}
	for i, l := range layers {
		if l.Name == "" {
			return nil, fmt.Errorf("tiles: layer %d has no name", i)
		}
		for _, m := range layers[:i] {
			if m.Name == l.Name {
				return nil, fmt.Errorf("tiles: layer name %q used twice", l.Name)
			}
		}
	}

	e := encoderPool.Get().(*encoder)
	defer e.release()
	e.reset(t, o)

	// Every layer's prepared features are carved from one slab the pooled
	// encoder keeps: a dense tile prepares thousands, and allocating them
	// anew made most of its garbage. (A collection can add more than one, so
	// the slab may still move; finished layers keep their view of the old.)
	n := 0
	for _, l := range layers {
		n += len(l.Features)
	}
	e.feats = slices.Grow(e.feats[:0], n)
	prepared := make([]prepLayer, 0, len(layers))
	for _, l := range layers {
		if int(t.Z) < l.MinZoom {
			continue
		}
		start := len(e.feats)
		for i := range l.Features {
			e.feats = e.prepare(e.feats, &l.Features[i])
		}
		if len(e.feats) > start {
			prepared = append(prepared, prepLayer{name: l.Name, dense: l.Dense, feats: e.feats[start:len(e.feats):len(e.feats)]})
		}
	}
	if len(prepared) == 0 {
		return nil, nil
	}
	if o.PointGrid > 0 && int(t.Z) < o.DetailZoom {
		e.grid = OverviewGrid(len(e.feats), o) // every prepared feature, all layers
	}

	// Fit into MaxBytes: first coarsen simplification and the point grid
	// (doubling both each round, up to 16×), then also cut feature counts in
	// proportion to the overshoot.
	const coarsenRounds = 4
	caps := make([]int, len(prepared))
	for i := range caps {
		caps[i] = o.MaxFeatures
	}
	for round := 0; round < 64; round++ {
		level := min(round, coarsenRounds)
		data, err := e.build(prepared, caps, level)
		if err != nil || data == nil || len(data) <= o.MaxBytes {
			return data, err
		}
		if round < coarsenRounds {
			continue
		}
		shrink := 0.9 * float64(o.MaxBytes) / float64(len(data))
		changed := false
		for i := range prepared {
			c := max(1, int(float64(prepared[i].kept)*shrink))
			if c < caps[i] {
				caps[i] = c
				changed = true
			}
		}
		if !changed {
			return nil, ErrTileTooLarge
		}
	}
	return nil, ErrTileTooLarge
}

// Gzip compresses a tile for storage or for clients that accept gzip. A nil
// tile (empty) stays nil, so "no content" survives compression.
func Gzip(b []byte) []byte {
	if b == nil {
		return nil
	}
	var buf bytes.Buffer
	buf.Grow(len(b)/2 + 64)
	zw := gzipPool.Get().(*gzip.Writer)
	zw.Reset(&buf)
	_, _ = zw.Write(b) // writes to a bytes.Buffer cannot fail
	_ = zw.Close()
	gzipPool.Put(zw)
	return buf.Bytes()
}

// Tiles are compressed once and cached, at BestSpeed, by klauspost/compress:
// for tiles of a few KB the standard library spends most of its time building
// Huffman tables (45 % of an uncached z14 tile's server time, profiled), and
// this implementation is about twice as fast for the same format.
var gzipPool = sync.Pool{New: func() any {
	zw, _ := gzip.NewWriterLevel(nil, gzip.BestSpeed)
	return zw
}}

var encoderPool = sync.Pool{New: func() any { return new(encoder) }}

// encoder holds per-tile parameters and scratch buffers reused between
// features and between calls (through encoderPool) to keep Encode from
// allocating per vertex.
type encoder struct {
	t      TileID
	o      Options
	world  float64   // extent units across the whole world at this zoom
	ox, oy float64   // tile origin in world extent units
	box    orb.Bound // buffered tile in tile coordinates
	geoBox orb.Bound // the same box in WGS84, for cheap pre-filtering

	mask  []bool
	stack []int
	segs  []segment
	cells []int32
	arena []orb.Point
	feats []prepFeature
	w     tileWriter
	dirty bool // a polygon in the current layer failed validation
	grid  int  // the overview thinning cell (OverviewGrid), before coarsening
}

// release returns the encoder to the pool, dropping scratch space that an
// unusually large tile grew, so the pool does not pin it forever.
func (e *encoder) release() {
	const big = 4 << 20 // bytes
	if cap(e.arena)*16 > big || cap(e.segs)*64 > big || cap(e.feats)*128 > big || cap(e.w.feats)+cap(e.w.values) > big {
		*e = encoder{}
	}
	encoderPool.Put(e)
}

func (e *encoder) reset(t TileID, o Options) {
	e.t, e.o, e.grid = t, o, 0
	ext := float64(o.Extent)
	e.world = ext * float64(uint64(1)<<t.Z)
	e.ox, e.oy = float64(t.X)*ext, float64(t.Y)*ext
	b := float64(o.Buffer)
	e.box = orb.Bound{Min: orb.Point{-b, -b}, Max: orb.Point{ext + b, ext + b}}
	e.geoBox = orb.Bound{
		Min: orb.Point{e.lon(-b), e.lat(ext + b)},
		Max: orb.Point{e.lon(ext + b), e.lat(-b)},
	}
}

// project maps WGS84 to tile coordinates (float, y down).
func (e *encoder) project(p orb.Point) orb.Point {
	x := (p[0]+180)/360*e.world - e.ox
	lat := math.Max(-MaxLatitude, math.Min(MaxLatitude, p[1]))
	s := math.Sin(lat * (math.Pi / 180))
	y := (0.5-math.Log((1+s)/(1-s))/(4*math.Pi))*e.world - e.oy
	return orb.Point{x, y}
}

func (e *encoder) lon(x float64) float64 { return (x+e.ox)/e.world*360 - 180 }

func (e *encoder) lat(y float64) float64 {
	return math.Atan(math.Sinh(math.Pi*(1-2*(y+e.oy)/e.world))) * 180 / math.Pi
}

// prepare projects and clips one feature and appends what is left.
func (e *encoder) prepare(dst []prepFeature, f *Feature) []prepFeature {
	if f.Geometry == nil {
		return dst
	}
	pf := prepFeature{id: f.ID, props: f.Properties}
	switch g := f.Geometry.(type) {
	case orb.Point:
		if !e.geoBox.Contains(g) {
			return dst
		}
		pf.kind, pf.pt = kindPoint, e.project(g)
		return append(dst, pf)
	case orb.Collection:
		// MVT has no collections: merge members into one feature per kind,
		// all with the feature's id.
		var pts orb.MultiPoint
		var lines orb.MultiLineString
		var polys orb.MultiPolygon
		e.flatten(g, &pts, &lines, &polys)
		if len(pts) > 0 {
			pf.kind, pf.mp = kindMultiPoint, pts
			dst = append(dst, pf)
		}
		if len(lines) > 0 {
			pf.kind, pf.mp, pf.mls = kindLine, nil, lines
			dst = append(dst, pf)
		}
		if len(polys) > 0 {
			pf.kind, pf.mp, pf.mls, pf.mpoly = kindPolygon, nil, nil, polys
			dst = append(dst, pf)
		}
		return dst
	}
	if !e.geoBox.Intersects(f.Geometry.Bound()) {
		return dst
	}
	var pts orb.MultiPoint
	var lines orb.MultiLineString
	var polys orb.MultiPolygon
	e.addGeometry(f.Geometry, &pts, &lines, &polys)
	switch {
	case len(pts) > 0:
		pf.kind, pf.mp = kindMultiPoint, pts
	case len(lines) > 0:
		pf.kind, pf.mls = kindLine, lines
	case len(polys) > 0:
		pf.kind, pf.mpoly = kindPolygon, polys
	default:
		return dst
	}
	return append(dst, pf)
}

func (e *encoder) flatten(c orb.Collection, pts *orb.MultiPoint, lines *orb.MultiLineString, polys *orb.MultiPolygon) {
	for _, g := range c {
		if g == nil {
			continue
		}
		if sub, ok := g.(orb.Collection); ok {
			e.flatten(sub, pts, lines, polys)
			continue
		}
		if !e.geoBox.Intersects(g.Bound()) {
			continue
		}
		e.addGeometry(g, pts, lines, polys)
	}
}

// addGeometry projects g and appends its clipped parts to the matching list.
func (e *encoder) addGeometry(g orb.Geometry, pts *orb.MultiPoint, lines *orb.MultiLineString, polys *orb.MultiPolygon) {
	switch g := g.(type) {
	case orb.Point:
		if e.geoBox.Contains(g) {
			*pts = append(*pts, e.project(g))
		}
	case orb.MultiPoint:
		for _, p := range g {
			if e.geoBox.Contains(p) {
				*pts = append(*pts, e.project(p))
			}
		}
	case orb.LineString:
		*lines = e.addLine(*lines, g)
	case orb.MultiLineString:
		for _, ls := range g {
			*lines = e.addLine(*lines, ls)
		}
	case orb.Ring:
		*polys = e.addPolygon(*polys, orb.Polygon{g})
	case orb.Polygon:
		*polys = e.addPolygon(*polys, g)
	case orb.MultiPolygon:
		for _, p := range g {
			*polys = e.addPolygon(*polys, p)
		}
	case orb.Bound:
		*polys = e.addPolygon(*polys, g.ToPolygon())
	}
}

func (e *encoder) projectAll(in []orb.Point, closeRing bool) []orb.Point {
	out := make([]orb.Point, len(in), len(in)+1)
	for i, p := range in {
		out[i] = e.project(p)
	}
	if closeRing && len(out) > 0 && out[0] != out[len(out)-1] {
		out = append(out, out[0])
	}
	return out
}

func (e *encoder) addLine(dst orb.MultiLineString, ls orb.LineString) orb.MultiLineString {
	if len(ls) < 2 {
		return dst
	}
	p := orb.LineString(e.projectAll(ls, false))
	b := p.Bound()
	if !e.box.Intersects(b) {
		return dst
	}
	if boundWithin(b, e.box) {
		return append(dst, p)
	}
	for _, part := range clip.LineString(e.box, p) {
		if len(part) >= 2 {
			dst = append(dst, part)
		}
	}
	return dst
}

func (e *encoder) addPolygon(dst orb.MultiPolygon, poly orb.Polygon) orb.MultiPolygon {
	if len(poly) == 0 || len(poly[0]) < 3 {
		return dst
	}
	out := make(orb.Polygon, 0, len(poly))
	for i, r := range poly {
		if len(r) < 3 {
			if i == 0 {
				return dst
			}
			continue
		}
		pr := orb.Ring(e.projectAll(r, true))
		b := pr.Bound()
		if !e.box.Intersects(b) {
			if i == 0 {
				return dst
			}
			continue
		}
		if !boundWithin(b, e.box) {
			pr = clip.Ring(e.box, pr) // Sutherland-Hodgman; pr is our copy, fine as scratch
		}
		if len(pr) < 4 {
			if i == 0 {
				return dst
			}
			continue
		}
		out = append(out, pr)
	}
	return append(dst, out)
}

func boundWithin(b, box orb.Bound) bool {
	return b.Min[0] >= box.Min[0] && b.Min[1] >= box.Min[1] && b.Max[0] <= box.Max[0] && b.Max[1] <= box.Max[1]
}

// build runs simplification, thinning and capping at the given coarsening
// level and marshals the result; nil means every feature vanished.
func (e *encoder) build(layers []prepLayer, caps []int, level int) ([]byte, error) {
	o := e.o
	tol := o.Tolerance
	if tol < 0 {
		tol = 0
	}
	if level > 0 {
		tol = max(tol, 1) * float64(uint(1)<<level)
	}
	grid := 0
	if e.grid > 0 { // an overview tile
		grid = e.grid << level
	} else if level > 0 {
		grid = max(o.PointGrid, DefaultPointGrid) << (level - 1)
	}
	lineLimit := max(1, tol/2)
	areaLimit := max(1, tol*tol/4)

	// Geometry carved from the arena lives only until Marshal has copied it
	// into bytes, so the arena is reused from build to build.
	e.arena = e.arena[:0]
	w := &e.w
	w.reset()
	for li := range layers {
		pl := &layers[li]
		keep := e.thinPoints(pl.feats, grid)
		var drop []string
		if pl.dense {
			drop = o.DenseDrop
		}
		e.dirty = false
		w.beginLayer(pl.name)
		n := 0
		for i := range pl.feats {
			if n >= caps[li] {
				break
			}
			pf := &pl.feats[i]
			var err error
			if pf.kind == kindPoint {
				if keep != nil && !keep[i] {
					continue
				}
				err = w.point(pf.id, pf.props, drop, roundPoint(pf.pt))
			} else {
				g := e.finish(pf, tol, lineLimit, areaLimit)
				if g == nil {
					continue
				}
				err = w.feature(pf.id, pf.props, drop, g)
			}
			if err != nil {
				return nil, fmt.Errorf("tiles: encoding tile %s, layer %s: %w", e.t, pl.name, err)
			}
			n++
		}
		pl.kept = n
		if n == 0 {
			continue
		}
		version := uint32(2)
		if e.dirty {
			version = 1
		}
		w.endLayer(version, o.Extent)
	}
	return w.bytes()
}

// thinPoints marks which single-point features survive a grid of cell size
// grid: in each cell the lowest non-zero ID wins (ties: first in input).
// nil means keep all.
func (e *encoder) thinPoints(feats []prepFeature, grid int) []bool {
	if grid <= 1 {
		return nil
	}
	// Cells are counted from the tile's corner, not the buffer's, so that a
	// cell means the same ground in every tile and in PostGIS's thinning.
	g := float64(grid)
	off := int(math.Ceil(float64(e.o.Buffer) / g))
	n := int(math.Ceil(float64(e.o.Extent)/g)) + 2*off
	if n <= 0 {
		return nil
	}
	var lookup func(cell int) (int32, bool)
	var store func(cell int, i int32)
	if n*n <= 1<<20 {
		if cap(e.cells) < n*n {
			e.cells = make([]int32, n*n)
		}
		cells := e.cells[:n*n]
		for i := range cells {
			cells[i] = -1
		}
		lookup = func(c int) (int32, bool) { v := cells[c]; return v, v >= 0 }
		store = func(c int, i int32) { cells[c] = i }
	} else {
		m := make(map[int]int32)
		lookup = func(c int) (int32, bool) { v, ok := m[c]; return v, ok }
		store = func(c int, i int32) { m[c] = i }
	}
	cellOf := func(p orb.Point) int {
		cx := min(max(int(math.Floor(p[0]/g))+off, 0), n-1)
		cy := min(max(int(math.Floor(p[1]/g))+off, 0), n-1)
		return cy*n + cx
	}
	havePoints := false
	for i := range feats {
		f := &feats[i]
		if f.kind != kindPoint {
			continue
		}
		havePoints = true
		c := cellOf(f.pt)
		if j, ok := lookup(c); ok && !lowerID(f.id, feats[j].id) {
			continue
		}
		store(c, int32(i))
	}
	if !havePoints {
		return nil
	}
	keep := make([]bool, len(feats))
	for i := range feats {
		f := &feats[i]
		if f.kind != kindPoint {
			continue
		}
		if j, _ := lookup(cellOf(f.pt)); int(j) == i {
			keep[i] = true
		}
	}
	return keep
}

// lowerID orders ids with 0 ("no id") last.
func lowerID(a, b uint64) bool { return a-1 < b-1 }

// finish turns a prepared feature into integer tile geometry.
func (e *encoder) finish(pf *prepFeature, tol, lineLimit, areaLimit float64) orb.Geometry {
	switch pf.kind {
	case kindPoint:
		return roundPoint(pf.pt)
	case kindMultiPoint:
		start := len(e.arena)
		for _, p := range pf.mp {
			e.arena = append(e.arena, roundPoint(p))
		}
		mp := orb.MultiPoint(e.arena[start:len(e.arena):len(e.arena)])
		if len(mp) == 1 {
			return mp[0]
		}
		return mp
	case kindLine:
		var mls orb.MultiLineString
		// One rule for both stores (PostGIS filters ST_Dump of its
		// ST_AsMVTGeom output alike): a part is kept when its clipped length,
		// rounded to the grid, reaches lineLimit; it is drawn simplified, or
		// where that leaves no line, only rounded.
		for _, ls := range pf.mls {
			if roundedLength(ls) < lineLimit {
				continue
			}
			r := orb.LineString(e.simplify(ls, tol, false))
			if len(r) < 2 {
				r = orb.LineString(e.simplify(ls, 0, false))
			}
			if len(r) >= 2 {
				mls = append(mls, r)
			}
		}
		switch len(mls) {
		case 0:
			return nil
		case 1:
			return mls[0]
		}
		return mls
	case kindPolygon:
		return e.polygons(pf.mpoly, tol, areaLimit)
	}
	return nil
}

func roundPoint(p orb.Point) orb.Point { return orb.Point{math.Round(p[0]), math.Round(p[1])} }

// roundedLength is the length of a clipped line once rounded to the grid,
// as PostGIS measures its snapped ST_AsMVTGeom output.
func roundedLength(ls orb.LineString) float64 {
	d := 0.0
	for i := 1; i < len(ls); i++ {
		a, b := roundPoint(ls[i-1]), roundPoint(ls[i])
		d += math.Hypot(b[0]-a[0], b[1]-a[1])
	}
	return d
}

// polygons simplifies a feature's clipped polygons and rebuilds them valid
// (polygonize). One rule for both stores (PostGIS filters ST_Dump of its
// ST_AsMVTGeom output alike): a part is kept when its clipped area reaches
// areaLimit; it is drawn simplified, or where simplification would flatten
// it to nothing, as its rounded shape, so that a small lake stays on the
// map. Holes are kept as PostGIS keeps them, whatever their size, drawn
// the same way. Only if edges
// cross even unsimplified (bad source data) is the layer marked dirty
// (version 1) and the polygons written as they are.
func (e *encoder) polygons(mp orb.MultiPolygon, tol, areaLimit float64) orb.Geometry {
	out, ok := e.rebuild(mp, tol, areaLimit)
	if !ok && tol > 0 {
		out, ok = e.rebuild(mp, 0, areaLimit)
	}
	if !ok {
		e.dirty = true
		out = out[:0]
		for _, p := range mp {
			if q, _ := e.polygonAt(p, 0, 1); q != nil {
				out = append(out, q)
			}
		}
	}
	switch len(out) {
	case 0:
		return nil
	case 1:
		return out[0]
	}
	return out
}

// partArea is the area of a clipped polygon once rounded to the grid, as
// PostGIS measures its snapped ST_AsMVTGeom output: its shell less its
// holes.
func partArea(p orb.Polygon) float64 {
	a := 0.0
	for i, r := range p {
		s := 0.0
		for j := 0; j+1 < len(r); j++ {
			p, q := roundPoint(r[j]), roundPoint(r[j+1])
			s += p[0]*q[1] - q[0]*p[1]
		}
		if i == 0 {
			a += math.Abs(s / 2)
		} else {
			a -= math.Abs(s / 2)
		}
	}
	return a
}

// ring simplifies a ring at tol, or where that flattens it, only rounds
// it; nil if even that leaves no area.
func (e *encoder) ring(r orb.Ring, tol float64) orb.Ring {
	for _, t := range []float64{tol, 0} {
		if q := orb.Ring(e.simplify(r, t, true)); len(q) >= 4 && ringArea(q) != 0 {
			return q
		}
		if t == 0 {
			break
		}
	}
	return nil
}

// rebuild simplifies the rings of the parts that areaLimit keeps, orients
// shells positive and holes negative, and polygonizes them.
func (e *encoder) rebuild(mp orb.MultiPolygon, tol, areaLimit float64) (orb.MultiPolygon, bool) {
	var rings []orb.Ring
	for _, p := range mp {
		if partArea(p) < areaLimit {
			continue
		}
		for i, r := range p {
			q := e.ring(r, tol)
			if q == nil && i == 0 {
				break
			}
			if q != nil && (ringArea(q) < 0) == (i == 0) {
				slices.Reverse(q)
			}
			if q != nil {
				rings = append(rings, q)
			}
		}
	}
	return polygonize(rings)
}

func (e *encoder) polygonAt(p orb.Polygon, tol, areaLimit float64) (orb.Polygon, bool) {
	ext := orb.Ring(e.simplify(p[0], tol, true))
	if len(ext) < 4 {
		return nil, true
	}
	a := ringArea(ext)
	if math.Abs(a) < areaLimit {
		return nil, true
	}
	if a < 0 {
		slices.Reverse(ext)
	}
	out := orb.Polygon{ext}
	net := math.Abs(a)
	for _, r := range p[1:] {
		h := orb.Ring(e.simplify(r, tol, true))
		if len(h) < 4 {
			continue
		}
		ha := ringArea(h)
		if math.Abs(ha) < areaLimit {
			continue
		}
		if ha > 0 {
			slices.Reverse(h)
		}
		net -= math.Abs(ha)
		out = append(out, h)
	}
	if net < areaLimit {
		return nil, true // holes cover it: the tile is inside a hole
	}
	return out, e.valid(out)
}

// simplify runs Douglas-Peucker (tol in extent units; 0 = off) over a line
// or closed ring, rounds to integers and drops repeated points, which MVT
// forbids as zero-length LineTo. The result is carved from e.arena. Rings
// come back closed, or shorter than 4 points if they collapsed.
func (e *encoder) simplify(in []orb.Point, tol float64, ring bool) []orb.Point {
	n := len(in)
	if cap(e.mask) < n {
		e.mask = make([]bool, n)
	}
	mask := e.mask[:n]
	if tol <= 0 || n <= 3 {
		for i := range mask {
			mask[i] = true
		}
	} else {
		clear(mask)
		mask[0], mask[n-1] = true, true
		e.dp(in, tol*tol, mask)
	}
	start := len(e.arena)
	for i, p := range in {
		if !mask[i] {
			continue
		}
		p = roundPoint(p)
		if len(e.arena) > start && e.arena[len(e.arena)-1] == p {
			continue
		}
		e.arena = append(e.arena, p)
	}
	if ring {
		if len(e.arena)-start >= 1 && e.arena[len(e.arena)-1] != e.arena[start] {
			e.arena = append(e.arena, e.arena[start])
		}
	}
	return e.arena[start:len(e.arena):len(e.arena)]
}

// dp is the iterative Douglas-Peucker over a reusable stack.
func (e *encoder) dp(ls []orb.Point, tol2 float64, mask []bool) {
	stack := append(e.stack[:0], 0, len(ls)-1)
	for len(stack) > 0 {
		end := stack[len(stack)-1]
		start := stack[len(stack)-2]
		stack = stack[:len(stack)-2]
		maxD, maxI := 0.0, 0
		a, b := ls[start], ls[end]
		for i := start + 1; i < end; i++ {
			if d := segDist2(a, b, ls[i]); d > maxD {
				maxD, maxI = d, i
			}
		}
		if maxD > tol2 {
			mask[maxI] = true
			stack = append(stack, start, maxI, maxI, end)
		}
	}
	e.stack = stack
}

func segDist2(a, b, p orb.Point) float64 {
	x, y := a[0], a[1]
	dx, dy := b[0]-x, b[1]-y
	if dx != 0 || dy != 0 {
		t := ((p[0]-x)*dx + (p[1]-y)*dy) / (dx*dx + dy*dy)
		if t > 1 {
			x, y = b[0], b[1]
		} else if t > 0 {
			x += dx * t
			y += dy * t
		}
	}
	dx, dy = p[0]-x, p[1]-y
	return dx*dx + dy*dy
}

// ringArea is the surveyor's formula; positive means clockwise on screen
// (y down), which MVT requires for exterior rings.
func ringArea(r orb.Ring) float64 {
	s := 0.0
	for i := 0; i+1 < len(r); i++ {
		s += r[i][0]*r[i+1][1] - r[i+1][0]*r[i][1]
	}
	return s / 2
}

// Resolved returns the options with every default filled in, for encoders
// outside this package (a database) that must follow the same rules.
func Resolved(o Options) Options { return o.withDefaults() }
