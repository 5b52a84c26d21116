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

// Near me answers with the plan's elements: the base map's roads and
// stations only when layers asks for them, so they never crowd the plan out.
func TestNearbyLeavesBaseOut(t *testing.T) {
	ds, err := data.Load(data.Embedded())
	if err != nil {
		t.Fatal(err)
	}
	base := map[string]bool{}
	for _, l := range ds.Layers {
		base[l.ID] = l.Base
	}
	srv := newServer(t, memstore.New(ds))
	_, _, v := fetch(t, srv.URL+"/api/nearby?lon=114.28&lat=30.59&radius=20000&limit=300")
	fs := v["features"].([]any)
	if len(fs) < 100 {
		t.Fatalf("%d features within 20 km of 汉口", len(fs))
	}
	for _, f := range fs {
		if l := f.(map[string]any)["properties"].(map[string]any)["layer"].(string); base[l] {
			t.Fatalf("a base-map feature (%s) in near me", l)
		}
	}
	_, _, v = fetch(t, srv.URL+"/api/nearby?lon=114.28&lat=30.59&radius=2000&layers=base-roads")
	if n := len(v["features"].([]any)); n == 0 {
		t.Error("layers=base-roads finds no road near 汉口")
	}
}
