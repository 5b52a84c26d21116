package data_test

import (
	"errors"
	"strings"
	"testing"
	"testing/fstest"

	"planmap/data"
)

// FuzzGeoJSON loads a dataset whose one layer file is the fuzz input: Load
// never panics, and returns either a dataset or an *Invalid naming the file.
func FuzzGeoJSON(f *testing.F) {
	good := `{"type":"FeatureCollection","features":[{"type":"Feature","id":"a","geometry":{"type":"Point","coordinates":[114.3,30.5]},` +
		`"properties":{"name_zh":"甲","name_en":"A","kind":"pump_station","status":"planned","accuracy":"approximate","source":"t","updated":"2026-01-01T00:00:00Z"}}]}`
	for _, s := range []struct {
		geom uint8
		doc  string
	}{
		{0, good},
		{0, `{"type":"FeatureCollection","features":[]}`},
		{0, `{"features":[{"type":"Feature","id":1}]}`},
		{0, `{"features":[{"type":"Feature","id":"a","geometry":{"type":"Point","coordinates":[1e309,NaN]},"properties":{}}]}`},
		{1, `{"features":[{"type":"Feature","id":"l","geometry":{"type":"LineString","coordinates":[[114,30],[114,30]]},"properties":null}]}`},
		{2, `{"features":[{"type":"Feature","id":"p","geometry":{"type":"Polygon","coordinates":[[[114,30],[115,31],[114,31],[115,30],[114,30]]]},"properties":{"extra":{"a":[1,2,{"b":null}]}}}]}`},
		{2, `{"features":[{"type":"Feature","id":"p","geometry":{"type":"MultiPolygon","coordinates":[[]]},"properties":{}}]}`},
		{0, `{"features":[{"type":"Feature","id":"a","geometry":{"type":"GeometryCollection","geometries":[]},"properties":{}}]}`},
		{0, `{"features":[{"type":"Feature","id":"a","geometry":null,"properties":{"updated":"yesterday","plan_line":"x"}}]}`},
		{0, `{"features":[{"type":"Feature","id":"a\u0000","geometry":null,"properties":{"name_zh":"\ud800"}}]}`},
		{0, `{"features":{}}`}, {0, `[]`}, {0, ``}, {0, `{"features":[`}, {0, "\xff\xfe{"},
		{0, `{"features":[{"type":"Feature","id":"a","geometry":{"type":"Point","coordinates":[114.3]},"properties":{}}]}`},
		{1, `{"features":[{"type":"Feature","id":"a","geometry":{"type":"MultiLineString","coordinates":[[[114,30]],[]]},"properties":{}}]}`},
	} {
		f.Add(s.geom, []byte(s.doc))
	}
	types := []string{"Point", "LineString", "Polygon"}
	f.Fuzz(func(t *testing.T, geom uint8, doc []byte) {
		if len(doc) > 64<<10 {
			return // keep each exec cheap
		}
		layers := `[{"id":"x","title_zh":"测试","title_en":"Test","theme":"water","geometry_type":"` + types[int(geom)%len(types)] + `","order":1}]`
		fsys := fstest.MapFS{
			"layers.json":      {Data: []byte(layers)},
			"layers/x.geojson": {Data: doc},
		}
		ds, err := data.Load(fsys)
		if err == nil {
			if ds == nil || len(ds.Layers) != 1 {
				t.Fatalf("no error and no dataset: %+v", ds)
			}
			for _, f := range ds.Features {
				if f.Layer != "x" || f.ID == "" {
					t.Fatalf("accepted feature %+v", f)
				}
			}
			return
		}
		var inv *data.Invalid
		if !errors.As(err, &inv) || len(inv.Problems) == 0 {
			t.Fatalf("error %T %v is not an *Invalid with problems", err, err)
		}
		if !strings.Contains(err.Error(), "layers/x.geojson") && !strings.Contains(err.Error(), "layers.json") {
			t.Fatalf("error names no file: %v", err)
		}
	})
}
