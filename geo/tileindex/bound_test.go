package tileindex

import (
	"testing"

	"planmap/tiles"
)

// TestBufferedBound: a negative buffer means none (tiles.Options), so the
// search box is the tile itself, never a shrunken one that loses features
// along the tile's edges; the default buffer grows it.
func TestBufferedBound(t *testing.T) {
	tid := tiles.TileID{Z: 10, X: 837, Y: 418}
	tb := tid.Bound()
	if got := BufferedBound(tid, tiles.Options{Buffer: -1}); got != tb {
		t.Errorf("buffer -1: search box %v, want the tile's %v", got, tb)
	}
	got := BufferedBound(tid, tiles.Options{})
	if !got.Contains(tb.Min) || !got.Contains(tb.Max) || got == tb {
		t.Errorf("default buffer: search box %v does not grow the tile's %v", got, tb)
	}
}
