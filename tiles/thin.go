package tiles

// Stage 2: thin points on a grid, the same in both stores.

import (
	"math"

	"github.com/paulmach/orb"
)

// thinPoints marks which single-point features survive a grid of cell size
// grid: in each cell the lowest non-zero rank wins (ties: first in input).
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
		if j, ok := lookup(c); ok && !lowerRank(f.rank, feats[j].rank) {
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

// lowerRank orders ranks with 0 (no rank and no id) last.
func lowerRank(a, b uint64) bool { return a-1 < b-1 }
