package web_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkt"
	"github.com/paulmach/orb/planar"

	"planmap/data"
	"planmap/geo"
	"planmap/geo/memstore"
	"planmap/geo/storetest"
	"planmap/web"
)

// byLayer lists the ids of a dataset's features layer by layer, in id order.
func byLayer(ds *data.Dataset) map[string][]string {
	out := map[string][]string{}
	for _, f := range ds.Features {
		out[f.Layer] = append(out[f.Layer], f.ID)
	}
	for _, ids := range out {
		slices.Sort(ids)
	}
	return out
}

func TestDownloadGeoJSON(t *testing.T) {
	defer web.SetDownloadPage(7)() // every layer takes several store pages
	ds := storetest.Fixture()
	eachStore(t, ds, func(t *testing.T, base string) { checkGeoJSON(t, ds, base) })
}

func checkGeoJSON(t *testing.T, ds *data.Dataset, base string) {
	for layer, want := range byLayer(ds) {
		resp, b := get(t, base+"/download/"+layer+".geojson")
		code, h := resp.StatusCode, resp.Header
		if code != 200 || h.Get("Content-Type") != "application/geo+json" ||
			h.Get("Content-Disposition") != `attachment; filename="planmap-`+layer+`.geojson"` {
			t.Fatalf("%s: %d %q %q", layer, code, h.Get("Content-Type"), h.Get("Content-Disposition"))
		}
		var fc struct {
			Type     string `json:"type"`
			Name     string `json:"name"`
			Features []struct {
				ID         string          `json:"id"`
				Geometry   json.RawMessage `json:"geometry"`
				Properties map[string]any  `json:"properties"`
			} `json:"features"`
		}
		if err := json.Unmarshal(b, &fc); err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, f := range fc.Features {
			got = append(got, f.ID)
			if f.ID == "p-unknown" && string(f.Geometry) != "null" {
				t.Errorf("a feature without a place has geometry %s", f.Geometry)
			}
			if f.Properties["layer"] != layer || f.Properties["status"] == nil {
				t.Errorf("%s/%s: properties %v", layer, f.ID, f.Properties)
			}
		}
		if fc.Type != "FeatureCollection" || fc.Name != layer || !slices.Equal(got, want) {
			t.Errorf("%s: %s %q with %d features %v, want %d %v", layer, fc.Type, fc.Name, len(got), got, len(want), want)
		}
	}
}

func TestDownloadCSV(t *testing.T) {
	defer web.SetDownloadPage(7)()
	ds := storetest.Fixture()
	eachStore(t, ds, func(t *testing.T, base string) { checkCSV(t, ds, base) })
}

func checkCSV(t *testing.T, ds *data.Dataset, base string) {
	geoms := map[string]orb.Geometry{}
	for _, f := range ds.Features {
		geoms[f.ID] = f.Geometry
	}
	for layer, want := range byLayer(ds) {
		resp, b := get(t, base+"/download/"+layer+".csv")
		code, h := resp.StatusCode, resp.Header
		if code != 200 || !strings.HasPrefix(h.Get("Content-Type"), "text/csv; charset=utf-8") ||
			h.Get("Content-Disposition") != `attachment; filename="planmap-`+layer+`.csv"` {
			t.Fatalf("%s: %d %q %q", layer, code, h.Get("Content-Type"), h.Get("Content-Disposition"))
		}
		if !bytes.HasPrefix(b, []byte("\xef\xbb\xbf")) {
			t.Fatalf("%s: no UTF-8 byte order mark: Excel would garble the Chinese", layer)
		}
		rows, err := csv.NewReader(bytes.NewReader(b[3:])).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		header := "id name_zh name_en kind status district accuracy uncertainty_m source plan_section plan_line plan_year lon lat wkt"
		if strings.Join(rows[0], " ") != header {
			t.Fatalf("header %v", rows[0])
		}
		var got []string
		for _, r := range rows[1:] {
			got = append(got, r[0])
			g := geoms[r[0]]
			if g == nil {
				if r[12] != "" || r[13] != "" || r[14] != "" {
					t.Errorf("%s: a feature without a place has lon %q lat %q wkt %q", r[0], r[12], r[13], r[14])
				}
				continue
			}
			back, err := wkt.Unmarshal(r[14])
			if err != nil || !orb.Equal(back, g) {
				t.Errorf("%s: WKT %q reads back as %v (%v), want %v", r[0], r[14], back, err, g)
			}
			lon, _ := strconv.ParseFloat(r[12], 64)
			lat, _ := strconv.ParseFloat(r[13], 64)
			if !on(g, orb.Point{lon, lat}) {
				t.Errorf("%s: lon/lat %s %s is not on its geometry %v", r[0], r[12], r[13], g)
			}
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s: %d rows %v, want %v", layer, len(got), got, want)
		}
	}
	// Cells as the fixture has them: names in Chinese, the plan's reference,
	// and the representative points the rule gives.
	_, b := get(t, base+"/download/"+storetest.LayerAreas+".csv")
	rows, _ := csv.NewReader(bytes.NewReader(b[3:])).ReadAll()
	cells := map[string][]string{}
	for _, r := range rows {
		cells[r[0]] = r
	}
	if r := cells["guanggu-area"]; r[1] != "光谷副城" || r[4] != "planned" || r[5] != "洪山区" || r[10] != "100" ||
		r[12] != "114.400000" || r[13] != "30.500000" {
		t.Errorf("guanggu-area row %q", r)
	}
	_, b = get(t, base+"/download/"+storetest.LayerPoints+".csv")
	rows, _ = csv.NewReader(bytes.NewReader(b[3:])).ReadAll()
	if r := rows[1]; r[0] != "p-000" || r[11] != "2020" || r[12] != "114.000000" || r[13] != "30.300000" || r[14] != "POINT(114 30.3)" {
		t.Errorf("p-000 row %q", r)
	}
	// The ring lake's centroid is in its hole: its point must be in the water-free ring instead.
	if r := cells["donut-lake"]; r[12] == "114.150000" {
		t.Errorf("donut-lake's point is its centroid, in the hole: %q", r)
	}
}

