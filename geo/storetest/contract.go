package storetest

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"math"
	"reflect"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"planmap/data"
	"planmap/geo"
)

// Opener builds a store holding ds.
type Opener func(t *testing.T, ds *data.Dataset) geo.Store

// Run runs the whole contract against the store that open builds.
func Run(t *testing.T, open Opener) {
	ds := Fixture()
	s := open(t, ds)
	ctx := context.Background()
	t.Run("Layers", func(t *testing.T) { testLayers(ctx, t, s, ds) })
	t.Run("Paging", func(t *testing.T) { testPaging(ctx, t, s, ds) })
	t.Run("After", func(t *testing.T) { testAfter(ctx, t, s, ds) })
	t.Run("BoxPages", func(t *testing.T) { testBoxPages(ctx, t, s, ds) })
	t.Run("Filters", func(t *testing.T) { testFilters(ctx, t, s, ds) })
	t.Run("Feature", func(t *testing.T) { testFeature(ctx, t, s, ds) })
	t.Run("Schema", func(t *testing.T) { testSchema(ctx, t, s) })
	t.Run("Nearby", func(t *testing.T) { testNearby(ctx, t, s, ds) })
	t.Run("Search", func(t *testing.T) { testSearch(ctx, t, s, ds) })
	t.Run("Targets", func(t *testing.T) { testTargets(ctx, t, s, ds) })
	t.Run("Tiles", func(t *testing.T) { testTiles(ctx, t, s) })
	t.Run("TileIDs", func(t *testing.T) { testTileIDs(ctx, t, s, ds) })
	t.Run("Concurrent", func(t *testing.T) { testConcurrent(ctx, t, s) })
}

// expected answers a query by brute force over the dataset; byTile maps the
// store's MVT ids to feature ids, for q.TileID.
func expected(ds *data.Dataset, layer string, q geo.Query, byTile map[uint64]string) []string {
	var ids []string
	for _, f := range ds.Features {
		if f.Layer != layer || (q.BBox != nil && !geo.Intersects(f.Geometry, *q.BBox)) ||
			(q.Time != nil && !inPlace(f, *q.Time)) || (q.TileID != 0 && byTile[q.TileID] != f.ID) {
			continue
		}
		ok := true
		for k, v := range q.Props {
			ok = ok && geo.PropString(f, k) == v
		}
		if ok {
			ids = append(ids, f.ID)
		}
	}
	sort.Strings(ids)
	return ids
}

func featureIDs(fs []geo.Feature) []string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = f.ID
	}
	return out
}

func testLayers(ctx context.Context, t *testing.T, s geo.Store, ds *data.Dataset) {
	layers, err := s.Layers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(layers) != len(ds.Layers) {
		t.Fatalf("got %d layers, want %d", len(layers), len(ds.Layers))
	}
	for i, l := range layers {
		want := ds.Layers[i]
		if l.ID != want.ID || l.TitleZH != want.TitleZH || l.GeometryType != want.GeometryType || l.Theme != want.Theme {
			t.Errorf("layer %d = %+v, want %+v", i, l, want)
		}
		if !geo.SameLicense(l.License, want.License) || !reflect.DeepEqual(l.Attribution, want.Attribution) {
			t.Errorf("layer %s credits = %+v %#v, want %+v %#v", l.ID, l.License, l.Attribution, want.License, want.Attribution)
		}
		var count int
		var bound orb.Bound
		var latest = Base
		first := true
		for _, f := range ds.Features {
			if f.Layer != l.ID {
				continue
			}
			count++
			if f.Updated.After(latest) {
				latest = f.Updated
			}
			if f.Geometry == nil {
				continue
			}
			if first {
				bound, first = f.Geometry.Bound(), false
			} else {
				bound = bound.Union(f.Geometry.Bound())
			}
		}
		if l.Count != count {
			t.Errorf("layer %s count = %d, want %d", l.ID, l.Count, count)
		}
		if !near(l.Bounds.Min, bound.Min, 1e-9) || !near(l.Bounds.Max, bound.Max, 1e-9) {
			t.Errorf("layer %s bounds = %v, want %v", l.ID, l.Bounds, bound)
		}
		if !l.Updated.Equal(latest) {
			t.Errorf("layer %s updated = %v, want %v", l.ID, l.Updated, latest)
		}
	}
}

