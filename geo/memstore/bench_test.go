package memstore_test

import (
	"testing"

	"planmap/data"
	"planmap/geo/memstore"
	"planmap/geo/storetest"
)

// BenchmarkTile builds random uncached tiles in Go over 500,000 points and
// 50,000 lines.
func BenchmarkTile(b *testing.B) {
	ds, err := data.Load(data.Dir(storetest.SynthDir(b)))
	if err != nil {
		b.Fatal(err)
	}
	storetest.BenchTiles(b, memstore.New(ds))
}
