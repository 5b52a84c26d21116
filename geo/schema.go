package geo

import (
	"bytes"
	"encoding/json"
	"math"
	"slices"
	"strings"
)

// The JSON types a collection's schema gives its properties.
const (
	TypeString  = "string"
	TypeInteger = "integer"
	TypeNumber  = "number"
	TypeBoolean = "boolean"
	TypeArray   = "array"
	TypeObject  = "object"
	TypeNull    = "null" // no feature has a value
)

// Property is one property key of a collection's features and the JSON type
// of its values.
type Property struct {
	Name   string
	Type   string
	Format string // "date-time" for updated
}

// commonSchema is what every feature has in its own fields (Properties).
var commonSchema = []Property{
	{"accuracy", TypeString, ""}, {"district", TypeString, ""}, {"kind", TypeString, ""},
	{"layer", TypeString, ""}, {"name_en", TypeString, ""}, {"name_zh", TypeString, ""},
	{"plan_line", TypeInteger, ""}, {"plan_quote", TypeString, ""}, {"plan_section", TypeString, ""},
	{"source", TypeString, ""}, {"status", TypeString, ""}, {"targets", TypeArray, ""},
	{"updated", TypeString, "date-time"},
}

// ValueType is the JSON type of one property value. A whole number is an
// integer only within 32 bits: GDAL makes an "integer" property a 32-bit
// field, which would clip a larger one.
func ValueType(v any) string {
	switch v := v.(type) {
	case nil:
		return TypeNull
	case string:
		return TypeString
	case bool:
		return TypeBoolean
	case float64:
		if v == math.Trunc(v) && v >= math.MinInt32 && v <= math.MaxInt32 {
			return TypeInteger
		}
		return TypeNumber
	case []any:
		return TypeArray
	case map[string]any:
		return TypeObject
	}
	// Anything else (an int, a struct) is typed as its JSON reads back.
	var back any
	if b, err := json.Marshal(v); err == nil && json.Unmarshal(b, &back) == nil {
		return ValueType(back)
	}
	return TypeNull
}

// PropertyTypes collects the type of each further (Extra) property of a
// collection's features, value by value, in any order.
type PropertyTypes map[string]string

// Add notes one value's type. Whole and fractional numbers make a number;
// any other mix makes a string, and the values are served as text.
func (p PropertyTypes) Add(key, typ string) {
	cur, ok := p[key]
	switch {
	case !ok || cur == TypeNull:
		p[key] = typ
	case typ == cur || typ == TypeNull:
	case (cur == TypeInteger || cur == TypeNumber) && (typ == TypeInteger || typ == TypeNumber):
		p[key] = TypeNumber
	default:
		p[key] = TypeString
	}
}

// NewSchema is a collection's schema: the properties every feature has and
// the further ones its features hold, sorted by name.
func NewSchema(extra PropertyTypes) []Property {
	out := slices.Clone(commonSchema)
	for k, t := range extra {
		if !common[k] {
			out = append(out, Property{Name: k, Type: t})
		}
	}
	slices.SortFunc(out, func(a, b Property) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// ServedProperties are the feature's properties as the API serves them, so
// that every GIS client can store them in a table: every property of the
// schema (null where the feature has none), arrays and objects as JSON text
// (null when empty: QGIS 3.22 can neither save a list of objects nor type a
// field from an empty list), and values of a property whose types mix, as
// text.
func (f Feature) ServedProperties(schema []Property) map[string]any {
	p := make(map[string]any, len(schema)+len(f.Extra))
	for k, v := range f.Extra { // a key the schema lacks is served as it is
		p[k] = served(v)
	}
	for _, c := range commonSchema {
		if v, ok := f.commonValue(c.Name); ok {
			p[c.Name] = served(v)
		}
	}
	for _, prop := range schema {
		p[prop.Name] = f.ServedValue(prop)
	}
	return p
}

// ServedValue is the value of one property of the schema as
// ServedProperties serves it, for writers that need no map.
func (f Feature) ServedValue(prop Property) any {
	v, ok := f.commonValue(prop.Name)
	if !ok {
		v = f.Extra[prop.Name]
	}
	if v = served(v); prop.Type == TypeString && v != nil {
		if _, isString := v.(string); !isString {
			return jsonText(v)
		}
	}
	return v
}

// ServesOnly reports whether every property ServedProperties gives the
// feature is in the schema, so that a writer may take them from
// ServedValue in the schema's order: the schema must be sorted by name (as
// NewSchema sorts it) and hold the common properties (CoversCommon, asked
// once for all features), and the feature's further properties.
func (f Feature) ServesOnly(schema []Property) bool {
	for k := range f.Extra {
		if !inSchema(schema, k) {
			return false
		}
	}
	return true
}

// CoversCommon reports whether a schema sorted by name holds every property
// a feature has in its own fields.
func CoversCommon(schema []Property) bool {
	if !slices.IsSortedFunc(schema, func(a, b Property) int { return strings.Compare(a.Name, b.Name) }) {
		return false
	}
	for _, c := range commonSchema {
		if !inSchema(schema, c.Name) {
			return false
		}
	}
	return true
}

func inSchema(schema []Property, name string) bool {
	_, ok := slices.BinarySearchFunc(schema, name, func(p Property, n string) int { return strings.Compare(p.Name, n) })
	return ok
}

// served is one value as a table cell holds it.
func served(v any) any {
	switch x := v.(type) {
	case nil, string, bool, float64, int: // int: plan_line, which ValueType would type through JSON
		return v
	case []Target:
		if len(x) == 0 {
			return nil
		}
		return targetsJSON(x)
	default:
		if t := ValueType(v); t != TypeArray && t != TypeObject {
			return v
		}
	}
	if s := jsonText(v); s != "[]" && s != "{}" {
		return s
	}
	return nil
}

// jsonText is v as compact JSON, with <, > and & as they are.
func jsonText(v any) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return ""
	}
	return strings.TrimSuffix(b.String(), "\n")
}
