package geo

import (
	"encoding/json"
	"fmt"
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

// FromGeoJSON reads a feature of the given layer from a GeoJSON feature.
func FromGeoJSON(layer string, gf *geojson.Feature) (Feature, error) {
	f := Feature{Layer: layer, Geometry: gf.Geometry, Extra: map[string]any{}}
	switch id := gf.ID.(type) {
	case string:
		f.ID = id
	case nil:
		f.ID, _ = gf.Properties["id"].(string)
	default:
		return f, fmt.Errorf("feature id %v is not a string", id)
	}
	for k, v := range gf.Properties {
		if !common[k] {
			f.Extra[k] = v
		}
	}
	p := gf.Properties
	f.NameZH, _ = p["name_zh"].(string)
	f.NameEN, _ = p["name_en"].(string)
	f.Kind, _ = p["kind"].(string)
	f.Status, _ = p["status"].(string)
	f.PlanSection, _ = p["plan_section"].(string)
	f.PlanQuote, _ = p["plan_quote"].(string)
	f.District, _ = p["district"].(string)
	f.Accuracy, _ = p["accuracy"].(string)
	f.Source, _ = p["source"].(string)
	if n, ok := p["plan_line"].(float64); ok {
		f.PlanLine = int(n)
	}
	if s, ok := p["updated"].(string); ok {
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			return f, fmt.Errorf("feature %q: updated %q is not an RFC 3339 time", f.ID, s)
		}
		f.Updated = t
	}
	if t, ok := p["targets"]; ok && t != nil {
		b, _ := json.Marshal(t)
		if err := json.Unmarshal(b, &f.Targets); err != nil {
			return f, fmt.Errorf("feature %q: targets: %v", f.ID, err)
		}
	}
	if len(f.Extra) == 0 {
		f.Extra = nil
	}
	return f, nil
}
