// Package hostile sends a corpus of hostile requests — SQL injection, path
// traversal, huge, negative and non-finite numbers, invalid UTF-8, null
// bytes, very long values, repeated parameters, odd methods — to every
// endpoint of a planmap handler, and checks that each answer is a clean 4xx
// with a JSON error, or a correct 2xx/3xx, never a 5xx and never a leak of
// internals; and that the store's data is unchanged afterwards.
//
// It is store-agnostic: the caller passes the handler (over any geo.Store
// holding storetest.Fixture or any other dataset) and a snapshot function
// (Snapshot for a geo.Store, or a SQL checksum of the tables).
package hostile

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"planmap/geo"
)

// Forbidden are substrings no response may carry unless the request itself
// did (errors echo a clipped parameter): stack traces, source paths, SQL
// text and driver names.
var Forbidden = []string{
	"goroutine", ".go:", "/work/", "/home/", "/usr/local/go", "runtime error", "panic",
	"SELECT", "INSERT INTO", "DELETE FROM", "DROP TABLE", "pgx", "pgconn", "SQLSTATE", "pq:",
}

var metricHelp = regexp.MustCompile(`(?m)^(# (HELP|TYPE) )?go_[a-z_]*goroutines[a-z_]*.*$`)

// Leak returns the first forbidden substring found in body but not in the
// request (its raw and decoded target), or "".
func Leak(target string, body []byte) string {
	// What the client sent, as the server may decode and name it back: with
	// every valid escape decoded even where another one is malformed.
	req := strings.ToLower(target) + "\n" + strings.ToLower(lenientUnescape(target))
	if u, err := url.QueryUnescape(target); err == nil {
		req += "\n" + strings.ToLower(u)
	}
	low := strings.ToLower(string(body))
	for _, f := range Forbidden {
		lf := strings.ToLower(f)
		if strings.Contains(low, lf) && !strings.Contains(req, lf) {
			return f
		}
	}
	return ""
}

// lenientUnescape decodes %XX escapes and + as a space, keeping a malformed
// escape as it is.
func lenientUnescape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] == '+':
			b.WriteByte(' ')
		case s[i] == '%' && i+2 < len(s) && ishex(s[i+1]) && ishex(s[i+2]):
			v, _ := strconv.ParseUint(s[i+1:i+3], 16, 8)
			b.WriteByte(byte(v))
			i += 2
		default:
			b.WriteByte(s[i])
		}
	}
	return b.String()
}

func ishex(c byte) bool {
	return ('0' <= c && c <= '9') || ('a' <= c && c <= 'f') || ('A' <= c && c <= 'F')
}

