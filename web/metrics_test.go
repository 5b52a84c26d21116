package web_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"planmap/geo"
	"planmap/geo/memstore"
	"planmap/geo/storetest"
	"planmap/web"
)

func TestMetrics(t *testing.T) {
	srv := fixtureServer(t)
	for _, p := range []string{"/ogc/collections", "/ogc/collections/nope", "/tiles/plan/8/209/105.mvt", "/tiles/plan/8/209/105.mvt"} {
		resp, err := http.Get(srv.URL + p)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.Header.Get("X-Request-Id") == "" {
			t.Errorf("%s: no X-Request-Id", p)
		}
	}
	resp, err := http.Get(srv.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	body := string(b)
	for _, want := range []string{
		`planmap_http_requests_total{code="200",route="/ogc/collections"} 1`,
		`planmap_http_requests_total{code="404",route="/ogc/collections/{collection}"} 1`,
		`planmap_http_request_duration_seconds_bucket{route="/tiles/{tileset}/{z}/{x}/{y}.mvt"`,
		"planmap_tile_cache_hits_total 1",
		"planmap_tile_cache_misses_total 1",
		"planmap_tile_cache_entries 1",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
}

func TestCORS(t *testing.T) {
	srv := fixtureServer(t)
	req, _ := http.NewRequest(http.MethodOptions, srv.URL+"/ogc/collections", nil)
	req.Header.Set("Origin", "https://example.org")
	req.Header.Set("Access-Control-Request-Method", "GET")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 204 || resp.Header.Get("Access-Control-Allow-Origin") != "*" ||
		!strings.Contains(resp.Header.Get("Access-Control-Allow-Methods"), "GET") {
		t.Errorf("preflight: %d %v", resp.StatusCode, resp.Header)
	}
	r2, _ := http.Get(srv.URL + "/ogc")
	r2.Body.Close()
	if r2.Header.Get("Access-Control-Allow-Origin") != "*" {
		t.Error("GET lacks Access-Control-Allow-Origin")
	}
}

// TestErrorLogCarriesRequestID checks that a failure is logged with the id
// the client saw in X-Request-Id, and that the client sees no internals.
func TestErrorLogCarriesRequestID(t *testing.T) {
	var logs bytes.Buffer
	store := failing{memstore.New(storetest.Fixture())}
	srv := httptest.NewServer(web.New(store, web.Options{Log: slog.New(slog.NewJSONHandler(&logs, nil))}))
	defer srv.Close()
	req, _ := http.NewRequest("GET", srv.URL+"/ogc/collections", nil)
	req.Header.Set("X-Request-Id", "trace-42")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 500 || strings.Contains(string(body), "disk on fire") {
		t.Errorf("%d %s", resp.StatusCode, body)
	}
	if !strings.Contains(logs.String(), `"id":"trace-42"`) || !strings.Contains(logs.String(), "disk on fire") {
		t.Errorf("log lacks the request id or the cause: %s", logs.String())
	}
}

type failing struct{ geo.Store }

func (failing) Layers(context.Context) ([]geo.Layer, error) { return nil, errors.New("disk on fire") }
