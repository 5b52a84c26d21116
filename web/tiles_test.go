package web_test

import (
	"context"
	"fmt"

	"bytes"
	"compress/gzip"
	"encoding/json"
	"github.com/paulmach/orb"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"

	"planmap/geo"
	"planmap/geo/memstore"
	"planmap/geo/storetest"
	"planmap/tiles"
	"planmap/web"
)

func get(t *testing.T, u string, header ...string) (*http.Response, []byte) {
	t.Helper()
	req, _ := http.NewRequest("GET", u, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	// Ask for gzip ourselves so the client hands back the bytes as sent.
	if req.Header.Get("Accept-Encoding") == "" {
		req.Header.Set("Accept-Encoding", "identity")
	}
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, b
}

func TestTileJSON(t *testing.T) {
	// The test client is a trusted proxy here (web/frontdoor_test.go tests the untrusted).
	h := web.New(memstore.New(storetest.Fixture()), web.Options{TrustedProxies: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}})
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	resp, b := get(t, srv.URL+"/tiles/plan.json", "X-Forwarded-Proto", "https", "X-Forwarded-Host", "maps.example.org")
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/json" {
		t.Fatalf("%d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	var tj tiles.TileJSON
	if err := json.Unmarshal(b, &tj); err != nil {
		t.Fatal(err)
	}
	if err := tj.Validate(); err != nil {
		t.Errorf("invalid TileJSON: %v", err)
	}
	if !strings.HasPrefix(tj.Tiles[0], "https://maps.example.org/tiles/plan/{z}/{x}/{y}.mvt?v=") {
		t.Errorf("tiles URL %q ignores the proxy headers", tj.Tiles[0])
	}
	if len(tj.VectorLayers) != 3 || tj.VectorLayers[0].ID != storetest.LayerAreas || len(tj.VectorLayers[0].Fields) == 0 {
		t.Errorf("vector_layers %+v", tj.VectorLayers)
	}
	if tj.Bounds[0] < 113 || tj.Bounds[2] > 116 || tj.Center[2] == 0 {
		t.Errorf("bounds %v center %v", tj.Bounds, tj.Center)
	}
	_, one := get(t, srv.URL+"/tiles/points.json")
	if !strings.Contains(string(one), `"id":"points"`) || strings.Contains(string(one), `"id":"areas"`) {
		t.Errorf("a layer's TileJSON holds other layers: %s", one)
	}
	_, list := get(t, srv.URL+"/tiles")
	if !strings.Contains(string(list), `"plan"`) || !strings.Contains(string(list), "/tiles/areas.json") {
		t.Errorf("tileset list: %s", list)
	}
}

func TestTileHTTP(t *testing.T) {
	srv := fixtureServer(t)
	var z14 tiles.TileID
	for tid := range tiles.Covering(boundAt(storetest.Guanggu), 14).All() {
		z14 = tid
	}
	u := srv.URL + "/tiles/plan/" + z14.String() + ".mvt"
	resp, gz := get(t, u, "Accept-Encoding", "gzip")
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/vnd.mapbox-vector-tile" ||
		resp.Header.Get("Content-Encoding") != "gzip" || resp.Header.Get("Cache-Control") == "" {
		t.Fatalf("%d %v", resp.StatusCode, resp.Header)
	}
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(zr)
	if storetest.DecodeTile(t, raw)[storetest.LayerAreas] == nil {
		t.Error("composite tile lacks the areas layer")
	}
	// Without gzip the same tile comes plain.
	plainResp, plain := get(t, u)
	if plainResp.Header.Get("Content-Encoding") != "" || !bytes.Equal(plain, raw) {
		t.Error("a client without gzip gets different bytes")
	}
	// Revalidation. A strong ETag names one representation (RFC 9110
	// 8.8.3): the gzip and identity bodies differ, so their tags must too.
	etag, plainTag := resp.Header.Get("ETag"), plainResp.Header.Get("ETag")
	if !strings.HasPrefix(etag, `"`) || !strings.HasPrefix(plainTag, `"`) || plainTag == etag {
		t.Errorf("ETag gzip %q, identity %q: want two strong tags that differ", etag, plainTag)
	}
	if r, _ := get(t, u, "Accept-Encoding", "gzip", "If-None-Match", etag); r.StatusCode != 304 {
		t.Errorf("If-None-Match gzip: %d, want 304", r.StatusCode)
	}
	if r, _ := get(t, u, "If-None-Match", plainTag); r.StatusCode != 304 {
		t.Errorf("If-None-Match identity: %d, want 304", r.StatusCode)
	}
	if r, _ := get(t, u, "If-None-Match", etag); r.StatusCode != 200 {
		t.Errorf("identity request with the gzip body's tag: %d, want 200", r.StatusCode)
	}
	if r, _ := get(t, u, "If-None-Match", `"other"`); r.StatusCode != 200 {
		t.Errorf("If-None-Match other: %d, want 200", r.StatusCode)
	}
	// Empty, impossible and unknown.
	cases := map[string]int{
		"/tiles/plan/12/0/0.mvt":          204,
		"/tiles/plan/-1/0/0.mvt":          400,
		"/tiles/plan/2/4/0.mvt":           400,
		"/tiles/plan/2/0/4.mvt":           400,
		"/tiles/plan/1.5/0/0.mvt":         400,
		"/tiles/plan/17/0/0.mvt":          400,
		"/tiles/plan/99999999999/0/0.mvt": 400,
		"/tiles/plan/3/01/2.mvt":          400,
		"/tiles/nope/1/0/0.mvt":           404,
		"/tiles/PLAN/1/0/0.mvt":           404,
		"/tiles/plan/1/0/0/0.mvt":         404,
		"/tiles/plan/1/0/.mvt":            404,
		"/tiles/nope.json":                404,
		"/tiles/plan/1/0/0.mvt?x=1":       400,
	}
	for path, want := range cases {
		r, body := get(t, srv.URL+path)
		if r.StatusCode != want {
			t.Errorf("%s: %d, want %d", path, r.StatusCode, want)
		}
		if want >= 400 && !strings.Contains(string(body), `"code"`) {
			t.Errorf("%s: error body %s", path, body)
		}
	}
}

// TestTileCacheVersion checks that a new data version never gets an old tile.
func TestTileCacheVersion(t *testing.T) {
	ds := storetest.Fixture()
	store := &versioned{Store: memstore.New(ds), version: "a"}
	srv := newServer(t, store)
	var z8 tiles.TileID
	for tid := range tiles.Covering(boundAt(storetest.Guanggu), 8).All() {
		z8 = tid
	}
	u := srv.URL + "/tiles/areas/" + z8.String() + ".mvt"
	r1, _ := get(t, u)
	store.version = "b"
	r2, _ := get(t, u)
	if r1.StatusCode != 200 || r1.Header.Get("ETag") == r2.Header.Get("ETag") {
		t.Errorf("the ETag did not change with the data version: %s", r1.Header.Get("ETag"))
	}
	if store.builds != 2 {
		t.Errorf("%d tile builds for two versions, want 2", store.builds)
	}
	get(t, u)
	if store.builds != 2 {
		t.Errorf("a cached tile was built again")
	}
}

type versioned struct {
	geo.Store
	version string
	builds  int
}

func (v *versioned) Version(ctx context.Context) (string, error) { return v.version, nil }
func (v *versioned) Tile(ctx context.Context, req geo.TileRequest) ([]byte, error) {
	v.builds++
	return v.Store.Tile(ctx, req)
}

func boundAt(p orb.Point) orb.Bound { return orb.Bound{Min: p, Max: p} }

// tileTemplate is a tileset's tile URL template as its TileJSON gives it.
func tileTemplate(t *testing.T, base, tileset string) string {
	t.Helper()
	_, b := get(t, base+"/tiles/"+tileset+".json")
	var tj tiles.TileJSON
	if err := json.Unmarshal(b, &tj); err != nil || len(tj.Tiles) != 1 {
		t.Fatalf("TileJSON of %s: %v %s", tileset, err, b)
	}
	return tj.Tiles[0]
}

func fillTile(template string, z, x, y int) string {
	return strings.NewReplacer("{z}", fmt.Sprint(z), "{x}", fmt.Sprint(x), "{y}", fmt.Sprint(y)).Replace(template)
}

// TestTileURLsNameTheVersion: a tile asked for by the TileJSON's URL (the
// data version in ?v=) may be cached for good, as that URL names its content;
// under another version, or none, it is cached as configured.
func TestTileURLsNameTheVersion(t *testing.T) {
	srv := httptest.NewServer(web.New(memstore.New(storetest.Fixture()), web.Options{TileCacheControl: "public, max-age=60"}))
	t.Cleanup(srv.Close)
	url := fillTile(tileTemplate(t, srv.URL, "plan"), 10, 837, 422)
	stale := url[:strings.LastIndex(url, "?")] + "?v=0123456789ab"
	for u, want := range map[string]string{url: "public, max-age=31536000, immutable", stale: "public, max-age=60",
		url[:strings.LastIndex(url, "?")]: "public, max-age=60"} {
		resp, _ := get(t, u)
		if resp.StatusCode != 200 && resp.StatusCode != 204 || resp.Header.Get("Cache-Control") != want {
			t.Errorf("%s: %d, Cache-Control %q, want %q", u, resp.StatusCode, resp.Header.Get("Cache-Control"), want)
		}
	}
	if resp, _ := get(t, url+"&w=1"); resp.StatusCode != 400 {
		t.Errorf("a tile with an unknown parameter: %d", resp.StatusCode)
	}
}
