package web_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"planmap/data"
	"planmap/geo"
	"planmap/geo/cql2"
	"planmap/geo/memstore"
	"planmap/geo/postgis"
	"planmap/geo/postgis/pgtest"
	"planmap/geo/storetest"
)

// The OGC's CQL2 test data and abstract test suite (geo/cql2/testdata).
const cql2Data = "../geo/cql2/testdata"

// neDataset is the OGC's CQL2 test data as a planmap dataset: one layer per
// Natural Earth collection, each feature's properties kept as they are.
func neDataset(t *testing.T) *data.Dataset {
	t.Helper()
	ds := &data.Dataset{}
	for i, name := range []string{"ne_110m_admin_0_countries", "ne_110m_populated_places_simple", "ne_110m_rivers_lake_centerlines"} {
		b, err := os.ReadFile(filepath.Join(cql2Data, "ne110m", name+".geojson"))
		if err != nil {
			t.Fatal(err)
		}
		fc, err := geojson.UnmarshalFeatureCollection(b)
		if err != nil {
			t.Fatal(err)
		}
		ds.Layers = append(ds.Layers, geo.Layer{ID: name, TitleZH: name, TitleEN: name, Theme: "base",
			GeometryType: fc.Features[0].Geometry.GeoJSONType(), Order: i + 1})
		for j, gf := range fc.Features {
			ds.Features = append(ds.Features, geo.Feature{ID: fmt.Sprintf("%s-%d", strings.ReplaceAll(name, "_", "-"), j+1),
				Layer: name, NameZH: "测试", NameEN: "test", Kind: "test", Status: geo.StatusExisting,
				Accuracy: geo.AccuracySurveyed, Source: "Natural Earth", Extra: gf.Properties, Geometry: gf.Geometry})
		}
	}
	return ds
}

// atsRow is one row of an abstract test's table of predicates and expected counts.
type atsRow struct {
	class, collection, filter string
	want                      int
}

// atsRows reads the tables of predicates and expected results of the
// conformance classes planmap claims.
func atsRows(t *testing.T) []atsRow {
	t.Helper()
	row := regexp.MustCompile("^\\|(ne_110m_\\w+) \\|`(.*)` \\|(\\d+)$")
	var rows []atsRow
	for _, class := range []string{"basic-cql2", "advanced-comparison-operators", "basic-spatial-functions", "basic-spatial-functions-plus", "spatial-functions", "temporal-functions"} {
		f, err := os.Open(filepath.Join(cql2Data, "ats", "annex_ats_"+class+".adoc"))
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if m := row.FindStringSubmatch(sc.Text()); m != nil {
				n, _ := strconv.Atoi(m[3])
				// AsciiDoc escapes: \<= is <=, \(( is ((.
				filter := strings.NewReplacer(`\<`, "<", `\(`, "(").Replace(m[2])
				rows = append(rows, atsRow{class, m[1], filter, n})
			}
		}
		f.Close()
	}
	if len(rows) < 70 {
		t.Fatalf("only %d rows of expected results", len(rows))
	}
	return rows
}

// atsMethodFilters reads the spatial functions each abstract test of the
// spatial classes asks of every geometry queryable ("{queryable}" in the
// adoc); those with the coordinate 90 180 must fail, the rest succeed.
func atsMethodFilters(t *testing.T) []string {
	t.Helper()
	bullet := regexp.MustCompile("^\\* `(S_\\w+\\(\\{queryable\\},.*)`$")
	var filters []string
	for _, class := range []string{"basic-spatial-functions", "basic-spatial-functions-plus", "spatial-functions"} {
		b, err := os.ReadFile(filepath.Join(cql2Data, "ats", "annex_ats_"+class+".adoc"))
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(string(b), "\n") {
			if m := bullet.FindStringSubmatch(line); m != nil {
				filters = append(filters, strings.NewReplacer(`\(`, "(", "{queryable}", "geom").Replace(m[1]))
			}
		}
	}
	if len(filters) < 30 {
		t.Fatalf("only %d filters of the tests' methods", len(filters))
	}
	return filters
}

