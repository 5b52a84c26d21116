package data_test

import (
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"planmap/data"
	"planmap/geo"
	"planmap/geo/storetest"
)

// TestNamesChecked: every alias names a feature or a place and its source,
// and every place has an id of its own, a name, a kind, a source and a point
// in the region.
func TestNamesChecked(t *testing.T) {
	ds := storetest.Fixture()
	if probs := data.Check(ds); len(probs) > 0 {
		t.Fatalf("fixture: %v", probs)
	}
	ds.Aliases = append(ds.Aliases, geo.Alias{Name: "无", Target: "nowhere", Source: "x"},
		geo.Alias{Name: "光谷", Target: "guanggu-area"})
	ds.Places = append(ds.Places, geo.Place{ID: "yangluo", NameZH: "阳逻", Kind: "road", Source: "x", Point: orb.Point{114.5, 30.6}},
		geo.Place{ID: "far", NameZH: "远", Kind: "road", Source: "x", Point: orb.Point{120, 40}})
	var msgs []string
	for _, p := range data.Check(ds) {
		msgs = append(msgs, p.Error())
	}
	got := strings.Join(msgs, "\n")
	for _, want := range []string{`alias "无" names unknown feature or place "nowhere"`, `alias "光谷" of "guanggu-area" needs a name and a source`,
		`"yangluo": id already used`, `"far": point is not a WGS84 lon/lat in the Wuhan region`} {
		if !strings.Contains(got, want) {
			t.Errorf("no problem %q in:\n%s", want, got)
		}
	}
}
