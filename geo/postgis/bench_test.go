package postgis_test

import (
	"context"
	"testing"

	"planmap/data"
	"planmap/geo/postgis"
	"planmap/geo/storetest"
	"planmap/web"
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

// BenchmarkSearch answers /api/search from PostGIS over the same 550,000
// synthetic features, with the shipped plan's gazetteer and aliases.
func BenchmarkSearch(b *testing.B) {
	ds, err := data.Load(data.Dir(storetest.SynthDir(b)))
	if err != nil {
		b.Fatal(err)
	}
	plan, err := data.Load(data.Embedded())
	if err != nil {
		b.Fatal(err)
	}
	ds.Places, ds.Aliases = plan.Places, nil // the aliases name plan features, which are not here
	s := open(b)
	if _, err := postgis.Load(context.Background(), s, ds, nil); err != nil {
		b.Fatal(err)
	}
	storetest.BenchSearch(b, web.New(s, web.Options{}), len(ds.Features))
}
