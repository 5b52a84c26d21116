package tiles

// The encoder's settings and the rules both stores follow (tile density,
// the overview grid), in one place.

import (
	"errors"

	"github.com/paulmach/orb"
)

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
	// lowest Feature.Rank, so the choice does not depend on the order a store returns
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

// OverviewCount is how far a store need count an overview tile's candidates
// for OverviewGrid: past the budget of points a tile holds, the grid depends
// on the tile's span alone, so a count stopped at this bound picks the same
// grid as a full one.
func OverviewCount(o Options) int {
	o = o.withDefaults()
	return int(float64(o.MaxBytes)*0.8/bytesPerPoint) + 1
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

// Resolved returns the options with every default filled in, for encoders
// outside this package (a database) that must follow the same rules.
func Resolved(o Options) Options { return o.withDefaults() }
