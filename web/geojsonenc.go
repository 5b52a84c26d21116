package web

import (
	"encoding/json"
	"slices"
	"strconv"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"planmap/geo"
)

// A page of items is most of what the OGC API serves, and encoding/json
// spent most of its time there on reflection, on sorting each feature's
// keys through reflect.Value and on validating again what orb's
// MarshalJSON had just written. marshalCollection writes the same bytes
// json.Marshal(fc) does (a test holds it to that) directly, falling back
// to encoding/json only for values it does not know.

// marshalCollection is json.Marshal(fc), in one buffer.
func marshalCollection(fc featureCollection) ([]byte, error) {
	n := len(fc.Features)
	if fc.page != nil {
		n = len(fc.page.features)
	}
	b := make([]byte, 0, 512+n*640) // a synthetic point takes about 560
	b = append(b, `{"type":`...)
	b = appendString(b, fc.Type)
	b = append(b, `,"features":`...)
	if fc.page != nil {
		var err error
		if b, err = fc.page.append(b); err != nil {
			return nil, err
		}
	} else if fc.Features == nil {
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

// servedPage is a page of features to write as served() and
// keepProperties would make them, without building a geojson.Feature and a
// properties map for each: a page of items spent most of its encoding time
// there. Features whose properties the schema does not all name go the
// long way.
type servedPage struct {
	features []geo.Feature
	schema   []geo.Property // the collection's, sorted by name
	keep     []string       // the properties asked for; nil for all
	out      *crsDef
}

func (p *servedPage) append(b []byte) ([]byte, error) {
	keep := p.keepSchema()
	direct := keep != nil && geo.CoversCommon(p.schema) // else every feature goes the long way
	b = append(b, '[')
	var err error
	var keys []string
	for i, f := range p.features {
		if i > 0 {
			b = append(b, ',')
		}
		if !direct || !f.ServesOnly(p.schema) {
			gf := &geojson.Feature{Type: "Feature", ID: f.ID, Geometry: p.out.geometry(f.Geometry), Properties: f.ServedProperties(p.schema)}
			keepProperties([]*geojson.Feature{gf}, p.keep)
			b, keys, err = appendFeature(b, gf, keys)
		} else {
			b, err = p.appendFeature(b, f, keep)
		}
		if err != nil {
			return nil, err
		}
	}
	return append(b, ']'), nil
}

// keepSchema is the schema's properties that are written, in name order:
// all, or those asked for; nil when the schema is empty or a name asked for
// is not in it or is asked twice (then the long way decides).
func (p *servedPage) keepSchema() []geo.Property {
	if p.keep == nil {
		return p.schema
	}
	names := slices.Sorted(slices.Values(p.keep))
	out := make([]geo.Property, 0, len(names))
	for i, n := range names {
		j := slices.IndexFunc(p.schema, func(s geo.Property) bool { return s.Name == n })
		if j < 0 || i > 0 && names[i-1] == n {
			return nil
		}
		out = append(out, p.schema[j])
	}
	return out
}

// appendFeature writes one feature as appendFeature below writes the
// geojson.Feature that served() makes of it.
func (p *servedPage) appendFeature(b []byte, f geo.Feature, keep []geo.Property) ([]byte, error) {
	b = append(b, `{"id":`...)
	b = appendString(b, f.ID)
	b = append(b, `,"type":"Feature","geometry":`...)
	b, err := appendGeometry(b, p.out.geometry(f.Geometry))
	if err != nil {
		return nil, err
	}
	b = append(b, `,"properties":`...)
	if len(keep) == 0 {
		return append(b, "null}"...), nil
	}
	for i, prop := range keep {
		if i == 0 {
			b = append(b, '{')
		} else {
			b = append(b, ',')
		}
		b = appendString(b, prop.Name)
		b = append(b, ':')
		if b, err = appendValue(b, f.ServedValue(prop)); err != nil {
			return nil, err
		}
	}
	return append(b, "}}"...), nil
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

// appendFloat formats a float64 as encoding/json does.
func appendFloat(b []byte, f float64) ([]byte, error) { return geo.AppendJSONFloat(b, f) }

// appendString quotes s as encoding/json does, HTML escaping included.
func appendString(b []byte, s string) []byte { return geo.AppendJSONString(b, s, true) }
