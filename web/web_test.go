package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"gopkg.in/yaml.v3"

	"planmap/geo"
	"planmap/geo/memstore"
	"planmap/geo/storetest"
	"planmap/web"
)

func newServer(t *testing.T, store geo.Store) *httptest.Server {
	t.Helper()
	return startServer(t, web.New(store, web.Options{TileCacheBytes: 1 << 20, CORSOrigin: "*"}))
}

// startServer serves h as planmap serve does, on connections of
// web.Listener.
func startServer(t *testing.T, h http.Handler) *httptest.Server {
	t.Helper()
	srv := httptest.NewUnstartedServer(h)
	srv.Listener = web.Listener(srv.Listener)
	srv.Config.ConnContext = web.ConnContext
	srv.Start()
	t.Cleanup(srv.Close)
	return srv
}

func fixtureServer(t *testing.T) *httptest.Server {
	return newServer(t, memstore.New(storetest.Fixture()))
}

// httpGet GETs a URL as a plain client does (redirects followed, gzip
// undone) and returns its status, headers and body.
func httpGet(t *testing.T, u string) (int, http.Header, []byte) {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, b
}

// fetch GETs a URL and decodes its JSON body.
func fetch(t *testing.T, u string) (int, http.Header, map[string]any) {
	t.Helper()
	code, h, b := httpGet(t, u)
	var v map[string]any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("GET %s: body is not a JSON object: %v\n%s", u, err, b)
	}
	return code, h, v
}

// schemas compiles the OGC API – Features Part 1 response schemas (YAML).
var schemas = sync.OnceValues(func() (*jsonschema.Compiler, error) {
	c := jsonschema.NewCompiler()
	c.UseLoader(yamlLoader{})
	return c, nil
})

type yamlLoader struct{}

func (yamlLoader) Load(u string) (any, error) {
	path := strings.TrimPrefix(u, "file://")
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var v any
	if err := yaml.Unmarshal(b, &v); err != nil {
		return nil, err
	}
	return jsonschema.UnmarshalJSON(strings.NewReader(mustJSON(nullTypes(v))))
}

// nullTypes turns a bare YAML null in a "type" into the JSON type "null".
func nullTypes(v any) any {
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			if k == "type" {
				if x == nil {
					v[k] = "null"
				} else if list, ok := x.([]any); ok {
					for i, t := range list {
						if t == nil {
							list[i] = "null"
						}
					}
				}
				continue
			}
			v[k] = nullTypes(x)
		}
	case []any:
		for i := range v {
			v[i] = nullTypes(v[i])
		}
	}
	return v
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// validate checks a decoded response against one of the OGC schemas.
func validate(t *testing.T, schema string, v any) {
	t.Helper()
	c, _ := schemas()
	abs, _ := filepath.Abs(filepath.Join("testdata", "ogc-schemas", schema))
	sch, err := c.Compile("file://" + abs)
	if err != nil {
		t.Fatalf("compile %s: %v", schema, err)
	}
	doc, _ := jsonschema.UnmarshalJSON(strings.NewReader(mustJSON(v)))
	if err := sch.Validate(doc); err != nil {
		t.Errorf("response does not match %s: %v", schema, err)
	}
}

func links(v map[string]any) map[string]map[string]any {
	out := map[string]map[string]any{}
	ls, _ := v["links"].([]any)
	for _, l := range ls {
		m := l.(map[string]any)
		out[m["rel"].(string)] = m
	}
	return out
}

func TestLanding(t *testing.T) {
	srv := fixtureServer(t)
	for _, path := range []string{"/ogc", "/ogc/"} {
		code, h, v := fetch(t, srv.URL+path)
		if code != 200 || h.Get("Content-Type") != "application/json" {
			t.Fatalf("%s: %d %s", path, code, h.Get("Content-Type"))
		}
		validate(t, "landingPage.yaml", v)
		ls := links(v)
		for _, rel := range []string{"service-desc", "service-doc", "conformance", "data", "self"} {
			if ls[rel] == nil {
				t.Errorf("%s: no %s link", path, rel)
			}
		}
		if ls["service-desc"]["type"] != "application/vnd.oai.openapi+json;version=3.0" {
			t.Errorf("service-desc type = %v", ls["service-desc"]["type"])
		}
	}
}

