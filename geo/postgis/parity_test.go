package postgis_test

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"planmap/data"
	"planmap/geo"
	"planmap/geo/memstore"
	"planmap/geo/storetest"
)

// TestParity asks the embedded store and PostGIS the same questions over
// the same data and wants the same answers.
func TestParity(t *testing.T) {
	t.Run("fixture", func(t *testing.T) { parity(t, storetest.Fixture()) })
	t.Run("synthetic", func(t *testing.T) { parity(t, synth(3000, 7)) })
	t.Run("embedded", func(t *testing.T) {
		ds, err := data.Load(data.Embedded())
		if err != nil {
			t.Fatal(err)
		}
		if len(ds.Features) == 0 {
			t.Skip("the embedded dataset has no features yet")
		}
		parity(t, ds)
		storetest.PlanSearch(t, loaded(t, ds))
	})
}

func parity(t *testing.T, ds *data.Dataset) {
	mem, pg := memstore.New(ds), loaded(t, ds)
	ctx := context.Background()
	r := rand.New(rand.NewPCG(42, 42))
	compareLayers(ctx, t, mem, pg)
	hits := map[string]int{} // filters by DE-9IM function that matched something
	defer func() { t.Logf("DE-9IM filters that matched features: %v", hits) }()
	for _, l := range ds.Layers {
		a, errA := mem.Schema(ctx, l.ID)
		b, errB := pg.Schema(ctx, l.ID)
		if errA != nil || errB != nil || !reflect.DeepEqual(a, b) {
			t.Errorf("%s schema:\nmemstore %v %v\npostgis  %v %v", l.ID, a, errA, b, errB)
		}
		for _, q := range layerQueries(r, ds, l.ID) {
			a, errA := mem.Features(ctx, l.ID, q)
			b, errB := pg.Features(ctx, l.ID, q)
			if errA != nil || errB != nil {
				t.Fatalf("%s %+v: %v / %v", l.ID, q, errA, errB)
			}
			if a.Matched != b.Matched || !sameFeatures(a.Features, b.Features) {
				t.Errorf("%s %s: memstore %d %v, postgis %d %v", l.ID, describe(q), a.Matched, ids(a.Features), b.Matched, ids(b.Features))
			}
			if q.Filter != nil && a.Matched > 0 {
				hits[q.Filter.Op]++
			}
		}
	}
	for _, q := range nearbyQueries(r, ds) {
		a, _ := mem.Nearby(ctx, q)
		b, err := pg.Nearby(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		compareNear(t, q, a, b)
	}
	for _, q := range searchQueries(r, ds) {
		a, _ := mem.Search(ctx, q)
		b, err := pg.Search(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		if !sameFeatures(a, b) {
			t.Errorf("search %q in %v: memstore %v, postgis %v", q.Text, q.Layers, ids(a), ids(b))
		}
		pa, _ := mem.SearchPlaces(ctx, q)
		pb, err := pg.SearchPlaces(ctx, q)
		if err != nil || !reflect.DeepEqual(pa, pb) {
			t.Errorf("places %q: memstore %v, postgis %v %v", q.Text, pa, pb, err)
		}
	}
}

func compareLayers(ctx context.Context, t *testing.T, a, b geo.Store) {
	la, _ := a.Layers(ctx)
	lb, err := b.Layers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(la) != len(lb) {
		t.Fatalf("layers: %d vs %d", len(la), len(lb))
	}
	for i := range la {
		x, y := la[i], lb[i]
		if !x.Updated.Equal(y.Updated) {
			t.Errorf("layer %s updated: %v vs %v", x.ID, x.Updated, y.Updated)
		}
		x.Updated, y.Updated = time.Time{}, time.Time{}
		if !reflect.DeepEqual(x, y) {
			t.Errorf("layer %d:\nmemstore %+v\npostgis  %+v", i, x, y)
		}
	}
}

func layerQueries(r *rand.Rand, ds *data.Dataset, layer string) []geo.Query {
	qs := []geo.Query{{Limit: 10000}, {Limit: 7, Offset: 3}, {Limit: 0}, {Limit: 10, Offset: 1 << 20}}
	var ext orb.Bound
	first := true
	for _, f := range ds.Features {
		if f.Layer != layer {
			continue
		}
		for _, k := range geo.Filterable {
			qs = append(qs, geo.Query{Limit: 50, Props: map[string]string{k: geo.PropString(f, k)}})
		}
		if f.Geometry != nil && first {
			ext, first = f.Geometry.Bound(), false
		} else if f.Geometry != nil {
			ext = ext.Union(f.Geometry.Bound())
		}
		if !f.Updated.IsZero() {
			qs = append(qs, geo.Query{Limit: 50, Time: &geo.TimeRange{Start: f.Updated.Add(-time.Hour)}},
				geo.Query{Limit: 50, Time: &geo.TimeRange{End: f.Updated}})
		}
		if len(qs) > 60 {
			break
		}
	}
	for i := 0; i < 20 && !first; i++ {
		w := (ext.Right()-ext.Left())*r.Float64()*0.3 + 0.001
		h := (ext.Top()-ext.Bottom())*r.Float64()*0.3 + 0.001
		x, y := ext.Left()+r.Float64()*(ext.Right()-ext.Left()), ext.Bottom()+r.Float64()*(ext.Top()-ext.Bottom())
		b := orb.Bound{Min: orb.Point{x - w/2, y - h/2}, Max: orb.Point{x + w/2, y + h/2}}
		q := geo.Query{BBox: &b, Limit: 20 + r.IntN(100), Offset: r.IntN(5)}
		if i%3 == 0 {
			q.Props = map[string]string{"status": geo.Statuses[r.IntN(len(geo.Statuses))]}
		}
		qs = append(qs, q)
	}
	return append(qs, relateQueries(r, ds, ext)...)
}

// relateQueries filters with each DE-9IM spatial function, its literal the
// geometry of a feature (of any layer: the plan's districts share borders,
// lines run along and across them) or a box within ext.
func relateQueries(r *rand.Rand, ds *data.Dataset, ext orb.Bound) []geo.Query {
	var lits []*geo.Expr
	for len(lits) < 8 {
		if f := ds.Features[r.IntN(len(ds.Features))]; f.Geometry != nil {
			lits = append(lits, &geo.Expr{Kind: geo.KindGeometry, Geom: f.Geometry})
		}
	}
	for range 3 {
		x, y := ext.Left()+r.Float64()*(ext.Right()-ext.Left()), ext.Bottom()+r.Float64()*(ext.Top()-ext.Bottom())
		lits = append(lits, &geo.Expr{Kind: geo.KindBBox, BBox: []float64{x, y, x + r.Float64()*0.2 + 0.001, y + r.Float64()*0.2 + 0.001}})
	}
	var qs []geo.Query
	for _, lit := range lits {
		for _, op := range []string{"s_contains", "s_crosses", "s_equals", "s_overlaps", "s_touches", "s_within"} {
			args := []*geo.Expr{{Kind: geo.KindProperty, Str: geo.GeometryQueryable}, lit}
			if r.IntN(4) == 0 {
				args[0], args[1] = args[1], args[0]
			}
			e := &geo.Expr{Kind: geo.KindOp, Op: op, Args: args}
			if err := geo.CheckFilter(e, geo.Queryables(nil)); err != nil {
				panic(err)
			}
			qs = append(qs, geo.Query{Limit: 1000, Filter: e})
		}
	}
	return qs
}

func nearbyQueries(r *rand.Rand, ds *data.Dataset) []geo.NearbyQuery {
	var qs []geo.NearbyQuery
	for i := 0; i < 30; i++ {
		f := ds.Features[r.IntN(len(ds.Features))]
		c := orb.Point{114.3, 30.5}
		if f.Geometry != nil {
			c = f.Geometry.Bound().Center()
		}
		c[0] += (r.Float64() - 0.5) * 0.05
		c[1] += (r.Float64() - 0.5) * 0.05
		q := geo.NearbyQuery{Center: c, Radius: []float64{300, 3000, 20000}[i%3], Limit: 1 + r.IntN(60)}
		if i%4 == 0 {
			q.Layers = []string{f.Layer}
		}
		qs = append(qs, q)
	}
	return qs
}

// compareNear accepts a different order only among hits whose distances
// agree within a metre, as the contract does.
func compareNear(t *testing.T, q geo.NearbyQuery, a, b []geo.Near) {
	t.Helper()
	if len(a) != len(b) {
		t.Errorf("nearby %v r=%.0f: memstore %d hits, postgis %d", q.Center, q.Radius, len(a), len(b))
		return
	}
	for i := range a {
		if math.Abs(a[i].DistanceM-b[i].DistanceM) > 1 {
			t.Errorf("nearby %v #%d: memstore %s %.2f m, postgis %s %.2f m", q.Center, i, a[i].ID, a[i].DistanceM, b[i].ID, b[i].DistanceM)
		}
		if a[i].ID == b[i].ID && !sameFeatures([]geo.Feature{a[i].Feature}, []geo.Feature{b[i].Feature}) {
			t.Errorf("nearby %s: features differ", a[i].ID)
		}
	}
}

func searchQueries(r *rand.Rand, ds *data.Dataset) []geo.SearchQuery {
	qs := []geo.SearchQuery{{Text: "  ", Limit: 10}, {Text: "nothing like this", Limit: 10}}
	for i := 0; i < 30; i++ {
		f := ds.Features[r.IntN(len(ds.Features))]
		zh, en := []rune(f.NameZH), f.NameEN
		py := geo.Pinyin(f.NameZH)
		texts := []string{f.NameZH, string(zh[:min(2, len(zh))]), strings.ToUpper(en), py, geo.Initials(f.NameZH)}
		if len(py) > 5 { // a typo: two letters swapped
			texts = append(texts, py[:2]+py[3:4]+py[2:3]+py[4:], py[:len(py)/2])
		}
		if len(en) > 4 {
			texts = append(texts, en[2:len(en)-1])
		}
		for _, text := range texts {
			q := geo.SearchQuery{Text: text, Limit: 1 + r.IntN(30)}
			if i%5 == 0 {
				q.Layers = []string{f.Layer}
			}
			qs = append(qs, q)
		}
	}
	return qs
}

func sameFeatures(a, b []geo.Feature) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		x, y := a[i], b[i]
		if !x.Updated.Equal(y.Updated) {
			return false
		}
		x.Updated, y.Updated = time.Time{}, time.Time{}
		if !reflect.DeepEqual(x, y) {
			return false
		}
	}
	return true
}

