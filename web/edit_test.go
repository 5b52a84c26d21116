package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"planmap/geo"
	"planmap/geo/memstore"
	"planmap/geo/postgis"
	"planmap/geo/postgis/pgtest"
	"planmap/geo/storetest"
	"planmap/web"
)

// editor is a live server on PostGIS holding the fixture, with a token of
// each role: an admin, an editor of the points layer, and a viewer.
type editor struct {
	t                     *testing.T
	base, url             string
	store                 *postgis.Store
	admin, points, viewer string
}

func newEditor(t *testing.T) *editor {
	ctx := context.Background()
	dbURL := pgtest.URL(t)
	s, err := postgis.Open(ctx, dbURL, postgis.Options{Migrate: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if _, err := postgis.Load(ctx, s, storetest.Fixture(), nil); err != nil {
		t.Fatal(err)
	}
	e := &editor{t: t, base: newServer(t, s).URL, url: dbURL, store: s}
	mint := func(name, role string, layers ...string) string {
		_, tok, err := s.CreateToken(ctx, name, role, layers, time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
	e.admin, e.points, e.viewer = mint("admin", geo.RoleAdmin), mint("王工", geo.RoleEditor, storetest.LayerPoints), mint("viewer", geo.RoleViewer)
	return e
}

// do sends a request; headers come in pairs, body is JSON (nil for none).
func (e *editor) do(method, path, token string, body any, headers ...string) (int, http.Header, map[string]any) {
	e.t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, e.base+path, rd)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	b, _ := io.ReadAll(resp.Body)
	if len(b) > 0 {
		if err := json.Unmarshal(b, &out); err != nil {
			e.t.Fatalf("%s %s: %d, not JSON: %q", method, path, resp.StatusCode, b)
		}
	}
	return resp.StatusCode, resp.Header, out
}

func reason(s string) []string { return []string{"Planmap-Reason", url.PathEscape(s)} }

func pump(id, name string, lon float64) map[string]any {
	return map[string]any{"type": "Feature", "id": id,
		"geometry": map[string]any{"type": "Point", "coordinates": []float64{lon, 30.5}},
		"properties": map[string]any{"name_zh": name, "name_en": "New pump", "kind": "pump_station", "status": "planned",
			"accuracy": "approximate", "source": "planner"}}
}

// TestEditFeatures: create, read its ETag, replace with If-Match, a stale
// and a missing If-Match, patch, delete, restore, and the history that
// lists every change with its author and reason.
func TestEditFeatures(t *testing.T) {
	e := newEditor(t)
	items := "/ogc/collections/" + storetest.LayerPoints + "/items"
	code, h, body := e.do("POST", items, e.points, pump("new-pump", "新泵站", 114.3), reason("新建泵站，见规划第28节")...)
	if code != 201 || h.Get("ETag") != `"v1"` || h.Get("Location") != e.base+items+"/new-pump" {
		t.Fatalf("create: %d %v %v", code, h, body)
	}
	if code, h, body = e.do("GET", items+"/new-pump", "", nil); code != 200 || !strings.HasPrefix(h.Get("ETag"), `"v1-`) || body["properties"].(map[string]any)["name_zh"] != "新泵站" {
		t.Fatalf("read: %d %v %v", code, h.Get("ETag"), body)
	}
	if code, _, _ = e.do("POST", items, e.points, pump("new-pump", "又一个", 114.3), reason("again")...); code != 409 {
		t.Errorf("create of an existing id: %d, want 409", code)
	}
	renamed := pump("new-pump", "新泵站（改）", 114.31)
	if code, _, body = e.do("PUT", items+"/new-pump", e.points, renamed, reason("rename")...); code != 428 {
		t.Errorf("replace without If-Match: %d %v, want 428", code, body)
	}
	read := h.Get("ETag") // "v1-<hash of the body>": a read's tag, as a client sends it back
	if code, h, _ = e.do("PUT", items+"/new-pump", e.points, renamed, append(reason("改名"), "If-Match", read)...); code != 204 || h.Get("ETag") != `"v2"` {
		t.Fatalf("replace: %d %v", code, h)
	}
	if code, _, body = e.do("PUT", items+"/new-pump", e.points, pump("new-pump", "lost", 114.3), append(reason("stale"), "If-Match", read)...); code != 412 ||
		!strings.Contains(body["description"].(string), "changed since you read it") {
		t.Errorf("replace with a stale ETag: %d %v, want 412", code, body)
	}
	patch := map[string]any{"properties": map[string]any{"status": "under_construction"}}
	if code, h, _ = e.do("PATCH", items+"/new-pump", e.points, patch, append(reason("开工"), "If-Match", `"v2"`)...); code != 204 || h.Get("ETag") != `"v3"` {
		t.Fatalf("patch: %d %v", code, h)
	}
	if _, _, body = e.do("GET", items+"/new-pump", "", nil); body["properties"].(map[string]any)["status"] != "under_construction" ||
		body["properties"].(map[string]any)["name_zh"] != "新泵站（改）" {
		t.Errorf("after the patch: %v", body["properties"])
	}
	if code, _, _ = e.do("DELETE", items+"/new-pump", e.points, nil, append(reason("撤销"), "If-Match", `"v3"`)...); code != 204 {
		t.Fatalf("delete: %d", code)
	}
	if code, _, _ = e.do("GET", items+"/new-pump", "", nil); code != 404 {
		t.Errorf("after delete: %d, want 404", code)
	}
	if code, h, body = e.do("POST", items+"/new-pump/restore?version=2", e.points, nil, reason("误删，恢复")...); code != 204 || h.Get("ETag") != `"v5"` {
		t.Fatalf("restore: %d %v", code, body)
	}
	if _, h, body = e.do("GET", items+"/new-pump", "", nil); !strings.HasPrefix(h.Get("ETag"), `"v5-`) || body["properties"].(map[string]any)["status"] != "planned" ||
		body["properties"].(map[string]any)["name_zh"] != "新泵站（改）" {
		t.Errorf("restored: %v %v", h.Get("ETag"), body["properties"])
	}
	code, _, body = e.do("GET", items+"/new-pump/history", "", nil)
	if code != 200 {
		t.Fatalf("history: %d %v", code, body)
	}
	type entry struct{ op, author, reason string }
	var got []entry
	for _, v := range body["versions"].([]any) {
		m := v.(map[string]any)
		got = append(got, entry{m["op"].(string), m["author"].(string), m["reason"].(string)})
	}
	want := []entry{{"insert", "王工", "新建泵站，见规划第28节"}, {"update", "王工", "改名"}, {"update", "王工", "开工"},
		{"delete", "王工", "撤销"}, {"update", "王工", "误删，恢复"}}
	if len(got) != len(want) {
		t.Fatalf("history %v, want %v", got, want)
	}
	for i := range want {
		if want[i].op == "update" && i == 4 {
			want[i].op = "insert" // a restore after a delete inserts the feature again
		}
		if got[i] != want[i] {
			t.Errorf("history[%d] = %v, want %v", i, got[i], want[i])
		}
	}
	code, _, body = e.do("GET", "/api/changes?since=0&limit=1000", "", nil)
	cs, _ := body["changes"].([]any)
	if code != 200 || len(cs) < 5 {
		t.Fatalf("changes: %d %v", code, body)
	}
	last := cs[len(cs)-1].(map[string]any)
	if last["id"] != "new-pump" || last["version"] != 5.0 || last["author"] != "王工" {
		t.Errorf("the last change: %v", last)
	}
	next := body["next"].(float64)
	if _, _, body = e.do("GET", "/api/changes?since="+strconvF(next), "", nil); len(body["changes"].([]any)) != 0 {
		t.Errorf("changes after the last: %v", body)
	}
}

func strconvF(f float64) string { b, _ := json.Marshal(f); return string(b) }

// TestEditInvalid: a feature is checked as planmap load checks one, and
// every problem is named; every change needs a reason.
func TestEditInvalid(t *testing.T) {
	e := newEditor(t)
	items := "/ogc/collections/" + storetest.LayerPoints + "/items"
	bad := pump("bad-pump", "坏", 120)
	bad["properties"].(map[string]any)["status"] = "imagined"
	code, _, body := e.do("POST", items, e.points, bad, reason("test")...)
	desc, _ := body["description"].(string)
	if code != 400 || !strings.Contains(desc, "imagined") || !strings.Contains(desc, "outside") {
		t.Errorf("invalid feature: %d %q, want 400 naming the status and the position", code, desc)
	}
	line := pump("a-line-point", "点", 114.3)
	if code, _, body = e.do("POST", "/ogc/collections/"+storetest.LayerAreas+"/items", e.admin, line, reason("x")...); code != 400 ||
		!strings.Contains(body["description"].(string), "Polygon") {
		t.Errorf("a point in the areas layer: %d %v", code, body)
	}
	if code, _, body = e.do("POST", items, e.points, pump("no-reason", "无", 114.3)); code != 400 || !strings.Contains(body["description"].(string), "Planmap-Reason") {
		t.Errorf("no reason: %d %v", code, body)
	}
	if code, _, _ = e.do("POST", items, e.points, map[string]any{"type": "Point"}, reason("x")...); code != 400 {
		t.Errorf("not a feature: %d", code)
	}
	nul := pump("nul-pump", "泵\u0000站", 114.3)
	if code, _, body = e.do("POST", items, e.points, nul, reason("x")...); code != 400 || !strings.Contains(body["description"].(string), "NUL") {
		t.Errorf("a NUL in a name: %d %v, want 400 naming it", code, body)
	}
	if code, _, _ := e.do("GET", items+"/bad-pump", "", nil); code != 404 {
		t.Errorf("a refused feature was stored: %d", code)
	}
}

// TestEditAuthorisation: no token 401, a bad token 401, a viewer 403, an
// editor 403 outside their layers, a token in the URL 400, failed attempts
// 429 after ten, the embedded store and a read-only role 405.
func TestEditAuthorisation(t *testing.T) {
	e := newEditor(t)
	items := "/ogc/collections/" + storetest.LayerPoints + "/items"
	lines := "/ogc/collections/" + storetest.LayerLines + "/items"
	_, h, _ := e.do("GET", items+"/yangluo-port", "", nil)
	tag := h.Get("ETag")
	patch := map[string]any{"properties": map[string]any{"status": "existing"}}
	for _, c := range []struct {
		name, method, path, token string
		want                      int
	}{
		{"no token", "PATCH", items + "/yangluo-port", "", 401},
		{"viewer", "PATCH", items + "/yangluo-port", e.viewer, 403},
		{"viewer creates", "POST", items, e.viewer, 403},
		{"editor, another layer", "PATCH", lines + "/line-a", e.points, 403},
		{"editor, another layer, delete", "DELETE", lines + "/line-a", e.points, 403},
		{"token in the URL", "PATCH", items + "/yangluo-port?access_token=" + e.admin, "", 400},
	} {
		code, h, body := e.do(c.method, c.path, c.token, patch, append(reason("x"), "If-Match", tag)...)
		if code != c.want || body["description"] == nil {
			t.Errorf("%s: %d %v, want %d with a JSON description", c.name, code, body, c.want)
		}
		if code == 401 && h.Get("WWW-Authenticate") == "" {
			t.Errorf("%s: 401 without WWW-Authenticate", c.name)
		}
	}
	if _, h2, _ := e.do("GET", items+"/yangluo-port", "", nil); h2.Get("ETag") != tag {
		t.Errorf("a refused edit changed the feature")
	}
	for i := 0; i < 10; i++ {
		if code, _, _ := e.do("DELETE", items+"/yangluo-port", "pm_guess"+string(rune('a'+i)), nil, reason("x")...); code != 401 {
			t.Fatalf("guess %d: %d, want 401", i, code)
		}
	}
	if code, h, _ := e.do("DELETE", items+"/yangluo-port", e.admin, nil, append(reason("x"), "If-Match", tag)...); code != 429 || h.Get("Retry-After") == "" {
		t.Errorf("after ten failed attempts: %d, want 429 with Retry-After, even with a good token", code)
	}

	mem := newServer(t, memstore.New(storetest.Fixture()))
	req, _ := http.NewRequest("PATCH", mem.URL+items+"/yangluo-port", strings.NewReader(`{}`))
	req.Header.Set("Authorization", "Bearer "+e.admin)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 405 || !strings.Contains(string(b), "read-only") {
		t.Errorf("the embedded store: %d %s, want 405 saying it is read-only", resp.StatusCode, b)
	}
}

// TestEditRevokedAndExpired: a revoked or expired token is refused.
func TestEditRevokedAndExpired(t *testing.T) {
	e := newEditor(t)
	ctx := context.Background()
	tk, revoked, _ := e.store.CreateToken(ctx, "gone", geo.RoleAdmin, nil, time.Time{})
	if err := e.store.RevokeToken(ctx, tk.ID); err != nil {
		t.Fatal(err)
	}
	_, expired, _ := e.store.CreateToken(ctx, "late", geo.RoleAdmin, nil, time.Now().Add(-time.Minute))
	for _, tok := range []string{revoked, expired} {
		if code, _, _ := e.do("POST", "/ogc/collections/"+storetest.LayerPoints+"/items", tok, pump("x-pump", "x", 114.3), reason("x")...); code != 401 {
			t.Errorf("a revoked or expired token: %d, want 401", code)
		}
	}
}

// TestEditSeenEverywhere: a second planmap on the same database sees an
// edit at once: the item, its ETag, its tile and the layer's history.
func TestEditSeenEverywhere(t *testing.T) {
	e := newEditor(t)
	ctx := context.Background()
	other, err := postgis.Open(ctx, e.url, postgis.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	second := newServer(t, other).URL
	item := "/ogc/collections/" + storetest.LayerPoints + "/items/yangluo-port"
	tl := maptile.At(orb.Point{114.56, 30.67}, 14)
	tile := fmt.Sprintf("/tiles/%s/%d/%d/%d.mvt", storetest.LayerPoints, tl.Z, tl.X, tl.Y)
	tileOf := func() []byte {
		resp, err := http.Get(second + tile)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return b
	}
	template := tileTemplate(t, second, storetest.LayerPoints)
	before := tileOf()
	if len(before) == 0 {
		t.Fatal("the port's tile is empty")
	}
	patch := map[string]any{"geometry": map[string]any{"type": "Point", "coordinates": []float64{114.561, 30.671}},
		"properties": map[string]any{"name_zh": "阳逻港（移）"}}
	if code, _, body := e.do("PATCH", item, e.points, patch, append(reason("位置更正"), "If-Match", `"v1"`)...); code != 204 {
		t.Fatalf("patch: %d %v", code, body)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		resp, err := http.Get(second + item)
		if err != nil {
			t.Fatal(err)
		}
		var f map[string]any
		json.NewDecoder(resp.Body).Decode(&f)
		resp.Body.Close()
		if strings.HasPrefix(resp.Header.Get("ETag"), `"v2-`) && f["properties"].(map[string]any)["name_zh"] == "阳逻港（移）" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the second instance serves %v %v", resp.Header.Get("ETag"), f["properties"])
		}
		time.Sleep(50 * time.Millisecond)
	}
	for bytes.Equal(tileOf(), before) {
		if time.Now().After(deadline) {
			t.Fatal("the second instance still serves the old tile")
		}
		time.Sleep(50 * time.Millisecond)
	}
	// A map that reads the TileJSON again asks for new tile URLs, past any
	// cache that holds the old tiles for good.
	if now := tileTemplate(t, second, storetest.LayerPoints); now == template {
		t.Errorf("after the edit the TileJSON still gives %s", now)
	}
	_, _, body := fetch(t, second+"/ogc/conformance")
	if !strings.Contains(strconvAny(body), "ogcapi-features-4/1.0/conf/create-replace-delete") {
		t.Errorf("conformance of a store taking edits: %v", body)
	}
	_, _, body = fetch(t, second+"/ogc/api")
	paths := body["paths"].(map[string]any)
	for path, op := range map[string]string{"/collections/" + storetest.LayerPoints + "/items": "post",
		"/collections/{collectionId}/items/{featureId}": "patch", "/collections/" + storetest.LayerPoints + "/items/{featureId}": "delete"} {
		if p, _ := paths[path].(map[string]any); p[op] == nil {
			t.Errorf("the API definition lacks %s %s", op, path)
		}
	}
	for path, op := range map[string]string{"/api/targets/{targetId}": "patch", "/api/targets/{targetId}/observations": "post",
		"/collections/{collectionId}": "patch", "/api/monitoring": "get"} {
		if p, _ := paths[path].(map[string]any); p[op] == nil {
			t.Errorf("the API definition lacks %s %s", op, path)
		}
	}
	if body["components"].(map[string]any)["securitySchemes"] == nil {
		t.Error("the API definition declares no bearer scheme")
	}
	_, _, body = fetch(t, second+"/ogc/collections/"+storetest.LayerPoints+"/history")
	if vs, _ := body["versions"].([]any); len(vs) != 1 || vs[0].(map[string]any)["author"] != "planmap load" {
		t.Errorf("the layer's history: %v", body)
	}
	if code, _, body := fetch(t, second+"/api/targets/t-gdp/history"); code != 200 || len(body["versions"].([]any)) != 1 {
		t.Errorf("a target's history: %d %v", code, body)
	}
	if code, _, _ := fetch(t, second+"/api/targets/nothing/history"); code != 404 {
		t.Errorf("an unknown target's history: %d", code)
	}
}

func strconvAny(v any) string { b, _ := json.Marshal(v); return string(b) }

// TestMonitoring: observations recorded by who may, assessed by the stated
// rule, with their history; the embedded store lists the targets without.
func TestMonitoring(t *testing.T) {
	e := newEditor(t)
	obs := "/api/targets/t-port/observations"
	record := func(token, path string, body any) (int, map[string]any) {
		code, _, b := e.do("POST", path, token, body, reason("统计公报")...)
		return code, b
	}
	if code, _ := record(e.viewer, obs, map[string]any{"year": 2020, "value": 200, "source": "x"}); code != 403 {
		t.Errorf("a viewer records: %d, want 403", code)
	}
	if code, _ := record(e.points, "/api/targets/t-gdp/observations", map[string]any{"year": 2020, "value": 1.5, "source": "x"}); code != 403 {
		t.Errorf("an editor records a plan-wide target: %d, want 403", code)
	}
	if code, b := record(e.points, obs, map[string]any{"year": 1900, "source": " "}); code != 400 ||
		!strings.Contains(b["description"].(string), "year") || !strings.Contains(b["description"].(string), "value") ||
		!strings.Contains(b["description"].(string), "source") {
		t.Errorf("a bad observation: %d %v", code, b)
	}
	for _, o := range []map[string]any{{"year": 2020, "value": 200.0, "source": "2020年统计公报"},
		{"year": 2022, "value": 230.0, "source": "2022年统计公报"}, {"year": 2022, "value": 250.0, "source": "更正"}} {
		if code, b := record(e.points, obs, o); code != 204 {
			t.Fatalf("record %v: %d %v", o, code, b)
		}
	}
	if code, b := record(e.admin, "/api/targets/t-gdp/observations", map[string]any{"year": 2020, "value": 1.6, "source": "x"}); code != 204 {
		t.Fatalf("an admin records: %d %v", code, b)
	}
	_, _, body := fetch(t, e.base+"/api/monitoring")
	status := map[string]map[string]any{}
	for _, x := range body["targets"].([]any) {
		m := x.(map[string]any)
		status[m["id"].(string)] = m
	}
	// t-port: about 300 by 2025 from 200 in 2020; 40 due by 2022, 50 made.
	if p := status["t-port"]; p["status"] != "on_track" || p["expected"] != 240.0 || len(p["observations"].([]any)) != 2 {
		t.Errorf("t-port: %v", p)
	}
	if p := status["t-gdp"]; p["status"] != "no_data" || p["baseline"] == nil {
		t.Errorf("t-gdp, a baseline only: %v", p)
	}
	if body["rule"] == nil {
		t.Error("the rule is not stated")
	}
	_, _, body = fetch(t, e.base+"/api/changes?since=0&limit=1000")
	n := 0
	for _, c := range body["changes"].([]any) {
		if c.(map[string]any)["kind"] == "observation" && c.(map[string]any)["id"] == "t-port/2022" {
			n++
		}
	}
	if n != 2 {
		t.Errorf("the trail holds %d versions of t-port/2022, want 2", n)
	}
	mem := newServer(t, memstore.New(storetest.Fixture()))
	if code, _, body := fetch(t, mem.URL+"/api/monitoring"); code != 200 || len(body["targets"].([]any)) != 3 {
		t.Errorf("monitoring on the embedded store: %d %v", code, body)
	}
}

// TestTokensNeverLogged: with the access log on, neither a good token, a
// wrong one nor one put in a URL reaches the log.
func TestTokensNeverLogged(t *testing.T) {
	e := newEditor(t)
	var logs bytes.Buffer
	srv := newServerOpts(t, e.store, web.Options{AccessLog: true, Log: slog.New(slog.NewTextHandler(&logs, nil))})
	e.base = srv.URL
	items := "/ogc/collections/" + storetest.LayerPoints + "/items"
	wrong := "pm_" + strings.Repeat("x", 43)
	e.do("POST", items, wrong, pump("a-pump", "甲", 114.3), reason("x")...)
	e.do("POST", items+"?access_token="+e.points, "", pump("b-pump", "乙", 114.3), reason("x")...)
	if code, _, _ := e.do("POST", items, e.points, pump("c-pump", "丙", 114.3), reason("x")...); code != 201 {
		t.Fatalf("create: %d", code)
	}
	for _, secret := range []string{wrong, e.points, e.points[3:20]} {
		if strings.Contains(logs.String(), secret) {
			t.Errorf("the log holds a token:\n%s", logs.String())
		}
	}
	if !strings.Contains(logs.String(), "authentication failed") {
		t.Errorf("the failed attempt is not logged:\n%s", logs.String())
	}
}

// TestEditLayersTargets: an admin patches a layer's metadata and a target,
// with If-Match on their versions; an editor may not; the trail has both.
func TestEditLayersTargets(t *testing.T) {
	e := newEditor(t)
	coll := "/ogc/collections/" + storetest.LayerPoints
	rename := map[string]any{"title_en": "Pump stations", "description_zh": "排涝泵站"}
	if code, _, _ := e.do("PATCH", coll, e.points, rename, append(reason("x"), "If-Match", `"v1"`)...); code != 403 {
		t.Errorf("an editor patches a layer: %d, want 403", code)
	}
	if code, _, _ := e.do("PATCH", coll, e.admin, rename, reason("x")...); code != 428 {
		t.Errorf("without If-Match: %d, want 428", code)
	}
	if code, _, body := e.do("PATCH", coll, e.admin, map[string]any{"geometry_type": "Polygon"}, append(reason("x"), "If-Match", `"v1"`)...); code != 400 {
		t.Errorf("a new geometry type: %d %v, want 400", code, body)
	}
	if code, _, body := e.do("PATCH", coll, e.admin, map[string]any{"theme": "nowhere"}, append(reason("x"), "If-Match", `"v1"`)...); code != 400 ||
		!strings.Contains(body["description"].(string), "theme") {
		t.Errorf("an unknown theme: %d %v, want 400 naming it", code, body)
	}
	if code, h, body := e.do("PATCH", coll, e.admin, rename, append(reason("更名"), "If-Match", `"v1"`)...); code != 204 || h.Get("ETag") != `"v2"` {
		t.Fatalf("patch a layer: %d %v %v", code, h, body)
	}
	if code, _, _ := e.do("PATCH", coll, e.admin, rename, append(reason("again"), "If-Match", `"v1"`)...); code != 412 {
		t.Errorf("a stale layer patch: %d, want 412", code)
	}
	_, _, body := fetch(t, e.base+coll)
	if body["title"] == nil || !strings.Contains(strconvAny(body), "Pump stations") {
		t.Errorf("the collection after the patch: %v", body)
	}
	code, h, body := e.do("GET", "/api/targets/t-gdp", "", nil)
	if code != 200 || !strings.HasPrefix(h.Get("ETag"), `"v1-`) || body["metric"] != "GDP" {
		t.Fatalf("a target: %d %v %v", code, h.Get("ETag"), body)
	}
	if code, h, body = e.do("PATCH", "/api/targets/t-gdp", e.admin, map[string]any{"value": 2.6, "text": "2.6万亿元"},
		append(reason("规划调整"), "If-Match", h.Get("ETag"))...); code != 204 || h.Get("ETag") != `"v2"` {
		t.Fatalf("patch a target: %d %v", code, body)
	}
	if code, _, body = e.do("PATCH", "/api/targets/t-gdp", e.admin, map[string]any{"comparator": "≈"}, append(reason("x"), "If-Match", `"v2"`)...); code != 400 {
		t.Errorf("an unknown comparator: %d %v", code, body)
	}
	_, _, body = fetch(t, e.base+"/api/targets/t-gdp/history")
	vs := body["versions"].([]any)
	if len(vs) != 2 || vs[1].(map[string]any)["author"] != "admin" || vs[1].(map[string]any)["reason"] != "规划调整" {
		t.Errorf("the target's history: %v", body)
	}
	_, _, body = fetch(t, e.base+coll+"/history")
	if vs := body["versions"].([]any); len(vs) != 2 || vs[1].(map[string]any)["reason"] != "更名" {
		t.Errorf("the layer's history: %v", body)
	}
}

// TestMe: /api/me names a token's holder, role and layers, for the web map
// to offer editing only to those who may; without a token it is 401.
func TestMe(t *testing.T) {
	e := newEditor(t)
	code, h, body := e.do("GET", "/api/me", e.points, nil)
	if code != 200 || body["name"] != "王工" || body["role"] != geo.RoleEditor || h.Get("Cache-Control") != "no-store" {
		t.Fatalf("editor: %d %v %v", code, h, body)
	}
	if ls, _ := body["layers"].([]any); len(ls) != 1 || ls[0] != storetest.LayerPoints {
		t.Errorf("editor's layers: %v", body["layers"])
	}
	if code, _, body = e.do("GET", "/api/me", e.viewer, nil); code != 200 || body["role"] != geo.RoleViewer || body["layers"] == nil {
		t.Errorf("viewer: %d %v", code, body)
	}
	if code, _, _ = e.do("GET", "/api/me", "", nil); code != 401 {
		t.Errorf("no token: %d, want 401", code)
	}
	if code, _, _ = e.do("GET", "/api/me", "pm_nope", nil); code != 401 {
		t.Errorf("unknown token: %d, want 401", code)
	}
}