// eachNEStore runs fn against a live server on each store holding the
// OGC's test data. planmap load refuses it (it lies outside Wuhan), so on
// PostGIS it is written with SQL into the migrated schema, whose triggers
// keep tiles and schemas in step as for any edit.
func eachNEStore(t *testing.T, fn func(t *testing.T, base string)) {
	ds := neDataset(t)
	t.Run("memstore", func(t *testing.T) { fn(t, newServer(t, memstore.New(ds)).URL) })
	t.Run("postgis", func(t *testing.T) {
		ctx := context.Background()
		u := pgtest.URL(t)
		s, err := postgis.Open(ctx, u, postgis.Options{Migrate: true})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		conn, err := pgx.Connect(ctx, u)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close(ctx)
		for i, l := range ds.Layers {
			if _, err := conn.Exec(ctx, `INSERT INTO layers (id, position, title_zh, title_en, theme, geometry_type, sort_order)
				VALUES ($1, $2, $3, $4, $5, $6, $7)`, l.ID, i, l.TitleZH, l.TitleEN, l.Theme, l.GeometryType, l.Order); err != nil {
				t.Fatal(err)
			}
		}
		// A few Natural Earth polygons are not OGC-valid, which the database
		// refuses since migration 0015: they go in repaired (ST_MakeValid),
		// which changes none of the ATS's counts.
		for _, f := range ds.Features {
			g, _ := geojson.NewGeometry(f.Geometry).MarshalJSON()
			extra, _ := json.Marshal(f.Extra)
			if _, err := conn.Exec(ctx, `INSERT INTO features (id, layer, name_zh, name_en, kind, status, accuracy, source, updated, extra, geom)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, '0001-01-01Z', $9, (SELECT CASE WHEN ST_IsValid(g) THEN g ELSE ST_MakeValid(g) END
					FROM ST_SetSRID(ST_GeomFromGeoJSON($10), 4326) g))`,
				f.ID, f.Layer, f.NameZH, f.NameEN, f.Kind, f.Status, f.Accuracy, f.Source, extra, string(g)); err != nil {
				t.Fatalf("%s: %v", f.ID, err)
			}
		}
		fn(t, newServer(t, s).URL)
	})
}

// TestCQL2ATS asks every predicate of the OGC's tests of each CQL2
// conformance class planmap claims, in CQL2 Text and in CQL2 JSON, and
// expects the table's number of features, on both stores.
func TestCQL2ATS(t *testing.T) {
	rows := atsRows(t)
	t.Logf("%d predicates", len(rows))
	eachNEStore(t, func(t *testing.T, base string) {
		_, _, conf := fetch(t, base+"/ogc/conformance")
		for _, class := range []string{"basic-cql2", "advanced-comparison-operators", "basic-spatial-functions",
			"basic-spatial-functions-plus", "spatial-functions", "temporal-functions", "cql2-text", "cql2-json"} {
			if !strings.Contains(fmt.Sprint(conf["conformsTo"]), "/spec/cql2/1.0/conf/"+class+" ") &&
				!strings.HasSuffix(fmt.Sprint(conf["conformsTo"]), "/spec/cql2/1.0/conf/"+class+"]") {
				t.Errorf("conformance lacks %s", class)
			}
		}
		for _, r := range rows {
			e, err := cql2.ParseText(r.filter)
			if err != nil {
				t.Errorf("%s: %s: %v", r.class, r.filter, err)
				continue
			}
			j, _ := cql2.JSON(e)
			for _, q := range []url.Values{{"filter": {r.filter}}, {"filter": {string(j)}, "filter-lang": {"cql2-json"}}} {
				q.Set("limit", "1000")
				code, _, fc := fetch(t, base+"/ogc/collections/"+r.collection+"/items?"+q.Encode())
				if code != 200 {
					t.Errorf("%s: %s %s: %d %v", r.class, r.collection, q.Get("filter"), code, fc["description"])
					continue
				}
				if n := len(fc["features"].([]any)); n != r.want || fc["numberMatched"] != float64(r.want) {
					t.Errorf("%s: %s %s (%s): %d features, numberMatched %v; want %d", r.class, r.collection, r.filter,
						q.Get("filter-lang"), n, fc["numberMatched"], r.want)
				}
			}
		}
		for _, filter := range atsMethodFilters(t) {
			want := 200
			if strings.Contains(filter, "90 180") { // latitude 180
				want = 400
			}
			e, err := cql2.ParseText(filter)
			if err != nil {
				t.Fatalf("%s: %v", filter, err)
			}
			j, _ := cql2.JSON(e)
			for _, layer := range []string{"ne_110m_admin_0_countries", "ne_110m_populated_places_simple", "ne_110m_rivers_lake_centerlines"} {
				for _, q := range []url.Values{{"filter": {filter}}, {"filter": {string(j)}, "filter-lang": {"cql2-json"}}} {
					if code, _, fc := fetch(t, base+"/ogc/collections/"+layer+"/items?"+q.Encode()); code != want {
						t.Errorf("%s %s %s: %d %v, want %d", layer, filter, q.Get("filter-lang"), code, fc["description"], want)
					}
				}
			}
		}
	})
}