func TestConformance(t *testing.T) {
	srv := fixtureServer(t)
	code, _, v := fetch(t, srv.URL+"/ogc/conformance")
	if code != 200 {
		t.Fatal(code)
	}
	validate(t, "confClasses.yaml", v)
	got := fmt.Sprint(v["conformsTo"])
	for _, c := range []string{"conf/core", "conf/geojson", "conf/oas30"} {
		if !strings.Contains(got, "ogcapi-features-1/1.0/"+c) {
			t.Errorf("conformance lacks %s: %s", c, got)
		}
	}
}

func TestOpenAPI(t *testing.T) {
	srv := fixtureServer(t)
	code, h, v := fetch(t, srv.URL+"/ogc/api")
	if code != 200 || h.Get("Content-Type") != "application/vnd.oai.openapi+json;version=3.0" {
		t.Fatalf("%d %s", code, h.Get("Content-Type"))
	}
	if v["openapi"] != "3.0.3" {
		t.Errorf("openapi = %v", v["openapi"])
	}
	params := v["components"].(map[string]any)["parameters"].(map[string]any)
	paths := v["paths"].(map[string]any)
	if paths["/collections/{collectionId}/schema"] == nil {
		t.Error("the schema path is not declared")
	}
	for _, layer := range []string{storetest.LayerAreas, storetest.LayerLines, storetest.LayerPoints} {
		p, ok := paths["/collections/"+layer+"/items"].(map[string]any)
		if !ok {
			t.Fatalf("no path for %s items", layer)
		}
		declared := map[string]bool{}
		for _, ref := range p["get"].(map[string]any)["parameters"].([]any) {
			name := strings.TrimPrefix(ref.(map[string]any)["$ref"].(string), "#/components/parameters/")
			if params[name] == nil {
				t.Errorf("%s refers to undeclared parameter %s", layer, name)
			}
			declared[name] = true
		}
		for _, name := range []string{"limit", "offset", "bbox", "datetime", "status", "kind", "district"} {
			if !declared[name] {
				t.Errorf("%s items: parameter %s not declared", layer, name)
			}
		}
	}
}

func TestCollections(t *testing.T) {
	srv := fixtureServer(t)
	code, _, v := fetch(t, srv.URL+"/ogc/collections")
	if code != 200 {
		t.Fatal(code)
	}
	validate(t, "collections.yaml", v)
	cs := v["collections"].([]any)
	if len(cs) != 3 {
		t.Fatalf("%d collections", len(cs))
	}
	store := memstore.New(storetest.Fixture())
	layers, _ := store.Layers(context.Background())
	for i, c := range cs {
		c := c.(map[string]any)
		validate(t, "collection.yaml", c)
		id := c["id"].(string)
		if strings.Contains(id, ".") || id != layers[i].ID {
			t.Errorf("collection %d id %q", i, id)
		}
		bbox := c["extent"].(map[string]any)["spatial"].(map[string]any)["bbox"].([]any)[0].([]any)
		b := layers[i].Bounds
		if fmt.Sprint(bbox) != fmt.Sprint([]any{b.Min[0], b.Min[1], b.Max[0], b.Max[1]}) {
			t.Errorf("%s bbox %v, want %v", id, bbox, b)
		}
		if links(c)["items"]["type"] != "application/geo+json" {
			t.Errorf("%s items link type %v", id, links(c)["items"]["type"])
		}
		_, _, one := fetch(t, srv.URL+"/ogc/collections/"+id)
		if fmt.Sprint(one["extent"]) != fmt.Sprint(c["extent"]) {
			t.Errorf("%s: /collections/%s differs from its entry in /collections", id, id)
		}
	}
}

