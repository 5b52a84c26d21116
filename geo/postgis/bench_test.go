package postgis_test

import (
	"context"
	"testing"

	"planmap/data"
	"planmap/geo/postgis"
	"planmap/geo/storetest"
)

// BenchmarkTile builds random uncached tiles in PostGIS over 500,000 points
// and 50,000 lines (the embedded store's benchmark data), one statement each.
func BenchmarkTile(b *testing.B) {
	s := open(b)
	if _, err := postgis.LoadFS(context.Background(), s, data.Dir(storetest.SynthDir(b)), nil); err != nil {
		b.Fatal(err)
	}
	storetest.BenchTiles(b, s)
}