// TestFilterFixture filters the contract fixture on both stores, on the
// properties of every kind a feature has (its own columns, further
// properties of each type, its id and geometry), and expects exactly the
// features a Go predicate over the fixture selects.
func TestFilterFixture(t *testing.T) {
	ds := storetest.Fixture()
	extra := func(f geo.Feature, k string) any { return f.Extra[k] }
	cases := []struct {
		layer, filter, lang, crs string
		want                     func(f geo.Feature) bool
	}{
		{"points", "status = 'planned' AND district = '洪山区'", "", "", func(f geo.Feature) bool {
			return f.Status == "planned" && f.District == "洪山区"
		}},
		{"points", "district IS NULL OR kind <> 'port'", "", "", func(f geo.Feature) bool { return f.District == "" || f.Kind != "port" }},
		{"points", "capacity >= 245 OR late_note = '最后一个'", "", "", func(f geo.Feature) bool {
			c, _ := extra(f, "capacity").(float64)
			return c >= 245
		}},
		{"points", "NOT capacity < 245", "", "", func(f geo.Feature) bool {
			c, ok := extra(f, "capacity").(float64)
			return ok && c >= 245 // null capacity: unknown, and NOT unknown is unknown
		}},
		{"points", "capacity IS NULL AND geometry IS NOT NULL", "", "", func(f geo.Feature) bool {
			return extra(f, "capacity") == nil && f.Geometry != nil
		}},
		{"points", "name_en LIKE 'Pump 00_' AND id NOT IN ('p-003', 'p-004')", "", "", func(f geo.Feature) bool {
			return strings.HasPrefix(f.NameEN, "Pump 00") && f.ID != "p-003" && f.ID != "p-004"
		}},
		{"points", "updated > TIMESTAMP('2026-01-10T00:00:00Z') AND updated <= TIMESTAMP('2026-01-20T00:00:00Z')", "", "", func(f geo.Feature) bool {
			d := f.Updated.Sub(storetest.Base).Hours() / 24
			return d > 9 && d <= 19
		}},
		{"points", "plan_line = 100 AND plan_section LIKE '第二十八节%'", "", "", func(f geo.Feature) bool { return true }},
		{"points", "T_AFTER(updated, TIMESTAMP('2026-01-10T00:00:00Z')) AND T_BEFORE(updated, INTERVAL('2026-01-20T00:00:00Z', '..'))", "", "", func(f geo.Feature) bool {
			d := f.Updated.Sub(storetest.Base).Hours() / 24
			return d > 9 && d < 19
		}},
		{"points", "T_DURING(INTERVAL(updated, updated), INTERVAL('2026-01-03T00:00:00Z', '2026-01-06T00:00:00Z')) OR T_EQUALS(updated, TIMESTAMP('2026-01-01T00:00:00Z'))", "", "", func(f geo.Feature) bool {
			d := f.Updated.Sub(storetest.Base).Hours() / 24
			return (d > 2 && d < 5) || d == 0
		}},
		{"points", "S_INTERSECTS(geometry, BBOX(114.0, 30.3, 114.05, 30.35))", "", "", func(f geo.Feature) bool {
			return geo.Intersects(f.Geometry, orb.Bound{Min: orb.Point{114.0, 30.3}, Max: orb.Point{114.05, 30.35}})
		}},
		{"points", `{"op":"s_intersects","args":[{"property":"geometry"},{"bbox":[30.3,114.0,30.35,114.05]}]}`, "cql2-json", uri4326, func(f geo.Feature) bool {
			return geo.Intersects(f.Geometry, orb.Bound{Min: orb.Point{114.0, 30.3}, Max: orb.Point{114.05, 30.35}})
		}},
		{"areas", "S_INTERSECTS(geom, POINT(114.15 30.75))", "", "", func(f geo.Feature) bool { return false }}, // in the donut's hole
		{"areas", "S_DISJOINT(geometry, POINT(114.11 30.71))", "", "", func(f geo.Feature) bool { return f.ID == "guanggu-area" }},
		{"areas", fmt.Sprintf("S_INTERSECTS(geometry, POINT(%f %f))", toCRS(uri3857, 114.4, 30.5)[0], toCRS(uri3857, 114.4, 30.5)[1]), "", uri3857,
			func(f geo.Feature) bool { return f.ID == "guanggu-area" }},
		{"areas", "S_INTERSECTS(geometry, LINESTRING(114.0 30.5, 114.39 30.5))", "", "", func(f geo.Feature) bool { return f.ID == "guanggu-area" }},
		// The DE-9IM functions (class spatial-functions), the literal on
		// either side, as a BBOX across the antimeridian, as a collection.
		{"areas", "S_CONTAINS(geometry, POINT(114.40 30.50))", "", "", func(f geo.Feature) bool { return f.ID == "guanggu-area" }},
		{"areas", "S_WITHIN(POINT(114.40 30.50), geometry)", "", "", func(f geo.Feature) bool { return f.ID == "guanggu-area" }},
		{"areas", "S_CONTAINS(BBOX(114.0, 30.4, 114.39, 30.9), geometry)", "", "", func(f geo.Feature) bool { return f.ID == "donut-lake" }},
		{"areas", "S_CONTAINS(geometry, POINT(114.15 30.75))", "", "", func(f geo.Feature) bool { return false }}, // in the hole
		{"areas", "S_WITHIN(geometry, BBOX(170, 20, 115, 40))", "", "", func(f geo.Feature) bool { return true }},
		{"areas", "S_WITHIN(geometry, BBOX(170, 20, 114.19, 40))", "", "", func(f geo.Feature) bool { return false }},
		{"areas", "S_WITHIN(geometry, GEOMETRYCOLLECTION(POLYGON((114.09 30.69, 114.16 30.69, 114.16 30.81, 114.09 30.81, 114.09 30.69)), " +
			"POLYGON((114.15 30.69, 114.21 30.69, 114.21 30.81, 114.15 30.81, 114.15 30.69))))", "", "", func(f geo.Feature) bool { return f.ID == "donut-lake" }},
		{"areas", "S_EQUALS(geometry, POLYGON((114.42 30.52, 114.38 30.52, 114.38 30.48, 114.40 30.48, 114.42 30.48, 114.42 30.52)))", "", "", func(f geo.Feature) bool { return f.ID == "guanggu-area" }},
		{"areas", "S_TOUCHES(geometry, LINESTRING(114.42 30.40, 114.42 30.60))", "", "", func(f geo.Feature) bool { return f.ID == "guanggu-area" }},
		{"areas", "S_OVERLAPS(geometry, BBOX(114.41, 30.51, 114.5, 30.6))", "", "", func(f geo.Feature) bool { return f.ID == "guanggu-area" }},
		{"areas", "S_OVERLAPS(geometry, BBOX(114.30, 30.40, 114.5, 30.6))", "", "", func(f geo.Feature) bool { return false }}, // contains it
		{"lines", "S_TOUCHES(geometry, LINESTRING(114.0 30.5, 114.5 30.5))", "", "", func(f geo.Feature) bool { return true }},
		{"lines", "S_CROSSES(geometry, LINESTRING(114.2 30.55, 114.4 30.55))", "", "", func(f geo.Feature) bool { return f.ID == "line-a" }},
		{"lines", `{"op":"s_crosses","args":[{"bbox":[30.0,114.05,30.2,114.2]},{"property":"geometry"}]}`, "cql2-json", uri4326, func(f geo.Feature) bool { return f.ID == "line-b" }},
		{"lines", "NOT S_CROSSES(geometry, LINESTRING(114.2 30.55, 114.4 30.55)) AND S_INTERSECTS(geometry, BBOX(113, 29, 115, 31))", "", "", func(f geo.Feature) bool { return f.ID == "line-b" }},
		{"lines", "driverless = true AND length_km BETWEEN 30 AND 40", "", "", func(f geo.Feature) bool { return f.ID == "line-b" }},
		{"lines", "code = '2' OR code = 'A'", "", "", func(f geo.Feature) bool { return true }},
		{"lines", "riders > 1e9", "", "", func(f geo.Feature) bool { return f.ID == "line-b" }},
		{"lines", "false OR true AND stations = 12", "", "", func(f geo.Feature) bool { return f.ID == "line-a" }},
	}
	eachStore(t, ds, func(t *testing.T, base string) {
		for _, c := range cases {
			var want []string
			for _, f := range ds.Features {
				if f.Layer == c.layer && c.want(f) {
					want = append(want, f.ID)
				}
			}
			sort.Strings(want)
			q := url.Values{"filter": {c.filter}, "limit": {"1000"}}
			if c.lang != "" {
				q.Set("filter-lang", c.lang)
			}
			if c.crs != "" {
				q.Set("filter-crs", c.crs)
			}
			code, _, fc := fetch(t, base+"/ogc/collections/"+c.layer+"/items?"+q.Encode())
			if code != 200 {
				t.Errorf("%s: %d %v", c.filter, code, fc["description"])
				continue
			}
			var got []string
			for _, f := range fc["features"].([]any) {
				got = append(got, f.(map[string]any)["id"].(string))
			}
			if fmt.Sprint(got) != fmt.Sprint(want) || fc["numberMatched"] != float64(len(want)) {
				t.Errorf("%s: got %d %v, want %d %v", c.filter, len(got), got, len(want), want)
			}
		}
	})
}

