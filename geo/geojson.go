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
	p := make(map[string]any, len(f.Extra)+len(commonSchema))
	for k, v := range f.Extra {
		p[k] = v
	}
	for _, c := range commonSchema {
		if v, ok := f.commonValue(c.Name); ok {
			p[c.Name] = v
		}
	}
	return p
}

// commonValue is the value of a property of commonSchema as Properties
// holds it; false when the feature leaves it out (updated, when unknown).
func (f Feature) commonValue(name string) (any, bool) {
	switch name {
	case "layer":
		return f.Layer, true
	case "name_zh": // a place OSM names in one language only has no name in the other
		return nullable(f.NameZH), true
	case "name_en":
		return nullable(f.NameEN), true
	case "kind":
		return f.Kind, true
	case "status":
		return f.Status, true
	case "accuracy":
		return f.Accuracy, true
	case "source":
		return f.Source, true
	case "district":
		return nullable(f.District), true
	case "plan_section":
		return nullable(f.PlanSection), true
	case "plan_quote":
		return nullable(f.PlanQuote), true
	case "plan_line":
		if f.PlanLine > 0 {
			return f.PlanLine, true
		}
		return nil, true
	case "targets":
		if f.Targets != nil {
			return f.Targets, true
		}
		return []Target{}, true
	case "updated":
		if f.Updated.IsZero() {
			return nil, false
		}
		return f.Updated.UTC().Format(time.RFC3339), true
	}
	return nil, false
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
