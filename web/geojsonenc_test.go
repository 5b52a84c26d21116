package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"planmap/geo"
)

// The lean encoder must write exactly what encoding/json wrote before it:
// random collections of every geometry type and of awkward values.
func TestMarshalCollectionMatchesEncodingJSON(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for i := range 2000 {
		fc := randomCollection(rng)
		want, werr := json.Marshal(fc)
		got, gerr := marshalCollection(fc)
		if (werr != nil) != (gerr != nil) {
			t.Fatalf("case %d: encoding/json error %v, lean encoder error %v", i, werr, gerr)
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("case %d:\n got %s\nwant %s", i, got, want)
		}
	}
}

var awkward = []string{"", "plain", `quo"te`, `back\slash`, "<b>&amp;</b>", "line\nbreak\r\t\b\f", "\x00\x01\x1f\x7f",
	"合成要素", "\u2028\u2029", "bad \xff\xfe utf-8", "\xe2\x80", "emoji 🗺️", "é"}

func randomFloat(rng *rand.Rand) float64 {
	switch rng.IntN(8) {
	case 0:
		return 0
	case 1:
		return math.Copysign(2e-6*rng.Float64(), rng.Float64()-0.5) // both sides of 1e-6
	case 2:
		return 1e21 * (1 + rng.Float64())
	case 3:
		return float64(rng.IntN(100000))
	case 4:
		return -123.456789e-12
	}
	return (rng.Float64() - 0.5) * 360
}

func randomValue(rng *rand.Rand) any {
	switch rng.IntN(9) {
	case 0:
		return nil
	case 1:
		return rng.IntN(2) == 0
	case 2:
		return randomFloat(rng)
	case 3:
		return rng.IntN(1000) - 500
	case 4:
		return []any{"a", 1.5}
	case 5:
		return math.NaN() // encoding/json refuses it: so must the encoder
	}
	return awkward[rng.IntN(len(awkward))]
}

func randomPoints(rng *rand.Rand) []orb.Point {
	if rng.IntN(10) == 0 {
		return nil
	}
	ps := make([]orb.Point, rng.IntN(4))
	for i := range ps {
		ps[i] = orb.Point{randomFloat(rng), randomFloat(rng)}
	}
	return ps
}

func randomGeometry(rng *rand.Rand) orb.Geometry {
	poly := func() orb.Polygon { return orb.Polygon{randomPoints(rng), randomPoints(rng)} }
	switch rng.IntN(10) {
	case 0:
		return nil
	case 1:
		return orb.MultiPoint(randomPoints(rng))
	case 2:
		return orb.LineString(randomPoints(rng))
	case 3:
		return orb.MultiLineString{randomPoints(rng), randomPoints(rng)}
	case 4:
		return orb.Ring(randomPoints(rng))
	case 5:
		return poly()
	case 6:
		return orb.MultiPolygon{poly(), poly()}
	case 7:
		return orb.Collection{orb.Point{1, 2}, orb.LineString(randomPoints(rng))}
	case 8:
		return orb.Bound{Min: orb.Point{1, 2}, Max: orb.Point{3, 4}}
	}
	return orb.Point{randomFloat(rng), randomFloat(rng)}
}

func randomCollection(rng *rand.Rand) featureCollection {
	fc := featureCollection{Type: "FeatureCollection", NumberMatched: rng.IntN(1 << 20), NumberReturned: rng.IntN(100),
		TimeStamp: awkward[rng.IntN(len(awkward))]}
	if rng.IntN(10) > 0 {
		fc.Features = []*geojson.Feature{}
	}
	for range rng.IntN(5) {
		f := &geojson.Feature{Type: "Feature", Geometry: randomGeometry(rng), Properties: geojson.Properties{}}
		switch rng.IntN(4) {
		case 0:
			f.ID = awkward[rng.IntN(len(awkward))]
		case 1:
			f.ID = rng.IntN(100)
		case 2:
			f.ID = "synthetic-points-1"
		}
		for range rng.IntN(6) {
			f.Properties[awkward[rng.IntN(len(awkward))]] = randomValue(rng)
		}
		if rng.IntN(20) == 0 {
			f.Properties = nil
		}
		if rng.IntN(20) == 0 {
			f.BBox = geojson.BBox{1, 2, 3, 4}
		}
		fc.Features = append(fc.Features, f)
	}
	if rng.IntN(10) > 0 {
		fc.Links = []Link{{Href: awkward[rng.IntN(len(awkward))], Rel: "self", Type: typeGeoJSON}, {Href: "x", Rel: "next", Title: awkward[rng.IntN(len(awkward))]}}
	}
	return fc
}