// TestFilterErrors: a filter planmap cannot read or evaluate is a 400 that
// says where and why, on both stores.
func TestFilterErrors(t *testing.T) {
	eachStore(t, storetest.Fixture(), func(t *testing.T, base string) {
		for filter, want := range map[string]string{
			"filter=status = 'planned' AND": "filter: at byte",
			"filter=nosuch = 1":             "\"nosuch\" is not a queryable",
			"filter=status = 1":             "cannot be compared with a number",
			"filter=capacity LIKE '1%'":     "holds integer values and cannot be compared with a string",
			"filter=S_WITHIN(geometry, POLYGON((0 0, 1 1, 1 0, 0 1, 0 0)))":                                                    "S_WITHIN: the POLYGON literal is not valid: ring 0 self-intersects",
			"filter=S_CONTAINS(geometry, BBOX(1, 1, 1, 2))":                                                                    "S_CONTAINS: the BBOX literal is not valid",
			"filter=S_EQUALS(geometry, GEOMETRYCOLLECTION(POLYGON((0 0, 1 0, 1 1, 0 0)), POLYGON((0 0, 1 1, 1 0, 0 1, 0 0))))": "geometry 2 of the GEOMETRYCOLLECTION literal is not valid",
			"filter=S_CROSSES(geometry, GEOMETRYCOLLECTION(POINT(1 2), LINESTRING(0 0, 1 1)))":                                 "the GEOMETRYCOLLECTION mixes LineString and Point",
			"filter=S_TOUCHES(POINT(1 2), POINT(1 2))":                                                                         "expected a property, found a geometry",
			"filter=S_INTERSECTS(geometry, POINT(90 180))":                                                                     "the coordinate [90 180] is not a longitude and latitude",
			"filter=S_OVERLAPS(geometry, BBOX(0, 0, 200, 1))":                                                                  "the coordinate [200 1] is not",
			"filter=A_CONTAINS(name_en, ('x'))":                                                                                "a_contains is not supported",
			"filter=status = 'x'&filter-lang=cql3":                                                                             "filter-lang \"cql3\" is not supported",
			"filter=status = 'x'&filter-lang=cql2-json":                                                                        "not JSON",
			"filter-lang=cql2-text":                                                                                            "filter-lang is given without a filter",
			"filter=S_INTERSECTS(geometry, POINT(1 2))&filter-crs=EPSG:1":                                                      "filter-crs \"EPSG:1\" is not supported",
			"filter=capacity + 1 > 2":                                                                                          "planmap compares a property with a literal",
			"filter=T_BEFORE(capacity, DATE('2020-01-01'))":                                                                    "holds integer values, not times",
			"filter=T_AFTER(status, INTERVAL(1, 2))":                                                                           "INTERVAL's ends are instants",
		} {
			q := url.Values{}
			for _, kv := range strings.Split(filter, "&") {
				k, v, _ := strings.Cut(kv, "=")
				q.Set(k, v)
			}
			code, _, e := fetch(t, base+"/ogc/collections/points/items?"+q.Encode())
			d := fmt.Sprint(e["description"])
			if code != 400 || e["code"] != "InvalidParameterValue" || !strings.Contains(d, want) {
				t.Errorf("%s: %d %v, want %q", filter, code, d, want)
			}
			if strings.Contains(d, "SELECT") || strings.Contains(d, "$1") {
				t.Errorf("%s: leaks SQL: %s", filter, d)
			}
		}
	})
}

