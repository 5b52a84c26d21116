package cql2

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"planmap/geo"
)

// TestExamples parses every example of the standard in both encodings and
// checks that text and JSON of the same name give the same tree (an
// "-alt01" text is another spelling of the example without it).
func TestExamples(t *testing.T) {
	texts, _ := filepath.Glob("testdata/examples/text/*.txt")
	if len(texts) < 100 {
		t.Fatalf("only %d text examples", len(texts))
	}
	for _, path := range texts {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		te, err := ParseText(string(b))
		if err != nil {
			t.Errorf("%s: %v\n%s", path, err, b)
			continue
		}
		name := strings.TrimSuffix(strings.TrimSuffix(filepath.Base(path), ".txt"), "-alt01")
		j, err := os.ReadFile(filepath.Join("testdata/examples/json", name+".json"))
		if err != nil {
			t.Errorf("%s: no JSON example", name)
			continue
		}
		je, err := ParseJSON(string(j))
		if err != nil {
			t.Errorf("%s.json: %v", name, err)
			continue
		}
		if !reflect.DeepEqual(te, je) {
			t.Errorf("%s: text and JSON differ:\n%s\n%s\n%s", path, b, dump(te), dump(je))
		}
	}
}

func dump(e *geo.Expr) string {
	b, _ := json.Marshal(e)
	return string(b)
}

// TestErrors: a malformed filter is an error that says where and why.
func TestErrors(t *testing.T) {
	for s, want := range map[string]string{
		"name = ":                       "ends where a value",
		"name = 'x":                     "not closed",
		"name == 'x'":                   "at byte 6",
		"name 'x'":                      "at byte 0 (\"name 'x'\"): expected a predicate",
		"x = 1 'x'":                     "expected AND, OR or the end",
		"DATE('2020-13-01') = x":        "not a date",
		"TIMESTAMP('2020-01-01') = x":   "not a UTC time",
		"S_INTERSECTS(geom, BBOX(1,2))": "4 or 6 numbers",
		"name":                          "expected a predicate",
		"x = 1 AND":                     "ends where",
		"(x = 1":                        "expected )",
		"S_INTERSECTS(geom)":            "takes 2",
		"POLYGON((0 0, 1 1)) = x":       "at least 4 points",
		"x = 1 # 2":                     "unexpected character",
		strings.Repeat("(", 100) + "x=1" + strings.Repeat(")", 100): "deeper than",
	} {
		_, err := ParseText(s)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: %v, want %q", s, err, want)
		}
	}
	for s, want := range map[string]string{
		`{"op": "=", "args": [{"property": "x"}]}`:                                                      "takes 2",
		`{"op": "=", "args": [{"property": 1}, 2]}`:                                                     "property must name",
		`{"op": "and", "args": [true, {"foo": 1}]}`:                                                     "at and.args[1]",
		`{"op": "=", "args": [{"date": "2020-1-1"}, 1]}`:                                                "not a date",
		`{"op": "s_intersects", "args": [{"property": "geom"}, {"type": "Point", "coordinates": "x"}]}`: "GeoJSON",
		`[1] [2]`: "more than one",
		`{`:       "not JSON",
	} {
		_, err := ParseJSON(s)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want %q", s, err, want)
		}
	}
}

// TestJSONRoundTrip: every example written back as CQL2 JSON reads as itself.
func TestJSONRoundTrip(t *testing.T) {
	texts, _ := filepath.Glob("testdata/examples/text/*.txt")
	for _, path := range texts {
		b, _ := os.ReadFile(path)
		e, err := ParseText(string(b))
		if err != nil {
			t.Fatal(err)
		}
		j, err := JSON(e)
		if err != nil {
			t.Fatal(err)
		}
		back, err := ParseJSON(string(j))
		if err != nil || !reflect.DeepEqual(e, back) {
			t.Errorf("%s: %v\n%s\n%s", path, err, dump(e), dump(back))
		}
	}
}
