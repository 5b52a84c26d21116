// Command build derives the planmap dataset (data/layers.json,
// data/layers/<id>.geojson, data/targets.json) from the files in
// data/sources. Run it from the repository root:
//
//	go run ./data/build          # write the dataset
//	go run ./data/build -check   # fail if the committed dataset is stale
//
// The output is deterministic: the same sources give byte-identical files.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/paulmach/orb"

	"planmap/geo"
)

// updated is the fixed edit time stamped on every feature.
var updated = time.Date(2026, 11, 29, 0, 0, 0, 0, time.UTC)

func main() {
	dir := flag.String("dir", "data", "dataset directory (sources are read from <dir>/sources)")
	check := flag.Bool("check", false, "compare with the files on disk instead of writing; exit 1 if they differ")
	verbose := flag.Bool("v", false, "report counts and repairs on stderr")
	flag.Parse()
	files, report, err := build(filepath.Join(*dir, "sources"))
	if err != nil {
		fmt.Fprintln(os.Stderr, "build:", err)
		os.Exit(1)
	}
	if *verbose {
		fmt.Fprint(os.Stderr, report)
	}
	if *check {
		stale := compare(*dir, files)
		for _, s := range stale {
			fmt.Fprintln(os.Stderr, "stale:", s)
		}
		if len(stale) > 0 {
			fmt.Fprintln(os.Stderr, "dataset is stale: run go run ./data/build")
			os.Exit(1)
		}
		return
	}
	if err := write(*dir, files); err != nil {
		fmt.Fprintln(os.Stderr, "build:", err)
		os.Exit(1)
	}
}

// compare lists the files that differ from what the builder makes, and the
// layer files on disk that it would not make.
func compare(dir string, files map[string][]byte) []string {
	var stale []string
	for _, name := range sortedKeys(files) {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil || !bytes.Equal(b, files[name]) {
			stale = append(stale, name)
		}
	}
	old, _ := filepath.Glob(filepath.Join(dir, "layers", "*.geojson"))
	for _, p := range old {
		name := filepath.ToSlash(filepath.Join("layers", filepath.Base(p)))
		if _, ok := files[name]; !ok {
			stale = append(stale, name+" (not made by the builder)")
		}
	}
	return stale
}

func write(dir string, files map[string][]byte) error {
	old, _ := filepath.Glob(filepath.Join(dir, "layers", "*.geojson"))
	for _, p := range old {
		if _, ok := files[filepath.ToSlash(filepath.Join("layers", filepath.Base(p)))]; !ok {
			if err := os.Remove(p); err != nil {
				return err
			}
		}
	}
	if err := os.MkdirAll(filepath.Join(dir, "layers"), 0o755); err != nil {
		return err
	}
	for _, name := range sortedKeys(files) {
		if err := os.WriteFile(filepath.Join(dir, name), files[name], 0o644); err != nil {
			return err
		}
	}
	return nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// build reads the sources and returns the dataset files by path.
func build(src string) (map[string][]byte, string, error) {
	b, err := newBuilder(src)
	if err != nil {
		return nil, "", err
	}
	if err := b.run(); err != nil {
		return nil, "", err
	}
	files := map[string][]byte{}
	byLayer := map[string][]geo.Feature{}
	multi := map[string]bool{}
	used := map[string]map[string]bool{}
	for i := range b.features {
		b.features[i].Extra["plan_year"] = planYear(b.features[i])
	}
	for _, f := range b.features {
		byLayer[f.Layer] = append(byLayer[f.Layer], f)
		if f.Geometry != nil && strings.HasPrefix(f.Geometry.GeoJSONType(), "Multi") {
			multi[f.Layer] = true
		}
		if used[f.Layer] == nil {
			used[f.Layer] = map[string]bool{}
		}
		for k := range b.used[f.ID] {
			used[f.Layer][k] = true
		}
	}
	layers := layersJSON(multi, used)
	lb, err := json.MarshalIndent(layers, "", "  ")
	if err != nil {
		return nil, "", err
	}
	files["layers.json"] = append(lb, '\n')
	known := map[string]bool{}
	for _, l := range layers {
		known[l.ID] = true
		fs := byLayer[l.ID]
		if len(fs) == 0 {
			return nil, "", fmt.Errorf("layer %s has no features", l.ID)
		}
		sort.Slice(fs, func(i, j int) bool { return fs[i].ID < fs[j].ID })
		for i := range fs {
			fs[i].Geometry = promote(fs[i].Geometry, multi[l.ID])
		}
		fb, err := featureCollection(fs)
		if err != nil {
			return nil, "", fmt.Errorf("layer %s: %v", l.ID, err)
		}
		files[filepath.ToSlash(filepath.Join("layers", l.ID+".geojson"))] = fb
	}
	for l := range byLayer {
		if !known[l] {
			return nil, "", fmt.Errorf("features in undeclared layer %q", l)
		}
	}
	tb, err := json.MarshalIndent(b.targets, "", "  ")
	if err != nil {
		return nil, "", err
	}
	files["targets.json"] = append(tb, '\n')
	if files["places.geojson"], files["aliases.json"], err = b.gazetteer(); err != nil {
		return nil, "", err
	}
	return files, b.report(), nil
}

// promote turns a single geometry into its Multi* form when its layer holds Multi*.
func promote(g orb.Geometry, multi bool) orb.Geometry {
	if !multi {
		return g
	}
	switch g := g.(type) {
	case orb.Point:
		return orb.MultiPoint{g}
	case orb.LineString:
		return orb.MultiLineString{g}
	case orb.Polygon:
		return orb.MultiPolygon{g}
	}
	return g
}

// featureCollection writes one feature per line, so diffs stay readable.
func featureCollection(fs []geo.Feature) ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteString("{\"type\":\"FeatureCollection\",\"features\":[\n")
	for i, f := range fs {
		f.Updated = updated
		digits := 6
		f.Geometry = round(f.Geometry, digits)
		fb, err := marshal(f.GeoJSON())
		if err != nil {
			return nil, fmt.Errorf("feature %s: %v", f.ID, err)
		}
		buf.Write(fb)
		if i < len(fs)-1 {
			buf.WriteByte(',')
		}
		buf.WriteByte('\n')
	}
	buf.WriteString("]}\n")
	return buf.Bytes(), nil
}

// marshal encodes without HTML escaping, so Chinese quotes and & stay readable.
func marshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}

func (b *builder) report() string {
	var s strings.Builder
	acc := map[string]int{}
	lay := map[string]int{}
	for _, f := range b.features {
		acc[f.Accuracy]++
		lay[f.Layer]++
	}
	fmt.Fprintf(&s, "features: %d\n", len(b.features))
	for _, a := range geo.Accuracies {
		fmt.Fprintf(&s, "  accuracy %-12s %d\n", a, acc[a])
	}
	cat := map[string]int{}
	for _, f := range b.features {
		if b.catIDs[f.ID] {
			cat[f.Accuracy]++
		}
	}
	fmt.Fprintf(&s, "catalogue rows: %d; unknown %d (%.1f%%)\n", len(b.catIDs), cat[geo.AccuracyUnknown],
		100*float64(cat[geo.AccuracyUnknown])/float64(len(b.catIDs)))
	for _, l := range layerSpecs {
		fmt.Fprintf(&s, "  %-26s %-10s %d\n", l.id, l.geom, lay[l.id])
	}
	return s.String()
}
