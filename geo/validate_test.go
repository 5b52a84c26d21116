package geo

import (
	"regexp"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkt"
)

// RuleCases are small hand-made geometries, one or more for each rule: Want
// is a pattern the message must match, or "" for a valid geometry.
var RuleCases = []struct{ Name, WKT, Want string }{
	{"line", "LINESTRING(0 0,1 1)", ""},
	{"line crossing itself", "LINESTRING(0 0,2 2,2 0,0 2)", ""},
	{"line with a repeated point", "LINESTRING(0 0,0 0,1 1)", ""},
	{"line of two equal points", "LINESTRING(1 1,1 1)", "zero length"},
	{"line of three equal points", "LINESTRING(1 1,1 1,1 1)", "zero length"},
	{"multiline with a zero-length line", "MULTILINESTRING((0 0,1 1),(2 2,2 2))", "zero length"},
}

// TestValidGeometryRules checks each rule on RuleCases.
func TestValidGeometryRules(t *testing.T) {
	for _, c := range RuleCases {
		t.Run(c.Name, func(t *testing.T) {
			g, err := wkt.Unmarshal(c.WKT)
			if err != nil {
				t.Fatal(err)
			}
			check(t, g, c.Want)
		})
	}
}

func check(t *testing.T, g orb.Geometry, want string) {
	t.Helper()
	err := ValidGeometry(g)
	switch {
	case want == "" && err != nil:
		t.Errorf("ValidGeometry = %v, want valid", err)
	case want != "" && err == nil:
		t.Errorf("ValidGeometry = valid, want %q", want)
	case want != "" && !regexp.MustCompile(want).MatchString(err.Error()):
		t.Errorf("ValidGeometry = %v, want %q", err, want)
	}
}
