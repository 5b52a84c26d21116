package web_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"planmap/data"
	"planmap/geo/memstore"
	"planmap/geo/storetest"
)

// TestGDALReadsCompositeTile has GDAL's MVT driver open a composite tile of
// the shipped plan and list every layer the tile holds.
func TestGDALReadsCompositeTile(t *testing.T) {
	requireTool(t, "ogrinfo")
	ds, err := data.Load(data.Embedded())
	if err != nil {
		t.Fatal(err)
	}
	srv := newServer(t, memstore.New(ds))
	const z, x, y = "12", "3348", "1682" // central Wuchang and Hankou
	resp, raw := get(t, srv.URL+"/tiles/plan/"+z+"/"+x+"/"+y+".mvt")
	if resp.StatusCode != 200 {
		t.Fatalf("tile: %d", resp.StatusCode)
	}
	layers := storetest.DecodeTile(t, raw)
	if len(layers) < 5 {
		t.Fatalf("the composite tile has only %d layers", len(layers))
	}
	file := filepath.Join(t.TempDir(), "tile.mvt")
	if err := os.WriteFile(file, raw, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("ogrinfo", "-ro", "-q", "-oo", "X="+x, "-oo", "Y="+y, "-oo", "Z="+z, file).CombinedOutput()
	if err != nil {
		t.Fatalf("ogrinfo: %v\n%s", err, out)
	}
	for name := range layers {
		if !strings.Contains(string(out), name) {
			t.Errorf("GDAL does not list layer %s:\n%s", name, out)
		}
	}
}
