package geo

import (
	"math"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"
)

// targetsJSON must write what encoding/json writes (jsonText) for any
// targets: awkward text, every float range, empty and set fields.
func TestTargetsJSONMatchesEncodingJSON(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	texts := []string{"", "容量", `quo"te`, `back\slash`, "<b>&amp;</b>", "line\nbreak\r\t\b\f", "\x00\x1f\x7f",
		"\u2028\u2029", "bad \xff utf-8", "m³/s", "emoji 🗺️"}
	floats := []float64{0, 83, -1.5, 1e-7, 2e21, 123456789.125, math.NaN(), math.Inf(1), 1e-6, 0.1}
	pick := func() string { return texts[rng.IntN(len(texts))] }
	for i := range 3000 {
		ts := make([]Target, rng.IntN(4))
		for j := range ts {
			ts[j] = Target{Metric: pick(), MetricEN: pick(), Comparator: pick(), Unit: pick(), Text: pick(), Quote: pick(),
				Year: rng.IntN(3) * 2035, PlanLine: rng.IntN(2) * rng.IntN(5000)}
			if rng.IntN(3) > 0 {
				v := floats[rng.IntN(len(floats))]
				ts[j].Value = &v
			}
		}
		if got, want := targetsJSON(ts), jsonText(ts); got != want {
			t.Fatalf("case %d:\n got %s\nwant %s", i, got, want)
		}
	}
}

// ServedProperties, now built value by value (ServedValue), must serve what
// it served when it post-processed Properties: the rule below, kept as it was.
func TestServedPropertiesRule(t *testing.T) {
	rule := func(f Feature, schema []Property) map[string]any {
		p := f.Properties()
		for k, v := range p {
			switch v.(type) {
			case nil, string, bool, float64, int:
			default:
				p[k] = served(v)
			}
		}
		for _, prop := range schema {
			v, ok := p[prop.Name]
			switch {
			case !ok:
				p[prop.Name] = nil
			case prop.Type == TypeString && v != nil:
				if _, isString := v.(string); !isString {
					p[prop.Name] = jsonText(v)
				}
			}
		}
		return p
	}
	rng := rand.New(rand.NewPCG(9, 10))
	values := []any{nil, "", "text", true, 1.5, 3.0, []any{"a", 1.0}, map[string]any{"k": "v"}, []any{}, map[string]any{}}
	keys := []string{"id", "kind", "updated", "layer", "targets", "plan_line", "color", "tags"}
	for i := range 2000 {
		v := 2.5
		f := Feature{ID: "f", Layer: "l", NameZH: []string{"", "名"}[rng.IntN(2)], Kind: "k", PlanLine: rng.IntN(2) * 7}
		if rng.IntN(2) == 0 {
			f.Targets = []Target{{Metric: "m", Value: &v}}
		}
		if rng.IntN(2) == 0 {
			f.Updated = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
		}
		f.Extra = map[string]any{}
		types := PropertyTypes{}
		for range rng.IntN(4) {
			k, x := keys[rng.IntN(len(keys))], values[rng.IntN(len(values))]
			f.Extra[k] = x
			types.Add(k, ValueType(x))
		}
		schema := NewSchema(types)
		if rng.IntN(3) == 0 {
			schema = append(schema, Property{Name: keys[rng.IntN(len(keys))], Type: []string{TypeString, TypeNumber}[rng.IntN(2)]})
		}
		if got, want := f.ServedProperties(schema), rule(f, schema); !reflect.DeepEqual(got, want) {
			t.Fatalf("case %d: %+v\n got %#v\nwant %#v", i, f, got, want)
		}
	}
}