// TestQueryables: each collection's queryables are a JSON Schema that types
// every property a filter may name, linked from the collection.
func TestQueryables(t *testing.T) {
	eachStore(t, storetest.Fixture(), func(t *testing.T, base string) {
		code, _, c := fetch(t, base+"/ogc/collections/lines")
		if code != 200 || links(c)["http://www.opengis.net/def/rel/ogc/1.0/queryables"] == nil {
			t.Fatalf("no queryables link: %v", c["links"])
		}
		code, h, q := fetch(t, base+"/ogc/collections/lines/queryables")
		if code != 200 || h.Get("Content-Type") != "application/schema+json" || q["additionalProperties"] != false ||
			q["$schema"] != "https://json-schema.org/draft/2020-12/schema" || q["type"] != "object" {
			t.Fatalf("%d %s %v", code, h.Get("Content-Type"), q)
		}
		props := q["properties"].(map[string]any)
		want := map[string]string{"geometry": "object", "id": "string", "status": "string", "plan_line": "integer",
			"stations": "integer", "length_km": "number", "driverless": "boolean", "code": "string", "riders": "number"}
		for name, typ := range want {
			p, _ := props[name].(map[string]any)
			if p == nil || p["type"] != typ {
				t.Errorf("queryable %s: %v, want type %s", name, p, typ)
			}
		}
		for name, p := range props {
			if p.(map[string]any)["type"] == nil {
				t.Errorf("queryable %s has no type", name)
			}
		}
		for _, name := range []string{"via", "operator", "targets", "never"} { // JSON text or always null
			if props[name] != nil {
				t.Errorf("%s is queryable", name)
			}
		}
		if props["geometry"].(map[string]any)["format"] != "geometry-any" {
			t.Errorf("geometry: %v", props["geometry"])
		}
		if code, _, _ := fetch(t, base+"/ogc/collections/nosuch/queryables"); code != 404 {
			t.Errorf("unknown collection: %d", code)
		}
	})
}

