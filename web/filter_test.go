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
	"strconv"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb/geojson"

	"planmap/data"
	"planmap/geo"
	"planmap/geo/cql2"
	"planmap/geo/memstore"
	"planmap/geo/postgis"
	"planmap/geo/postgis/pgtest"
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
	for _, class := range []string{"basic-cql2", "advanced-comparison-operators", "basic-spatial-functions", "basic-spatial-functions-plus"} {
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
		for _, f := range ds.Features {
			g, _ := geojson.NewGeometry(f.Geometry).MarshalJSON()
			extra, _ := json.Marshal(f.Extra)
			if _, err := conn.Exec(ctx, `INSERT INTO features (id, layer, name_zh, name_en, kind, status, accuracy, source, updated, extra, geom)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, '0001-01-01Z', $9, ST_SetSRID(ST_GeomFromGeoJSON($10), 4326))`,
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
			"basic-spatial-functions-plus", "cql2-text", "cql2-json"} {
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
	})
}
