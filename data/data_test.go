package data

import (
	"testing"
)

func TestEmbeddedLoads(t *testing.T) {
	ds, err := Load(Embedded())
	if err != nil {
		t.Fatal(err)
	}
	if len(ds.Features) == 0 || len(ds.Layers) == 0 {
		t.Fatal("empty dataset")
	}
}
