package postgis_test

import (
	"context"
	"testing"

	"planmap/data"
	synthdata "planmap/data/synth"
	"planmap/geo/postgis"
	"planmap/geo/storetest"
)

// BenchmarkTile builds random uncached tiles in PostGIS over 500,000 points
// and 50,000 lines (the embedded store's benchmark data), one statement each.
func BenchmarkTile(b *testing.B) {
	dir := b.TempDir()
	if err := synthdata.Write(dir, synthdata.Sizes{Points: 500000, Lines: 50000}, 1); err != nil {
		b.Fatal(err)
	}
	s := open(b)
	if _, err := postgis.LoadFS(context.Background(), s, data.Dir(dir), nil); err != nil {
		b.Fatal(err)
	}
	storetest.BenchTiles(b, s)
}