// on reports whether p lies on g: inside an area, within a metre of a line, at a point.
func on(g orb.Geometry, p orb.Point) bool {
	const eps = 1e-5
	switch g := g.(type) {
	case orb.Polygon:
		return planar.PolygonContains(g, p)
	case orb.MultiPolygon:
		return planar.MultiPolygonContains(g, p)
	case orb.LineString, orb.MultiLineString:
		return planar.DistanceFrom(g, p) < eps
	case orb.Point:
		return math.Abs(g[0]-p[0]) < eps && math.Abs(g[1]-p[1]) < eps
	}
	return false
}

func TestDownloadErrors(t *testing.T) {
	srv := fixtureServer(t)
	for _, c := range []struct {
		path string
		code int
		want string
	}{
		{"/download/nope.csv", 404, `no layer "nope"`},
		{"/download/nope.geojson", 404, `no layer "nope"`},
		{"/download/points.csv?limit=5", 400, `unknown query parameter "limit"`},
		{"/download/points.shp", 404, "no resource"},
		{"/api/stats?layers=points,nope", 400, `unknown layer "nope"`},
		{"/api/stats?layers=", 400, `unknown layer ""`},
		{"/api/stats?layer=points", 400, `unknown query parameter "layer"`},
		{"/api/stats?datetime=2025", 400, "datetime"},
	} {
		code, h, v := fetch(t, srv.URL+c.path)
		if code != c.code || h.Get("Content-Type") != "application/json" || !strings.Contains(v["description"].(string), c.want) {
			t.Errorf("%s: %d %s %v, want %d naming %s", c.path, code, h.Get("Content-Type"), v, c.code, c.want)
		}
	}
}

func TestDownloadTooLarge(t *testing.T) {
	defer web.SetMaxDownload(100)()
	srv := fixtureServer(t)
	for _, path := range []string{"/download/points.csv", "/download/points.geojson"} {
		code, _, v := fetch(t, srv.URL+path)
		if d, _ := v["description"].(string); code != 400 || !strings.Contains(d, `layer "points" has more than 100 features`) ||
			!strings.Contains(d, "/ogc/collections/points/items") {
			t.Errorf("%s: %d %v, want 400 saying how to page through the items", path, code, v)
		}
	}
	if code, _, _ := fetch(t, srv.URL+"/download/lines.geojson"); code != 200 {
		t.Errorf("a layer within the limit: %d", code)
	}
}

// stats is the answer of /api/stats.
type stats struct {
	Layers []string       `json:"layers"`
	Totals map[string]int `json:"totals"`
	Total  int            `json:"total"`
	Counts []struct {
		Layer, Status string
		District      *string
		Count         int
	} `json:"counts"`
	DistrictsEN map[string]string `json:"districts_en"`
}

func getStats(t *testing.T, u string) stats {
	t.Helper()
	resp, b := get(t, u)
	code := resp.StatusCode
	var s stats
	if err := json.Unmarshal(b, &s); code != 200 || err != nil {
		t.Fatalf("%s: %d %v %s", u, code, err, b)
	}
	return s
}

