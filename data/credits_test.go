package data_test

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"

	"planmap/data"
	"planmap/geo"
)

// creditsDataset is a one-layer dataset whose layer carries the given
// "license" and "attribution" members (raw JSON, "" to leave one out).
func creditsDataset(license, attribution string) fstest.MapFS {
	extra := ""
	if license != "" {
		extra += `,"license":` + license
	}
	if attribution != "" {
		extra += `,"attribution":` + attribution
	}
	return fstest.MapFS{
		"layers.json": {Data: []byte(`[{"id":"ports","title_zh":"港口","title_en":"Ports","theme":"transport",` +
			`"geometry_type":"Point","order":1` + extra + `}]`)},
		"layers/ports.geojson": {Data: []byte(`{"type":"FeatureCollection","features":[]}`)},
	}
}

const odbl = `{"id":"ODbL-1.0","title":"Open Database License 1.0","url":"https://opendatacommons.org/licenses/odbl/1-0/"}`

func TestCreditsRead(t *testing.T) {
	ds, err := data.Load(creditsDataset(odbl, `["© OpenStreetMap contributors","Wikidata (CC0)"]`))
	if err != nil {
		t.Fatal(err)
	}
	l := ds.Layers[0]
	want := &geo.License{ID: "ODbL-1.0", Title: "Open Database License 1.0", URL: "https://opendatacommons.org/licenses/odbl/1-0/"}
	if !geo.SameLicense(l.License, want) || !reflect.DeepEqual(l.Attribution, []string{"© OpenStreetMap contributors", "Wikidata (CC0)"}) {
		t.Errorf("read %+v %q", l.License, l.Attribution)
	}
	// Both are optional: a dataset from before them still loads, with neither.
	for _, none := range [][2]string{{"", ""}, {"null", "[]"}, {"", "null"}} {
		ds, err := data.Load(creditsDataset(none[0], none[1]))
		if err != nil {
			t.Fatalf("license %q, attribution %q: %v", none[0], none[1], err)
		}
		if l := ds.Layers[0]; l.License != nil || l.Attribution != nil {
			t.Errorf("license %q, attribution %q: read %+v %#v, want none", none[0], none[1], l.License, l.Attribution)
		}
	}
}

func TestCreditsInvalid(t *testing.T) {
	lic := func(id, title, url string) string {
		return fmt.Sprintf(`{"id":%q,"title":%q,"url":%q}`, id, title, url)
	}
	const okURL = "https://opensource.org/license/mit"
	cases := []struct{ name, license, attribution, want string }{
		{"licence without id", lic("", "MIT License", okURL), "", "license id is empty"},
		{"licence without title", lic("MIT", " ", okURL), "", "license title is empty"},
		{"licence without url", lic("MIT", "MIT License", ""), "", "license url"},
		{"relative url", lic("MIT", "MIT License", "/licenses/mit"), "", "not an absolute http(s) URL"},
		{"url without host", lic("MIT", "MIT License", "https:///mit"), "", "not an absolute http(s) URL"},
		{"ftp url", lic("MIT", "MIT License", "ftp://example.org/mit"), "", "not an absolute http(s) URL"},
		{"script url", lic("MIT", "MIT License", "javascript:alert(1)"), "", "not an absolute http(s) URL"},
		{"url with a space", lic("MIT", "MIT License", "https://example.org/m it"), "", "not an absolute http(s) URL"},
		{"two-line title", lic("MIT", "MIT\nLicense", okURL), "", "license title"},
		{"empty licence", `{"title":""}`, "", "license id is empty"},
		{"empty credit", "", `["Wikidata (CC0)", ""]`, "attribution[1] is empty"},
		{"blank credit", "", `["  "]`, "attribution[0] is empty"},
		{"two-line credit", "", `["Wikidata\n(CC0)"]`, "attribution[0]"},
		{"line separator", "", `["Wikidata\u2028(CC0)"]`, "attribution[0]"},
		{"control character", "", `["Wikidata\u0007"]`, "attribution[0]"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := data.Load(creditsDataset(c.license, c.attribution))
			var inv *data.Invalid
			if !errors.As(err, &inv) {
				t.Fatalf("Load gave %v, want *Invalid", err)
			}
			msg := err.Error()
			if !strings.Contains(msg, "layers.json") || !strings.Contains(msg, `layer "ports"`) || !strings.Contains(msg, c.want) {
				t.Errorf("error should name layers.json, layer \"ports\" and %q:\n%s", c.want, msg)
			}
		})
	}
}
