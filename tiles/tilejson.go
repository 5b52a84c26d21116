package tiles

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
)

// TileJSONVersion is the TileJSON specification version documents declare.
const TileJSONVersion = "3.0.0"

// WorldBounds is TileJSON's default bounds: the whole Web Mercator square.
var WorldBounds = [4]float64{-180, -MaxLatitude, 180, MaxLatitude}

// TileJSON is a TileJSON 3.0.0 document, which MapLibre reads to learn the
// tile URL, zoom range and layers of a vector tile source.
type TileJSON struct {
	TileJSON     string        `json:"tilejson"`
	Tiles        []string      `json:"tiles"` // absolute URL templates with {z}/{x}/{y}
	VectorLayers []VectorLayer `json:"vector_layers"`
	Name         string        `json:"name,omitempty"`
	Description  string        `json:"description,omitempty"`
	Version      string        `json:"version,omitempty"` // semver; changes with the data, busts caches
	Attribution  string        `json:"attribution,omitempty"`
	Scheme       string        `json:"scheme,omitempty"`
	Bounds       [4]float64    `json:"bounds,omitzero"` // west, south, east, north (WGS84); zero = world
	Center       [3]float64    `json:"center,omitzero"`
	MinZoom      int           `json:"minzoom"`
	MaxZoom      int           `json:"maxzoom"`
}

// VectorLayer describes one MVT layer of the tileset.
type VectorLayer struct {
	ID          string            `json:"id"`     // the MVT layer name
	Fields      map[string]string `json:"fields"` // property name → description; {} if none
	Description string            `json:"description,omitempty"`
	MinZoom     int               `json:"minzoom"`
	MaxZoom     int               `json:"maxzoom"`
}

// NewTileJSON starts a document for one tile URL template with the
// specification's defaults (xyz scheme, world bounds, zooms 0–maxZoom) that
// the caller then narrows.
func NewTileJSON(tileURL string, maxZoom int, layers ...VectorLayer) *TileJSON {
	return &TileJSON{
		TileJSON:     TileJSONVersion,
		Tiles:        []string{tileURL},
		VectorLayers: layers,
		Scheme:       "xyz",
		Bounds:       WorldBounds,
		MinZoom:      0,
		MaxZoom:      maxZoom,
	}
}

// MarshalJSON writes [] and {} rather than null for empty tiles, layers and
// fields, which the schema requires.
func (tj TileJSON) MarshalJSON() ([]byte, error) {
	type plain TileJSON
	p := plain(tj)
	if p.Tiles == nil {
		p.Tiles = []string{}
	}
	p.VectorLayers = append(make([]VectorLayer, 0, len(tj.VectorLayers)), tj.VectorLayers...) // copy: we fill in fields
	for i := range p.VectorLayers {
		if p.VectorLayers[i].Fields == nil {
			p.VectorLayers[i].Fields = map[string]string{}
		}
	}
	return json.Marshal(p)
}

var semver = regexp.MustCompile(`^\d+\.\d+\.\d+\w?[\w\d]*$`)

// Validate checks the rules of TileJSON 3.0.0 that its JSON schema cannot
// express: absolute tile URLs with {z}, {x} and {y}, 0 ≤ minzoom ≤ maxzoom ≤
// 30, bounds ordered and within WGS84, the centre inside bounds and zooms,
// unique non-empty layer ids.
func (tj *TileJSON) Validate() error {
	var errs []error
	bad := func(format string, a ...any) { errs = append(errs, fmt.Errorf("tilejson: "+format, a...)) }
	if tj.TileJSON != TileJSONVersion {
		bad("tilejson is %q, want %q", tj.TileJSON, TileJSONVersion)
	}
	if len(tj.Tiles) == 0 {
		bad("tiles is empty")
	}
	for _, t := range tj.Tiles {
		u, err := url.Parse(t)
		if err != nil || !u.IsAbs() || u.Host == "" {
			bad("tile URL %q is not absolute", t)
		}
		for _, ph := range []string{"{z}", "{x}", "{y}"} {
			if !strings.Contains(t, ph) {
				bad("tile URL %q lacks %s", t, ph)
			}
		}
	}
	if tj.Scheme != "" && tj.Scheme != "xyz" && tj.Scheme != "tms" {
		bad("scheme %q is neither xyz nor tms", tj.Scheme)
	}
	if tj.Version != "" && !semver.MatchString(tj.Version) {
		bad("version %q is not semver", tj.Version)
	}
	checkZooms := func(what string, lo, hi int) {
		if lo < 0 || hi > MaxZoom || lo > hi {
			bad("%s zooms %d–%d not within 0 ≤ minzoom ≤ maxzoom ≤ %d", what, lo, hi, MaxZoom)
		}
	}
	checkZooms("tileset", tj.MinZoom, tj.MaxZoom)
	b := tj.Bounds
	if b == [4]float64{} {
		b = WorldBounds // omitted: the specification's default
	}
	if b[0] < -180 || b[2] > 180 || b[1] < -90 || b[3] > 90 || b[0] > b[2] || b[1] > b[3] {
		bad("bounds %v are not [west, south, east, north] within WGS84", b)
	}
	if c := tj.Center; c != [3]float64{} {
		if c[0] < b[0] || c[0] > b[2] || c[1] < b[1] || c[1] > b[3] {
			bad("center %v lies outside bounds", c)
		}
		if c[2] < float64(tj.MinZoom) || c[2] > float64(tj.MaxZoom) {
			bad("center zoom %v outside %d–%d", c[2], tj.MinZoom, tj.MaxZoom)
		}
	}
	if len(tj.VectorLayers) == 0 {
		bad("vector_layers is empty")
	}
	seen := map[string]bool{}
	for _, l := range tj.VectorLayers {
		if l.ID == "" {
			bad("a vector layer has no id")
		}
		if seen[l.ID] {
			bad("vector layer id %q repeats", l.ID)
		}
		seen[l.ID] = true
		checkZooms("layer "+l.ID, l.MinZoom, l.MaxZoom)
	}
	return errors.Join(errs...)
}

