package data

import (
	"bufio"
	"bytes"
	"fmt"
	json "github.com/goccy/go-json"
	"io/fs"
	"time"

	"github.com/paulmach/orb"

	"planmap/geo"
)

// wireFeature is a GeoJSON feature as it arrives, before its properties are typed.
type wireFeature struct {
	Type       string          `json:"type"`
	ID         any             `json:"id"`
	Geometry   *wireGeometry   `json:"geometry"`
	Properties json.RawMessage `json:"properties"`
}

// wireGeometry decodes coordinates straight into orb's types.
type wireGeometry struct {
	Type        string          `json:"type"`
	Coordinates json.RawMessage `json:"coordinates"`
}

func (g *wireGeometry) geometry() (orb.Geometry, error) {
	var err error
	var out orb.Geometry
	switch g.Type {
	case "Point":
		var p orb.Point
		err, out = json.Unmarshal(g.Coordinates, &p), p
	case "MultiPoint":
		var p orb.MultiPoint
		err, out = json.Unmarshal(g.Coordinates, &p), p
	case "LineString":
		var l orb.LineString
		err, out = json.Unmarshal(g.Coordinates, &l), l
	case "MultiLineString":
		var l orb.MultiLineString
		err, out = json.Unmarshal(g.Coordinates, &l), l
	case "Polygon":
		var p orb.Polygon
		err, out = json.Unmarshal(g.Coordinates, &p), p
	case "MultiPolygon":
		var p orb.MultiPolygon
		err, out = json.Unmarshal(g.Coordinates, &p), p
	default:
		return nil, fmt.Errorf("unsupported geometry type %q", g.Type)
	}
	if err != nil {
		return nil, fmt.Errorf("%s coordinates: %v", g.Type, err)
	}
	return out, nil
}

// wireProps holds the common properties; most features have no others, and
// decoding into a struct is several times faster than into a map.
type wireProps struct {
	NameZH      string       `json:"name_zh"`
	NameEN      string       `json:"name_en"`
	Kind        string       `json:"kind"`
	Status      string       `json:"status"`
	PlanSection string       `json:"plan_section"`
	PlanLine    int          `json:"plan_line"`
	PlanQuote   string       `json:"plan_quote"`
	Targets     []geo.Target `json:"targets"`
	District    string       `json:"district"`
	Accuracy    string       `json:"accuracy"`
	Source      string       `json:"source"`
	Updated     string       `json:"updated"`
	Layer       string       `json:"layer"`
	ID          string       `json:"id"`
}

// eachFeature streams the features of one GeoJSON FeatureCollection file, so a
// layer of half a million features never sits in memory as one document.
func eachFeature(fsys fs.FS, file, layer string, fn func(geo.Feature)) []geo.Problem {
	f, err := fsys.Open(file)
	if err != nil {
		return []geo.Problem{{File: file, Msg: "cannot read: " + err.Error()}}
	}
	defer f.Close()
	text := &utf8Reader{r: f}
	br := bufio.NewReaderSize(text, 1<<20)
	bad := func(msg string) []geo.Problem { return []geo.Problem{{File: file, Msg: msg}} }
	if b, _ := br.Peek(len(bom)); bytes.Equal(b, bom) {
		return bad(bomProblem)
	}
	dec := json.NewDecoder(br)
	if err := seekFeatures(dec); err != nil {
		if text.bad != nil {
			return bad(text.bad.Error())
		}
		return bad("not a GeoJSON FeatureCollection: " + err.Error())
	}
	var probs []geo.Problem
	for i := 0; dec.More(); i++ {
		var w wireFeature
		if err := dec.Decode(&w); err != nil {
			if text.bad != nil {
				return append(probs, geo.Problem{File: file, Msg: text.bad.Error()})
			}
			return append(probs, geo.Problem{File: file, Feature: fmt.Sprint("#", i), Msg: "not valid JSON: " + err.Error()})
		}
		feat, err := w.feature(layer)
		if err != nil {
			name := feat.ID
			if name == "" {
				name = fmt.Sprint("#", i)
			}
			probs = append(probs, geo.Problem{File: file, Feature: name, Msg: err.Error()})
			continue
		}
		feat.Geometry = clean(feat.Geometry)
		fn(feat)
	}
	if text.bad != nil { // a decoder that took the error for the end
		probs = append(probs, geo.Problem{File: file, Msg: text.bad.Error()})
	}
	return probs
}

