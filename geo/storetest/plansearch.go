package storetest

import (
	"context"
	"testing"

	"github.com/paulmach/orb"

	"planmap/geo"
)

// PlanSearch checks search on the shipped plan as a resident types: pinyin
// in every form, homophones, aliases, English forms, typos and places. Every
// store holding the shipped plan must pass it.
func PlanSearch(t *testing.T, s geo.Store) {
	ctx := context.Background()
	all, err := s.Layers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	layers := geo.SearchLayers(all) // as /api/search asks
	first := map[string]string{
		"光谷副城": "subcity-guanggu", "光谷": "subcity-guanggu", "guanggu": "subcity-guanggu",
		"guang gu": "subcity-guanggu", "GuangGu": "subcity-guanggu", "gg": "subcity-guanggu",
		"光古": "subcity-guanggu", "光gu": "subcity-guanggu", "guanggu fucheng": "subcity-guanggu",
		"ggfc": "subcity-guanggu", "guangu": "subcity-guanggu", // one letter short
		"天河机场": "airport-tianhe", "Tianhe airport": "airport-tianhe", "tianhe airprot": "airport-tianhe",
		"thjc": "airport-tianhe", "tianhejichang": "airport-tianhe",
		"临空港": "subcity-linkong", "车谷": "subcity-chegu", "武汉经开区": "zone-wuhan-etdz",
		"东湖高新区": "zone-donghu-hitech", "changjiang": "river-yangtze", "长江": "river-yangtze",
		"huangpi": "district-huangpi", "caidian": "district-caidian", "hongshan": "district-hongshan",
	}
	for q, want := range first {
		got, err := s.Search(ctx, geo.SearchQuery{Text: q, Limit: 5, Layers: layers})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) == 0 || got[0].ID != want {
			t.Errorf("search %q: first %v, want %s", q, featureIDs(got), want)
		}
	}
	// the metro station 天河机场 is still found, after the airport
	got, err := s.Search(ctx, geo.SearchQuery{Text: "天河机场", Limit: 10, Layers: layers})
	if err != nil || !containsID(featureIDs(got), "station-tianhejichang") {
		t.Errorf("天河机场: %v, %v; want the metro station too", featureIDs(got), err)
	}
	places := map[string]string{"汉口江滩": "road-yanjiangdadao", "中山大道": "road-zhongshandadao",
		"武汉站": "wd-q584376", "zhongshan dadao": "road-zhongshandadao", "黄鹤楼": "wd-q462372"}
	for q, want := range places {
		got, err := s.SearchPlaces(ctx, geo.SearchQuery{Text: q, Limit: 5})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) == 0 || got[0].ID != want {
			t.Errorf("places %q: first %v, want %s", q, placeIDs(got), want)
		}
	}
	// what is planned near 汉口江滩: the near-me answer at the place's point
	ps, err := s.SearchPlaces(ctx, geo.SearchQuery{Text: "汉口江滩", Limit: 1})
	if err != nil || len(ps) == 0 {
		t.Fatalf("汉口江滩: %v", err)
	}
	near, err := s.Nearby(ctx, geo.NearbyQuery{Center: orb.Point(ps[0].Point), Radius: 1500, Limit: 20})
	if err != nil || len(near) == 0 {
		t.Errorf("nothing planned within 1.5 km of 汉口江滩 (%v): %v", ps[0].Point, err)
	}
}

func placeIDs(ps []geo.Place) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.ID
	}
	return out
}

func containsID(ids []string, id string) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}