// BaseURL is the scheme, host and path prefix under which the client
// reached us, without a trailing slash, for the absolute URLs TileJSON and
// OGC links need. Behind a reverse proxy it honours, in order, Forwarded
// (RFC 7239, first element: proto and host), then X-Forwarded-Proto and
// X-Forwarded-Host; X-Forwarded-Prefix adds a path prefix. Values that do not
// look like a scheme, host or path (spaces, quotes, control characters,
// slashes in a host…) are ignored, falling back to the TLS state and r.Host,
// so a forged header cannot inject markup or redirect to another path.
//
// These headers are trusted as sent: deploy behind a proxy that overwrites
// them, and do not let shared caches store responses built from them
// without varying on them.
func BaseURL(r *http.Request) string {
	proto, host := "", ""
	if fwd := r.Header.Get("Forwarded"); fwd != "" {
		proto, host = parseForwarded(fwd)
	}
	if proto == "" {
		proto = firstValid(r.Header.Get("X-Forwarded-Proto"), validProto)
	}
	if host == "" {
		host = firstValid(r.Header.Get("X-Forwarded-Host"), validHost)
	}
	if proto == "" {
		proto = "http"
		if r.TLS != nil {
			proto = "https"
		}
	}
	if host == "" {
		host = r.Host
		if !validHost(host) {
			host = "localhost"
		}
	}
	prefix := firstValid(r.Header.Get("X-Forwarded-Prefix"), validPrefix)
	prefix = strings.TrimRight(prefix, "/")
	return strings.ToLower(proto) + "://" + host + prefix
}

// firstValid takes the first element of a comma-separated header value.
func firstValid(v string, ok func(string) bool) string {
	if i := strings.IndexByte(v, ','); i >= 0 {
		v = v[:i]
	}
	v = strings.TrimSpace(v)
	if v == "" || !ok(v) {
		return ""
	}
	return v
}

// parseForwarded reads proto and host from the first element of a
// Forwarded header. A malformed element yields nothing at all rather than a
// guess.
func parseForwarded(v string) (proto, host string) {
	for i := 0; i < len(v); {
		// skip optional whitespace
		for i < len(v) && (v[i] == ' ' || v[i] == '\t') {
			i++
		}
		j := i
		for j < len(v) && v[j] != '=' && v[j] != ';' && v[j] != ',' {
			j++
		}
		if j >= len(v) || v[j] != '=' {
			return "", ""
		}
		key := strings.ToLower(strings.TrimSpace(v[i:j]))
		j++
		var val string
		if j < len(v) && v[j] == '"' {
			var b strings.Builder
			j++
			closed := false
			for j < len(v) {
				c := v[j]
				if c == '\\' && j+1 < len(v) {
					b.WriteByte(v[j+1])
					j += 2
					continue
				}
				if c == '"' {
					closed = true
					j++
					break
				}
				b.WriteByte(c)
				j++
			}
			if !closed {
				return "", ""
			}
			val = b.String()
		} else {
			k := j
			for k < len(v) && v[k] != ';' && v[k] != ',' {
				k++
			}
			val = strings.TrimSpace(v[j:k])
			j = k
		}
		switch key {
		case "proto":
			if !validProto(val) {
				return "", ""
			}
			proto = val
		case "host":
			if !validHost(val) {
				return "", ""
			}
			host = val
		}
		for j < len(v) && (v[j] == ' ' || v[j] == '\t') {
			j++
		}
		if j >= len(v) || v[j] == ',' {
			break // end of the first element
		}
		if v[j] != ';' {
			return "", ""
		}
		i = j + 1
	}
	return proto, host
}

func validProto(s string) bool {
	return strings.EqualFold(s, "http") || strings.EqualFold(s, "https")
}

// validHost accepts a DNS name or IPv4 address with an optional port, or a
// bracketed IPv6 literal: nothing that could end the authority part of a URL.
func validHost(s string) bool {
	if s == "" || len(s) > 261 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		case c == '.', c == '-', c == '_', c == ':', c == '[', c == ']':
		default:
			return false
		}
	}
	return s[0] != '.' && s[0] != '-' && s[0] != ':'
}

// validPrefix accepts an absolute path of URL-safe characters, without
// dot segments, so it cannot climb out of or add to the URL's structure.
func validPrefix(s string) bool {
	if s == "" || s[0] != '/' || strings.HasPrefix(s, "//") || len(s) > 256 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		case strings.IndexByte("/-._~%!$&()*+,;=:@", c) >= 0:
		default:
			return false
		}
	}
	for _, seg := range strings.Split(s, "/") {
		if seg == "." || seg == ".." {
			return false
		}
	}
	return true
}
