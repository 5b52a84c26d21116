package web_test

import (
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"

	"planmap/geo/memstore"
	"planmap/geo/storetest"
	"planmap/tiles"
	"planmap/web"
)

// TestCollectionCredits: a collection links its licence (rel=license) and
// carries its credits; a layer that names neither has neither.
func TestCollectionCredits(t *testing.T) {
	srv := fixtureServer(t)
	ds := storetest.Fixture()
	_, _, all := fetch(t, srv.URL+"/ogc/collections")
	for i, l := range ds.Layers {
		_, _, one := fetch(t, srv.URL+"/ogc/collections/"+l.ID)
		for where, c := range map[string]map[string]any{"/collections": all["collections"].([]any)[i].(map[string]any), "/collections/" + l.ID: one} {
			validate(t, "collection.yaml", c)
			lic := links(c)["license"]
			switch {
			case l.License == nil && lic != nil:
				t.Errorf("%s: a licence link for a layer without a licence: %v", where, lic)
			case l.License != nil && fmt.Sprint(lic) != fmt.Sprint(map[string]any{
				"href": l.License.URL, "rel": "license", "type": "text/html", "title": l.License.Title}):
				t.Errorf("%s: licence link %v, want %+v", where, lic, l.License)
			}
			wantCredits := strings.Join(l.Attribution, " | ")
			if got, _ := c["attribution"].(string); got != wantCredits {
				t.Errorf("%s: attribution %q, want %q", where, got, wantCredits)
			}
			if got := fmt.Sprint(c["credits"]); (l.Attribution == nil && c["credits"] != nil) ||
				(l.Attribution != nil && got != fmt.Sprint(l.Attribution)) {
				t.Errorf("%s: credits %s, want %q", where, got, l.Attribution)
			}
		}
	}
}

// TestTileJSONAttribution: a tileset credits the sources of the layers it
// holds, each once, escaped for MapLibre, which shows it as HTML.
func TestTileJSONAttribution(t *testing.T) {
	srv := fixtureServer(t)
	areas := "© Survey &lt;Wuhan&gt; &amp; Partners" // storetest.CreditAreas, escaped
	for tileset, want := range map[string]string{
		web.PlanTileset:       areas + " | " + storetest.CreditShared + " | " + storetest.CreditLines,
		storetest.LayerAreas:  areas + " | " + storetest.CreditShared,
		storetest.LayerLines:  storetest.CreditShared + " | " + storetest.CreditLines,
		storetest.LayerPoints: "",
	} {
		_, b := get(t, srv.URL+"/tiles/"+tileset+".json")
		var tj tiles.TileJSON
		if err := json.Unmarshal(b, &tj); err != nil {
			t.Fatal(err)
		}
		if tj.Attribution != want {
			t.Errorf("%s: attribution %q, want %q", tileset, tj.Attribution, want)
		}
	}
}

// TestSourcesDoc: given the dataset's sources document, planmap serves it
// and links it from the landing page; without one, neither.
func TestSourcesDoc(t *testing.T) {
	doc := []byte("# Sources\n\nWikidata (CC0)\n")
	with := httptest.NewServer(web.New(memstore.New(storetest.Fixture()), web.Options{Sources: doc}))
	defer with.Close()
	_, _, landing := fetch(t, with.URL+"/ogc")
	validate(t, "landingPage.yaml", landing)
	lic := links(landing)["license"]
	if lic["href"] != with.URL+web.SourcesPath || lic["type"] != "text/markdown" {
		t.Errorf("landing page licence link %v", lic)
	}
	resp, body := get(t, with.URL+web.SourcesPath)
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/markdown; charset=utf-8" || string(body) != string(doc) {
		t.Errorf("%s: %d %s %q", web.SourcesPath, resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
	if r, _ := get(t, with.URL+web.SourcesPath, "If-None-Match", resp.Header.Get("ETag")); r.StatusCode != 304 {
		t.Errorf("revalidating %s: %d, want 304", web.SourcesPath, r.StatusCode)
	}

	without := fixtureServer(t)
	if _, _, landing := fetch(t, without.URL+"/ogc"); links(landing)["license"] != nil {
		t.Errorf("a licence link with no sources document: %v", links(landing)["license"])
	}
	if code, _, _ := fetch(t, without.URL+web.SourcesPath); code != 404 {
		t.Errorf("%s with no document: %d, want 404", web.SourcesPath, code)
	}
}
