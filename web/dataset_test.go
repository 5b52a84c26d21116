package web_test

import (
	"net/url"
	"testing"

	"planmap/data"
	"planmap/geo/memstore"
)

// TestEveryFeatureServed asks the OGC API for every feature of the shipped
// dataset, by its id, in the collection that holds it. (data's tests check
// that the dataset holds every element of the plan's catalogue.)
func TestEveryFeatureServed(t *testing.T) {
	ds, err := data.Load(data.Embedded())
	if err != nil {
		t.Fatal(err)
	}
	srv := newServer(t, memstore.New(ds))
	served := 0
	for _, f := range ds.Features {
		code, _, v := fetch(t, srv.URL+"/ogc/collections/"+f.Layer+"/items/"+url.PathEscape(f.ID))
		props, _ := v["properties"].(map[string]any)
		if code != 200 || v["id"] != f.ID || props["accuracy"] == nil || props["source"] == "" || props["source"] == nil {
			t.Errorf("%s/%s: %d %v", f.Layer, f.ID, code, props)
			continue
		}
		served++
	}
	if served < 493 || served != len(ds.Features) {
		t.Errorf("%d of %d features served (the catalogue alone has 493)", served, len(ds.Features))
	}
}
