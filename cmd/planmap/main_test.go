package main

import (
	"bytes"
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

// TestCheckBroken checks a dataset with one broken feature: the message names
// the file and the feature, and the exit code is not zero.
func TestCheckBroken(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "layers"), 0o755)
	os.WriteFile(filepath.Join(dir, "layers.json"), []byte(`[{"id":"pumps","title_zh":"泵站","title_en":"Pumps","theme":"water","geometry_type":"Point","order":1}]`), 0o644)
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
	for _, want := range []string{"layers/pumps.geojson", `"pump-b"`, "status", "outside"} {
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
