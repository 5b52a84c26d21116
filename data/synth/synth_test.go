package synth_test

import (
	"os"
	"path/filepath"
	"testing"

	"planmap/data"
	"planmap/data/synth"
)

func TestWriteLoads(t *testing.T) {
	dir := t.TempDir()
	n := synth.Sizes{Points: 300, Lines: 50, Polygons: 20}
	if err := synth.Write(dir, n, 7); err != nil {
		t.Fatal(err)
	}
	ds, err := data.Load(data.Dir(dir))
	if err != nil {
		t.Fatal(err)
	}
	count := map[string]int{}
	for _, f := range ds.Features {
		count[f.Layer]++
	}
	if count[synth.LayerPoints] != n.Points || count[synth.LayerLines] != n.Lines || count[synth.LayerPolygons] != n.Polygons {
		t.Errorf("counts %v, want %+v", count, n)
	}
	// The same seed writes the same bytes.
	again := t.TempDir()
	synth.Write(again, n, 7)
	a, _ := os.ReadFile(filepath.Join(dir, "layers", synth.LayerLines+".geojson"))
	b, _ := os.ReadFile(filepath.Join(again, "layers", synth.LayerLines+".geojson"))
	if string(a) != string(b) {
		t.Error("same seed, different output")
	}
}
