package tiles

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"
)

func TestParseTileIDAccepts(t *testing.T) {
	cases := []struct {
		z, x, y string
		max     int
		want    TileID
	}{
		{"0", "0", "0", 22, TileID{0, 0, 0}},
		{"1", "1", "1", 22, TileID{1, 1, 1}},
		{"12", "3345", "1687", 22, TileID{12, 3345, 1687}},
		{"22", "4194303", "4194303", 22, TileID{22, 4194303, 4194303}},
		{"30", "1073741823", "0", 99, TileID{30, 1<<30 - 1, 0}}, // maxZoom clamps to 30
	}
	for _, c := range cases {
		got, err := ParseTileID(c.z, c.x, c.y, c.max)
		if err != nil || got != c.want {
			t.Errorf("ParseTileID(%q,%q,%q,%d) = %v, %v; want %v", c.z, c.x, c.y, c.max, got, err, c.want)
		}
	}
}

func TestParseTileIDRejects(t *testing.T) {
	cases := []struct {
		z, x, y string
		max     int
		part    string
		reason  string
	}{
		{"", "0", "0", 22, "z", "empty"},
		{"-1", "0", "0", 22, "z", "negative"},
		{"+1", "0", "0", 22, "z", "sign"},
		{"1.5", "0", "0", 22, "z", "integer"},
		{"1e2", "0", "0", 22, "z", "integer"},
		{" 1", "0", "0", 22, "z", "integer"},
		{"0x1", "0", "0", 22, "z", "integer"},
		{"01", "0", "0", 22, "z", "leading zeros"},
		{"٣", "0", "0", 22, "z", "integer"}, // Arabic-Indic digit
		{"23", "0", "0", 22, "z", "maximum zoom 22"},
		{"31", "0", "0", 40, "z", "maximum zoom 30"},
		{"99999999999999999999", "0", "0", 22, "z", "too large"},
		{"1", "", "0", 22, "x", "empty"},
		{"1", "-0", "0", 22, "x", "negative"},
		{"1", "2", "0", 22, "x", "below 2^1 = 2"},
		{"0", "1", "0", 22, "x", "below 2^0 = 1"},
		{"1", "+1", "0", 22, "x", "sign"},
		{"1", "abc", "0", 22, "x", "integer"},
		{"22", "4294967296", "0", 22, "x", "below 2^22"},
		{"22", "12345678901", "0", 22, "x", "too large"},
		{"1", "0", "", 22, "y", "empty"},
		{"1", "0", "2", 22, "y", "below 2^1 = 2"},
		{"1", "0", "1.mvt", 22, "y", "integer"},
		{"1", "0", "-1", 22, "y", "negative"},
		{"3", "0", "007", 22, "y", "leading zeros"},
	}
	for _, c := range cases {
		_, err := ParseTileID(c.z, c.x, c.y, c.max)
		var pe *ParseError
		if !errors.As(err, &pe) {
			t.Errorf("ParseTileID(%q,%q,%q) = %v; want a ParseError", c.z, c.x, c.y, err)
			continue
		}
		if pe.Part != c.part || !strings.Contains(pe.Error(), c.reason) {
			t.Errorf("ParseTileID(%q,%q,%q): %q (part %s); want part %s mentioning %q", c.z, c.x, c.y, pe, pe.Part, c.part, c.reason)
		}
	}
}

func TestParseErrorTruncatesValue(t *testing.T) {
	_, err := ParseTileID(strings.Repeat("9", 5000), "0", "0", 22)
	if err == nil || len(err.Error()) > 120 {
		t.Fatalf("error should exist and stay short, got %d bytes", len(err.Error()))
	}
}

func TestTileString(t *testing.T) {
	if s := (TileID{14, 13358, 6746}).String(); s != "14/13358/6746" {
		t.Fatal(s)
	}
}

func near(a, b orb.Point, eps float64) bool {
	return math.Abs(a[0]-b[0]) < eps && math.Abs(a[1]-b[1]) < eps
}

