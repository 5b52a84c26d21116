package web

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"unicode/utf8"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
)

// A page of items is most of what the OGC API serves, and encoding/json
// spent most of its time there on reflection, on sorting each feature's
// keys through reflect.Value and on validating again what orb's
// MarshalJSON had just written. marshalCollection writes the same bytes
// json.Marshal(fc) does (a test holds it to that) directly, falling back
// to encoding/json only for values it does not know.

// marshalCollection is json.Marshal(fc), in one buffer.
func marshalCollection(fc featureCollection) ([]byte, error) {
	b := make([]byte, 0, 512+len(fc.Features)*640) // a synthetic point takes about 560
	b = append(b, `{"type":`...)
	b = appendString(b, fc.Type)
	b = append(b, `,"features":`...)
	if fc.Features == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		var err error
		var keys []string
		for i, f := range fc.Features {
			if i > 0 {
				b = append(b, ',')
			}
			if b, keys, err = appendFeature(b, f, keys); err != nil {
				return nil, err
			}
		}
		b = append(b, ']')
	}
	b = append(b, `,"links":`...)
	b = appendLinks(b, fc.Links)
	b = append(b, `,"numberMatched":`...)
	b = strconv.AppendInt(b, int64(fc.NumberMatched), 10)
	b = append(b, `,"numberReturned":`...)
	b = strconv.AppendInt(b, int64(fc.NumberReturned), 10)
	b = append(b, `,"timeStamp":`...)
	b = appendString(b, fc.TimeStamp)
	return append(b, '}'), nil
}

// appendFeature writes a feature as orb's MarshalJSON does: id (left out
// when nil), type, geometry, properties (null when there are none). keys
// is room for the property names, handed on from feature to feature.
func appendFeature(b []byte, f *geojson.Feature, keys []string) ([]byte, []string, error) {
	if f == nil {
		return append(b, "null"...), keys, nil
	}
	if len(f.BBox) > 0 || len(f.ExtraMembers) > 0 {
		b, err := appendMarshal(b, f) // members items never sets
		return b, keys, err
	}
	b = append(b, '{')
	var err error
	if f.ID != nil {
		b = append(b, `"id":`...)
		if b, err = appendValue(b, f.ID); err != nil {
			return nil, keys, err
		}
		b = append(b, ',')
	}
	b = append(b, `"type":`...)
	b = appendString(b, f.Type)
	b = append(b, `,"geometry":`...)
	if b, err = appendGeometry(b, f.Geometry); err != nil {
		return nil, keys, err
	}
	b = append(b, `,"properties":`...)
	if len(f.Properties) == 0 {
		b = append(b, "null"...)
	} else if b, keys, err = appendObject(b, f.Properties, keys); err != nil {
		return nil, keys, err
	}
	return append(b, '}'), keys, nil
}

// appendObject writes a map with its keys sorted, as encoding/json does.
// keys holds the sorted keys of the feature before, which are most often
// this one's too: then they need no sort.
func appendObject(b []byte, m map[string]any, keys []string) ([]byte, []string, error) {
	if !sameKeys(keys, m) {
		keys = keys[:0]
		for k := range m {
			keys = append(keys, k)
		}
		slices.Sort(keys)
	}
	b = append(b, '{')
	var err error
	for i, k := range keys {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, k)
		b = append(b, ':')
		if b, err = appendValue(b, m[k]); err != nil {
			return nil, keys, err
		}
	}
	return append(b, '}'), keys, nil
}

// appendValue writes the scalars properties hold; anything else goes
// through encoding/json.
func appendValue(b []byte, v any) ([]byte, error) {
	switch x := v.(type) {
	case nil:
		return append(b, "null"...), nil
	case string:
		return appendString(b, x), nil
	case bool:
		return strconv.AppendBool(b, x), nil
	case float64:
		return appendFloat(b, x)
	case int:
		return strconv.AppendInt(b, int64(x), 10), nil
	case int64:
		return strconv.AppendInt(b, x, 10), nil
	}
	return appendMarshal(b, v)
}

// sameKeys reports whether m's keys are those of keys (which are distinct).
func sameKeys(keys []string, m map[string]any) bool {
	if len(keys) != len(m) {
		return false
	}
	for _, k := range keys {
		if _, ok := m[k]; !ok {
			return false
		}
	}
	return true
}

