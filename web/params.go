package web

import (
	"fmt"
	"math"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/paulmach/orb"

	"planmap/geo"
)

// Limits on what a request may ask.
const (
	DefaultLimit  = 100
	MaxLimit      = 10000
	MaxOffset     = 1_000_000
	DefaultRadius = 3000.0
	MaxRadius     = 50000.0
	MaxValueLen   = 200
	MaxQueryBytes = 16 << 10 // a whole raw query string
)

// params reads a request's query strictly: each parameter at most once,
// unknown names refused, so a typo never silently widens an answer.
type params struct {
	v url.Values
}

func readParams(q url.Values, allowed ...string) (params, error) {
	var unknown []string
	for k, vs := range q {
		if !contains(allowed, k) {
			unknown = append(unknown, k)
			continue
		}
		if len(vs) > 1 {
			return params{}, errBadParam(fmt.Sprintf("parameter %q is given %d times; give it once", k, len(vs)))
		}
		if limit := MaxValueLen * 4; len(vs[0]) > limit && (k != "filter" || len(vs[0]) > MaxFilterBytes) || !utf8.ValidString(vs[0]) || strings.ContainsRune(vs[0], 0) {
			return params{}, errBadParam(fmt.Sprintf("parameter %q has an invalid or over-long value", clip(k)))
		}
	}
	if f := q.Get("f"); f != "" && f != "json" && f != "geojson" && f != "html" {
		return params{}, errBadParam(fmt.Sprintf("f must be json, geojson or html, got %q", clip(f)))
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		return params{}, &apiError{400, "InvalidParameterValue", fmt.Sprintf(
			"unknown query parameter %q; allowed: %s", clip(unknown[0]), strings.Join(allowed, ", "))}
	}
	return params{q}, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// clip shortens a client's text before it is echoed in an error.
func clip(s string) string {
	if !utf8.ValidString(s) {
		return "(invalid UTF-8)"
	}
	if r := []rune(s); len(r) > 40 {
		return string(r[:40]) + "…"
	}
	return s
}

func (p params) has(name string) bool   { return p.v.Has(name) }
func (p params) get(name string) string { return p.v.Get(name) }

// integer reads a whole number in [lo, hi]; above hi it is clamped when clamp is set.
func (p params) integer(name string, def, lo, hi int, clamp bool) (int, error) {
	if !p.has(name) {
		return def, nil
	}
	s := p.get(name)
	// Only plain decimal digits with an optional minus: Atoi would also take
	// "+5", and "-0" is no count a client means.
	if !allDigits(strings.TrimPrefix(s, "-")) || (s[0] == '-' && strings.Trim(s[1:], "0") == "") {
		return 0, errBadParam(fmt.Sprintf("%s must be a whole number, got %q", name, clip(s)))
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		if !strings.HasPrefix(s, "-") && clamp {
			return hi, nil // a huge but well-formed number: clamp it
		}
		return 0, errBadParam(fmt.Sprintf("%s must be a whole number between %d and %d, got %q", name, lo, hi, clip(s)))
	}
	switch {
	case n < lo:
		return 0, errBadParam(fmt.Sprintf("%s must be at least %d, got %d", name, lo, n))
	case n > hi && clamp:
		return hi, nil
	case n > hi:
		return 0, errBadParam(fmt.Sprintf("%s must be at most %d, got %d", name, hi, n))
	}
	return n, nil
}

func allDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

// number reads a finite decimal number in [lo, hi].
func (p params) number(name string, def, lo, hi float64) (float64, error) {
	if !p.has(name) {
		return def, nil
	}
	s := p.get(name)
	f, err := parseFinite(s)
	if err != nil {
		return 0, errBadParam(fmt.Sprintf("%s must be a number, got %q", name, clip(s)))
	}
	if f < lo || f > hi {
		return 0, errBadParam(fmt.Sprintf("%s must be between %g and %g, got %g", name, lo, hi, f))
	}
	return f, nil
}

func parseFinite(s string) (float64, error) {
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) || strings.ContainsAny(s, "xXpP_") {
		return 0, fmt.Errorf("not a finite number")
	}
	return f, nil
}

// parseBBox reads an OGC bbox: 4 numbers (minx,miny,maxx,maxy) or 6 with
// heights, in the axis order of c (CRS84: minLon,minLat,maxLon,maxLat), and
// returns it in CRS84.
func parseBBox(s string, c *crsDef) (*orb.Bound, error) {
	parts := strings.Split(s, ",")
	if len(parts) != 4 && len(parts) != 6 {
		return nil, errBadParam(fmt.Sprintf("bbox must have 4 or 6 comma-separated numbers, got %d", len(parts)))
	}
	n := make([]float64, len(parts))
	for i, part := range parts {
		f, err := parseFinite(part)
		if err != nil {
			return nil, errBadParam(fmt.Sprintf("bbox value %d (%q) is not a number", i+1, clip(part)))
		}
		n[i] = f
	}
	if len(n) == 6 {
		if n[2] > n[5] {
			return nil, errBadParam("bbox minimum height must not exceed its maximum (minx,miny,minh,maxx,maxy,maxh)")
		}
		n = []float64{n[0], n[1], n[3], n[4]}
	}
	b, err := c.bound([4]float64(n))
	if err != nil {
		return nil, err
	}
	return &b, nil
}

