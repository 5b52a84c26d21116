package main

import (
	"bytes"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCheckEmbedded(t *testing.T) {
	var out, errb bytes.Buffer
	if code := run([]string{"check"}, &out, &errb); code != 0 {
		t.Fatalf("check of the embedded dataset: exit %d\n%s", code, errb.String())
	}
	if !strings.HasPrefix(out.String(), "ok:") {
		t.Errorf("output %q", out.String())
	}
}

// TestCheckBroken checks a dataset with one broken feature and a broken
// licence: the message names the file and the feature or layer, and the exit
// code is not zero.
func TestCheckBroken(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "layers"), 0o755)
	os.WriteFile(filepath.Join(dir, "layers.json"), []byte(`[{"id":"pumps","title_zh":"泵站","title_en":"Pumps","theme":"water","geometry_type":"Point","order":1,
	 "license":{"id":"MIT","title":"MIT License","url":"opensource.org/license/mit"}}]`), 0o644)
	os.WriteFile(filepath.Join(dir, "layers", "pumps.geojson"), []byte(`{"type":"FeatureCollection","features":[
	 {"type":"Feature","id":"pump-a","geometry":{"type":"Point","coordinates":[114.3,30.5]},
	  "properties":{"name_zh":"甲泵站","name_en":"Pump A","kind":"pump_station","status":"planned","accuracy":"approximate","source":"test"}},
	 {"type":"Feature","id":"pump-b","geometry":{"type":"Point","coordinates":[120.0,30.5]},
	  "properties":{"name_zh":"乙泵站","name_en":"Pump B","kind":"pump_station","status":"maybe","accuracy":"approximate","source":"test"}}]}`), 0o644)
	var out, errb bytes.Buffer
	code := run([]string{"check", dir}, &out, &errb)
	msg := errb.String()
	if code == 0 {
		t.Fatalf("check passed a broken dataset: %s", out.String())
	}
	for _, want := range []string{"layers/pumps.geojson", `"pump-b"`, "status", "outside", `layers.json: layer "pumps": license url`} {
		if !strings.Contains(msg, want) {
			t.Errorf("message does not name %s:\n%s", want, msg)
		}
	}
	if strings.Contains(msg, `"pump-a"`) {
		t.Errorf("message blames the good feature:\n%s", msg)
	}
	if code := run([]string{"check", filepath.Join(dir, "missing")}, &out, &errb); code == 0 {
		t.Error("check of a missing directory passed")
	}
}

// TestHTTPServerBounds checks the server refuses oversized headers and has every timeout set.
func TestHTTPServerBounds(t *testing.T) {
	srv := httpServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	if srv.ReadHeaderTimeout <= 0 || srv.ReadTimeout <= 0 || srv.WriteTimeout <= 0 || srv.IdleTimeout <= 0 {
		t.Errorf("a timeout is unset: %+v", srv)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	defer srv.Close()
	get := func(header string) int {
		req, _ := http.NewRequest("GET", "http://"+ln.Addr().String()+"/", nil)
		req.Header.Set("X-Big", header)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if code := get(strings.Repeat("a", 1000)); code != 200 {
		t.Errorf("small header: %d", code)
	}
	if code := get(strings.Repeat("a", 2*MaxHeaderBytes)); code != http.StatusRequestHeaderFieldsTooLarge {
		t.Errorf("%d-byte header: %d, want 431", 2*MaxHeaderBytes, code)
	}
}

// TestSourcesDoc: serve offers the SOURCES.md of the dataset it was given:
// the embedded one's, a directory's own, or none.
func TestSourcesDoc(t *testing.T) {
	if b, err := sourcesDoc(""); err != nil || !strings.Contains(string(b), "# Sources of the planmap dataset") {
		t.Errorf("embedded: %.40q, %v", b, err)
	}
	dir := t.TempDir()
	if b, err := sourcesDoc(dir); b != nil || err != nil {
		t.Errorf("a directory without SOURCES.md: %.40q, %v; want none", b, err)
	}
	os.WriteFile(filepath.Join(dir, "SOURCES.md"), []byte("# Synthetic\n"), 0o644)
	if b, err := sourcesDoc(dir); string(b) != "# Synthetic\n" || err != nil {
		t.Errorf("a directory's own: %q, %v", b, err)
	}
}
