package tiles

import (
	"bytes"
	"crypto/tls"
	"encoding/json"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

func tileJSONSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	f, err := os.Open("testdata/tilejson/schema-3.0.0.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("tilejson.json", doc); err != nil {
		t.Fatal(err)
	}
	return c.MustCompile("tilejson.json")
}

func validateJSON(t *testing.T, sch *jsonschema.Schema, data []byte) error {
	t.Helper()
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	return sch.Validate(v)
}

func sampleTileJSON() *TileJSON {
	tj := NewTileJSON("https://maps.example.org/tiles/plan/{z}/{x}/{y}.mvt", 16,
		VectorLayer{ID: "metro", Fields: map[string]string{"name_zh": "中文名", "status": "existing, planned, …"}, MinZoom: 8, MaxZoom: 16},
		VectorLayer{ID: "districts", MaxZoom: 16}, // no fields: must marshal as {}
	)
	tj.Name = "武汉规划"
	tj.Version = "1.2.0"
	tj.Attribution = "© planmap"
	tj.Bounds = [4]float64{113.68, 29.97, 115.08, 31.37}
	tj.Center = [3]float64{114.3, 30.6, 10}
	return tj
}

func TestTileJSONValidatesAgainstSchema(t *testing.T) {
	sch := tileJSONSchema(t)
	tj := sampleTileJSON()
	if err := tj.Validate(); err != nil {
		t.Fatal(err)
	}
	data, err := json.Marshal(tj)
	if err != nil {
		t.Fatal(err)
	}
	if err := validateJSON(t, sch, data); err != nil {
		t.Fatalf("schema: %v\n%s", err, data)
	}
	var m map[string]any
	_ = json.Unmarshal(data, &m)
	for _, k := range []string{"tilejson", "tiles", "vector_layers", "minzoom", "maxzoom", "bounds", "center", "scheme", "name", "version"} {
		if _, ok := m[k]; !ok {
			t.Errorf("missing key %q in %s", k, data)
		}
	}
	if m["tilejson"] != "3.0.0" || m["scheme"] != "xyz" {
		t.Errorf("tilejson %v scheme %v", m["tilejson"], m["scheme"])
	}
	layers := m["vector_layers"].([]any)
	if f, ok := layers[1].(map[string]any)["fields"].(map[string]any); !ok || len(f) != 0 {
		t.Errorf("nil fields must marshal as {}: %s", data)
	}
	if layers[1].(map[string]any)["id"] != "districts" {
		t.Error("layer id")
	}
	// A zero TileJSON still marshals arrays, not null, and omits the zero
	// bounds and center (meaning the defaults) instead of claiming [0,0,0,0].
	data, _ = json.Marshal(TileJSON{TileJSON: TileJSONVersion})
	if !bytes.Contains(data, []byte(`"tiles":[]`)) || !bytes.Contains(data, []byte(`"vector_layers":[]`)) || bytes.Contains(data, []byte("bounds")) || bytes.Contains(data, []byte("center")) {
		t.Errorf("zero document: %s", data)
	}
	// The validator bites: without vector_layers the document is invalid.
	delete(m, "vector_layers")
	data, _ = json.Marshal(m)
	if validateJSON(t, sch, data) == nil {
		t.Error("schema accepted a document without vector_layers")
	}
}

