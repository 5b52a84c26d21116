package web_test

import (
	"fmt"
	"math"
	"net/url"
	"strings"
	"testing"

	"planmap/geo"
	"planmap/geo/storetest"
)

// The CRS URIs of OGC API – Features Part 2 that planmap serves.
const (
	uriCRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
	uri4326  = "http://www.opengis.net/def/crs/EPSG/0/4326"
	uri3857  = "http://www.opengis.net/def/crs/EPSG/0/3857"
	uri4490  = "http://www.opengis.net/def/crs/EPSG/0/4490"
	uriGCJ02 = "urn:planmap:def:crs:GCJ-02"
)

// toCRS writes a lon/lat point in a CRS by the textbook formulas (Web
// Mercator: the spherical projection on the WGS84 semi-major axis), not by
// the server's code; GCJ-02 is planmap's own transform by definition.
func toCRS(uri string, lon, lat float64) [2]float64 {
	switch uri {
	case uri4326, uri4490:
		return [2]float64{lat, lon}
	case uri3857:
		const r = 6378137.0
		return [2]float64{r * lon * math.Pi / 180, r * math.Log(math.Tan(math.Pi/4+lat*math.Pi/360))}
	case uriGCJ02:
		p := geo.WGS84ToGCJ02([2]float64{lon, lat})
		return [2]float64{p[0], p[1]}
	}
	return [2]float64{lon, lat}
}

func near(a, b [2]float64, tol float64) bool {
	return math.Abs(a[0]-b[0]) <= tol && math.Abs(a[1]-b[1]) <= tol
}

func TestCRS(t *testing.T) {
	eachStore(t, storetest.Fixture(), func(t *testing.T, base string) {
		code, _, c := fetch(t, base+"/ogc/collections/points")
		if code != 200 || c["storageCrs"] != uriCRS84 {
			t.Fatalf("collection: %d storageCrs %v", code, c["storageCrs"])
		}
		if got := fmt.Sprint(c["crs"]); got != fmt.Sprint([]string{uriCRS84, uri4326, uri3857, uri4490, uriGCJ02}) {
			t.Errorf("crs list %s", got)
		}
		_, _, conf := fetch(t, base+"/ogc/conformance")
		if !strings.Contains(fmt.Sprint(conf["conformsTo"]), "ogcapi-features-2/1.0/conf/crs") {
			t.Error("conformance lacks Part 2 crs")
		}
		// yangluo is at 114.55, 30.66; guanggu-area's corner at 114.38, 30.48.
		for _, uri := range []string{"", uriCRS84, uri4326, uri3857, uri4490, uriGCJ02, "EPSG:4326"} {
			want := uri
			if uri == "" {
				want = uriCRS84
			} else if uri == "EPSG:4326" {
				want = uri4326
			}
			q := url.Values{}
			if uri != "" {
				q.Set("crs", uri)
			}
			code, h, f := fetch(t, base+"/ogc/collections/points/items/yangluo?"+q.Encode())
			if code != 200 || h.Get("Content-Crs") != "<"+want+">" {
				t.Fatalf("item crs=%s: %d Content-Crs %q", uri, code, h.Get("Content-Crs"))
			}
			validate(t, "featureGeoJSON.yaml", f)
			c := f["geometry"].(map[string]any)["coordinates"].([]any)
			got := [2]float64{c[0].(float64), c[1].(float64)}
			if exp := toCRS(want, 114.55, 30.66); !near(got, exp, 1e-6) {
				t.Errorf("item crs=%s: %v, want %v", uri, got, exp)
			}
			code, h, fc := fetch(t, base+"/ogc/collections/areas/items?"+q.Encode())
			if code != 200 || h.Get("Content-Crs") != "<"+want+">" {
				t.Fatalf("items crs=%s: %d Content-Crs %q", uri, code, h.Get("Content-Crs"))
			}
			validate(t, "featureCollectionGeoJSON.yaml", fc)
			for _, f := range fc["features"].([]any) {
				f := f.(map[string]any)
				if f["id"] != "guanggu-area" {
					continue
				}
				p := f["geometry"].(map[string]any)["coordinates"].([]any)[0].([]any)[0].([]any)
				got := [2]float64{p[0].(float64), p[1].(float64)}
				if exp := toCRS(want, 114.38, 30.48); !near(got, exp, 1e-6) {
					t.Errorf("items crs=%s: %v, want %v", uri, got, exp)
				}
			}
		}
		// bbox-crs: a small box around yangluo (114.55, 30.66) in each CRS,
		// in its own axis order, finds it and not yangluo-port 1.4 km away.
		for _, uri := range []string{uriCRS84, uri4326, uri3857, uri4490, uriGCJ02} {
			lo, hi := toCRS(uri, 114.549, 30.659), toCRS(uri, 114.551, 30.661)
			if uri == uriGCJ02 { // the box around yangluo's GCJ-02 position
				p := toCRS(uri, 114.55, 30.66)
				lo, hi = [2]float64{p[0] - 0.001, p[1] - 0.001}, [2]float64{p[0] + 0.001, p[1] + 0.001}
			}
			q := url.Values{"bbox-crs": {uri}, "bbox": {fmt.Sprintf("%.9f,%.9f,%.9f,%.9f", lo[0], lo[1], hi[0], hi[1])}}
			code, _, fc := fetch(t, base+"/ogc/collections/points/items?"+q.Encode())
			if code != 200 || fc["numberMatched"] != 1.0 ||
				fc["features"].([]any)[0].(map[string]any)["id"] != "yangluo" {
				t.Errorf("bbox-crs=%s bbox=%s: %d %v", uri, q.Get("bbox"), code, fc["numberMatched"])
			}
		}
		// Unknown CRSs and misuse are a 400 that names the supported ones.
		for _, path := range []string{"/ogc/collections/points/items?crs=EPSG:2000",
			"/ogc/collections/points/items/yangluo?crs=http://www.opengis.net/def/crs/EPSG/0/4547",
			"/ogc/collections/points/items?bbox=1,2,3,4&bbox-crs=urn:x"} {
			code, _, e := fetch(t, base+path)
			if code != 400 || !strings.Contains(fmt.Sprint(e["description"]), uri4490) {
				t.Errorf("%s: %d %v", path, code, e)
			}
		}
		for _, path := range []string{"/ogc/collections/points/items?bbox-crs=" + uri3857,
			"/ogc/collections/points/items?bbox=30,114,31,115&bbox-crs=" + uri3857 + "&bbox=1",
			"/ogc/collections/points/items?bbox=114,30,115,31&bbox-crs=" + uri4326} {
			if code, _, e := fetch(t, base+path); code != 400 || e["code"] != "InvalidParameterValue" {
				t.Errorf("%s: %d %v", path, code, e)
			}
		}
	})
}