// TestSortbyProperties: sortby orders by queryables of each kind, nulls last
// ascending and first descending, paging by next links keeps the order; and
// properties keeps only the properties named; on both stores.
func TestSortbyProperties(t *testing.T) {
	ds := storetest.Fixture()
	var points []geo.Feature
	for _, f := range ds.Features {
		if f.Layer == storetest.LayerPoints {
			points = append(points, f)
		}
	}
	capacity := func(f geo.Feature) (float64, bool) { c, ok := f.Extra["capacity"].(float64); return c, ok }
	sort.Slice(points, func(i, j int) bool { // -capacity, +name_en, then id
		a, b := points[i], points[j]
		ca, oka := capacity(a)
		cb, okb := capacity(b)
		switch {
		case oka != okb:
			return !oka
		case ca != cb:
			return ca > cb
		case a.NameEN != b.NameEN:
			return a.NameEN < b.NameEN
		}
		return a.ID < b.ID
	})
	var want []string
	for _, f := range points {
		want = append(want, f.ID)
	}
	eachStore(t, ds, func(t *testing.T, base string) {
		var got []string
		for next := base + "/ogc/collections/points/items?sortby=-capacity,%2Bname_en&limit=37&properties=name_en,capacity"; next != ""; {
			code, _, fc := fetch(t, next)
			if code != 200 {
				t.Fatalf("%s: %d %v", next, code, fc)
			}
			for _, f := range fc["features"].([]any) {
				f := f.(map[string]any)
				got = append(got, f["id"].(string))
				if p := f["properties"].(map[string]any); len(p) != 2 || p["name_en"] == nil {
					t.Fatalf("properties: %v", p)
				}
			}
			next = ""
			if l := links(fc)["next"]; l != nil {
				next = l["href"].(string)
			}
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("sortby=-capacity,+name_en:\n got %v\nwant %v", got, want)
		}
		_, _, fc := fetch(t, base+"/ogc/collections/lines/items?sortby=-driverless")
		if ids := fmt.Sprint(fc["features"].([]any)[0].(map[string]any)["id"]); ids != "line-b" {
			t.Errorf("sortby=-driverless: first %s", ids)
		}
		for _, q := range []string{"sortby=nosuch", "sortby=geometry", "properties=nosuch", "sortby="} {
			if code, _, e := fetch(t, base+"/ogc/collections/points/items?"+q); code != 400 || e["code"] != "InvalidParameterValue" {
				t.Errorf("%s: %d %v", q, code, e)
			}
		}
	})
}
