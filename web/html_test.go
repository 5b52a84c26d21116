package web_test

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"planmap/geo/storetest"
)

// TestHTML: the landing page, collections, a collection, items and a
// feature are HTML on f=html and for a browser's Accept header, link the
// map and their JSON, and stay JSON for clients that ask for JSON.
func TestHTML(t *testing.T) {
	eachStore(t, storetest.Fixture(), func(t *testing.T, base string) {
		get := func(path, accept string) (int, string, string) {
			req, _ := http.NewRequest("GET", base+path, nil)
			if accept != "" {
				req.Header.Set("Accept", accept)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			return resp.StatusCode, resp.Header.Get("Content-Type"), string(b)
		}
		browser := "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
		for path, want := range map[string][]string{
			"/ogc":                                      {"The plan&#39;s layers", "/ogc/conformance", "/ogc/api"},
			"/ogc/collections":                          {"设施 Points", "/ogc/collections/areas?f=html", "254"},
			"/ogc/collections/areas":                    {"/ogc/collections/areas/items?f=html", "queryables"},
			"/ogc/collections/points/items?limit=10":    {"p-009", "1–10 of 254", "offset=10", "Pump 003"},
			"/ogc/collections/areas/items/guanggu-area": {"光谷副城", "name_plan", "#feature=areas%2Fguanggu-area"},
		} {
			for _, accept := range []string{"", browser} {
				p := path
				if accept == "" {
					p += map[bool]string{true: "&", false: "?"}[strings.Contains(path, "?")] + "f=html"
				}
				code, ct, body := get(p, accept)
				if code != 200 || ct != "text/html; charset=utf-8" {
					t.Errorf("%s (Accept %q): %d %s", p, accept, code, ct)
					continue
				}
				for _, w := range append(want, `href="`+base+`/"`, "f=json") {
					if !strings.Contains(body, w) {
						t.Errorf("%s (Accept %q): no %q in\n%s", p, accept, w, body)
					}
				}
			}
			for _, accept := range []string{"application/json", "application/geo+json, text/html", "*/*"} {
				if _, ct, _ := get(path, accept); !strings.Contains(ct, "json") {
					t.Errorf("%s (Accept %q): %s", path, accept, ct)
				}
			}
		}
		if code, _, _ := get("/ogc/collections?f=xml", ""); code != 400 {
			t.Errorf("f=xml: %d", code)
		}
		if _, _, body := get("/ogc/collections/areas/items/guanggu-area?f=html", ""); strings.Contains(body, "<script") {
			t.Error("a feature page runs script")
		}
	})
}
