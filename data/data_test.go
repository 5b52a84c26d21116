package data

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io/fs"
	"os"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/paulmach/orb/geojson"

	"planmap/geo"
)

func load(t *testing.T) *Dataset {
	t.Helper()
	ds, err := Load(Embedded())
	if err != nil {
		t.Fatal(err)
	}
	return ds
}

func catalogueIDs(t *testing.T) []string {
	t.Helper()
	var ids []string
	for _, r := range readCSVFile(t, "sources/catalogue.csv") {
		ids = append(ids, r["id"])
	}
	return ids
}

func TestEmbeddedHasEveryCatalogueElement(t *testing.T) {
	ds := load(t)
	byID := map[string]geo.Feature{}
	for _, f := range ds.Features {
		byID[f.ID] = f
		if f.Accuracy == "" || f.Source == "" {
			t.Errorf("%s: accuracy %q source %q", f.ID, f.Accuracy, f.Source)
		}
		if !f.Updated.Equal(updatedWant) {
			t.Errorf("%s: updated %v", f.ID, f.Updated)
		}
	}
	ids := catalogueIDs(t)
	if len(ids) != 493 {
		t.Fatalf("catalogue has %d rows, want 493", len(ids))
	}
	for _, id := range ids {
		f, ok := byID[id]
		if !ok {
			t.Errorf("catalogue id %s missing", id)
			continue
		}
		// A feature without a place says why, in both languages.
		en, _ := f.Extra["placement_en"].(string)
		zh, _ := f.Extra["placement_zh"].(string)
		if f.Geometry == nil && (!strings.HasPrefix(en, "Not drawn: ") || !strings.HasPrefix(zh, "未绘制：")) {
			t.Errorf("%s has no geometry and no reason: %q / %q", id, en, zh)
		}
	}
}

func TestDistricts(t *testing.T) {
	ds := load(t)
	n := 0
	for _, f := range ds.Features {
		if f.Layer != "districts" {
			continue
		}
		n++
		if !strings.HasPrefix(f.ID, "district-") || f.Accuracy != geo.AccuracySurveyed {
			t.Errorf("%s: accuracy %s", f.ID, f.Accuracy)
		}
		if err := geo.ValidGeometry(f.Geometry); err != nil {
			t.Errorf("%s: %v", f.ID, err)
		}
		if f.Geometry.GeoJSONType() != "MultiPolygon" {
			t.Errorf("%s: %s", f.ID, f.Geometry.GeoJSONType())
		}
	}
	if n != 13 {
		t.Errorf("%d districts, want 13", n)
	}
}

// noRoute lists the plan's metro lines that the January 2025 data does not
// show and no primary source gives a route for.
var noRoute = map[string]bool{"metro-line-11-phase3": true, "metro-line-12": true, "metro-xingang-line": true}

func TestMetroLines(t *testing.T) {
	ds := load(t)
	have := map[string]geo.Feature{}
	stations := 0
	for _, f := range ds.Features {
		switch f.Layer {
		case "metro-lines":
			have[f.ID] = f
		case "metro-stations":
			stations++
		}
	}
	want := []string{"metro-2025-line-1", "metro-2025-line-2", "metro-2025-line-3", "metro-2025-line-4",
		"metro-2025-line-5", "metro-2025-line-6", "metro-2025-line-7", "metro-2025-line-8", "metro-2025-line-11",
		"metro-2025-line-16", "metro-2025-line-19", "metro-2025-yangluo", "metro-2025-optics-valley-skyrail",
		// the eight lines the plan names
		"metro-line-5", "metro-line-6-phase2", "metro-line-7-north", "metro-line-11-phase3", "metro-line-12",
		"metro-line-16", "metro-line-19", "metro-xingang-line"}
	for _, id := range want {
		f, ok := have[id]
		if !ok {
			t.Errorf("metro line %s missing", id)
			continue
		}
		if f.Geometry == nil && !noRoute[id] {
			t.Errorf("%s has no geometry", id)
		}
		if strings.HasPrefix(id, "metro-2025-") && (f.Status != geo.StatusExisting || f.Extra["color"] == nil) {
			t.Errorf("%s: status %s color %v", id, f.Status, f.Extra["color"])
		}
	}
	if stations != 277 {
		t.Errorf("%d metro stations, want 277", stations)
	}
}

func TestOneGeometryTypePerLayer(t *testing.T) {
	ds := load(t)
	want := map[string]string{}
	for _, l := range ds.Layers {
		want[l.ID] = l.GeometryType
	}
	for _, f := range ds.Features {
		if f.Geometry == nil {
			continue
		}
		if got := f.Geometry.GeoJSONType(); got != want[f.Layer] {
			t.Errorf("%s: %s in %s layer %s", f.ID, f.Geometry.GeoJSONType(), want[f.Layer], f.Layer)
		}
	}
}