// Check returns what is wrong with one response, or "". A 5xx is always
// wrong; a 4xx must be a JSON object with a code and a description; a 2xx
// JSON body must parse; a redirect must stay on this server.
func Check(method, target string, status int, h http.Header, body []byte) string {
	if h.Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(bytes.NewReader(body))
		if err != nil {
			return "Content-Encoding gzip, but the body is not gzip"
		}
		if body, err = io.ReadAll(io.LimitReader(zr, 64<<20)); err != nil {
			return "Content-Encoding gzip, but the body does not unzip: " + err.Error()
		}
	}
	if strings.Contains(h.Get("Content-Type"), "version=0.0.4") || strings.Contains(h.Get("Content-Type"), "openmetrics") {
		// The Go runtime's goroutine gauges and their help text are not a stack trace.
		body = metricHelp.ReplaceAll(body, nil)
	}
	if leak := Leak(target, body); leak != "" {
		return fmt.Sprintf("response leaks %q: %.300s", leak, body)
	}
	ct := h.Get("Content-Type")
	switch {
	case status >= 500:
		return fmt.Sprintf("status %d: %.300s", status, body)
	case status >= 400:
		if method == http.MethodHead {
			return ""
		}
		if !strings.HasPrefix(ct, "application/json") {
			return fmt.Sprintf("status %d with Content-Type %q", status, ct)
		}
		var e struct {
			Code        *string `json:"code"`
			Description *string `json:"description"`
		}
		if err := json.Unmarshal(body, &e); err != nil || e.Code == nil || *e.Code == "" || e.Description == nil || *e.Description == "" {
			return fmt.Sprintf("status %d: error body is not {code, description}: %.300s", status, body)
		}
		if !utf8.Valid(body) {
			return fmt.Sprintf("status %d: error body is not UTF-8", status)
		}
		if len(body) > 4096 {
			return fmt.Sprintf("status %d: a %d-byte error body (an unclipped echo of the request?)", status, len(body))
		}
	case status >= 300:
		if loc := h.Get("Location"); status != http.StatusNotModified && (!strings.HasPrefix(loc, "/") || strings.HasPrefix(loc, "//") || strings.Contains(loc, `\`)) {
			return fmt.Sprintf("status %d redirects off the server: Location %q", status, loc)
		}
	case status >= 200:
		if method != http.MethodHead && len(body) > 0 && strings.Contains(ct, "json") && !json.Valid(body) {
			return fmt.Sprintf("status %d: %s body is not valid JSON: %.300s", status, ct, body)
		}
	default:
		return fmt.Sprintf("status %d", status)
	}
	return ""
}

// Do sends one request straight to the handler. target is a raw request
// URI ("/path?query"), sent as given, escapes and all.
func Do(h http.Handler, method, target string) *httptest.ResponseRecorder {
	return DoWith(h, method, target, nil, nil)
}

// DoWith sends one request with extra headers and a body (nil for none).
func DoWith(h http.Handler, method, target string, header http.Header, body io.Reader) *httptest.ResponseRecorder {
	u, err := url.ParseRequestURI(target)
	if err != nil {
		// A target net/http would refuse before any handler (e.g. a raw
		// control character): Go's server answers 400 itself.
		w := httptest.NewRecorder()
		w.Code = http.StatusBadRequest
		w.Header().Set("Content-Type", "application/json")
		w.Body.WriteString(`{"code":"BadRequest","description":"refused by net/http"}`)
		return w
	}
	r := &http.Request{Method: method, URL: u, RequestURI: target, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: http.Header{"Accept-Encoding": {"gzip"}}, Host: Host, RemoteAddr: "192.0.2.1:1234",
		Body: http.NoBody}
	for k, vs := range header {
		if k == "Host" { // net/http keeps the Host in r.Host, never in the header map
			r.Host = vs[0]
			continue
		}
		r.Header[k] = vs
	}
	if body != nil {
		r.Body, r.ContentLength = io.NopCloser(body), -1
		if l, ok := body.(interface{ Len() int }); ok {
			r.ContentLength = int64(l.Len())
		}
	}
	r = r.WithContext(context.Background())
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

// Payloads are the hostile values, unescaped; each is sent query-escaped
// and, where it is printable ASCII, also as given.
var Payloads = []string{
	// SQL injection
	`' OR 1=1 --`, `'; DROP TABLE features; --`, `" OR ""="`, `1; DELETE FROM features`,
	`1 UNION SELECT version()`, `') OR ('a'='a`, `$$; TRUNCATE layers; $$`, `\'; --`, `%' OR '%'='`,
	`points' AND pg_sleep(5) --`, `1)); DROP TABLE targets; --`, `E'\\x00'`, `::text`,
	// path traversal
	`../../etc/passwd`, `..%2f..%2fetc%2fpasswd`, `%2e%2e%2f`, `..\..\windows\win.ini`, `/etc/passwd`, `file:///etc/passwd`,
	// numbers
	`1e308`, `-1e308`, `1e309`, `99999999999999999999`, `-99999999999999999999`, `-1`, `-0`, `0`, `+1`,
	`NaN`, `nan`, `Infinity`, `-Infinity`, `+Inf`, `inf`, `0x10`, `1_000`, `1e-400`, `4.9e-324`, `2147483648`, `9223372036854775808`,
	`1,2,3,4,5`, `-180,-90,180,90`, `NaN,NaN,NaN,NaN`, `Infinity,0,0,0`, `1e308,1e308,1e308,1e308`,
	// strings
	"\xff\xfe", "a\x00b", "\x00", "\u202e\u0041", "ɑ", "ＳＥＬＥＣＴ", "\u200b", "😀", "%00", "%ff%fe", "%", "%%", "%zz",
	"null", "[]", "{}", "<script>alert(1)</script>", "${jndi:ldap://x}", "{{7*7}}", " ", "\t\r\n", "a;b", "a&b=c",
	strings.Repeat("A", 10<<10), strings.Repeat("长", 3000), strings.Repeat("../", 500),
	"2026-01-01T00:00:00Z/..", "0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z/0001-01-01", "2026-13-45",
}

// Snapshot returns a function that hashes everything a store serves
// through the Store API: layers, every feature of every layer, targets and
// the data version.
func Snapshot(s geo.Store) func() string {
	return func() string {
		ctx := context.Background()
		h := sha256.New()
		enc := json.NewEncoder(h)
		layers, err := s.Layers(ctx)
		if err != nil {
			return "error: " + err.Error()
		}
		_ = enc.Encode(layers)
		for _, l := range layers {
			for off := 0; ; off += 1000 {
				page, err := s.Features(ctx, l.ID, geo.Query{Limit: 1000, Offset: off})
				if err != nil {
					return "error: " + err.Error()
				}
				for _, f := range page.Features {
					_ = enc.Encode(f.GeoJSON())
				}
				if off+1000 >= page.Matched {
					break
				}
			}
		}
		ts, err := s.Targets(ctx)
		if err != nil {
			return "error: " + err.Error()
		}
		_ = enc.Encode(ts)
		v, err := s.Version(ctx)
		if err != nil {
			return "error: " + err.Error()
		}
		fmt.Fprint(h, v)
		return fmt.Sprintf("%x", h.Sum(nil))
	}
}

// endpoint is a route with the parameters it takes and a valid base query.
type endpoint struct {
	path   string
	params []string
	base   url.Values
}

// Host is the host every request names; the handler under test is to allow
// it alone (web.Options.AllowedHosts), as a configured server would.
const Host = "planmap.test"

// Run sends the corpus to every endpoint of handler and fails t on any
// unclean answer; finally snapshot() must equal its value before the run.
func Run(t *testing.T, handler http.Handler, snapshot func() string) {
	t.Helper()
	before := snapshot()
	if strings.HasPrefix(before, "error") {
		t.Fatalf("snapshot: %s", before)
	}
	coll, fid := discover(t, handler)

	endpoints := []endpoint{
		{"/ogc", []string{"f"}, nil},
		{"/ogc/", []string{"f"}, nil},
		{"/ogc/conformance", []string{"f"}, nil},
		{"/ogc/api", []string{"f"}, nil},
		{"/ogc/collections", []string{"f"}, nil},
		{"/ogc/collections/" + coll, []string{"f"}, nil},
		{"/ogc/collections/" + coll + "/schema", []string{"f"}, nil},
		{"/ogc/collections/" + coll + "/queryables", []string{"f"}, nil},
		{"/ogc/collections/" + coll + "/items", []string{"f", "limit", "offset", "bbox", "datetime", "status", "kind", "district", "accuracy",
			"crs", "bbox-crs", "filter", "filter-lang", "filter-crs", "sortby", "properties", "after"}, nil},
		{"/ogc/collections/" + coll + "/items", []string{"bbox-crs", "filter-crs"}, url.Values{"bbox": {"114,30,115,31"},
			"filter": {"S_INTERSECTS(geometry, POINT(114.3 30.5))"}}},
		{"/ogc/collections/" + coll + "/items/" + url.PathEscape(fid), []string{"f", "crs"}, nil},
		{"/ogc/tiles", []string{"f"}, nil},
		{"/ogc/tiles/WebMercatorQuad", []string{"f"}, nil},
		{"/ogc/collections/" + coll + "/tiles/WebMercatorQuad/10/414/843", []string{"f"}, nil},
		{"/ogc/tileMatrixSets/WebMercatorQuad", []string{"f"}, nil},
		{"/api/nearby", []string{"lon", "lat", "radius", "layers", "limit", "f"}, url.Values{"lon": {"114.398"}, "lat": {"30.505"}}},
		{"/api/search", []string{"q", "layers", "limit", "f"}, url.Values{"q": {"a"}}},
		{"/api/targets", []string{"f"}, nil},
		{"/api/monitoring", []string{"f"}, nil},
		{"/api/changes", []string{"since", "limit", "f"}, nil},
		{"/ogc/collections/" + coll + "/history", []string{"f"}, nil},
		{"/ogc/collections/" + coll + "/items/" + url.PathEscape(fid) + "/history", []string{"f"}, nil},
		{"/tiles", []string{"f"}, nil},
		{"/tiles/plan.json", []string{"f"}, nil},
		{"/tiles/" + coll + ".json", []string{"f"}, nil},
		{"/tiles/plan/10/843/414.mvt", []string{"f"}, nil},
		{"/healthz", []string{"f"}, nil},
		{"/readyz", []string{"f"}, nil},
		{"/metrics", []string{"name[]"}, nil},
	}
	n, statuses := 0, map[int]int{}
	send := func(method, target string, extra func(*httptest.ResponseRecorder) string) {
		n++
		w := Do(handler, method, target)
		statuses[w.Code]++
		body := w.Body.Bytes()
		if msg := Check(method, target, w.Code, w.Header(), body); msg != "" {
			t.Errorf("%s %.200s: %s", method, target, msg)
			return
		}
		if extra != nil {
			if msg := extra(w); msg != "" {
				t.Errorf("%s %.200s: %s", method, target, msg)
			}
		}
	}
	values := func(p string) []string {
		out := []string{url.QueryEscape(p)}
		if isPrintableASCII(p) && !strings.ContainsAny(p, " #") {
			out = append(out, p) // as given: a raw ';', '%', '&' or '..' reaches the parser unescaped
		}
		return out
	}

	for _, e := range endpoints {
		// Every parameter, and one unknown one, gets every payload.
		for _, name := range append(slices.Clone(e.params), "x' OR 1=1--", "..%2f") {
			for _, p := range Payloads {
				for _, v := range values(p) {
					q := url.Values{}
					for k, vs := range e.base {
						if k != name {
							q[k] = vs
						}
					}
					target := e.path + "?" + join(q.Encode(), url.QueryEscape(name)+"="+v)
					decoded, err := url.QueryUnescape(v)
					if err != nil {
						decoded = p
					}
					send(http.MethodGet, target, correct(e.path, name, decoded))
				}
			}
		}
		// Repeated parameters and a huge query string.
		for _, name := range e.params {
			send(http.MethodGet, e.path+"?"+join(e.base.Encode(), name+"=1&"+name+"=2"), nil)
		}
		send(http.MethodGet, e.path+"?"+strings.Repeat("a=1&", 20000), nil)
		// Other methods.
		for _, m := range []string{http.MethodPost, http.MethodPut, http.MethodDelete, http.MethodPatch, http.MethodHead,
			http.MethodOptions, http.MethodTrace, http.MethodConnect, "PROPFIND", "GETX"} {
			send(m, e.path+"?"+e.base.Encode(), nil)
		}
	}

	// Bodies are never read, and hostile headers change nothing.
	huge := strings.Repeat("x", 10<<10)
	headers := []http.Header{
		{"X-Request-Id": {huge}}, {"X-Request-Id": {"../../etc/passwd\r\nSet-Cookie: a=b"}},
		{"Forwarded": {`host="evil.example/../";proto=javascript`}}, {"X-Forwarded-Host": {"evil.example\r\nX: y"}},
		{"X-Forwarded-Prefix": {"/../../etc"}}, {"X-Forwarded-Proto": {"file"}},
		// Well-formed forwarding headers from a peer that is no trusted proxy, and a
		// Host the server was not configured for: no link may name evil.example.
		{"X-Forwarded-Host": {"evil.example"}}, {"Forwarded": {"host=evil.example;proto=https"}},
		{"X-Forwarded-Prefix": {"/evil.example"}}, {"Host": {"evil.example"}}, {"Host": {"evil.example:8080"}},
		{"If-None-Match": {huge}}, {"If-None-Match": {`W/"` + strings.Repeat(`",W/"`, 2000)}},
		{"Accept-Encoding": {"gzip;q=NaN, br;q=1e308, " + huge}}, {"Accept": {huge}}, {"Range": {"bytes=-1-99999999999999999999"}},
		{"Content-Type": {"application/json; charset=\xff"}}, {"Origin": {"null"}},
	}
	for _, e := range endpoints {
		target := e.path + "?" + e.base.Encode()
		for _, m := range []string{http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut} {
			body := &countingReader{r: strings.NewReader(strings.Repeat("A", 1<<20))}
			n++
			w := DoWith(handler, m, target, nil, body)
			statuses[w.Code]++
			if msg := Check(m, target, w.Code, w.Header(), w.Body.Bytes()); msg != "" {
				t.Errorf("%s %s with a 1 MB body: %s", m, target, msg)
			}
			if w.Code < 400 || body.n > 0 {
				t.Errorf("%s %s with a 1 MB body: status %d after reading %d bytes of it; want a 4xx and none read", m, target, w.Code, body.n)
			}
		}
		for _, hd := range headers {
			n++
			w := DoWith(handler, http.MethodGet, target, hd, nil)
			statuses[w.Code]++
			if msg := Check(http.MethodGet, target, w.Code, w.Header(), w.Body.Bytes()); msg != "" {
				t.Errorf("GET %s with %.200s: %s", target, fmt.Sprint(hd), msg)
			}
			if b := Decoded(w); bytes.Contains(b, []byte("://evil.example")) || bytes.Contains(b, []byte("/evil.example/")) {
				t.Errorf("GET %s with %.200s: a link to the attacker's host: %.300s", target, fmt.Sprint(hd), b)
			}
			for k, vs := range w.Header() {
				for _, v := range vs {
					if strings.ContainsAny(v, "\r\n") || strings.Contains(v, "evil.example") {
						t.Errorf("GET %s with %.200s: response header %s: %.100q", target, fmt.Sprint(hd), k, v)
					}
				}
			}
		}
	}

	// Hostile path segments where the routes take ids.
	segments := []string{"%2e%2e", "..", "%2e%2e%2f%2e%2e%2fetc%2fpasswd", "%00", "%ff%fe", "%27%20OR%201%3D1%20--",
		"%27%3B%20DROP%20TABLE%20features%3B%20--", "NaN", "-1", "99999999999999999999", "1e308", "%E2%80%AE",
		strings.Repeat("a", 10<<10), strings.Repeat("%2e%2e%2f", 300), "%252e%252e%252f", "%5c..%5c", "*", "~root", "%20"}
	for _, s := range segments {
		for _, target := range []string{
			"/ogc/collections/" + s, "/ogc/collections/" + s + "/items", "/ogc/collections/" + coll + "/items/" + s,
			"/tiles/" + s + ".json", "/tiles/" + s + "/0/0/0.mvt", "/tiles/plan/" + s + "/0/0.mvt",
			"/tiles/plan/0/" + s + "/0.mvt", "/tiles/plan/0/0/" + s + ".mvt", "/" + s, "/api/" + s, "/ogc/" + s,
			"/static/" + s, "/" + s + "/../../etc/passwd",
		} {
			send(http.MethodGet, target, nil)
		}
	}
	// Very deep and very long paths; traversal through the router.
	for _, target := range []string{
		"/" + strings.Repeat("a/", 5000), "/ogc/" + strings.Repeat("../", 200) + "etc/passwd", "/ogc/collections/../../../etc/passwd",
		"//etc/passwd", "///ogc", "/ogc//collections", "/ogc/./collections", "/./././ogc", "/%2e%2e/%2e%2e/etc/passwd",
		"/ogc/collections/" + coll + "/items/../../../../etc/passwd", "/tiles/plan/99999999999999999999/1/1.mvt",
		"/tiles/plan/-1/0/0.mvt", "/tiles/plan/16/65536/0.mvt", "/tiles/plan/0/0/0.mvt.gz", "/tiles/plan/00/0/0.mvt",
		"/tiles/plan/1e1/0/0.mvt", "/tiles/plan/NaN/0/0.mvt", "/tiles/plan/17/0/0.mvt", "/tiles/PLAN.json",
		"/api/nearby?lon=114.398&lat=30.505&radius=50000&limit=1000", "/api/search?q=" + url.QueryEscape(strings.Repeat("阳", 100)),
		"/ogc/collections/" + coll + "/items?limit=10000&bbox=-180,-90,180,90", "/ogc/collections/" + coll + "/items?offset=1000000",
	} {
		send(http.MethodGet, target, nil)
	}
	// Filters that try to reach SQL through a property name, a value or a
	// function, or to exhaust the parser.
	for _, f := range []url.Values{
		{"filter": {`"name_en'; DROP TABLE features; --" = 'x'`}},
		{"filter": {`name_en = ''' OR 1=1 --'`}},
		{"filter": {`"extra->>'x'" IS NULL`}},
		{"filter": {`pg_sleep(10) = 1`}},
		{"filter": {`name_en LIKE '%' || (SELECT version()) || '%'`}},
		{"filter": {strings.Repeat("NOT ", 1500) + "true"}},
		{"filter": {strings.Repeat("(", 3000) + "true" + strings.Repeat(")", 3000)}},
		{"filter": {"id IN (" + strings.Repeat("'a',", 1500) + "'b')"}},
		{"filter": {`S_INTERSECTS(geometry, POLYGON((0 0, 1e308 0, 1e308 1e308, 0 0)))`}},
		{"filter-lang": {"cql2-json"}, "filter": {`{"op":"=","args":[{"property":"id; DROP TABLE features"},"x"]}`}},
		{"filter-lang": {"cql2-json"}, "filter": {strings.Repeat(`{"op":"not","args":[`, 300) + "true" + strings.Repeat("]}", 300)}},
		{"sortby": {"-name_en; DROP TABLE features"}}, {"after": {"' OR 1=1 --"}}, {"properties": {"id,(SELECT 1)"}},
	} {
		target := "/ogc/collections/" + coll + "/items?" + f.Encode()
		send(http.MethodGet, target, nil)
	}

	if after := snapshot(); after != before {
		t.Errorf("the data changed during the hostile run: snapshot %s, then %s", before, after)
	}
	t.Logf("hostile: %d requests; answers by status: %v", n, statuses)
}

// correct checks, beyond cleanliness, that a 200 to a hostile value is right:
// a filter value no feature has matches nothing, and search answers only
// names that contain the query.
func correct(path, name, payload string) func(*httptest.ResponseRecorder) string {
	return func(w *httptest.ResponseRecorder) string {
		if w.Code != http.StatusOK {
			return ""
		}
		var fc struct {
			NumberMatched *int `json:"numberMatched"`
			Features      []struct {
				Properties map[string]any `json:"properties"`
			} `json:"features"`
		}
		switch {
		case strings.HasSuffix(path, "/items") && slices.Contains(geo.Filterable, name):
			if err := json.Unmarshal(Decoded(w), &fc); err != nil || fc.NumberMatched == nil {
				return "items: not a feature collection"
			}
			if !plausibleValue(payload) && *fc.NumberMatched != 0 {
				return fmt.Sprintf("filter %s=%q matched %d features", name, payload, *fc.NumberMatched)
			}
		case path == "/api/search" && name == "q":
			if err := json.Unmarshal(Decoded(w), &fc); err != nil {
				return "search: not a feature collection"
			}
			q := strings.ToLower(strings.TrimSpace(payload))
			for _, f := range fc.Features {
				zh, _ := f.Properties["name_zh"].(string)
				en, _ := f.Properties["name_en"].(string)
				if !strings.Contains(strings.ToLower(zh), q) && !strings.Contains(strings.ToLower(en), q) {
					return fmt.Sprintf("search %q answered %q / %q", payload, zh, en)
				}
			}
		}
		return ""
	}
}

// plausibleValue is a payload some feature's status, kind, district or
// accuracy could really hold (none of the hostile ones do, but a short
// digit string is not worth asserting on).
func plausibleValue(p string) bool {
	return p == "0" || p == "-1" || p == "null"
}

// discover finds a collection that has features, and one feature of it.
func discover(t *testing.T, h http.Handler) (string, string) {
	t.Helper()
	w := Do(h, http.MethodGet, "/ogc/collections")
	var cs struct {
		Collections []struct {
			ID    string `json:"id"`
			Count int    `json:"feature_count"`
		} `json:"collections"`
	}
	if w.Code != 200 || json.Unmarshal(Decoded(w), &cs) != nil {
		t.Fatalf("GET /ogc/collections: %d %.300s", w.Code, Decoded(w))
	}
	for _, c := range cs.Collections {
		if c.Count == 0 {
			continue
		}
		w := Do(h, http.MethodGet, "/ogc/collections/"+url.PathEscape(c.ID)+"/items?limit=1")
		var fc struct {
			Features []struct {
				ID string `json:"id"`
			} `json:"features"`
		}
		if w.Code == 200 && json.Unmarshal(Decoded(w), &fc) == nil && len(fc.Features) > 0 {
			return c.ID, fc.Features[0].ID
		}
	}
	t.Fatal("no collection with features")
	return "", ""
}

// countingReader counts what a handler reads of a body.
type countingReader struct {
	r io.Reader
	n int
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += n
	return n, err
}

func (c *countingReader) Len() int { return c.r.(*strings.Reader).Len() }

func join(a, b string) string {
	if a == "" {
		return b
	}
	return a + "&" + b
}

func isPrintableASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			return false
		}
	}
	return true
}

// Decoded is a recorded response's body, gunzipped when it was sent gzipped
// (every request here accepts gzip); nil when it does not unzip.
func Decoded(w *httptest.ResponseRecorder) []byte {
	if w.Header().Get("Content-Encoding") != "gzip" {
		return w.Body.Bytes()
	}
	zr, err := gzip.NewReader(bytes.NewReader(w.Body.Bytes()))
	if err != nil {
		return nil
	}
	b, _ := io.ReadAll(zr)
	return b
}
