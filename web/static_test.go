package web_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"planmap/geo/memstore"
	"planmap/geo/storetest"
	"planmap/web"
)

func fetchStatic(t *testing.T, url string, header ...string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res, string(b)
}

// The page's own files (not the vendored library) may name no outside URL.
var ownFiles = []string{"/", "/static/app.js", "/static/icons.js", "/static/labels.js", "/static/style.css"}

var (
	attrURL   = regexp.MustCompile(`(?:src|href)="([^"]+)"`)
	importURL = regexp.MustCompile(`(?m)^import .* from '([^']+)';`)
	outside   = regexp.MustCompile(`(?i)(https?:)?//[a-z0-9.-]+\.[a-z]{2,}`)
)

func wantType(path string) string {
	switch {
	case strings.HasSuffix(path, ".css"):
		return "text/css; charset=utf-8"
	case strings.HasSuffix(path, ".js"), strings.HasSuffix(path, ".mjs"):
		return "text/javascript; charset=utf-8"
	case strings.HasSuffix(path, ".txt"):
		return "text/plain; charset=utf-8"
	}
	return "text/html; charset=utf-8"
}

func TestWebMapPage(t *testing.T) {
	srv := fixtureServer(t)
	res, body := fetchStatic(t, srv.URL+"/")
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "text/html; charset=utf-8" {
		t.Fatalf("/: %d %q", res.StatusCode, res.Header.Get("Content-Type"))
	}
	if !strings.Contains(body, `<div id="map"`) {
		t.Errorf("/ has no map container:\n%s", body)
	}
	if res.Header.Get("Cache-Control") == "" || res.Header.Get("ETag") == "" {
		t.Errorf("/ has no Cache-Control or ETag: %v", res.Header)
	}
	if csp := res.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'self'") {
		t.Errorf("/ has CSP %q; want default-src 'self'", csp)
	}
	// A second load with the ETag costs a 304.
	res2, _ := fetchStatic(t, srv.URL+"/", "If-None-Match", res.Header.Get("ETag"))
	if res2.StatusCode != http.StatusNotModified {
		t.Errorf("/ with If-None-Match: %d, want 304", res2.StatusCode)
	}
}

// Every file the page loads — from index.html and the ES module imports —
// is served with its content type, and none lies outside the server.
func TestWebMapAssets(t *testing.T) {
	srv := fixtureServer(t)
	_, index := fetchStatic(t, srv.URL+"/")
	var refs []string
	for _, m := range attrURL.FindAllStringSubmatch(index, -1) {
		if !strings.HasPrefix(m[1], "data:") {
			refs = append(refs, m[1])
		}
	}
	for _, js := range []string{"/static/app.js", "/static/icons.js", "/static/labels.js"} {
		_, body := fetchStatic(t, srv.URL+js)
		for _, m := range importURL.FindAllStringSubmatch(body, -1) {
			refs = append(refs, m[1])
		}
	}
	// MapLibre starts its workers from the file next to it, and its licence travels with it.
	refs = append(refs, "/static/vendor/maplibre-gl/maplibre-gl-worker.mjs", "/static/vendor/maplibre-gl/LICENSE.txt")
	for _, want := range []string{"/static/app.js", "/static/style.css", "/static/icons.js", "/static/labels.js",
		"/static/vendor/maplibre-gl/maplibre-gl.mjs", "/static/vendor/maplibre-gl/maplibre-gl.css"} {
		if !contains(refs, want) {
			t.Errorf("the page does not load %s (loads %v)", want, refs)
		}
	}
	for _, ref := range refs {
		if !strings.HasPrefix(ref, "/static/") {
			t.Errorf("the page loads %q, not a file of this server", ref)
			continue
		}
		res, body := fetchStatic(t, srv.URL+ref)
		if res.StatusCode != http.StatusOK {
			t.Errorf("%s: status %d", ref, res.StatusCode)
			continue
		}
		if got := res.Header.Get("Content-Type"); got != wantType(ref) {
			t.Errorf("%s: Content-Type %q, want %q", ref, got, wantType(ref))
		}
		if res.Header.Get("Cache-Control") == "" {
			t.Errorf("%s: no Cache-Control", ref)
		}
		if len(body) == 0 {
			t.Errorf("%s: empty", ref)
		}
	}
	for _, p := range ownFiles {
		_, body := fetchStatic(t, srv.URL+p)
		if m := outside.FindString(body); m != "" {
			t.Errorf("%s names an outside URL %q: the map must work with no network", p, m)
		}
	}
	if res, _ := fetchStatic(t, srv.URL+"/static/nothing.js"); res.StatusCode != http.StatusNotFound {
		t.Errorf("/static/nothing.js: %d, want 404", res.StatusCode)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// The plan's text is served with one anchor per line, its characters
// escaped, so a feature's plan_line links to the words it was drawn from.
func TestPlanPage(t *testing.T) {
	text := "# 纲要\n\n第一章 总则\n建设<b>光谷</b>副城 & 车谷\n"
	srv := httptest.NewServer(web.New(memstore.New(storetest.Fixture()), web.Options{PlanText: []byte(text)}))
	defer srv.Close()
	res, body := fetchStatic(t, srv.URL+web.PlanPath)
	if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("%s: %d %s", web.PlanPath, res.StatusCode, res.Header.Get("Content-Type"))
	}
	for _, want := range []string{`id="L1"`, `id="L3" class="h"`, `id="L4"`, "建设&lt;b&gt;光谷&lt;/b&gt;副城 &amp; 车谷"} {
		if !strings.Contains(body, want) {
			t.Errorf("the plan page lacks %q", want)
		}
	}
	if strings.Contains(body, `id="L2"`) || strings.Contains(body, "<b>光谷") {
		t.Errorf("an empty line anchored, or the text not escaped:\n%s", body)
	}
}
