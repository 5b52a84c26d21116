package web

import (
	"bytes"
	"encoding/json"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
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