func appendMarshal(b []byte, v any) ([]byte, error) {
	j, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return append(b, j...), nil
}

// appendGeometry writes a geometry as orb's geojson.Geometry does; a
// collection (never served by items) goes through it.
func appendGeometry(b []byte, g orb.Geometry) ([]byte, error) {
	var err error
	switch x := g.(type) {
	case nil:
		return append(b, "null"...), nil
	case orb.Point:
		b = append(b, `{"type":"Point","coordinates":`...)
		b, err = appendPoint(b, x)
	case orb.MultiPoint:
		b = append(b, `{"type":"MultiPoint","coordinates":`...)
		b, err = appendPoints(b, x)
	case orb.LineString:
		b = append(b, `{"type":"LineString","coordinates":`...)
		b, err = appendPoints(b, x)
	case orb.MultiLineString:
		b = append(b, `{"type":"MultiLineString","coordinates":`...)
		b, err = appendNested(b, x, func(b []byte, l orb.LineString) ([]byte, error) { return appendPoints(b, l) })
	case orb.Ring:
		b = append(b, `{"type":"Polygon","coordinates":`...)
		b, err = appendPolygon(b, orb.Polygon{x})
	case orb.Polygon:
		b = append(b, `{"type":"Polygon","coordinates":`...)
		b, err = appendPolygon(b, x)
	case orb.MultiPolygon:
		b = append(b, `{"type":"MultiPolygon","coordinates":`...)
		b, err = appendNested(b, x, appendPolygon)
	default:
		return appendMarshal(b, geojson.NewGeometry(g))
	}
	if err != nil {
		return nil, err
	}
	return append(b, '}'), nil
}

func appendPolygon(b []byte, p orb.Polygon) ([]byte, error) {
	return appendNested(b, p, func(b []byte, r orb.Ring) ([]byte, error) { return appendPoints(b, r) })
}

// appendNested writes a slice of parts, null when nil as encoding/json does.
func appendNested[T any](b []byte, parts []T, part func([]byte, T) ([]byte, error)) ([]byte, error) {
	if parts == nil {
		return append(b, "null"...), nil
	}
	b = append(b, '[')
	var err error
	for i, p := range parts {
		if i > 0 {
			b = append(b, ',')
		}
		if b, err = part(b, p); err != nil {
			return nil, err
		}
	}
	return append(b, ']'), nil
}

func appendPoints[T ~[]orb.Point](b []byte, ps T) ([]byte, error) {
	return appendNested(b, []orb.Point(ps), appendPoint)
}

func appendPoint(b []byte, p orb.Point) ([]byte, error) {
	b = append(b, '[')
	b, err := appendFloat(b, p[0])
	if err != nil {
		return nil, err
	}
	b = append(b, ',')
	if b, err = appendFloat(b, p[1]); err != nil {
		return nil, err
	}
	return append(b, ']'), nil
}

func appendLinks(b []byte, links []Link) []byte {
	if links == nil {
		return append(b, "null"...)
	}
	b = append(b, '[')
	for i, l := range links {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"href":`...)
		b = appendString(b, l.Href)
		b = append(b, `,"rel":`...)
		b = appendString(b, l.Rel)
		if l.Type != "" {
			b = append(b, `,"type":`...)
			b = appendString(b, l.Type)
		}
		if l.Title != "" {
			b = append(b, `,"title":`...)
			b = appendString(b, l.Title)
		}
		b = append(b, '}')
	}
	return append(b, ']')
}

// appendFloat formats a float64 as encoding/json does: like ES6, with an
// exponent only for the very small and the very large.
func appendFloat(b []byte, f float64) ([]byte, error) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return nil, fmt.Errorf("json: unsupported value: %s", strconv.FormatFloat(f, 'g', -1, 64))
	}
	format := byte('f')
	if a := math.Abs(f); a != 0 && (a < 1e-6 || a >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, f, format, -1, 64)
	if format == 'e' { // e-09 to e-9
		if n := len(b); n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b, nil
}

// appendString quotes s as encoding/json does with HTML escaping: <, >
// and & as \u003c, \u003e, \u0026, U+2028 and U+2029 escaped, invalid
// UTF-8 as U+FFFD.
func appendString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xF])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