func near(a, b orb.Point, eps float64) bool {
	return math.Abs(a[0]-b[0]) <= eps && math.Abs(a[1]-b[1]) <= eps
}

func testPaging(ctx context.Context, t *testing.T, s geo.Store, ds *data.Dataset) {
	all := expected(ds, LayerPoints, geo.Query{}, nil)
	var got []string
	for offset := 0; ; offset += 100 {
		page, err := s.Features(ctx, LayerPoints, geo.Query{Limit: 100, Offset: offset})
		if err != nil {
			t.Fatal(err)
		}
		if page.Matched != len(all) {
			t.Fatalf("offset %d: matched %d, want %d", offset, page.Matched, len(all))
		}
		if len(page.Features) == 0 {
			break
		}
		got = append(got, featureIDs(page.Features)...)
	}
	if !reflect.DeepEqual(got, all) {
		t.Errorf("paged ids = %v…, want %v… (%d vs %d)", head(got), head(all), len(got), len(all))
	}
	if _, err := s.Features(ctx, "no-such-layer", geo.Query{Limit: 10}); !errors.Is(err, geo.ErrNotFound) {
		t.Errorf("unknown layer: err = %v, want ErrNotFound", err)
	}
}

func head(s []string) []string { return s[:min(5, len(s))] }

func testFilters(ctx context.Context, t *testing.T, s geo.Store, ds *data.Dataset) {
	box := func(a, b, c, d float64) *orb.Bound { return &orb.Bound{Min: orb.Point{a, b}, Max: orb.Point{c, d}} }
	byTile := TileIDs(ctx, t, s)
	guanggu := tileIDOf(t, byTile, "guanggu-area")
	cases := []struct {
		name  string
		layer string
		q     geo.Query
	}{
		{"bbox points", LayerPoints, geo.Query{BBox: box(114.1, 30.4, 114.3, 30.6)}},
		{"bbox on a point's edge", LayerPoints, geo.Query{BBox: box(114.2, 30.5, 114.2, 30.5)}},
		{"bbox crossing a line", LayerLines, geo.Query{BBox: box(114.29, 30.55, 114.31, 30.56)}},
		{"bbox between a multiline's parts", LayerLines, geo.Query{BBox: box(114.2, 30.2, 114.4, 30.3)}},
		{"bbox inside a polygon", LayerAreas, geo.Query{BBox: box(114.39, 30.49, 114.40, 30.50)}},
		{"bbox inside a hole", LayerAreas, geo.Query{BBox: box(114.145, 30.745, 114.155, 30.755)}},
		// OGC clients send the world: every feature with a geometry, none without.
		{"world bbox", LayerPoints, geo.Query{BBox: box(-180, -90, 180, 90)}},
		{"world bbox with filters", LayerPoints, geo.Query{BBox: box(-180, -90, 180, 90), Props: map[string]string{"kind": "port"}}},
		{"status", LayerPoints, geo.Query{Props: map[string]string{"status": geo.StatusExisting}}},
		{"kind and district", LayerPoints, geo.Query{Props: map[string]string{"kind": "pump_station", "district": "洪山区"}}},
		{"no match", LayerPoints, geo.Query{Props: map[string]string{"kind": "airport"}}},
		// Time is the plan's: what it has in place by the end of the range.
		{"time by 2025", LayerPoints, geo.Query{Time: &geo.TimeRange{Start: year(2021), End: year(2025).AddDate(0, 0, 364)}}},
		{"time just before 2025 ends", LayerPoints, geo.Query{Time: &geo.TimeRange{End: year(2025).AddDate(0, 0, 363)}}},
		{"time before the base year", LayerPoints, geo.Query{Time: &geo.TimeRange{End: year(2019)}}},
		{"time open end", LayerPoints, geo.Query{Time: &geo.TimeRange{Start: year(2030)}}},
		// A map resolves a clicked tile feature by its MVT id.
		{"tile id", LayerAreas, geo.Query{TileID: guanggu}},
		{"tile id and bbox", LayerAreas, geo.Query{TileID: guanggu, BBox: box(114.39, 30.49, 114.40, 30.50)}},
		{"tile id of another layer's feature", LayerPoints, geo.Query{TileID: guanggu}},
		{"all together", LayerPoints, geo.Query{BBox: box(114, 30, 115, 31), Props: map[string]string{"status": geo.StatusPlanned},
			Time: &geo.TimeRange{Start: Base.AddDate(0, 0, 100)}}},
	}
	for _, c := range cases {
		c.q.Limit = 1000
		page, err := s.Features(ctx, c.layer, c.q)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		want := expected(ds, c.layer, c.q, byTile)
		if got := featureIDs(page.Features); !equalIDs(got, want) || page.Matched != len(want) {
			t.Errorf("%s: got %v (matched %d), want %v", c.name, got, page.Matched, want)
		}
	}
	// The brute force itself must see what a person sees.
	if got := expected(ds, LayerAreas, geo.Query{TileID: guanggu}, byTile); !equalIDs(got, []string{"guanggu-area"}) {
		t.Errorf("guanggu-area's tile id matched %v", got)
	}
	if got := expected(ds, LayerAreas, geo.Query{BBox: box(114.145, 30.745, 114.155, 30.755)}, nil); len(got) != 0 {
		t.Errorf("a box inside the donut's hole matched %v", got)
	}
	if got := expected(ds, LayerLines, geo.Query{BBox: box(114.29, 30.55, 114.31, 30.56)}, nil); !equalIDs(got, []string{"line-a"}) {
		t.Errorf("a box across line-a matched %v", got)
	}
}

