package memstore_test

import (
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