func ids(fs []geo.Feature) []string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = f.ID
	}
	return out
}

func describe(q geo.Query) string {
	s := fmt.Sprintf("limit %d offset %d", q.Limit, q.Offset)
	if q.BBox != nil {
		s += fmt.Sprintf(" bbox %v", *q.BBox)
	}
	if q.Time != nil {
		s += fmt.Sprintf(" time %v", *q.Time)
	}
	if q.Props != nil {
		s += fmt.Sprintf(" props %v", q.Props)
	}
	if e := q.Filter; e != nil {
		lit, first := geo.SpatialArgs(e)
		g := geo.LiteralGeometry(lit)
		s += fmt.Sprintf(" %s(literal first: %v; %s in %v)", e.Op, first, g.GeoJSONType(), g.Bound())
	}
	return s
}

// TestShippedGeometriesValid loads the shipped plan and asks PostGIS itself
// whether every geometry is valid, as planmap check already claims.
func TestShippedGeometriesValid(t *testing.T) {
	ds, err := data.Load(data.Embedded())
	if err != nil {
		t.Fatal(err)
	}
	s := loaded(t, ds)
	rows, err := s.Pool().Query(context.Background(),
		`SELECT id, ST_IsValidReason(geom) FROM features WHERE geom IS NOT NULL AND NOT ST_IsValid(geom) ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, reason string
		if err := rows.Scan(&id, &reason); err != nil {
			t.Fatal(err)
		}
		t.Errorf("%s: PostGIS calls it invalid: %s", id, reason)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
}