func year(y int) time.Time { return time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC) }

// inPlace is the plan's time worked out by hand: a feature is in place from
// the last day of its plan year, and from always for the base year 2020.
func inPlace(f geo.Feature, r geo.TimeRange) bool {
	var y int
	switch v := f.Extra["plan_year"].(type) {
	case float64:
		y = int(v)
	case string:
		fmt.Sscan(v, &y)
	}
	if y == 0 {
		return false
	}
	from := time.Date(y, 12, 31, 0, 0, 0, 0, time.UTC)
	return y == 2020 || r.End.IsZero() || !r.End.Before(from)
}

func equalIDs(a, b []string) bool {
	return len(a) == len(b) && (len(a) == 0 || reflect.DeepEqual(a, b))
}

func testFeature(ctx context.Context, t *testing.T, s geo.Store, ds *data.Dataset) {
	for _, want := range ds.Features {
		if want.ID != "guanggu-area" && want.ID != "p-unknown" && want.ID != "line-b" && want.ID != "p-007" {
			continue
		}
		got, err := s.Feature(ctx, want.Layer, want.ID)
		if err != nil {
			t.Fatalf("%s: %v", want.ID, err)
		}
		if !got.Updated.Equal(want.Updated) {
			t.Errorf("%s: updated %v, want %v", want.ID, got.Updated, want.Updated)
		}
		got.Updated = want.Updated
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s:\n got %+v\nwant %+v", want.ID, got, want)
		}
	}
	if _, err := s.Feature(ctx, LayerLines, "guanggu-area"); !errors.Is(err, geo.ErrNotFound) {
		t.Errorf("feature in another layer: err = %v, want ErrNotFound", err)
	}
	if _, err := s.Feature(ctx, LayerAreas, "nope"); !errors.Is(err, geo.ErrNotFound) {
		t.Errorf("unknown feature: err = %v, want ErrNotFound", err)
	}
}

