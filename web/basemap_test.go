package web_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"planmap/geo/memstore"
	"planmap/geo/storetest"
	"planmap/web"
)

const testKey = "0123456789abcdef0123456789abcdef"

func env(vals map[string]string) func(string) string {
	return func(k string) string { return vals[k] }
}

func TestParseBasemap(t *testing.T) {
	withKey := env(map[string]string{web.TiandituKeyEnv: testKey})
	for _, spec := range []string{"", "none", "  "} {
		if b, err := web.ParseBasemap(spec, "", withKey); b != nil || err != nil {
			t.Errorf("%q: %+v, %v; want none", spec, b, err)
		}
	}

	b, err := web.ParseBasemap("tianditu-vec", "", withKey)
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Raster) != 2 || len(b.Raster[0]) != 8 {
		t.Fatalf("tianditu-vec: %d layers, want the map and its labels, each on t0–t7", len(b.Raster))
	}
	for i, want := range []string{"/vec_w/wmts?", "/cva_w/wmts?"} {
		u := b.Raster[i][3]
		for _, part := range []string{"https://t3.tianditu.gov.cn" + want, "TILEMATRIXSET=w", "TILEMATRIX={z}", "TILEROW={y}", "TILECOL={x}", "tk=" + testKey} {
			if !strings.Contains(u, part) {
				t.Errorf("tianditu-vec layer %d: %s lacks %s", i, u, part)
			}
		}
	}
	if !strings.Contains(b.Attribution, "天地图") || len(b.Warnings()) != 1 || !strings.Contains(b.Warnings()[0], "审图号") {
		t.Errorf("tianditu-vec without a 审图号: credit %q, warnings %q", b.Attribution, b.Warnings())
	}
	if d := b.Describe(); strings.Contains(d, testKey) || !strings.Contains(d, "tianditu-vec") {
		t.Errorf("Describe %q: must name the preset and never the key", d)
	}
	b, _ = web.ParseBasemap("tianditu-img", "天地图 审图号：GS(0000)0000号", withKey)
	if !strings.Contains(b.Raster[0][0], "/img_w/") || !strings.Contains(b.Raster[1][0], "/cia_w/") || len(b.Warnings()) != 0 ||
		b.Attribution != "天地图 审图号：GS(0000)0000号" {
		t.Errorf("tianditu-img with a credit: %+v, warnings %q", b, b.Warnings())
	}

	b, err = web.ParseBasemap("https://{a-c}.tile.example.org/{z}/{x}/{y}.png", "© Example", withKey)
	if err != nil || b.Name != "raster" || len(b.Raster) != 1 || len(b.Raster[0]) != 3 ||
		b.Raster[0][1] != "https://b.tile.example.org/{z}/{x}/{y}.png" || b.Attribution != "© Example" {
		t.Errorf("XYZ template: %+v, %v", b, err)
	}
	b, err = web.ParseBasemap("http://127.0.0.1:9/style.json", "", nil)
	if err != nil || b.Name != "style" || b.Style != "http://127.0.0.1:9/style.json" || b.Raster != nil || len(b.Warnings()) != 1 {
		t.Errorf("style URL: %+v, %v", b, err)
	}

	// Bad values are refused with a message that names the setting.
	for spec, want := range map[string]string{
		"tianditu-vec":                  web.TiandituKeyEnv,
		"tianditu":                      "--basemap",
		"tiles.example.org/{z}/{x}/{y}": "--basemap",
		"ftp://example.org/{z}/{x}/{y}": "--basemap",
		"https://example.org/{z}/{x}":   "{y}",
	} {
		b, err := web.ParseBasemap(spec, "", env(nil))
		if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "--basemap") {
			t.Errorf("%q: %+v, %v; want an error naming --basemap and %s", spec, b, err, want)
		}
	}
	_, err = web.ParseBasemap("tianditu-vec", "", env(map[string]string{web.TiandituKeyEnv: "abc&tk=x"}))
	if err == nil || strings.Contains(err.Error(), "abc&tk=x") {
		t.Errorf("a malformed key: %v; want an error that does not repeat it", err)
	}
}

// The page learns the basemap from /api/basemap; without one it is told
// null, and its CSP lets it load from this server only.
func TestBasemapEndpoint(t *testing.T) {
	srv := fixtureServer(t)
	code, h, v := fetch(t, srv.URL+"/api/basemap")
	if code != http.StatusOK || h.Get("Cache-Control") != "no-cache" {
		t.Fatalf("/api/basemap: %d, Cache-Control %q", code, h.Get("Cache-Control"))
	}
	if bm, ok := v["basemap"]; !ok || bm != nil {
		t.Errorf("/api/basemap without a basemap: %v; want {\"basemap\": null}", v)
	}
	res, _ := fetchStatic(t, srv.URL+"/")
	if csp := res.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "connect-src 'self';") && !strings.HasSuffix(csp, "connect-src 'self'") {
		t.Errorf("CSP without a basemap: %q", csp)
	}

	bm, err := web.ParseBasemap("http://127.0.0.1:1234/t/{z}/{x}/{y}.png", "© Local tiles", nil)
	if err != nil {
		t.Fatal(err)
	}
	s := httptest.NewServer(web.New(memstore.New(storetest.Fixture()), web.Options{Basemap: bm}))
	defer s.Close()
	_, _, v = fetch(t, s.URL+"/api/basemap")
	got, _ := v["basemap"].(map[string]any)
	raster, _ := got["raster"].([]any)
	if got["name"] != "raster" || got["attribution"] != "© Local tiles" || len(raster) != 1 ||
		raster[0].([]any)[0] != "http://127.0.0.1:1234/t/{z}/{x}/{y}.png" {
		t.Errorf("/api/basemap: %v", v)
	}
	res, _ = fetchStatic(t, s.URL+"/")
	csp := res.Header.Get("Content-Security-Policy")
	for _, want := range []string{"connect-src 'self' http://127.0.0.1:1234", "img-src 'self' data: blob: http://127.0.0.1:1234"} {
		if !strings.Contains(csp, want) {
			t.Errorf("CSP %q lacks %q", csp, want)
		}
	}
}