func TestTileJSONValidate(t *testing.T) {
	cases := map[string]func(*TileJSON){
		"relative tile URL":   func(tj *TileJSON) { tj.Tiles = []string{"/tiles/plan/{z}/{x}/{y}.mvt"} },
		"no {y}":              func(tj *TileJSON) { tj.Tiles = []string{"https://h/{z}/{x}.mvt"} },
		"no tiles":            func(tj *TileJSON) { tj.Tiles = nil },
		"minzoom > maxzoom":   func(tj *TileJSON) { tj.MinZoom = 17 },
		"maxzoom > 30":        func(tj *TileJSON) { tj.MaxZoom = 31 },
		"layer zooms":         func(tj *TileJSON) { tj.VectorLayers[0].MinZoom = -1 },
		"duplicate layer":     func(tj *TileJSON) { tj.VectorLayers[1].ID = "metro" },
		"empty layer id":      func(tj *TileJSON) { tj.VectorLayers[1].ID = "" },
		"no layers":           func(tj *TileJSON) { tj.VectorLayers = nil },
		"bounds swapped":      func(tj *TileJSON) { tj.Bounds = [4]float64{115, 30, 113, 31} },
		"center outside":      func(tj *TileJSON) { tj.Center = [3]float64{120, 30.6, 10} },
		"center zoom":         func(tj *TileJSON) { tj.Center[2] = 20 },
		"bad version":         func(tj *TileJSON) { tj.Version = "v1" },
		"wrong tilejson":      func(tj *TileJSON) { tj.TileJSON = "2.2.0" },
		"scheme":              func(tj *TileJSON) { tj.Scheme = "wmts" },
		"latitude beyond 90°": func(tj *TileJSON) { tj.Bounds[3] = 91 },
	}
	for name, mutate := range cases {
		tj := sampleTileJSON()
		mutate(tj)
		if err := tj.Validate(); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestBaseURL(t *testing.T) {
	cases := []struct {
		name    string
		host    string
		tls     bool
		headers map[string]string
		want    string
	}{
		{"plain", "localhost:8080", false, nil, "http://localhost:8080"},
		{"tls", "maps.example.org", true, nil, "https://maps.example.org"},
		{"x-forwarded", "10.0.0.5:8080", false, map[string]string{"X-Forwarded-Proto": "https", "X-Forwarded-Host": "maps.example.org"}, "https://maps.example.org"},
		{"x-forwarded lists", "internal", false, map[string]string{"X-Forwarded-Proto": "https, http", "X-Forwarded-Host": "a.example.org, b.internal"}, "https://a.example.org"},
		{"prefix", "h", false, map[string]string{"X-Forwarded-Prefix": "/planmap/"}, "http://h/planmap"},
		{"forwarded", "internal", false, map[string]string{"Forwarded": `for=192.0.2.60;proto=https;host=maps.example.org`}, "https://maps.example.org"},
		{"forwarded quoted, case", "internal", false, map[string]string{"Forwarded": `Proto=HTTPS; Host="maps.example.org:8443", for=10.0.0.1;host=evil`}, "https://maps.example.org:8443"},
		{"forwarded ipv6", "internal", false, map[string]string{"Forwarded": `host="[2001:db8::1]:80";proto=http`}, "http://[2001:db8::1]:80"},
		{"forwarded wins over x-", "internal", false, map[string]string{"Forwarded": "host=a.example.org", "X-Forwarded-Host": "b.example.org", "X-Forwarded-Proto": "https"}, "https://a.example.org"},
		{"forwarded proto only", "h:1", false, map[string]string{"Forwarded": "proto=https"}, "https://h:1"},
		// hostile values fall back
		{"host with space", "h", false, map[string]string{"X-Forwarded-Host": "evil.com x"}, "http://h"},
		{"host with quote", "h", false, map[string]string{"X-Forwarded-Host": `evil.com"><script>`}, "http://h"},
		{"host with slash", "h", false, map[string]string{"X-Forwarded-Host": "evil.com/path"}, "http://h"},
		{"host with at", "h", false, map[string]string{"X-Forwarded-Host": "user@evil.com"}, "http://h"},
		{"host with newline", "h", false, map[string]string{"X-Forwarded-Host": "evil.com\nSet-Cookie: x"}, "http://h"},
		{"proto javascript", "h", false, map[string]string{"X-Forwarded-Proto": "javascript"}, "http://h"},
		{"forwarded quote inside", "h", false, map[string]string{"Forwarded": `host="evil.com\"x"`}, "http://h"},
		{"forwarded space inside", "h", false, map[string]string{"Forwarded": `host="evil.com x"`}, "http://h"},
		{"forwarded unterminated", "h", false, map[string]string{"Forwarded": `host="evil.com`}, "http://h"},
		{"forwarded garbage", "h", false, map[string]string{"Forwarded": `garbage`}, "http://h"},
		{"forwarded bad proto", "h", true, map[string]string{"Forwarded": `proto=ftp;host=a.example.org`}, "https://h"},
		{"prefix with space", "h", false, map[string]string{"X-Forwarded-Prefix": "/a b"}, "http://h"},
		{"prefix with quote", "h", false, map[string]string{"X-Forwarded-Prefix": `/a"`}, "http://h"},
		{"prefix relative", "h", false, map[string]string{"X-Forwarded-Prefix": "a"}, "http://h"},
		{"prefix dot-dot", "h", false, map[string]string{"X-Forwarded-Prefix": "/a/../b"}, "http://h"},
		{"prefix scheme-relative", "h", false, map[string]string{"X-Forwarded-Prefix": "//evil.com"}, "http://h"},
		{"prefix newline", "h", false, map[string]string{"X-Forwarded-Prefix": "/a\r\nb"}, "http://h"},
		{"bad r.Host", `a"b`, false, nil, "http://localhost"},
	}
	for _, c := range cases {
		r := httptest.NewRequest("GET", "/tiles/plan.json", nil)
		r.Host = c.host
		if c.tls {
			r.TLS = &tls.ConnectionState{}
		} else {
			r.TLS = nil
		}
		for k, v := range c.headers {
			r.Header[k] = []string{v} // bypass canonical checks: hostile values on purpose
		}
		if got := BaseURL(r); got != c.want {
			t.Errorf("%s: BaseURL = %q, want %q", c.name, got, c.want)
		}
		if got := BaseURL(r); strings.ContainsAny(got, " \"'<>\r\n\\") {
			t.Errorf("%s: unsafe %q", c.name, got)
		}
	}
}