func TestItemsPaging(t *testing.T) {
	srv := fixtureServer(t)
	ds := storetest.Fixture()
	want := 0
	for _, f := range ds.Features {
		if f.Layer == storetest.LayerPoints {
			want++
		}
	}
	next := srv.URL + "/ogc/collections/points/items"
	seen := map[string]bool{}
	pages := 0
	for next != "" {
		code, h, v := fetch(t, next)
		if code != 200 || h.Get("Content-Type") != "application/geo+json" {
			t.Fatalf("%s: %d %s", next, code, h.Get("Content-Type"))
		}
		validate(t, "featureCollectionGeoJSON.yaml", v)
		if int(v["numberMatched"].(float64)) != want {
			t.Fatalf("numberMatched %v, want %d", v["numberMatched"], want)
		}
		fs := v["features"].([]any)
		if int(v["numberReturned"].(float64)) != len(fs) || (pages == 0 && len(fs) != web.DefaultLimit) {
			t.Fatalf("page %d: numberReturned %v, %d features", pages, v["numberReturned"], len(fs))
		}
		for _, f := range fs {
			seen[f.(map[string]any)["id"].(string)] = true
		}
		if pages > 0 && links(v)["prev"] == nil {
			t.Errorf("page %d has no prev link", pages)
		}
		next = ""
		if l := links(v)["next"]; l != nil {
			next = l["href"].(string)
		}
		pages++
	}
	if len(seen) != want || pages != (want+web.DefaultLimit-1)/web.DefaultLimit {
		t.Errorf("following next: %d distinct features in %d pages, want %d", len(seen), pages, want)
	}
	_, _, v := fetch(t, srv.URL+"/ogc/collections/points/items?limit=999999")
	if n := len(v["features"].([]any)); n != want {
		t.Errorf("limit=999999 (clamped) returned %d features, want all %d", n, want)
	}
}

func TestItemsFilters(t *testing.T) {
	srv := fixtureServer(t)
	count := func(q string) int {
		code, _, v := fetch(t, srv.URL+"/ogc/collections/points/items?"+q)
		if code != 200 {
			t.Fatalf("%s: %d %v", q, code, v)
		}
		return int(v["numberMatched"].(float64))
	}
	store := memstore.New(storetest.Fixture())
	expect := func(q geo.Query) int {
		q.Limit = 1
		p, err := store.Features(context.Background(), storetest.LayerPoints, q)
		if err != nil {
			t.Fatal(err)
		}
		return p.Matched
	}
	box, _ := url.ParseQuery("bbox=114.1,30.4,114.3,30.6")
	var yangluo uint64 // its MVT id, as the store (and the server's, of the same data) numbers it
	for tid, id := range storetest.TileIDs(context.Background(), t, store) {
		if id == "yangluo-port" {
			yangluo = tid
		}
	}
	cases := []struct {
		q    string
		want int
	}{
		{box.Encode(), count("bbox=114.1,30.4,114.3,30.6")},
		{"bbox=114.1,30.4,0,114.3,30.6,100", count("bbox=114.1,30.4,114.3,30.6")},
		{"status=existing", expect(geo.Query{Props: map[string]string{"status": "existing"}})},
		{"kind=pump_station&district=" + url.QueryEscape("洪山区"), expect(geo.Query{Props: map[string]string{"kind": "pump_station", "district": "洪山区"}})},
		// The plan's time: grid points are in place by 2020, 2025 and 2035 in turn (84, 83, 83).
		{"datetime=2021-01-01/2025-12-31", 84 + 83},
		{"datetime=../2025-12-30", 84},
		{"datetime=2025-12-31", 84 + 83},
		{"datetime=2019-01-01T00:00:00Z", 84},
		{"datetime=2030-01-01/..", 250},
		{fmt.Sprintf("tile_id=%d", yangluo), 1},
	}
	for _, c := range cases {
		if got := count(c.q); got != c.want || got == 0 {
			t.Errorf("%s: matched %d, want %d (>0)", c.q, got, c.want)
		}
	}
	if got := count("bbox=114.1,30.4,114.3,30.6"); got != 11*5 {
		t.Errorf("bbox matched %d, want the 11 columns × 5 rows of grid points inside", got)
	}
}

