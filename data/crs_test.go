package data_test

import (
	"encoding/json"
	"math"
	"testing"
	"testing/fstest"

	"github.com/paulmach/orb"

	"planmap/data"
	"planmap/geo"
)

// TestSourceCRS reads a dataset published in GCJ-02 and wants WGS84 back.
func TestSourceCRS(t *testing.T) {
	wgs := orb.Point{114.3055, 30.5928} // 武汉长江大桥 area
	gcj := geo.WGS84ToGCJ02(wgs)
	fc := map[string]any{"type": "FeatureCollection", "features": []any{map[string]any{
		"type": "Feature", "id": "bridge", "geometry": map[string]any{"type": "Point", "coordinates": []float64{gcj[0], gcj[1]}},
		"properties": map[string]any{"name_zh": "桥", "name_en": "Bridge", "kind": "bridge", "status": "existing",
			"accuracy": "surveyed", "source": "test"}}}}
	layer, _ := json.Marshal(fc)
	fsys := fstest.MapFS{
		"layers.json":            {Data: []byte(`[{"id":"bridges","title_zh":"桥","title_en":"Bridges","theme":"transport","geometry_type":"Point","order":1}]`)},
		"layers/bridges.geojson": {Data: layer},
	}
	ds, err := data.Load(fsys, data.SourceCRS("gcj02"))
	if err != nil {
		t.Fatal(err)
	}
	got := ds.Features[0].Geometry.(orb.Point)
	if math.Abs(got[0]-wgs[0]) > 1e-7 || math.Abs(got[1]-wgs[1]) > 1e-7 {
		t.Errorf("read %v, want %v", got, wgs)
	}
	plain, _ := data.Load(fsys)
	if p := plain.Features[0].Geometry.(orb.Point); geo.GeodesicDistance(p, wgs) < 300 {
		t.Errorf("without conversion the point is only %.0f m off; GCJ-02 should be ~500 m off", geo.GeodesicDistance(p, wgs))
	}
	if _, err := data.Load(fsys, data.SourceCRS("bd09")); err == nil {
		t.Error("an unknown CRS was accepted")
	}
}
