package web_test

import (
	"encoding/json"
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"planmap/geo/storetest"
)

// TestSchema fetches each collection's JSON Schema by its describedby link
// and checks that it is one, of the fixture's properties.
func TestSchema(t *testing.T) {
	srv := fixtureServer(t)
	for _, c := range collectionIDs(t, srv.URL) {
		_, _, coll := fetch(t, srv.URL+"/ogc/collections/"+c)
		ls := links(coll)
		for _, rel := range []string{"describedby", "describedBy"} {
			if ls[rel] == nil || ls[rel]["type"] != "application/schema+json" || ls[rel]["href"] != srv.URL+"/ogc/collections/"+c+"/schema" {
				t.Errorf("%s: %s link %v", c, rel, ls[rel])
			}
		}
		code, h, sch := fetch(t, ls["describedby"]["href"].(string))
		if code != 200 || h.Get("Content-Type") != "application/schema+json" {
			t.Fatalf("%s schema: %d %s", c, code, h.Get("Content-Type"))
		}
		if err := compileSchema(sch); err != nil {
			t.Errorf("%s: not a JSON Schema: %v", c, err)
		}
		props := serve(t, srv.URL, c).schema
		for name, typ := range storetest.ExtraTypes[c] {
			want := typ
			if typ == "array" || typ == "object" {
				want = "string" // served as JSON text
			}
			if props[name]["type"] != want {
				t.Errorf("%s: %s is %v, want %s", c, name, props[name], want)
			}
		}
		if props["plan_line"]["type"] != "integer" || props["updated"]["format"] != "date-time" {
			t.Errorf("%s: plan_line %v, updated %v", c, props["plan_line"], props["updated"])
		}
	}
	code, _, v := fetch(t, srv.URL+"/ogc/collections/nope/schema")
	if code != 404 || v["code"] == nil || !strings.Contains(v["description"].(string), "nope") {
		t.Errorf("unknown collection: %d %v", code, v)
	}
}

// compileSchema checks a schema against its meta-schema (draft 2020-12).
func compileSchema(sch map[string]any) error {
	doc, err := jsonschema.UnmarshalJSON(strings.NewReader(mustJSON(sch)))
	if err != nil {
		return err
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("schema.json", doc); err != nil {
		return err
	}
	_, err = c.Compile("schema.json")
	return err
}

// TestEveryPropertyServed: every feature carries every property of its
// collection's schema, null or of the schema's type, in items and alone, so
// that a client sees the whole schema on the first page.
func TestEveryPropertyServed(t *testing.T) {
	srv := fixtureServer(t)
	for _, c := range collectionIDs(t, srv.URL) {
		s := serve(t, srv.URL, c)
		for i, props := range s.props {
			_, _, one := fetch(t, srv.URL+"/ogc/collections/"+c+"/items/"+s.ids[i])
			if !reflect.DeepEqual(one["properties"], props) {
				t.Errorf("%s/%s alone: %v\nin items: %v", c, s.ids[i], one["properties"], props)
			}
			if len(props) != len(s.schema) {
				t.Errorf("%s/%s has %d properties, the schema %d", c, s.ids[i], len(props), len(s.schema))
			}
			for name, sch := range s.schema {
				v, ok := props[name]
				if !ok || !ofType(v, sch) {
					t.Errorf("%s/%s: %s = %#v (present: %v), schema %v", c, s.ids[i], name, v, ok, sch)
				}
			}
		}
	}
	// Targets are JSON text, null when there are none.
	_, _, f := fetch(t, srv.URL+"/ogc/collections/areas/items/guanggu-area")
	var targets []map[string]any
	text, _ := f["properties"].(map[string]any)["targets"].(string)
	if err := json.Unmarshal([]byte(text), &targets); err != nil || len(targets) != 2 || targets[0]["text"] != "1.5万亿元" ||
		targets[1]["comparator"] != "≥" {
		t.Errorf("guanggu-area targets %q: %v", text, err)
	}
	_, _, f = fetch(t, srv.URL+"/ogc/collections/areas/items/donut-lake")
	if v := f["properties"].(map[string]any)["targets"]; v != nil {
		t.Errorf("donut-lake has no targets, served %#v", v)
	}
}

// ofType reports whether a served value is null or of its schema's type.
func ofType(v any, schema map[string]any) bool {
	if v == nil {
		return true
	}
	switch schema["type"] {
	case "integer":
		n, ok := v.(float64)
		return ok && n == math.Trunc(n)
	case "number":
		_, ok := v.(float64)
		return ok
	case "boolean":
		_, ok := v.(bool)
		return ok
	case "string":
		s, ok := v.(string)
		if content, _ := schema["contentSchema"].(map[string]any); ok && content != nil {
			var decoded any
			if json.Unmarshal([]byte(s), &decoded) != nil {
				return false
			}
			_, isArray := decoded.([]any)
			_, isObject := decoded.(map[string]any)
			return (content["type"] == "array" && isArray) || (content["type"] == "object" && isObject)
		}
		return ok
	}
	return false // type null: never a value
}
