package edition_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"planmap/geo/memstore"
	"planmap/geo/storetest"
	"planmap/web/edition"
)

func TestWrite(t *testing.T) {
	dir := t.TempDir()
	store := memstore.New(storetest.Fixture())
	sum, err := edition.Write(context.Background(), store, dir, edition.Options{MaxZoom: 12, Sources: []byte("# sources\n")})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Layers != 3 || sum.Features == 0 || sum.Tiles == 0 {
		t.Fatalf("summary %+v", sum)
	}
	read := func(name string) []byte {
		b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(name)))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	page := string(read("index.html"))
	for _, want := range []string{`<script type="importmap">`, `src="static/static-mode.js"`, `src="static/app.js"`, `href="static/style.css"`} {
		if !strings.Contains(page, want) {
			t.Errorf("index.html lacks %s", want)
		}
	}
	if strings.Contains(page, `"/static/app.js"`) {
		t.Error("index.html still loads /static/app.js from the site root")
	}
	for _, f := range []string{"static/app.js", "static/static-mode.js", "static/vendor/pmtiles/pmtiles.js",
		"static/vendor/maplibre-gl/maplibre-gl.mjs", "collections.json", "targets.json", "basemap.json", "data/SOURCES.md", "tile-ids.json"} {
		read(f)
	}
	// Each layer whole, as many features as the collection says.
	var cs struct {
		Collections []struct {
			ID    string
			Count int `json:"feature_count"`
		}
	}
	if err := json.Unmarshal(read("collections.json"), &cs); err != nil {
		t.Fatal(err)
	}
	total := 0
	for _, c := range cs.Collections {
		var fc struct{ Features []json.RawMessage }
		if err := json.Unmarshal(read("layers/"+c.ID+".geojson"), &fc); err != nil {
			t.Fatal(err)
		}
		if len(fc.Features) != c.Count {
			t.Errorf("layers/%s.geojson: %d features, the collection says %d", c.ID, len(fc.Features), c.Count)
		}
		total += len(fc.Features)
		read("download/" + c.ID + ".csv")
	}
	if total != sum.Features {
		t.Errorf("%d features in the files, summary says %d", total, sum.Features)
	}
	var cfg map[string]any
	if err := json.Unmarshal(read(edition.Config), &cfg); err != nil || cfg["pmtiles"] != "plan.pmtiles" || cfg["maxzoom"] != 12.0 {
		t.Errorf("%s: %v %v", edition.Config, cfg, err)
	}
	var tj map[string]any
	if err := json.Unmarshal(read("plan.json"), &tj); err != nil || tj["maxzoom"] != 12.0 {
		t.Errorf("plan.json: %v %v", tj["maxzoom"], err)
	}
	a := read("plan.pmtiles")
	if !bytes.HasPrefix(a, []byte("PMTiles\x03")) || a[101] != 12 || binary.LittleEndian.Uint64(a[72:]) != uint64(sum.Tiles) {
		t.Errorf("plan.pmtiles header %q, max zoom %d, %d tiles", a[:8], a[101], binary.LittleEndian.Uint64(a[72:]))
	}
	if _, err := edition.Write(context.Background(), store, t.TempDir(), edition.Options{MaxZoom: 17}); err == nil {
		t.Error("max zoom 17 accepted")
	}
}