// commonTypes are the properties every feature has, with their types.
var commonTypes = map[string]string{"accuracy": "string", "district": "string", "kind": "string",
	"layer": "string", "name_en": "string", "name_zh": "string", "plan_line": "integer",
	"plan_quote": "string", "plan_section": "string", "source": "string", "status": "string",
	"targets": "array", "updated": "string"}

func testSchema(ctx context.Context, t *testing.T, s geo.Store) {
	for layer, extra := range ExtraTypes {
		got, err := s.Schema(ctx, layer)
		if err != nil {
			t.Fatalf("%s: %v", layer, err)
		}
		want := maps.Clone(commonTypes)
		maps.Copy(want, extra)
		have := map[string]string{}
		for i, p := range got {
			have[p.Name] = p.Type
			if i > 0 && got[i-1].Name >= p.Name {
				t.Errorf("%s: %s before %s, want the properties sorted by name", layer, got[i-1].Name, p.Name)
			}
			if (p.Format == "date-time") != (p.Name == "updated") {
				t.Errorf("%s: %s has format %q", layer, p.Name, p.Format)
			}
		}
		if !reflect.DeepEqual(have, want) {
			t.Errorf("%s schema:\n got %v\nwant %v", layer, have, want)
		}
	}
	if _, err := s.Schema(ctx, "no-such-layer"); !errors.Is(err, geo.ErrNotFound) {
		t.Errorf("unknown layer: err = %v, want ErrNotFound", err)
	}
}

