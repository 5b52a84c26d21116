package memstore_test

import (
	"context"
	"testing"

	"planmap/data"
	"planmap/geo"
	"planmap/geo/memstore"
	"planmap/geo/storetest"
)

func TestContract(t *testing.T) {
	storetest.Run(t, func(t *testing.T, ds *data.Dataset) geo.Store {
		if probs := data.Check(ds); len(probs) > 0 {
			t.Fatalf("fixture is invalid: %v", probs)
		}
		return memstore.New(ds)
	})
}

// TestVersionFollowsLayers: a dataset whose layers alone differ (here, a
// credit) is another version, as PostGIS counts it, so that nothing cached
// under the old one (a TileJSON's attribution) is taken for the new.
func TestVersionFollowsLayers(t *testing.T) {
	ctx := context.Background()
	before, _ := memstore.New(storetest.Fixture()).Version(ctx)
	ds := storetest.Fixture()
	ds.Layers[2].Attribution = []string{"Made with Natural Earth"}
	after, _ := memstore.New(ds).Version(ctx)
	again, _ := memstore.New(storetest.Fixture()).Version(ctx)
	if before == after || before != again {
		t.Errorf("versions %s, %s with a new credit, %s again", before, after, again)
	}
}

func TestPlanSearch(t *testing.T) {
	ds, err := data.Load(data.Embedded())
	if err != nil {
		t.Fatal(err)
	}
	storetest.PlanSearch(t, memstore.New(ds))
}