func TestItem(t *testing.T) {
	srv := fixtureServer(t)
	code, h, v := fetch(t, srv.URL+"/ogc/collections/areas/items/guanggu-area")
	if code != 200 || h.Get("Content-Type") != "application/geo+json" {
		t.Fatalf("%d %s", code, h.Get("Content-Type"))
	}
	validate(t, "featureGeoJSON.yaml", v)
	ls := links(v)
	for _, rel := range []string{"self", "alternate", "collection"} {
		if ls[rel] == nil || ls[rel]["type"] == nil {
			t.Errorf("link %s missing or untyped: %v", rel, ls[rel])
		}
	}
	props := v["properties"].(map[string]any)
	for _, k := range []string{"name_zh", "name_en", "kind", "status", "plan_section", "plan_quote", "targets", "district", "accuracy", "source"} {
		if _, ok := props[k]; !ok {
			t.Errorf("property %s missing", k)
		}
	}
	if props["name_zh"] != "光谷副城" || v["id"] != "guanggu-area" {
		t.Errorf("wrong feature: %v", v)
	}
	_, _, u := fetch(t, srv.URL+"/ogc/collections/points/items/p-unknown")
	if u["geometry"] != nil || u["properties"].(map[string]any)["accuracy"] != "unknown" {
		t.Errorf("unknown-place feature: geometry %v", u["geometry"])
	}
}

