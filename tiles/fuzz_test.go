package tiles

import (
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
)

func FuzzParseTileID(f *testing.F) {
	for _, s := range [][3]string{{"0", "0", "0"}, {"14", "13358", "6746"}, {"-1", "+1", "01"}, {"30", "1073741823", "1073741824"}} {
		f.Add(s[0], s[1], s[2])
	}
	f.Fuzz(func(t *testing.T, z, x, y string) {
		id, err := ParseTileID(z, x, y, MaxZoom)
		if err != nil {
			return
		}
		// Accepted input is canonical: printing it gives the input back.
		if id.String() != z+"/"+x+"/"+y || !id.Valid() {
			t.Fatalf("%q/%q/%q parsed to %v", z, x, y, id)
		}
	})
}

func FuzzBaseURL(f *testing.F) {
	f.Add(`for=1.2.3.4;proto=https;host="a.example.org:1"`, "https", "b.example.org", "/p")
	f.Add(`host="x\"y"`, "ftp", "a b", "/../x")
	f.Fuzz(func(t *testing.T, fwd, proto, host, prefix string) {
		r := httptest.NewRequest("GET", "/", nil)
		r.Header["Forwarded"] = []string{fwd}
		r.Header["X-Forwarded-Proto"] = []string{proto}
		r.Header["X-Forwarded-Host"] = []string{host}
		r.Header["X-Forwarded-Prefix"] = []string{prefix}
		u := BaseURL(r)
		if !strings.HasPrefix(u, "http://") && !strings.HasPrefix(u, "https://") {
			t.Fatalf("scheme: %q", u)
		}
		if strings.ContainsAny(u, " \t\r\n\"'<>\\`{}|^") || strings.Contains(u, "/../") || strings.HasSuffix(u, "/") {
			t.Fatalf("unsafe base URL %q", u)
		}
		rest := u[strings.Index(u, "://")+3:]
		if h, _, _ := strings.Cut(rest, "/"); h == "" || strings.ContainsAny(h, "@?#") {
			t.Fatalf("bad authority in %q", u)
		}
	})
}

func FuzzNoneMatch(f *testing.F) {
	f.Add(`W/"a", "b"`, `"b"`)
	f.Fuzz(func(t *testing.T, header, tag string) {
		NoneMatch(header, tag) // must not panic or loop
	})
}

// FuzzEncodePolygon feeds arbitrary rings (bytes as tile fractions) through
// Encode and checks the decoded tile obeys the MVT rules it claims.
func FuzzEncodePolygon(f *testing.F) {
	f.Add([]byte{10, 10, 200, 10, 200, 200, 10, 200}, []byte{50, 50, 60, 50, 60, 60}, uint8(14), uint8(0))
	f.Add([]byte{0, 0, 255, 255, 255, 0, 0, 255}, []byte{}, uint8(10), uint8(3))
	f.Fuzz(func(t *testing.T, outer, inner []byte, z uint8, tolShift uint8) {
		zoom := uint32(z%16) + 4
		tile := tileAt(114.30, 30.60, zoom)
		ring := func(b []byte) orb.Ring {
			var r orb.Ring
			for i := 0; i+1 < len(b) && len(r) < 200; i += 2 {
				// -0.25 … 1.25 of the tile, so edges get clipped
				r = append(r, lerp(tile, float64(b[i])/170-.25, float64(b[i+1])/170-.25))
			}
			if len(r) > 0 {
				r = append(r, r[0])
			}
			return r
		}
		poly := orb.Polygon{ring(outer)}
		if h := ring(inner); len(h) > 0 {
			poly = append(poly, h)
		}
		o := Options{Tolerance: float64(uint(1) << (tolShift % 8))}
		data, err := Encode(tile, []Layer{{Name: "p", Features: []Feature{{ID: 1, Geometry: poly}}}}, o)
		if err != nil {
			t.Fatal(err)
		}
		if data == nil {
			return
		}
		ls, err := mvt.Unmarshal(data)
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range ls {
			for _, f := range l.Features {
				if l.Version == 2 {
					checkGeometry(t, f.Geometry, 4096, 64)
				}
			}
		}
	})
}
