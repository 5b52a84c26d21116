package memstore

import (
	"testing"

	"planmap/data"
	"planmap/geo"
	"planmap/geo/storetest"
	"planmap/web"
)

// TestIndexAgreesWithRank holds the index to geo.NameQuery.Rank, the
// definition PostGIS ranks by too: for queries of every kind, each feature
// and place the index finds, and its tier, are those Rank gives over all.
func TestIndexAgreesWithRank(t *testing.T) {
	ds, err := data.Load(data.Embedded())
	if err != nil {
		t.Fatal(err)
	}
	s := New(ds)
	aliases := ds.AliasNames()
	queries := []string{"光谷", "guanggu", "guang gu", "gg", "光古", "光gu", "guangu", "tianhe airprot", "thjc",
		"阳逻", "号线", "port", "yangluo", "wuhan", "武汉", "zhongshan", "中山大道", "jiefang", "hk", "江滩", "长",
		"changjiang", "2号线", "line 2", "optics valey", "s", "地铁", "（", "hubie"}
	for _, text := range queries {
		q, _ := geo.NewNameQuery(text)
		check := func(what string, n int, names func(int) []string, x *nameIndex) {
			got := map[uint32]int{}
			hit := func(item uint32, tier int) {
				if t, ok := got[item]; !ok || tier < t {
					got[item] = tier
				}
			}
			x.match(q, hit)
			x.matchFuzzy(q, hit)
			for i := 0; i < n; i++ {
				want := q.Rank(geo.SearchKeys(names(i)...))
				if tier, ok := got[uint32(i)]; want != geo.NoMatch && (!ok || tier != want) || want == geo.NoMatch && ok {
					t.Errorf("%q: %s %v: index tier %d (found %v), Rank %d", text, what, names(i), tier, ok, want)
				}
			}
		}
		check("feature", len(s.names.feats), func(i int) []string {
			f := s.names.feats[i]
			return append(geo.SearchNames(*f), aliases[f.ID]...)
		}, &s.names.features)
		check("place", len(s.names.placeList), func(i int) []string {
			p := s.names.placeList[i]
			return append([]string{p.NameZH, p.NameEN}, aliases[p.ID]...)
		}, &s.names.places)
	}
}

// BenchmarkSearch answers /api/search over 550,000 synthetic features and
// the shipped plan's gazetteer and aliases, and reports the index's size.
func BenchmarkSearch(b *testing.B) {
	ds, err := data.Load(data.Dir(storetest.SynthDir(b)))
	if err != nil {
		b.Fatal(err)
	}
	plan, err := data.Load(data.Embedded())
	if err != nil {
		b.Fatal(err)
	}
	ds.Places, ds.Aliases = plan.Places, plan.Aliases
	s := New(ds)
	x := &s.names.features
	storetest.BenchSearch(b, web.New(s, web.Options{}), len(ds.Features))
	b.ReportMetric(float64(len(x.arena)+12*(len(x.text)+len(x.latin))+8*len(s.names.feats)+4*len(s.names.featPrec))/(1<<20), "index-MB")
}