// TestErrors asks for every kind of bad request and expects a JSON error with
// the right status that names the problem.
func TestErrors(t *testing.T) {
	srv := fixtureServer(t)
	cases := []struct {
		path   string
		status int
		names  string // a word the description must carry
	}{
		{"/ogc/collections/nope", 404, "nope"},
		{"/ogc/collections/nope/items", 404, "nope"},
		{"/ogc/collections/areas/items/nope", 404, "nope"},
		{"/ogc/collections/points/items?foo=1", 400, "foo"},
		{"/ogc/collections/points/items?limit=0", 400, "limit"},
		{"/ogc/collections/points/items?limit=-5", 400, "limit"},
		{"/ogc/collections/points/items?limit=abc", 400, "limit"},
		{"/ogc/collections/points/items?limit=1.5", 400, "limit"},
		{"/ogc/collections/points/items?offset=-1", 400, "offset"},
		{"/ogc/collections/points/items?tile_id=0", 400, "tile_id"},
		{"/ogc/collections/points/items?tile_id=abc", 400, "tile_id"},
		{"/ogc/collections/points/items?tile_id=4503599627370496", 400, "tile_id"},
		{"/ogc/collections/points/items?limit=1&limit=2", 400, "limit"},
		{"/ogc/collections/points/items?bbox=1,2,3", 400, "bbox"},
		{"/ogc/collections/points/items?bbox=a,b,c,d", 400, "bbox"},
		{"/ogc/collections/points/items?bbox=115,30,114,31", 400, "bbox"},
		{"/ogc/collections/points/items?bbox=NaN,30,114,31", 400, "bbox"},
		{"/ogc/collections/points/items?bbox=0,0,200,10", 400, "bbox"},
		{"/ogc/collections/points/items?datetime=yesterday", 400, "datetime"},
		{"/ogc/collections/points/items?datetime=../..", 400, "datetime"},
		{"/ogc/collections/points/items?datetime=2026-02-01/2026-01-01", 400, "datetime"},
		{"/ogc/collections/points/items?status=", 400, "status"},
		{"/ogc/collections/points/items?f=xml", 400, "f"},
		{"/ogc/collections?bogus=1", 400, "bogus"},
		{"/ogc/conformance?x=1", 400, "x"},
		{"/api/nearby", 400, "lon"},
		{"/api/nearby?lon=114&lat=30.5&radius=60000", 400, "radius"},
		{"/api/nearby?lon=Infinity&lat=30.5", 400, "lon"},
		{"/api/nearby?lon=114&lat=95", 400, "lat"},
		{"/api/nearby?lon=114&lat=30.5&layers=areas,nope", 400, "nope"},
		{"/api/nearby?lon=114&lat=30.5&limit=0", 400, "limit"},
		{"/api/search", 400, "q"},
		{"/api/search?q=" + strings.Repeat("长", 101), 400, "q"},
		{"/api/search?q=a&limit=x", 400, "limit"},
		{"/no/such/path", 404, "/no/such/path"},
		// url.Values would drop these pairs and answer as if bbox were not given.
		{"/ogc/collections/points/items?bbox=%zz", 400, "bbox"},
		{"/ogc/collections/points/items?bbox=114,30,115,31;limit=1", 400, "bbox"},
		{"/ogc/collections/points/items?limit=+5", 400, "limit"},
		{"/ogc/collections/points/items?offset=-0", 400, "offset"},
		{"/ogc/collections/points/items?limit=99999999999999999999&offset=99999999999999999999", 400, "offset"},
		{"/ogc/collections/points/items?bbox=114,30,10,115,31,0", 400, "height"},
		{"/ogc/collections/points/items?datetime=../0001-01-01T00:00:00Z", 400, "datetime"},
		{"/ogc/collections/points/items?datetime=0001-01-01T00:00:00Z", 400, "datetime"},
	}
	for _, c := range cases {
		code, h, v := fetch(t, srv.URL+c.path)
		if code != c.status || h.Get("Content-Type") != "application/json" {
			t.Errorf("%s: %d %s, want %d application/json", c.path, code, h.Get("Content-Type"), c.status)
			continue
		}
		validate(t, "exception.yaml", v)
		desc, _ := v["description"].(string)
		if v["code"] == "" || !strings.Contains(desc, c.names) {
			t.Errorf("%s: error %v does not name %q", c.path, v, c.names)
		}
	}
	resp, err := http.Post(srv.URL+"/ogc/collections", "application/json", strings.NewReader("{}"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 405 {
		t.Errorf("POST: %d, want 405", resp.StatusCode)
	}
	// A GET with a body is refused without reading it.
	req, _ := http.NewRequest("GET", srv.URL+"/ogc/collections", strings.NewReader(strings.Repeat("x", 100<<10)))
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 413 || resp.Header.Get("Content-Type") != "application/json" {
		t.Errorf("GET with a body: %d %s, want 413 application/json", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
}

func TestNearby(t *testing.T) {
	srv := fixtureServer(t)
	code, h, v := fetch(t, srv.URL+"/api/nearby?lon=114.398&lat=30.505&radius=10000")
	if code != 200 || h.Get("Content-Type") != "application/geo+json" {
		t.Fatalf("%d %s", code, h.Get("Content-Type"))
	}
	fs := v["features"].([]any)
	if len(fs) == 0 {
		t.Fatal("nothing near 光谷")
	}
	first := fs[0].(map[string]any)
	if first["id"] != "guanggu-area" || first["properties"].(map[string]any)["distance_m"] != 0.0 {
		t.Errorf("first hit %v, want guanggu-area at 0 m", first["id"])
	}
	last := -1.0
	for _, f := range fs {
		d := f.(map[string]any)["properties"].(map[string]any)["distance_m"].(float64)
		if d < last || d > 10000 {
			t.Errorf("distance %v after %v (radius 10000)", d, last)
		}
		last = d
	}
	_, _, lim := fetch(t, srv.URL+"/api/nearby?lon=114.398&lat=30.505&radius=50000&limit=3&layers=points")
	if n := len(lim["features"].([]any)); n != 3 {
		t.Errorf("limit=3 gave %d", n)
	}
}

func TestSearch(t *testing.T) {
	srv := fixtureServer(t)
	_, h, v := fetch(t, srv.URL+"/api/search?q="+url.QueryEscape("阳逻"))
	if h.Get("Content-Type") != "application/geo+json" {
		t.Errorf("content type %s", h.Get("Content-Type"))
	}
	var ids []string
	for _, f := range v["features"].([]any) {
		ids = append(ids, f.(map[string]any)["id"].(string))
	}
	if strings.Join(ids, ",") != "yangluo,yangluo-port,xin-yangluo" {
		t.Errorf("search 阳逻 = %v", ids)
	}
	places := v["places"].([]any)
	if len(places) != 1 {
		t.Fatalf("places of 阳逻: %v", places)
	}
	p := places[0].(map[string]any)
	props := p["properties"].(map[string]any)
	if p["id"] != "yangluo-street" || props["name_zh"] != "阳逻街" || props["kind"] != "road" || props["district"] != "新洲区" ||
		fmt.Sprint(p["geometry"]) != "map[coordinates:[114.55 30.665] type:Point]" {
		t.Errorf("place = %v", p)
	}
	_, _, v = fetch(t, srv.URL+"/api/search?q=guanggu")
	if fs := v["features"].([]any); len(fs) != 1 || fs[0].(map[string]any)["id"] != "guanggu-area" {
		t.Errorf("guanggu = %v", fs)
	}
	if ps := v["places"].([]any); len(ps) != 0 {
		t.Errorf("guanggu places = %v, want [] (an empty list, not null)", ps)
	}
}

func TestTargetsAndHealth(t *testing.T) {
	srv := fixtureServer(t)
	code, _, v := fetch(t, srv.URL+"/api/targets")
	if code != 200 || len(v["targets"].([]any)) != len(storetest.Fixture().Targets) {
		t.Errorf("targets: %d %v", code, v)
	}
	for _, p := range []string{"/healthz", "/readyz"} {
		if code, _, _ := fetch(t, srv.URL+p); code != 200 {
			t.Errorf("%s: %d", p, code)
		}
	}
}

// downStore is a store whose backend is unreachable: the web layer must
// answer 503 with Retry-After, never 500.
type downStore struct{ geo.Store }

func (downStore) Ping(context.Context) error { return geo.ErrUnavailable }
func (downStore) Layers(context.Context) ([]geo.Layer, error) {
	return nil, fmt.Errorf("dial: %w", geo.ErrUnavailable)
}

func TestUnavailable(t *testing.T) {
	srv := newServer(t, downStore{})
	for _, p := range []string{"/readyz", "/ogc/collections", "/ogc/collections/x/items", "/api/nearby?lon=114&lat=30"} {
		code, h, v := fetch(t, srv.URL+p)
		if code != 503 || h.Get("Retry-After") == "" || v["code"] == nil {
			t.Errorf("%s: %d Retry-After=%q %v", p, code, h.Get("Retry-After"), v)
		}
		if strings.Contains(fmt.Sprint(v), "dial") {
			t.Errorf("%s leaks the internal error: %v", p, v)
		}
	}
	if code, _, _ := fetch(t, srv.URL+"/healthz"); code != 200 {
		t.Errorf("healthz while the store is down: %d (the process itself is healthy)", code)
	}
}

// staleStore is a database whose schema is older than the binary.
type staleStore struct{ geo.Store }

func (staleStore) Ping(context.Context) error {
	return fmt.Errorf("schema 4 of 5: %w", geo.ErrOutOfDate)
}

// Version reads data_version, which is older than the schema's later tables.
func (staleStore) Version(context.Context) (string, error) { return "pg-1", nil }
func (staleStore) Layers(context.Context) ([]geo.Layer, error) {
	return nil, fmt.Errorf(`relation "tile_features" does not exist: %w`, geo.ErrOutOfDate)
}

// TestOutOfDateSchema: an operator who upgraded planmap but not the schema
// is told what to run, by /readyz and by every request, without SQL text.
func TestOutOfDateSchema(t *testing.T) {
	srv := newServer(t, staleStore{})
	for _, p := range []string{"/readyz", "/ogc/collections", "/tiles/plan/10/843/414.mvt"} {
		code, _, v := fetch(t, srv.URL+p)
		desc, _ := v["description"].(string)
		if code != 503 || !strings.Contains(desc, "planmap migrate") || strings.Contains(desc, "relation") {
			t.Errorf("%s: %d %q", p, code, desc)
		}
	}
}
