package geo

import (
	"encoding/csv"
	"math"
	"os"
	"strconv"
	"testing"

	"github.com/paulmach/orb"
)

func near(a, b orb.Point, tol float64) bool {
	return math.Abs(a[0]-b[0]) <= tol && math.Abs(a[1]-b[1]) <= tol
}

// metroPairs reads the station CSV shipped with the dataset: each row holds
// the same station in WGS84 and in GCJ-02 (as published by MetroMan).
func metroPairs(t *testing.T) (wgs, gcj []orb.Point) {
	t.Helper()
	f, err := os.Open("../data/sources/wuhan_metro_stations.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	num := func(r []string, name string) float64 {
		v, err := strconv.ParseFloat(r[col[name]], 64)
		if err != nil {
			t.Fatalf("row %v: %s: %v", r, name, err)
		}
		return v
	}
	for _, r := range rows[1:] {
		wgs = append(wgs, orb.Point{num(r, "lon_wgs84"), num(r, "lat_wgs84")})
		gcj = append(gcj, orb.Point{num(r, "lon_gcj02"), num(r, "lat_gcj02")})
	}
	if len(wgs) != 277 {
		t.Fatalf("read %d stations, want 277", len(wgs))
	}
	return wgs, gcj
}

func TestGCJ02MetroReference(t *testing.T) {
	wgs, gcj := metroPairs(t)
	// Both columns are rounded to 6 decimals, so a pair can differ by one
	// unit in the last place after conversion.
	const tol = 1e-6 + 1e-9
	for i := range wgs {
		if got := WGS84ToGCJ02(wgs[i]); !near(got, gcj[i], tol) {
			t.Errorf("station %d: WGS84ToGCJ02(%v) = %v, want %v", i, wgs[i], got, gcj[i])
		}
		if got := GCJ02ToWGS84(gcj[i]); !near(got, wgs[i], tol) {
			t.Errorf("station %d: GCJ02ToWGS84(%v) = %v, want %v", i, gcj[i], got, wgs[i])
		}
	}
}

func TestGCJ02KnownPairs(t *testing.T) {
	// Published reference pairs from MetroMan's station list (first and
	// last rows of the CSV), pinned here so the test does not depend on the file.
	cases := []struct{ wgs, gcj orb.Point }{
		{orb.Point{114.115099, 30.661308}, orb.Point{114.120825, 30.659051}}, // 径河
		{orb.Point{114.499018, 30.418581}, orb.Point{114.504301, 30.416072}}, // 龙泉山
	}
	for _, c := range cases {
		if got := WGS84ToGCJ02(c.wgs); !near(got, c.gcj, 2e-6) {
			t.Errorf("WGS84ToGCJ02(%v) = %v, want %v", c.wgs, got, c.gcj)
		}
	}
}

func TestGCJ02OutsideChina(t *testing.T) {
	for _, p := range []orb.Point{{2.35, 48.85}, {-74, 40.7}, {151.2, -33.9}, {0, 0}} {
		if got := WGS84ToGCJ02(p); got != p {
			t.Errorf("WGS84ToGCJ02(%v) = %v, want identity outside China", p, got)
		}
		if got := GCJ02ToWGS84(p); got != p {
			t.Errorf("GCJ02ToWGS84(%v) = %v, want identity outside China", p, got)
		}
	}
}

func TestGCJ02RoundTrip(t *testing.T) {
	for lon := 73.0; lon < 135; lon += 1.7 {
		for lat := 4.0; lat < 53; lat += 1.3 {
			w := orb.Point{lon, lat}
			if got := GCJ02ToWGS84(WGS84ToGCJ02(w)); !near(got, w, 1e-9) {
				t.Fatalf("round trip of %v gave %v", w, got)
			}
		}
	}
}

func TestGCJ02ToWGS84Geometry(t *testing.T) {
	p := orb.Point{114.3, 30.6}
	want := GCJ02ToWGS84(p)
	ring := orb.Ring{p, {114.4, 30.6}, {114.4, 30.7}, p}
	geoms := []orb.Geometry{
		p,
		orb.MultiPoint{p, p},
		orb.LineString{p, {114.4, 30.6}},
		orb.MultiLineString{{p, {114.4, 30.6}}},
		orb.Polygon{ring},
		orb.MultiPolygon{{ring}, {ring}},
		orb.Collection{p, orb.LineString{p, p}},
	}
	for _, g := range geoms {
		out := GCJ02ToWGS84Geometry(g)
		if out.GeoJSONType() != g.GeoJSONType() {
			t.Errorf("%T became %T", g, out)
		}
		n := 0
		walk(out, func(q orb.Point) {
			n++
			if q == p {
				t.Errorf("%T: a point was not converted", g)
			}
		})
		if n == 0 {
			t.Errorf("%T: no points", g)
		}
		first := firstPoint(out)
		if !near(first, want, 1e-12) {
			t.Errorf("%T: first point %v, want %v", g, first, want)
		}
		// The input is not modified.
		if firstPoint(g) != p {
			t.Errorf("%T: input was modified", g)
		}
	}
	if GCJ02ToWGS84Geometry(nil) != nil {
		t.Error("nil geometry should stay nil")
	}
}

func walk(g orb.Geometry, f func(orb.Point)) {
	switch g := g.(type) {
	case orb.Point:
		f(g)
	case orb.MultiPoint:
		for _, p := range g {
			f(p)
		}
	case orb.LineString:
		for _, p := range g {
			f(p)
		}
	case orb.MultiLineString:
		for _, l := range g {
			walk(l, f)
		}
	case orb.Ring:
		for _, p := range g {
			f(p)
		}
	case orb.Polygon:
		for _, r := range g {
			walk(r, f)
		}
	case orb.MultiPolygon:
		for _, p := range g {
			walk(p, f)
		}
	case orb.Collection:
		for _, c := range g {
			walk(c, f)
		}
	}
}

func firstPoint(g orb.Geometry) orb.Point {
	var first *orb.Point
	walk(g, func(p orb.Point) {
		if first == nil {
			first = &p
		}
	})
	return *first
}

func FuzzGCJ02RoundTrip(f *testing.F) {
	f.Add(114.3055, 30.5928) // Wuhan
	f.Add(116.397128, 39.90923)
	f.Add(121.4737, 31.2304)
	f.Add(87.6168, 43.8256)
	f.Add(72.005, 0.83)
	f.Add(137.83, 55.82)
	f.Add(2.35, 48.85) // outside China
	f.Fuzz(func(t *testing.T, lon, lat float64) {
		if math.IsNaN(lon) || math.IsNaN(lat) || math.Abs(lon) > 180 || math.Abs(lat) > 85 {
			t.Skip()
		}
		w := orb.Point{lon, lat}
		g := WGS84ToGCJ02(w)
		if outOfChina(lon, lat) {
			if g != w {
				t.Fatalf("outside China %v moved to %v", w, g)
			}
			return
		}
		if d := math.Hypot(g[0]-lon, g[1]-lat); d > 0.05 {
			t.Fatalf("offset at %v is %v degrees, want under 0.05", w, d)
		}
		// Near the edge of the box the GCJ point can fall outside it; the
		// inverse then (correctly) treats it as WGS84.
		if outOfChina(g[0], g[1]) {
			return
		}
		if back := GCJ02ToWGS84(g); !near(back, w, 1e-9) {
			t.Fatalf("round trip of %v via %v gave %v", w, g, back)
		}
	})
}