func TestTargetsLink(t *testing.T) {
	ds := load(t)
	b, err := os.ReadFile("sources/targets.csv")
	if err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(ds.Targets) != len(recs)-1 {
		t.Errorf("%d targets, want targets.csv's %d", len(ds.Targets), len(recs)-1)
	}
	linked := map[string]string{}
	for _, tg := range ds.Targets {
		if tg.Feature != "" {
			linked[tg.Feature] = tg.Layer
		}
	}
	for id, layer := range map[string]string{"port-yangluo": "port-areas", "metro-network": "metro-lines", "airport-tianhe": "airports"} {
		if linked[id] != layer {
			t.Errorf("no target links %s in %s (have %q)", id, layer, linked[id])
		}
	}
}

// broken returns a copy of the embedded dataset with one feature of a layer
// file changed by edit.
func broken(t *testing.T, layer, id string, edit func(f *geojson.Feature, fc *geojson.FeatureCollection)) fs.FS {
	t.Helper()
	m := fstest.MapFS{}
	err := fs.WalkDir(Embedded(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(Embedded(), p)
		m[p] = &fstest.MapFile{Data: b}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	file := LayerFile(layer)
	fc, err := geojson.UnmarshalFeatureCollection(m[file].Data)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, f := range fc.Features {
		if f.ID == id {
			edit(f, fc)
			found = true
			break
		}
	}
	if !found {
		t.Fatalf("%s not in %s", id, file)
	}
	b, err := fc.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	m[file] = &fstest.MapFile{Data: b}
	return m
}

func TestBrokenCopiesFail(t *testing.T) {
	cases := []struct {
		name, layer, id string
		edit            func(f *geojson.Feature, fc *geojson.FeatureCollection)
		want            string
	}{
		{"bad status", "pump-stations", "pump-luhu", func(f *geojson.Feature, _ *geojson.FeatureCollection) {
			f.Properties["status"] = "finished"
		}, "status"},
		{"duplicate id", "ports", "port-jinkou", func(f *geojson.Feature, fc *geojson.FeatureCollection) {
			dup := *f
			dup.Properties = map[string]any{}
			for k, v := range f.Properties {
				dup.Properties[k] = v
			}
			fc.Features = append(fc.Features, &dup)
		}, "already used"},
		{"self-intersecting ring", "sub-centres", "subcity-guanggu", func(f *geojson.Feature, _ *geojson.FeatureCollection) {
			f.Geometry = orbPolygon([][2]float64{{114.4, 30.4}, {114.5, 30.5}, {114.5, 30.4}, {114.4, 30.5}, {114.4, 30.4}})
		}, "self-intersects"},
		{"outside region", "airports", "airport-tianhe", func(f *geojson.Feature, _ *geojson.FeatureCollection) {
			f.Geometry = orbPoint(2.35, 48.85)
		}, "outside the Wuhan region"},
		{"unknown comparator", "airports", "airport-tianhe", func(f *geojson.Feature, _ *geojson.FeatureCollection) {
			f.Properties["targets"] = []any{map[string]any{"metric": "年旅客吞吐量", "comparator": "~", "value": 4200}}
		}, `comparator "~"`},
		{"NUL in a name", "ports", "port-hannan", func(f *geojson.Feature, _ *geojson.FeatureCollection) {
			f.Properties["name_zh"] = "汉南\x00港"
		}, "name_zh contains a NUL character"},
		{"NUL in a further property", "ports", "port-hannan", func(f *geojson.Feature, _ *geojson.FeatureCollection) {
			f.Properties["note"] = []any{"a", map[string]any{"b": "c\x00"}}
		}, "property note contains a NUL character"},
		{"wrong geometry type", "ports", "port-hannan", func(f *geojson.Feature, _ *geojson.FeatureCollection) {
			f.Geometry = orbLine([][2]float64{{114.07, 30.30}, {114.08, 30.31}})
		}, "but layer"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Load(broken(t, c.layer, c.id, c.edit))
			var inv *Invalid
			if !errors.As(err, &inv) {
				t.Fatalf("Load gave %v, want *Invalid", err)
			}
			msg := err.Error()
			file := LayerFile(c.layer)
			if !strings.Contains(msg, file) || !strings.Contains(msg, `"`+c.id+`"`) || !strings.Contains(msg, c.want) {
				t.Errorf("error should name %s, %q and %q:\n%s", file, c.id, c.want, msg)
			}
		})
	}
}

// TestBuilderReproducesDataset checks that the committed files are what the
// builder makes from data/sources (run go run ./data/build to refresh).
func TestBuilderReproducesDataset(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the dataset")
	}
	var out, errb bytes.Buffer
	cmd := goRun(t, &out, &errb)
	if err := cmd.Run(); err != nil {
		t.Fatalf("go run ./data/build -check: %v\n%s%s", err, out.String(), errb.String())
	}
}