// parseDatetime reads an RFC 3339 instant or date, or an interval a/b with
// ".." or an empty side for an open end.
func parseDatetime(s string) (*geo.TimeRange, error) {
	if !strings.Contains(s, "/") {
		start, end, err := instant(s)
		if err != nil {
			return nil, err
		}
		return &geo.TimeRange{Start: start, End: end}, nil
	}
	parts := strings.Split(s, "/")
	if len(parts) != 2 {
		return nil, errBadParam("datetime interval must be start/end")
	}
	var r geo.TimeRange
	open := func(x string) bool { return x == "" || x == ".." }
	if open(parts[0]) && open(parts[1]) {
		return nil, errBadParam("datetime interval must have at least one closed end")
	}
	if !open(parts[0]) {
		start, _, err := instant(parts[0])
		if err != nil {
			return nil, err
		}
		r.Start = start
	}
	if !open(parts[1]) {
		_, end, err := instant(parts[1])
		if err != nil {
			return nil, err
		}
		r.End = end
	}
	if !r.Start.IsZero() && !r.End.IsZero() && r.End.Before(r.Start) {
		return nil, errBadParam("datetime interval ends before it starts")
	}
	return &r, nil
}

// instant reads a time or a whole day; a day spans its first to last instant.
func instant(s string) (time.Time, time.Time, error) {
	// geo.TimeRange reads a zero time as an open end, so the first instant of
	// year 1 would silently turn a closed end into an open one: refuse it.
	early := errBadParam(fmt.Sprintf("datetime %q is too early; give an instant after 0001-01-01T00:00:00Z", clip(s)))
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		if !t.UTC().After(time.Time{}) {
			return time.Time{}, time.Time{}, early
		}
		return t.UTC(), t.UTC(), nil
	}
	if d, err := time.Parse("2006-01-02", s); err == nil {
		if !d.After(time.Time{}) {
			return time.Time{}, time.Time{}, early
		}
		return d, d.Add(24*time.Hour - time.Nanosecond), nil
	}
	return time.Time{}, time.Time{}, errBadParam(fmt.Sprintf("datetime %q is not an RFC 3339 date or time (e.g. 2025-12-31 or 2025-12-31T00:00:00Z)", clip(s)))
}

// layerList reads a comma-separated list of layer ids.
func layerList(p params, known map[string]bool) ([]string, error) {
	if !p.has("layers") {
		return nil, nil
	}
	var out []string
	for _, id := range strings.Split(p.get("layers"), ",") {
		if !known[id] {
			return nil, errBadParam(fmt.Sprintf("layers: unknown layer %q", clip(id)))
		}
		out = append(out, id)
	}
	return out, nil
}

// checkRequest refuses what no handler should see: a body on a GET or HEAD
// (the API reads none, so it is never read and the connection is closed
// rather than drained) and a query string url.Values would silently
// truncate — r.URL.Query() drops a pair with a bad escape or a semicolon,
// which would quietly widen the answer (a dropped bbox returns everything).
func checkRequest(w http.ResponseWriter, r *http.Request) error {
	if err := checkBody(w, r); err != nil {
		return err
	}
	return checkQuery(r.URL.RawQuery)
}

// checkBody refuses a GET or HEAD that carries a body, without reading it.
func checkBody(w http.ResponseWriter, r *http.Request) error {
	if r.Body != nil && r.Body != http.NoBody {
		r.Body = http.MaxBytesReader(w, r.Body, 0)
	}
	if (r.Method == http.MethodGet || r.Method == http.MethodHead) && (r.ContentLength != 0 || len(r.TransferEncoding) > 0) {
		w.Header().Set("Connection", "close")
		return &apiError{http.StatusRequestEntityTooLarge, "PayloadTooLarge", "this API takes no request body; send parameters in the query string"}
	}
	return nil
}

// checkQuery reports the first malformed pair of a raw query string, naming its parameter.
func checkQuery(raw string) error {
	if len(raw) > MaxQueryBytes {
		return errBadParam(fmt.Sprintf("the query string is %d bytes; at most %d are accepted", len(raw), MaxQueryBytes))
	}
	for pair := range strings.SplitSeq(raw, "&") {
		if pair == "" {
			continue
		}
		key, value, _ := strings.Cut(pair, "=")
		name, err := url.QueryUnescape(key)
		if err != nil {
			return errBadParam(fmt.Sprintf("query parameter name %q has an invalid %%-escape", clip(key)))
		}
		if strings.Contains(key, ";") {
			return errBadParam(fmt.Sprintf("parameter %q: separate parameters with &, not ;", clip(name)))
		}
		if _, err := url.QueryUnescape(value); err != nil || strings.Contains(value, ";") {
			return errBadParam(fmt.Sprintf("parameter %q has an invalid %%-escape or a ';' in its value (write ; as %%3B)", clip(name)))
		}
	}
	return nil
}