// A page written from the features themselves (servedPage) must be the
// bytes of the long way: served(), keepProperties, the geojson.Feature
// encoder; for awkward properties, schemas that lack a key or are out of
// order, every kind of properties list and the output CRSs.
func TestServedPageMatchesServed(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	crss := []string{"", "http://www.opengis.net/def/crs/EPSG/0/4326", "GCJ02"}
	for i := range 1500 {
		fs := make([]geo.Feature, rng.IntN(6))
		types := geo.PropertyTypes{}
		for j := range fs {
			fs[j] = randomGeoFeature(rng, j)
			for k, v := range fs[j].Extra {
				types.Add(k, geo.ValueType(v))
			}
		}
		schema := geo.NewSchema(types)
		switch rng.IntN(6) {
		case 0: // a schema that lacks a key some feature has
			if len(schema) > 0 {
				k := rng.IntN(len(schema))
				schema = slices.Delete(slices.Clone(schema), k, k+1)
			}
		case 1: // out of order
			schema = slices.Clone(schema)
			rng.Shuffle(len(schema), func(a, b int) { schema[a], schema[b] = schema[b], schema[a] })
		}
		var keep []string
		switch rng.IntN(4) {
		case 0:
			keep = []string{}
		case 1:
			for _, p := range schema {
				if rng.IntN(3) == 0 {
					keep = append(keep, p.Name)
				}
			}
			if len(keep) > 0 && rng.IntN(3) == 0 {
				keep = append(keep, keep[0]) // twice
			}
		}
		out, err := parseCRS("crs", crss[rng.IntN(len(crss))])
		if err != nil {
			t.Fatal(err)
		}
		long := make([]*geojson.Feature, len(fs))
		for j, f := range fs {
			long[j] = &geojson.Feature{Type: "Feature", ID: f.ID, Geometry: out.geometry(f.Geometry), Properties: f.ServedProperties(schema)}
		}
		keepProperties(long, keep)
		want, werr := marshalCollection(featureCollection{Type: "FeatureCollection", Features: long})
		got, gerr := marshalCollection(featureCollection{Type: "FeatureCollection",
			page: &servedPage{features: fs, schema: schema, keep: keep, out: out}})
		if (werr != nil) != (gerr != nil) || !bytes.Equal(got, want) {
			t.Fatalf("case %d (keep %q): errors %v / %v\n got %s\nwant %s", i, keep, gerr, werr, got, want)
		}
	}
}

func randomGeoFeature(rng *rand.Rand, j int) geo.Feature {
	pick := func() string { return awkward[rng.IntN(len(awkward))] }
	f := geo.Feature{ID: fmt.Sprintf("f-%d%s", j, pick()), Layer: "l", NameZH: pick(), NameEN: pick(), Kind: pick(),
		Status: pick(), PlanSection: pick(), PlanQuote: pick(), District: pick(), Accuracy: pick(), Source: pick(),
		Geometry: randomGeometry(rng)}
	if rng.IntN(2) == 0 {
		f.PlanLine = rng.IntN(3000)
	}
	if rng.IntN(2) == 0 {
		f.Updated = time.Date(2026, 1, 2, 3, 4, 5, 0, time.FixedZone("CST", 8*3600))
	}
	switch rng.IntN(3) {
	case 0:
		f.Targets = []geo.Target{}
	case 1:
		v := randomFloat(rng)
		f.Targets = []geo.Target{{Metric: pick(), Value: &v, Unit: pick(), Year: 2035, Quote: pick()}}
	}
	if rng.IntN(3) > 0 {
		f.Extra = map[string]any{}
		keys := []string{"kind", "id", "updated", "plan_year", "uncertainty_m", "color", "tags", "note", "z<&>"}
		for range rng.IntN(5) {
			var v any = randomValue(rng)
			if x, ok := v.(float64); ok && math.IsNaN(x) {
				v = 1.5
			}
			if rng.IntN(6) == 0 {
				v = map[string]any{"a": pick()}
			}
			f.Extra[keys[rng.IntN(len(keys))]] = v
		}
	}
	return f
}

// go test ./web -run XXX -bench ServedPage: a page of 100 synthetic points.
func BenchmarkServedPage(b *testing.B) {
	v := 83.0
	fs := make([]geo.Feature, 100)
	for i := range fs {
		fs[i] = geo.Feature{ID: fmt.Sprintf("synthetic-points-%d", i), Layer: "synthetic-points", NameZH: "合成要素0", NameEN: "Synthetic 0",
			Kind: "synthetic", Status: "expansion", PlanSection: "第二十八节", PlanLine: 1554, PlanQuote: "合成数据，仅供测试",
			District: "江汉区", Accuracy: "approximate", Source: "planmap gen (synthetic)",
			Updated: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), Geometry: orb.Point{114.013613, 31.331006},
			Targets: []geo.Target{{Metric: "容量", Value: &v, Unit: "m³/s", Year: 2025}}}
	}
	schema := geo.NewSchema(nil)
	out, _ := parseCRS("crs", "")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := marshalCollection(featureCollection{Type: "FeatureCollection",
			page: &servedPage{features: fs, schema: schema, out: out}}); err != nil {
			b.Fatal(err)
		}
	}
}
