package geo

import (
	"time"

	"github.com/paulmach/orb/geojson"
)

// common lists the property names a Feature holds in its own fields.
var common = map[string]bool{
	"name_zh": true, "name_en": true, "kind": true, "status": true, "plan_section": true,
	"plan_line": true, "plan_quote": true, "targets": true, "district": true,
	"accuracy": true, "source": true, "updated": true, "layer": true, "id": true,
}

// Properties returns the feature's properties as a GeoJSON properties object.
func (f Feature) Properties() map[string]any {
	p := make(map[string]any, len(f.Extra)+12)
	for k, v := range f.Extra {
		p[k] = v
	}
	p["layer"] = f.Layer
	p["name_zh"] = nullable(f.NameZH) // a place OSM names in one language only has no name in the other
	p["name_en"] = nullable(f.NameEN)
	p["kind"] = f.Kind
	p["status"] = f.Status
	p["accuracy"] = f.Accuracy
	p["source"] = f.Source
	p["district"] = nullable(f.District)
	p["plan_section"] = nullable(f.PlanSection)
	p["plan_quote"] = nullable(f.PlanQuote)
	if f.PlanLine > 0 {
		p["plan_line"] = f.PlanLine
	} else {
		p["plan_line"] = nil
	}
	if f.Targets != nil {
		p["targets"] = f.Targets
	} else {
		p["targets"] = []Target{}
	}
	if !f.Updated.IsZero() {
		p["updated"] = f.Updated.UTC().Format(time.RFC3339)
	}
	return p
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// GeoJSON returns the feature as a GeoJSON feature with a string id.
func (f Feature) GeoJSON() *geojson.Feature {
	gf := &geojson.Feature{Type: "Feature", ID: f.ID, Geometry: f.Geometry, Properties: f.Properties()}
	return gf
}