// Bound is checked against orb's own maptile, an independent implementation.
func TestBoundMatchesOrb(t *testing.T) {
	for _, id := range []TileID{{0, 0, 0}, {1, 1, 0}, {10, 835, 421}, {14, 13358, 6746}, {22, 1, 4194303}} {
		got := id.Bound()
		want := maptile.New(id.X, id.Y, maptile.Zoom(id.Z)).Bound()
		if !near(got.Min, want.Min, 1e-9) || !near(got.Max, want.Max, 1e-9) {
			t.Errorf("%v: Bound %v, orb says %v", id, got, want)
		}
	}
	w := (TileID{}).Bound()
	if !near(w.Min, orb.Point{-180, -MaxLatitude}, 1e-9) || !near(w.Max, orb.Point{180, MaxLatitude}, 1e-9) {
		t.Errorf("world bound %v", w)
	}
}

func TestMercatorBound(t *testing.T) {
	const half = 20037508.342789244
	b := (TileID{}).MercatorBound()
	if !near(b.Min, orb.Point{-half, -half}, 1e-6) || !near(b.Max, orb.Point{half, half}, 1e-6) {
		t.Errorf("z0 %v", b)
	}
	b = (TileID{1, 1, 0}).MercatorBound() // north-east quarter
	if !near(b.Min, orb.Point{0, 0}, 1e-6) || !near(b.Max, orb.Point{half, half}, 1e-6) {
		t.Errorf("1/1/0 %v", b)
	}
}

func TestCovering(t *testing.T) {
	wuhan := orb.Bound{Min: orb.Point{113.68, 29.97}, Max: orb.Point{115.08, 31.37}}
	for z := uint32(0); z <= 16; z++ {
		r := Covering(wuhan, z)
		n := uint64(0)
		for id := range r.All() {
			n++
			if !id.Bound().Intersects(wuhan) {
				t.Fatalf("z%d: %v does not touch the bound", z, id)
			}
		}
		if n != r.Count() || n == 0 {
			t.Fatalf("z%d: yielded %d, Count %d", z, n, r.Count())
		}
		// Every neighbour just outside the range lies outside the bound.
		for _, id := range []TileID{{z, r.MinX - 1, r.MinY}, {z, r.MaxX + 1, r.MinY}, {z, r.MinX, r.MinY - 1}, {z, r.MinX, r.MaxY + 1}} {
			if id.Valid() {
				b := id.Bound()
				inside := b.Min[0] < wuhan.Max[0] && b.Max[0] > wuhan.Min[0] && b.Min[1] < wuhan.Max[1] && b.Max[1] > wuhan.Min[1]
				if inside {
					t.Fatalf("z%d: %v overlaps the bound but is not covered", z, id)
				}
			}
		}
	}
	if r := Covering(wuhan, 0); r.Count() != 1 {
		t.Fatal("z0 must be one tile")
	}
	// A bound exactly on the tile grid does not pull in neighbours.
	r := Covering((TileID{2, 1, 1}).Bound(), 2)
	if r.Count() != 1 || r.MinX != 1 || r.MinY != 1 {
		t.Fatalf("exact tile bound covered %+v", r)
	}
	// Early stop of the iterator.
	n := 0
	for range Covering(wuhan, 14).All() {
		n++
		if n == 3 {
			break
		}
	}
	if n != 3 {
		t.Fatal(n)
	}
}

func TestValidParent(t *testing.T) {
	if (TileID{31, 0, 0}).Valid() || (TileID{2, 4, 0}).Valid() || !(TileID{2, 3, 3}).Valid() {
		t.Fatal("Valid")
	}
	if p := (TileID{3, 5, 7}).Parent(); p != (TileID{2, 2, 3}) {
		t.Fatal(p)
	}
	if p := (TileID{}).Parent(); p != (TileID{}) {
		t.Fatal(p)
	}
}

// OverviewCount bounds a count without changing the grid it picks.
func TestOverviewCount(t *testing.T) {
	for _, o := range []Options{{}, {MaxBytes: 20 << 10}, {PointGrid: 4}, {Extent: 512, Buffer: 8}} {
		c := OverviewCount(o)
		for _, n := range []int{c, c + 1, 2 * c, 100 * c, 1 << 30} {
			if a, b := OverviewGrid(n, o), OverviewGrid(c, o); a != b {
				t.Errorf("%+v: %d candidates give grid %d, the bound %d gives %d", o, n, a, c, b)
			}
		}
	}
}
