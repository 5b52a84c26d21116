package memstore_test

import (
	"testing"

	"planmap/data"
	"planmap/data/synth"
	"planmap/geo/memstore"
	"planmap/geo/storetest"
)

// BenchmarkTile builds random uncached tiles in Go over 500,000 points and
// 50,000 lines.
func BenchmarkTile(b *testing.B) {
	dir := b.TempDir()
	if err := synth.Write(dir, synth.Sizes{Points: 500000, Lines: 50000}, 1); err != nil {
		b.Fatal(err)
	}
	ds, err := data.Load(data.Dir(dir))
	if err != nil {
		b.Fatal(err)
	}
	storetest.BenchTiles(b, memstore.New(ds))
}
