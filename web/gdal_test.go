package web_test

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"planmap/geo/storetest"
)

// ogr2ogr downloads one layer through GDAL's OAPIF driver and returns how many
// features the GeoJSON it wrote holds.
func ogr2ogr(t *testing.T, url, layer string, opts ...string) int {
	t.Helper()
	out := filepath.Join(t.TempDir(), layer+".geojson")
	args := append([]string{"-f", "GeoJSON", out, "OAPIF:" + url, layer}, opts...)
	cmd := exec.Command("ogr2ogr", args...)
	cmd.Env = append(os.Environ(), "GDAL_HTTP_TIMEOUT=30", "CPL_DEBUG=OFF")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("ogr2ogr %s: %v\n%s", layer, err, b)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var fc struct{ Features []json.RawMessage }
	if err := json.Unmarshal(b, &fc); err != nil {
		t.Fatalf("%s: %v", layer, err)
	}
	return len(fc.Features)
}

// TestGDALPaging makes GDAL page through a layer by next links alone.
func TestGDALPaging(t *testing.T) {
	requireTool(t, "ogr2ogr")
	srv := fixtureServer(t)
	want := 0
	for _, f := range storetest.Fixture().Features {
		if f.Layer == storetest.LayerPoints {
			want++
		}
	}
	if got := ogr2ogr(t, srv.URL+"/ogc", storetest.LayerPoints, "-oo", "PAGE_SIZE=40"); got != want {
		t.Errorf("ogr2ogr with 40 a page: %d features, want numberMatched %d", got, want)
	}
	// GDAL lists every collection with its geometry type.
	b, err := exec.Command("ogrinfo", "-ro", "-q", "OAPIF:"+srv.URL+"/ogc").CombinedOutput()
	if err != nil {
		t.Fatalf("ogrinfo: %v\n%s", err, b)
	}
	for _, l := range []string{storetest.LayerAreas, storetest.LayerLines, storetest.LayerPoints} {
		if !strings.Contains(string(b), l) {
			t.Errorf("ogrinfo does not list %s:\n%s", l, b)
		}
	}
}

// TestGDALGeoPackage saves every collection with ogr2ogr through GDAL's
// OAPIF driver into a GeoPackage, at GDAL's own page of 10 features (the
// page it would build its fields from but for the schema), and compares the
// file with the server's own GeoJSON: every feature, every property with its
// value, and each field of the OGR type the collection's schema gives.
func TestGDALGeoPackage(t *testing.T) {
	requireTool(t, "ogr2ogr")
	requireTool(t, "ogrinfo")
	// The fixture has properties that appear only after the first page.
	t.Run("fixture", func(t *testing.T) { gdalGeoPackage(t, fixtureServer(t).URL) })
	eachStore(t, embedded(t), gdalGeoPackage)
}

func gdalGeoPackage(t *testing.T, base string) {
	cols := collectionIDs(t, base)
	gpkg := filepath.Join(t.TempDir(), "plan.gpkg")
	gdal(t, "ogr2ogr", append([]string{"-f", "GPKG", gpkg, "OAPIF:" + base + "/ogc"}, cols...)...)
	types := fieldTypes(t, gpkg)
	for _, c := range cols {
		want := serve(t, base, c)
		got := gpkgFeatures(t, gpkg, c)
		if len(got) != len(want.ids) {
			t.Errorf("%s: %d features in the GeoPackage, %d served", c, len(got), len(want.ids))
		}
		for name, sch := range want.schema {
			if w := ogrType(sch); types[c][name] != w {
				t.Errorf("%s: field %s is %q in the GeoPackage, want %s for schema %v", c, name, types[c][name], w, sch)
			}
		}
		wrong := 0
		for i, id := range want.ids {
			g, ok := got[id]
			if !ok {
				t.Errorf("%s: feature %s is not in the GeoPackage", c, id)
				continue
			}
			for k, v := range want.props[i] {
				if gv, ok := g[k]; !ok || !sameValue(v, gv) {
					if wrong++; wrong <= 10 {
						t.Errorf("%s/%s: %s is %#v in the GeoPackage (present: %v), served %#v", c, id, k, gv, ok, v)
					}
				}
			}
		}
	}
}

// gdal runs a GDAL program and returns what it writes to stdout.
func gdal(t *testing.T, name string, args ...string) []byte {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Env = append(os.Environ(), "GDAL_HTTP_TIMEOUT=30", "CPL_DEBUG=OFF")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, stderr.Bytes())
	}
	return out
}

// fieldTypes reads each layer's field types from ogrinfo's summary, lines
// such as "plan_line: Integer (0.0)".
func fieldTypes(t *testing.T, path string) map[string]map[string]string {
	out := map[string]map[string]string{}
	var layer string
	field := regexp.MustCompile(`^([^\s:]+): (\S+) \(`)
	for _, line := range strings.Split(string(gdal(t, "ogrinfo", "-ro", "-so", "-al", path)), "\n") {
		if name, ok := strings.CutPrefix(line, "Layer name: "); ok {
			layer = name
			out[layer] = map[string]string{}
		} else if m := field.FindStringSubmatch(line); m != nil && layer != "" {
			out[layer][m[1]] = m[2]
		}
	}
	return out
}

// gpkgFeatures reads one layer of a GeoPackage as GeoJSON, by the "id" field
// GDAL fills from each feature's id.
func gpkgFeatures(t *testing.T, path, layer string) map[string]map[string]any {
	var fc struct {
		Features []struct{ Properties map[string]any }
	}
	if err := json.Unmarshal(gdal(t, "ogr2ogr", "-f", "GeoJSON", "/vsistdout/", path, layer), &fc); err != nil {
		t.Fatalf("%s: %v", layer, err)
	}
	out := map[string]map[string]any{}
	for _, f := range fc.Features {
		id, _ := f.Properties["id"].(string)
		out[id] = f.Properties
	}
	return out
}

// ogrType is the OGR field type a property of this schema should become.
func ogrType(schema map[string]any) string {
	switch schema["type"] {
	case "integer":
		return "Integer"
	case "number":
		return "Real"
	case "boolean":
		return "Integer(Boolean)"
	case "string":
		if schema["format"] == "date-time" {
			return "DateTime"
		}
	}
	return "String" // strings, JSON text, and properties always null
}

// sameValue compares a served value with what GDAL wrote of it. GDAL 3.6's
// GeoJSON writer turns a string field that holds JSON text back into JSON,
// so such a field reads as the JSON its text decodes to.
func sameValue(served, saved any) bool {
	switch w := served.(type) {
	case string:
		if s, ok := saved.(string); ok {
			a, errA := time.Parse(time.RFC3339, w)
			b, errB := time.Parse(time.RFC3339, s)
			return s == w || (errA == nil && errB == nil && a.Equal(b))
		}
		var decoded any
		return json.Unmarshal([]byte(w), &decoded) == nil && reflect.DeepEqual(decoded, saved)
	case float64:
		g, ok := saved.(float64)
		return ok && math.Abs(g-w) <= 1e-12*math.Abs(w)
	}
	return served == saved // booleans and nulls
}