func testNearby(ctx context.Context, t *testing.T, s geo.Store, ds *data.Dataset) {
	q := geo.NearbyQuery{Center: orb.Point{114.31, 30.55}, Radius: 20000, Limit: 1000}
	got, err := s.Nearby(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	var want []geo.Near
	for _, f := range ds.Features {
		if d := geo.DistanceTo(q.Center, f.Geometry); d <= q.Radius {
			want = append(want, geo.Near{Feature: f, DistanceM: d})
		}
	}
	geo.SortNear(want)
	if len(got) != len(want) || len(got) == 0 {
		t.Fatalf("nearby: %d hits, want %d", len(got), len(want))
	}
	for i := range got {
		if got[i].ID != want[i].ID && math.Abs(got[i].DistanceM-want[i].DistanceM) > 1 {
			t.Fatalf("nearby #%d = %s at %.1f m, want %s at %.1f m", i, got[i].ID, got[i].DistanceM, want[i].ID, want[i].DistanceM)
		}
		if math.Abs(got[i].DistanceM-want[i].DistanceM) > 1 {
			t.Errorf("%s: distance %.2f m, want %.2f m", got[i].ID, got[i].DistanceM, want[i].DistanceM)
		}
		if i > 0 && got[i].DistanceM < got[i-1].DistanceM {
			t.Errorf("not nearest first at #%d", i)
		}
	}
	if got[0].ID != "line-a" || math.Abs(got[0].DistanceM-geo.GeodesicDistance(q.Center, orb.Point{114.30, 30.55})) > 1 {
		t.Errorf("nearest = %s at %.1f m, want line-a at its perpendicular distance", got[0].ID, got[0].DistanceM)
	}

	inside, err := s.Nearby(ctx, geo.NearbyQuery{Center: Guanggu, Radius: 3000, Limit: 5, Layers: []string{LayerAreas}})
	if err != nil {
		t.Fatal(err)
	}
	if len(inside) != 1 || inside[0].ID != "guanggu-area" || inside[0].DistanceM != 0 {
		t.Errorf("inside the polygon: %v, want guanggu-area at 0 m", inside)
	}
	limited, err := s.Nearby(ctx, geo.NearbyQuery{Center: q.Center, Radius: q.Radius, Limit: 3})
	if err != nil {
		t.Fatal(err)
	}
	if len(limited) != 3 || limited[0].ID != want[0].ID {
		t.Errorf("limit 3: got %d hits", len(limited))
	}
	none, err := s.Nearby(ctx, geo.NearbyQuery{Center: orb.Point{115.5, 31.5}, Radius: 1000, Limit: 10})
	if err != nil || len(none) != 0 {
		t.Errorf("far away: %v, %v", none, err)
	}
}

func testSearch(ctx context.Context, t *testing.T, s geo.Store, ds *data.Dataset) {
	cases := []struct {
		q     string
		limit int
		want  []string
	}{
		{"阳逻", 10, []string{"yangluo", "yangluo-port", "xin-yangluo"}},
		{" YANGLUO port ", 10, []string{"yangluo-port"}},
		{"阳逻", 2, []string{"yangluo", "yangluo-port"}},
		{"光谷副城区", 10, []string{"guanggu-area"}}, // the plan's own spelling
		{"Ｙａｎｇｌｕｏ", 1, []string{"yangluo"}},     // full-width letters fold
		{"no such place", 10, nil},
		{"光谷", 10, []string{"guanggu-area"}},      // an alias
		{"guanggu", 10, []string{"guanggu-area"}}, // its pinyin
		{"Guang Gu", 10, []string{"guanggu-area"}},
		{"gg", 10, []string{"guanggu-area"}}, // its initials
		{"光古", 10, []string{"guanggu-area"}}, // a homophone
		{"光gu", 10, []string{"guanggu-area"}},
		{"yangluo harbour", 10, []string{"yangluo-port"}},
		{"yanglou", 10, []string{"yangluo", "yangluo-port"}}, // one swap from yangluo
		{"yangluogang", 10, []string{"yangluo-port"}},
		{"ylg", 10, []string{"yangluo-port"}},
		{"yangl", 10, []string{"yangluo", "yangluo-port", "xin-yangluo"}}, // New Yangluo Wharf by a word
		{"阳逻码头", 10, []string{"xin-yangluo"}},
		{"luo", 10, nil}, // Latin matches at a word's start only
		{"ygl", 10, nil}, // no typos under four letters
	}
	for _, c := range cases {
		got, err := s.Search(ctx, geo.SearchQuery{Text: c.q, Limit: c.limit})
		if err != nil {
			t.Fatal(err)
		}
		if ids := featureIDs(got); !equalIDs(ids, c.want) {
			t.Errorf("search %q = %v, want %v", c.q, ids, c.want)
		}
	}
	got, err := s.Search(ctx, geo.SearchQuery{Text: "阳逻", Limit: 10, Layers: []string{LayerAreas}})
	if err != nil || len(got) != 0 {
		t.Errorf("search in another layer: %v, %v", featureIDs(got), err)
	}
	places := []struct {
		q    string
		want []string
	}{
		{"汉口江滩", []string{"jiangtan"}}, {"江滩", []string{"jiangtan"}}, {"hankou", []string{"jiangtan"}},
		{"zsdd", []string{"zhongshan-road"}}, {"zhongshan dadao", []string{"zhongshan-road"}},
		{"阳逻", []string{"yangluo-street"}}, {"hankuo riverside", []string{"jiangtan"}}, {"泵站", nil},
	}
	for _, c := range places {
		got, err := s.SearchPlaces(ctx, geo.SearchQuery{Text: c.q, Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		if ids := placeIDs(got); !equalIDs(ids, c.want) {
			t.Errorf("places %q = %v, want %v", c.q, ids, c.want)
		}
	}
	got2, err := s.SearchPlaces(ctx, geo.SearchQuery{Text: "汉口江滩", Limit: 1})
	if err != nil || len(got2) != 1 || got2[0] != ds.Places[0] {
		t.Errorf("place as stored: %+v, %v; want %+v", got2, err, ds.Places[0])
	}
}

func testTargets(ctx context.Context, t *testing.T, s geo.Store, ds *data.Dataset) {
	got, err := s.Targets(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, ds.Targets) {
		t.Errorf("targets = %+v, want %+v", got, ds.Targets)
	}
}

func testConcurrent(ctx context.Context, t *testing.T, s geo.Store) {
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for i := 0; i < 16; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			for j := 0; j < 20; j++ {
				b := orb.Bound{Min: orb.Point{114 + float64(i)*0.01, 30.3}, Max: orb.Point{114.3, 30.8}}
				if _, err := s.Features(ctx, LayerPoints, geo.Query{BBox: &b, Limit: 50}); err != nil {
					errs <- err
					return
				}
				if _, err := s.Nearby(ctx, geo.NearbyQuery{Center: Guanggu, Radius: 5000, Limit: 10}); err != nil {
					errs <- err
					return
				}
			}
		}(i)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// testAfter pages by key: each page starts after the last id of the one
// before, with Offset counting from there, and Matched counts every match.
func testAfter(ctx context.Context, t *testing.T, s geo.Store, ds *data.Dataset) {
	var want []string
	for _, f := range ds.Features {
		if f.Layer == LayerPoints && f.Status == geo.StatusPlanned {
			want = append(want, f.ID)
		}
	}
	sort.Strings(want)
	q := geo.Query{Props: map[string]string{"status": geo.StatusPlanned}, Limit: 7}
	var got []string
	for {
		page, err := s.Features(ctx, LayerPoints, q)
		if err != nil {
			t.Fatal(err)
		}
		if page.Matched != len(want) {
			t.Fatalf("after %q: matched %d, want %d", q.After, page.Matched, len(want))
		}
		if len(page.Features) == 0 {
			break
		}
		for _, f := range page.Features {
			got = append(got, f.ID)
		}
		q.After = page.Features[len(page.Features)-1].ID
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("pages by key: %v, want %v", got, want)
	}
	page, err := s.Features(ctx, LayerPoints, geo.Query{Limit: 2, Offset: 1, After: "p-100"})
	if err != nil || len(page.Features) != 2 || page.Features[0].ID != "p-102" || page.Features[1].ID != "p-103" {
		t.Errorf("after p-100, offset 1: %v %v", ids(page.Features), err)
	}
}

// testBoxPages asks pages of a box by key and by offset, each the first
// time its query is asked (the box grows by a nanodegree a case, matching
// the same features), so no count is kept yet: every page, an empty one
// past the end too, must still count every match.
func testBoxPages(ctx context.Context, t *testing.T, s geo.Store, ds *data.Dataset) {
	box := orb.Bound{Min: orb.Point{114, 30}, Max: orb.Point{115, 31}}
	all := expected(ds, LayerPoints, geo.Query{BBox: &box}, nil)
	if len(all) < 4 {
		t.Fatalf("the fixture has %d points in %v", len(all), box)
	}
	cases := []struct {
		after  string
		offset int
	}{{"", 0}, {"", 1}, {all[0], 0}, {all[1], 1}, {all[len(all)-2], 0}, {all[len(all)-1], 0}, {"", len(all) + 3}}
	for i, c := range cases {
		d := float64(i+1) * 1e-9
		b := orb.Bound{Min: orb.Point{box.Min[0] - d, box.Min[1] - d}, Max: orb.Point{box.Max[0] + d, box.Max[1] + d}}
		page, err := s.Features(ctx, LayerPoints, geo.Query{BBox: &b, Limit: 2, Offset: c.offset, After: c.after})
		if err != nil {
			t.Fatal(err)
		}
		rest := all
		if c.after != "" {
			rest = all[sort.SearchStrings(all, c.after)+1:]
		}
		want := rest[min(c.offset, len(rest)):min(c.offset+2, len(rest))]
		if fmt.Sprint(ids(page.Features)) != fmt.Sprint(want) || page.Matched != len(all) {
			t.Errorf("after %q, offset %d: %v matched %d, want %v matched %d", c.after, c.offset,
				ids(page.Features), page.Matched, want, len(all))
		}
	}
}

func ids(fs []geo.Feature) []string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = f.ID
	}
	return out
}