// seekFeatures moves the decoder to the first element of the "features" array.
func seekFeatures(dec *json.Decoder) error {
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return fmt.Errorf("expected a JSON object")
	}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return err
		}
		if t == "features" {
			if t, err := dec.Token(); err != nil || t != json.Delim('[') {
				return fmt.Errorf(`"features" is not an array`)
			}
			return nil
		}
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			return err
		}
	}
	return fmt.Errorf(`no "features" member`)
}

// feature types a wire feature's id, geometry and properties.
func (w *wireFeature) feature(layer string) (geo.Feature, error) {
	f := geo.Feature{Layer: layer}
	switch id := w.ID.(type) {
	case string:
		f.ID = id
	default:
		return f, fmt.Errorf("feature id %v is not a string", id)
	}
	if w.Type != "Feature" {
		return f, fmt.Errorf(`type is %q, not "Feature"`, w.Type)
	}
	if w.Geometry != nil {
		g, err := w.Geometry.geometry()
		if err != nil {
			return f, fmt.Errorf("geometry: %v", err)
		}
		f.Geometry = g
	}
	var p wireProps
	strict := json.NewDecoder(bytes.NewReader(w.Properties))
	strict.DisallowUnknownFields()
	if err := strict.Decode(&p); err == nil {
		return f, p.fill(&f)
	}
	var props map[string]json.RawMessage
	if err := json.Unmarshal(w.Properties, &props); err != nil {
		return f, fmt.Errorf("properties: %v", err)
	}
	for k, raw := range props {
		if err := setProperty(&f, k, raw); err != nil {
			return f, fmt.Errorf("property %s: %v", k, err)
		}
	}
	return f, nil
}

// fill copies the common properties into a feature.
func (p *wireProps) fill(f *geo.Feature) error {
	f.NameZH, f.NameEN, f.Kind, f.Status = p.NameZH, p.NameEN, p.Kind, p.Status
	f.PlanSection, f.PlanLine, f.PlanQuote, f.Targets = p.PlanSection, p.PlanLine, p.PlanQuote, p.Targets
	f.District, f.Accuracy, f.Source = p.District, p.Accuracy, p.Source
	if p.Updated != "" {
		t, err := time.Parse(time.RFC3339, p.Updated)
		if err != nil {
			return fmt.Errorf("property updated: %q is not an RFC 3339 time", p.Updated)
		}
		f.Updated = t
	}
	return nil
}

// setProperty puts one property in its typed field, or in Extra.
func setProperty(f *geo.Feature, key string, raw json.RawMessage) error {
	if string(raw) == "null" {
		return nil
	}
	if p := stringField(f, key); p != nil {
		return json.Unmarshal(raw, p)
	}
	switch key {
	case "plan_line":
		return json.Unmarshal(raw, &f.PlanLine)
	case "targets":
		return json.Unmarshal(raw, &f.Targets)
	case "updated":
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return err
		}
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			return fmt.Errorf("%q is not an RFC 3339 time", s)
		}
		f.Updated = t
		return nil
	case "layer", "id":
		return nil // implied by the file and the feature
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return err
	}
	if f.Extra == nil {
		f.Extra = map[string]any{}
	}
	f.Extra[key] = v
	return nil
}

func stringField(f *geo.Feature, key string) *string {
	switch key {
	case "name_zh":
		return &f.NameZH
	case "name_en":
		return &f.NameEN
	case "kind":
		return &f.Kind
	case "status":
		return &f.Status
	case "plan_section":
		return &f.PlanSection
	case "plan_quote":
		return &f.PlanQuote
	case "district":
		return &f.District
	case "accuracy":
		return &f.Accuracy
	case "source":
		return &f.Source
	}
	return nil
}

// ParseFeature reads one GeoJSON Feature of a layer as a dataset file's
// features are read (an edit through the API is read as a load reads).
func ParseFeature(b []byte, layer string) (geo.Feature, error) {
	var w wireFeature
	if err := json.Unmarshal(b, &w); err != nil {
		return geo.Feature{}, fmt.Errorf("not a GeoJSON Feature: %v", err)
	}
	f, err := w.feature(layer)
	if err == nil {
		f.Geometry = clean(f.Geometry)
	}
	return f, err
}
