package web_test

import (
	"compress/gzip"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"planmap/data"
	"planmap/geo/memstore"
	"planmap/geo/storetest"
)

// rawGet sends a GET with exactly the given headers (no transparent gzip)
// and returns the response with its body as sent.
func rawGet(t *testing.T, url string, header ...string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := (&http.Client{Transport: &http.Transport{DisableCompression: true}}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, b
}

func gunzip(t *testing.T, b []byte) []byte {
	t.Helper()
	zr, err := gzip.NewReader(strings.NewReader(string(b)))
	if err != nil {
		t.Fatalf("not gzip: %v", err)
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		t.Fatalf("does not unzip: %v", err)
	}
	return out
}

// The web map's files and the API's JSON go out gzipped to clients that ask,
// as they are to clients that don't, each form under its own ETag, and a
// revalidation of either costs a 304.
func TestCompression(t *testing.T) {
	ds, err := data.Load(data.Embedded())
	if err != nil {
		t.Fatal(err)
	}
	srv := newServer(t, memstore.New(ds))
	for _, path := range []string{"/static/vendor/maplibre-gl/maplibre-gl.mjs", "/static/app.js", "/ogc/collections",
		"/ogc/collections/metro-stations/items?limit=50", "/api/nearby?lon=114.398&lat=30.505&radius=5000"} {
		plain, body := rawGet(t, srv.URL+path)
		zipped, zbody := rawGet(t, srv.URL+path, "Accept-Encoding", "gzip")
		if plain.StatusCode != 200 || zipped.StatusCode != 200 {
			t.Fatalf("%s: %d / %d", path, plain.StatusCode, zipped.StatusCode)
		}
		if plain.Header.Get("Content-Encoding") != "" || zipped.Header.Get("Content-Encoding") != "gzip" {
			t.Errorf("%s: Content-Encoding %q without gzip, %q with", path,
				plain.Header.Get("Content-Encoding"), zipped.Header.Get("Content-Encoding"))
			continue
		}
		if !strings.Contains(zipped.Header.Get("Vary"), "Accept-Encoding") {
			t.Errorf("%s: no Vary: Accept-Encoding", path)
		}
		if got := gunzip(t, zbody); string(got) != string(body) {
			t.Errorf("%s: the gzipped body unzips to %d bytes, the plain one has %d", path, len(got), len(body))
		}
		if len(zbody)*2 > len(body) {
			t.Errorf("%s: gzip gives %d of %d bytes", path, len(zbody), len(body))
		}
		pe, ze := plain.Header.Get("ETag"), zipped.Header.Get("ETag")
		if pe == "" || ze == "" || pe == ze {
			t.Errorf("%s: ETags %q (identity) and %q (gzip) must both exist and differ", path, pe, ze)
		}
		if plain.Header.Get("Cache-Control") == "" {
			t.Errorf("%s: no Cache-Control", path)
		}
		for _, c := range []struct{ etag, enc string }{{pe, ""}, {ze, "gzip"}} {
			res, b := rawGet(t, srv.URL+path, "Accept-Encoding", c.enc, "If-None-Match", c.etag)
			if res.StatusCode != http.StatusNotModified || len(b) != 0 {
				t.Errorf("%s revalidating %s: %d with %d bytes, want 304", path, c.etag, res.StatusCode, len(b))
			}
			if res.Header.Get("ETag") != c.etag {
				t.Errorf("%s revalidating %s: the 304 says %s", path, c.etag, res.Header.Get("ETag"))
			}
		}
	}
	// A small answer is not worth compressing; an error is never cached.
	res, b := rawGet(t, srv.URL+"/healthz", "Accept-Encoding", "gzip")
	var v map[string]string
	if res.Header.Get("Content-Encoding") != "" || json.Unmarshal(b, &v) != nil {
		t.Errorf("/healthz: %q %s", res.Header.Get("Content-Encoding"), b)
	}
	res, _ = rawGet(t, srv.URL+"/ogc/collections/nope", "Accept-Encoding", "gzip")
	if res.StatusCode != 404 || res.Header.Get("Cache-Control") != "no-store" || res.Header.Get("ETag") != "" {
		t.Errorf("404: %d Cache-Control %q ETag %q", res.StatusCode, res.Header.Get("Cache-Control"), res.Header.Get("ETag"))
	}
}

// TestETagOutlastsTimeStamp: a page of items carries the second it was made
// (timeStamp); asked again in a later second, unchanged, it still answers
// the tag the client holds with a 304.
func TestETagOutlastsTimeStamp(t *testing.T) {
	srv := newServer(t, memstore.New(storetest.Fixture()))
	url := srv.URL + "/ogc/collections/" + storetest.LayerPoints + "/items?limit=5"
	first, _ := rawGet(t, url)
	tag := first.Header.Get("ETag")
	time.Sleep(time.Until(time.Now().Truncate(time.Second).Add(1100 * time.Millisecond)))
	again, body := rawGet(t, url, "If-None-Match", tag)
	if tag == "" || again.StatusCode != http.StatusNotModified || again.Header.Get("ETag") != tag {
		t.Errorf("a second later: %d, ETag %q (was %q), %d bytes; want 304 with the same tag", again.StatusCode,
			again.Header.Get("ETag"), tag, len(body))
	}
}