func TestStats(t *testing.T) {
	defer web.SetDownloadPage(7)()
	ds := storetest.Fixture()
	eachStore(t, ds, func(t *testing.T, base string) { checkStats(t, ds, base) })
}

func checkStats(t *testing.T, ds *data.Dataset, base string) {
	// What the dataset holds, counted here feature by feature.
	want := map[[3]string]int{}
	for _, f := range ds.Features {
		want[[3]string{f.Layer, f.District, f.Status}]++
	}
	s := getStats(t, base+"/api/stats?layers=points,lines,points")
	if !slices.Equal(s.Layers, []string{"points", "lines"}) {
		t.Errorf("layers %v: want points, lines, each once", s.Layers)
	}
	got := map[[3]string]int{}
	sum := map[string]int{}
	for _, c := range s.Counts {
		d := ""
		if c.District != nil {
			d = *c.District
		}
		got[[3]string{c.Layer, d, c.Status}] = c.Count
		sum[c.Layer] += c.Count
	}
	for k, n := range want {
		if k[0] != "areas" && got[k] != n {
			t.Errorf("%v: %d, want %d", k, got[k], n)
		}
	}
	if got[[3]string{"points", "", geo.StatusPlanned}] != 1 {
		t.Errorf("the point without a district is not counted as such: %v", s.Counts)
	}
	for _, l := range []string{"points", "lines"} {
		if s.Totals[l] != len(byLayer(ds)[l]) || sum[l] != s.Totals[l] {
			t.Errorf("%s: total %d, cells sum to %d, want %d", l, s.Totals[l], sum[l], len(byLayer(ds)[l]))
		}
	}
	if s.Total != s.Totals["points"]+s.Totals["lines"] {
		t.Errorf("total %d", s.Total)
	}
	// The timeline: at 2025 only what the plan has in place by then.
	at := geo.TimeRange{End: time.Date(2025, 12, 31, 23, 59, 59, 0, time.UTC)}
	inPlan := 0
	for _, f := range ds.Features {
		if f.Layer == "points" && geo.InPlan(f, at) {
			inPlan++
		}
	}
	if s := getStats(t, base+"/api/stats?layers=points&datetime=2025-12-31"); s.Total != inPlan || inPlan == 0 || inPlan == len(byLayer(ds)["points"]) {
		t.Errorf("points in place by 2025: %d, want %d of %d", s.Total, inPlan, len(byLayer(ds)["points"]))
	}
	if all := getStats(t, base+"/api/stats"); all.Total != len(ds.Features) || len(all.Layers) != len(ds.Layers) {
		t.Errorf("without layers: %d features of %v, want all %d", all.Total, all.Layers, len(ds.Features))
	}
}

// TestToolsEmbedded checks the downloads and statistics of every layer of
// the shipped plan against the feature_count its collection gives.
func TestToolsEmbedded(t *testing.T) {
	ds, err := data.Load(data.Embedded())
	if err != nil {
		t.Fatal(err)
	}
	srv := newServer(t, memstore.New(ds))
	_, _, cols := fetch(t, srv.URL+"/ogc/collections")
	var ids []string
	for _, c := range cols["collections"].([]any) {
		c := c.(map[string]any)
		id, n := c["id"].(string), int(c["feature_count"].(float64))
		ids = append(ids, id)
		_, b := get(t, srv.URL+"/download/"+id+".geojson")
		var fc struct{ Features []any }
		if err := json.Unmarshal(b, &fc); err != nil || len(fc.Features) != n {
			t.Errorf("%s.geojson: %d features (%v), want %d", id, len(fc.Features), err, n)
		}
		_, b = get(t, srv.URL+"/download/"+id+".csv")
		rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b, []byte("\xef\xbb\xbf")))).ReadAll()
		if err != nil || len(rows) != n+1 {
			t.Errorf("%s.csv: %d rows (%v), want %d and the header", id, len(rows), err, n)
		}
		if s := getStats(t, srv.URL+"/api/stats?layers="+id); s.Totals[id] != n || s.Total != n {
			t.Errorf("stats of %s: %d, want %d", id, s.Totals[id], n)
		}
	}
	s := getStats(t, srv.URL+"/api/stats") // every layer
	if s.Total != len(ds.Features) || len(s.Layers) != len(ids) {
		t.Errorf("stats of every layer: %d features of %d layers, want %d of %d", s.Total, len(s.Layers), len(ds.Features), len(ids))
	}
	if s.DistrictsEN["洪山区"] != "Hongshan District" {
		t.Errorf("districts_en %v: no English name of 洪山区", s.DistrictsEN)
	}
}
