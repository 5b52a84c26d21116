package web_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"

	"planmap/geo/memstore"
	"planmap/geo/storetest"
	"planmap/web"
)

// attacks are the ways a request tries to choose the host of the links in
// its response (each with a path that answers with links).
var attacks = []struct {
	name   string
	header http.Header
}{
	{"X-Forwarded-Host", http.Header{"X-Forwarded-Host": {"evil.example"}}},
	{"X-Forwarded-Host and Proto", http.Header{"X-Forwarded-Host": {"evil.example"}, "X-Forwarded-Proto": {"https"}}},
	{"Forwarded", http.Header{"Forwarded": {"host=evil.example;proto=https"}}},
	{"X-Forwarded-Prefix", http.Header{"X-Forwarded-Prefix": {"/evil.example"}}},
}

// linkPaths answer with absolute links: the TileJSON tiles URL, the OGC
// landing page, a collection and a page of items (self and next).
var linkPaths = []string{"/tiles/plan.json", "/tiles", "/ogc", "/ogc/collections/" + storetest.LayerPoints,
	"/ogc/collections/" + storetest.LayerPoints + "/items?limit=1", "/ogc/api"}

func serveOne(h http.Handler, remote, target string, header http.Header) *httptest.ResponseRecorder {
	r := httptest.NewRequest(http.MethodGet, target, nil)
	r.RemoteAddr = remote
	for k, v := range header {
		r.Header[k] = v
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

// hrefs are the links of a response: TileJSON's tiles and every "href".
func hrefs(t *testing.T, body []byte) []string {
	t.Helper()
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		t.Fatalf("not JSON: %.200s", body)
	}
	var out []string
	var walk func(any, string)
	walk = func(v any, key string) {
		switch v := v.(type) {
		case map[string]any:
			for k, x := range v {
				walk(x, k)
			}
		case []any:
			for _, x := range v {
				walk(x, key)
			}
		case string:
			if strings.Contains(v, "://") && (key == "href" || key == "tiles" || key == "tilejson" || key == "url") {
				out = append(out, v)
			}
		}
	}
	walk(v, "")
	return out
}

func TestFrontDoorUntrustedForwarding(t *testing.T) {
	h := web.New(memstore.New(storetest.Fixture()), web.Options{
		TrustedProxies: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}})
	for _, a := range attacks {
		for _, p := range linkPaths {
			w := serveOne(h, "192.0.2.7:4000", p, a.header)
			if w.Code != 200 {
				t.Fatalf("%s %s: %d %s", a.name, p, w.Code, w.Body)
			}
			links := hrefs(t, w.Body.Bytes())
			if len(links) == 0 {
				t.Fatalf("%s: no links in %.200s", p, w.Body)
			}
			for _, l := range links {
				if !under(l, "http://example.com") || strings.Contains(l, "evil") {
					t.Errorf("%s from an untrusted peer reached %s: link %q", a.name, p, l)
				}
			}
			if v := w.Header().Values("Vary"); !varies(v, "Host") || varies(v, "X-Forwarded-Host") {
				t.Errorf("%s: Vary %q, want Host and no forwarding header (they were ignored)", p, v)
			}
			if w.Header().Get("Cache-Control") == "" {
				t.Errorf("%s: no Cache-Control", p)
			}
		}
	}
}

func TestFrontDoorTrustedForwarding(t *testing.T) {
	h := web.New(memstore.New(storetest.Fixture()), web.Options{
		TrustedProxies: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("::1/128")}})
	want := map[string]string{
		"X-Forwarded-Host": "http://evil.example", "X-Forwarded-Host and Proto": "https://evil.example",
		"Forwarded": "https://evil.example", "X-Forwarded-Prefix": "http://example.com/evil.example",
	}
	for _, remote := range []string{"10.1.2.3:5000", "[::1]:5000", "[::ffff:10.9.9.9]:1"} {
		for _, a := range attacks {
			for _, p := range linkPaths {
				w := serveOne(h, remote, p, a.header)
				for _, l := range hrefs(t, w.Body.Bytes()) {
					if !under(l, want[a.name]) {
						t.Errorf("%s from trusted %s at %s: link %q, want it under %s", a.name, remote, p, l, want[a.name])
					}
				}
				if v := w.Header().Values("Vary"); !varies(v, "X-Forwarded-Host") || !varies(v, "Forwarded") {
					t.Errorf("%s: Vary %q lacks the forwarding headers the links depend on", p, v)
				}
			}
		}
	}
}

