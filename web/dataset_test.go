package web_test

import (
	"encoding/csv"
	"net/url"
	"os"
	"testing"

	"planmap/data"
	"planmap/geo/memstore"
)

// TestEveryCatalogueElementServed asks the OGC API for every element of the
// plan's catalogue, by its catalogue id, in the collection that holds it.
func TestEveryCatalogueElementServed(t *testing.T) {
	f, err := os.Open("../data/sources/catalogue.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	ds, err := data.Load(data.Embedded())
	if err != nil {
		t.Fatal(err)
	}
	layerOf := map[string]string{}
	for _, feat := range ds.Features {
		layerOf[feat.ID] = feat.Layer
	}
	srv := newServer(t, memstore.New(ds))
	served := 0
	for _, row := range rows[1:] {
		id := row[0]
		layer, ok := layerOf[id]
		if !ok {
			t.Errorf("catalogue element %s is not in the dataset", id)
			continue
		}
		code, _, v := fetch(t, srv.URL+"/ogc/collections/"+layer+"/items/"+url.PathEscape(id))
		props, _ := v["properties"].(map[string]any)
		if code != 200 || v["id"] != id || props["accuracy"] == nil || props["source"] == "" || props["source"] == nil {
			t.Errorf("%s/%s: %d %v", layer, id, code, props)
			continue
		}
		served++
	}
	if served != 493 {
		t.Errorf("%d catalogue elements served, want all 493", served)
	}
}
