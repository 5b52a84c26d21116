package web_test

import (
	"encoding/json"
	"errors"
	"os/exec"
	"testing"

	"planmap/geo/storetest"
)

// TestOWSLibQueryables has OWSLib (Debian's python3-owslib) read a
// collection's queryables and filter its items with CQL2 Text, on both stores.
func TestOWSLibQueryables(t *testing.T) {
	py := ""
	for _, p := range []string{"python3", "/usr/bin/python3"} {
		if exec.Command(p, "-c", "from owslib.ogcapi.features import Features; Features.collection_queryables").Run() == nil {
			py = p
			break
		}
	}
	if py == "" {
		require(t, errors.New("no python3 can import owslib"), "PLANMAP_REQUIRE_OWSLIB", "python3-owslib")
	}
	eachStore(t, storetest.Fixture(), func(t *testing.T, base string) {
		out, err := exec.Command(py, "testdata/owslib_queryables.py", base+"/ogc", "lines", "driverless = true").CombinedOutput()
		if err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
		var v struct {
			Queryables struct {
				Properties map[string]map[string]any
			}
			IDs     []string
			Matched float64
		}
		if err := json.Unmarshal(out, &v); err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
		if v.Queryables.Properties["driverless"]["type"] != "boolean" || v.Queryables.Properties["length_km"]["type"] != "number" {
			t.Errorf("queryables: %v", v.Queryables.Properties)
		}
		if len(v.IDs) != 1 || v.IDs[0] != "line-b" || v.Matched != 1 {
			t.Errorf("filtered items: %v (matched %v)", v.IDs, v.Matched)
		}
	})
}