func TestFrontDoorAllowedHosts(t *testing.T) {
	h := web.New(memstore.New(storetest.Fixture()), web.Options{AllowedHosts: []string{"plan.example.org"},
		TrustedProxies: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}})
	// Host, absolute-form request line, and a trusted proxy's forwarded host.
	for _, c := range []struct {
		remote, target string
		header         http.Header
		status         int
	}{
		{"192.0.2.1:1", "http://plan.example.org/tiles/plan.json", nil, 200},
		{"192.0.2.1:1", "http://plan.example.org:8080/ogc", nil, 200},
		{"192.0.2.1:1", "http://evil.example/tiles/plan.json", nil, 400},
		{"192.0.2.1:1", "http://evil.example/ogc/collections", nil, 400},
		{"192.0.2.1:1", "http://evil.example/readyz", nil, 200}, // probes answer any host
		{"10.0.0.1:1", "http://plan.example.org/ogc", http.Header{"X-Forwarded-Host": {"evil.example"}}, 400},
		{"10.0.0.1:1", "http://plan.example.org/ogc", http.Header{"X-Forwarded-Host": {"PLAN.example.org:443"}}, 200},
		{"192.0.2.1:1", "http://plan.example.org/ogc", http.Header{"X-Forwarded-Host": {"evil.example"}}, 200}, // ignored
	} {
		w := serveOne(h, c.remote, c.target, c.header)
		if w.Code != c.status {
			t.Errorf("%s from %s %v: %d, want %d: %s", c.target, c.remote, c.header, w.Code, c.status, w.Body)
		}
		if w.Code == 400 && !strings.Contains(w.Body.String(), "evil.example") {
			t.Errorf("the 400 does not name the host: %s", w.Body)
		}
		if w.Code == 200 && strings.Contains(w.Body.String(), "://evil") {
			t.Errorf("%s: a link to evil: %.300s", c.target, w.Body)
		}
	}
}

func TestFrontDoorPublicURL(t *testing.T) {
	h := web.New(memstore.New(storetest.Fixture()), web.Options{PublicURL: "https://plan.example.org/map",
		TrustedProxies: []netip.Prefix{netip.MustParsePrefix("0.0.0.0/0")}})
	for _, a := range attacks {
		for _, p := range linkPaths {
			w := serveOne(h, "192.0.2.7:4000", "http://evil.example"+p, a.header)
			for _, l := range hrefs(t, w.Body.Bytes()) {
				if !under(l, "https://plan.example.org/map") {
					t.Errorf("%s at %s: link %q is not under the public URL", a.name, p, l)
				}
			}
			if v := w.Header().Values("Vary"); varies(v, "Host") || varies(v, "X-Forwarded-Host") {
				t.Errorf("%s: Vary %q, but the body depends on no header", p, v)
			}
		}
	}
}

func TestParseFrontDoorFlags(t *testing.T) {
	for _, bad := range []string{"ftp://x", "https://", "https://u@x", "https://x/?a=1", "x.org", "https://x/#f"} {
		if _, err := web.ParsePublicURL(bad); err == nil {
			t.Errorf("ParsePublicURL(%q) accepted", bad)
		}
	}
	if u, err := web.ParsePublicURL("https://Plan.example.org/map/"); err != nil || u != "https://plan.example.org/map" {
		t.Errorf("ParsePublicURL: %q %v", u, err)
	}
	if _, err := web.ParseProxies("10.0.0.0/8, 192.0.2.1,::1"); err != nil {
		t.Error(err)
	}
	for _, bad := range []string{"10.0.0.0/33", "evil.example", "10.0.0"} {
		if _, err := web.ParseProxies(bad); err == nil || !strings.Contains(err.Error(), bad) {
			t.Errorf("ParseProxies(%q): %v", bad, err)
		}
	}
	for _, bad := range []string{"https://x.org", "x.org/a", "a b"} {
		if _, err := web.ParseHosts(bad); err == nil {
			t.Errorf("ParseHosts(%q) accepted", bad)
		}
	}
}

func varies(vary []string, name string) bool {
	for _, v := range vary {
		for _, f := range strings.Split(v, ",") {
			if strings.EqualFold(strings.TrimSpace(f), name) {
				return true
			}
		}
	}
	return false
}

// under reports whether link is base or a URL below it.
func under(link, base string) bool {
	return link == base || strings.HasPrefix(link, base+"/")
}
