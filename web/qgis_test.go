package web_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"os/exec"
	"strings"
	"testing"
)

// qgisPython finds a python3 that has QGIS's bindings (Debian's
// python3-qgis serves /usr/bin/python3, which need not come first on PATH).
func qgisPython(t *testing.T) string {
	t.Helper()
	for _, py := range []string{"python3", "/usr/bin/python3"} {
		if exec.Command(py, "-c", "import qgis.core").Run() == nil {
			return py
		}
	}
	require(t, errors.New("no python3 can import qgis.core"), "PLANMAP_REQUIRE_QGIS", "python3-qgis")
	return ""
}

// TestQGISSaves has QGIS, headless through its OAPIF provider, save every
// collection to a GeoPackage and the largest to a Shapefile
// (testdata/qgis_save.py). Each file must hold every feature, and each
// property must have a value on as many features as the server gives it one:
// QGIS saves NULL where it cannot store a value.
func TestQGISSaves(t *testing.T) {
	py := qgisPython(t)
	t.Run("fixture", func(t *testing.T) { qgisSaves(t, py, fixtureServer(t).URL) })
	eachStore(t, embedded(t), func(t *testing.T, base string) { qgisSaves(t, py, base) })
}

func qgisSaves(t *testing.T, py, base string) {
	cols := collectionIDs(t, base)
	want := map[string]served{}
	largest := cols[0]
	for _, c := range cols {
		want[c] = serve(t, base, c)
		if len(want[c].ids) > len(want[largest].ids) {
			largest = c
		}
	}
	jobs := []string{"ESRI Shapefile:" + largest}
	for _, c := range cols {
		jobs = append(jobs, "GPKG:"+c)
	}
	cmd := exec.Command(py, append([]string{"testdata/qgis_save.py", base + "/ogc", t.TempDir()}, jobs...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("qgis_save.py: %v\n%s", err, stderr.Bytes())
	}
	var report map[string]struct {
		Error    string
		Features int
		Values   map[string]int
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &report); err != nil {
		t.Fatalf("qgis_save.py printed %s: %v\n%s", out, err, stderr.Bytes())
	}
	for _, job := range jobs {
		r, c := report[job], job[strings.Index(job, ":")+1:]
		if r.Error != "" || r.Features != len(want[c].ids) {
			t.Errorf("%s: QGIS saved %d of %d features (%s)", job, r.Features, len(want[c].ids), r.Error)
			continue
		}
		values := map[string]int{"id": len(want[c].ids)}
		for _, props := range want[c].props {
			for k, v := range props {
				if v != nil {
					values[k]++
				}
			}
		}
		for k, n := range values {
			if r.Values[k] != n {
				t.Errorf("%s: %s has a value on %d saved features, on %d served", job, k, r.Values[k], n)
			}
		}
	}
}
