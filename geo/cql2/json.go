package cql2

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"planmap/geo"
)

// ParseJSON reads a CQL2 JSON filter.
func ParseJSON(s string) (*geo.Expr, error) {
	d := json.NewDecoder(strings.NewReader(s))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, &SyntaxError{0, "not JSON: " + err.Error()}
	}
	if d.More() {
		return nil, &SyntaxError{0, "more than one JSON value"}
	}
	e, err := fromJSON(v, "", 0)
	if err != nil {
		return nil, err
	}
	if err := validate(e, 0); err != nil {
		return nil, err
	}
	return e, nil
}

func jerr(path, format string, a ...any) error {
	if path == "" {
		path = "the filter"
	}
	return &SyntaxError{0, fmt.Sprintf("at %s: %s", path, fmt.Sprintf(format, a...))}
}

func fromJSON(v any, path string, depth int) (*geo.Expr, error) {
	if depth > MaxDepth {
		return nil, jerr(path, "the filter nests deeper than %d", MaxDepth)
	}
	switch x := v.(type) {
	case string:
		return &geo.Expr{Kind: geo.KindString, Str: x}, nil
	case json.Number:
		f, err := x.Float64()
		if err != nil {
			return nil, jerr(path, "%s is not a number", x)
		}
		return &geo.Expr{Kind: geo.KindNumber, Num: f}, nil
	case bool:
		return &geo.Expr{Kind: geo.KindBool, Bool: x}, nil
	case []any:
		a := &geo.Expr{Kind: geo.KindArray}
		for i, y := range x {
			e, err := fromJSON(y, fmt.Sprintf("%s[%d]", path, i), depth+1)
			if err != nil {
				return nil, err
			}
			a.Args = append(a.Args, e)
		}
		return a, nil
	case nil:
		return nil, jerr(path, "null is not a CQL2 value")
	}
	m := v.(map[string]any)
	one := func(key string) (any, bool) {
		y, ok := m[key]
		return y, ok && len(m) == 1
	}
	if p, ok := one("property"); ok {
		s, isString := p.(string)
		if !isString {
			return nil, jerr(path, "property must name a property with a string")
		}
		return &geo.Expr{Kind: geo.KindProperty, Str: s}, nil
	}
	for _, k := range []string{"date", "timestamp"} {
		if t, ok := one(k); ok {
			s, _ := t.(string)
			e, err := instant(strings.ToUpper(k), s)
			if err != nil {
				return nil, jerr(path, "%v", err)
			}
			return e, nil
		}
	}
	if iv, ok := one("interval"); ok {
		ends, isList := iv.([]any)
		if !isList || len(ends) != 2 {
			return nil, jerr(path, "an interval is a list of two instants")
		}
		e := &geo.Expr{Kind: geo.KindInterval}
		for i, end := range ends {
			a, err := fromJSON(end, fmt.Sprintf("%s.interval[%d]", path, i), depth+1)
			if err != nil {
				return nil, err
			}
			if a.Kind == geo.KindString && a.Str != ".." {
				if a, err = intervalInstant(a.Str); err != nil {
					return nil, jerr(path, "%v", err)
				}
			}
			e.Args = append(e.Args, a)
		}
		return e, nil
	}
	if b, ok := one("bbox"); ok {
		ns, isList := b.([]any)
		if !isList || (len(ns) != 4 && len(ns) != 6) {
			return nil, jerr(path, "a bbox is a list of 4 or 6 numbers")
		}
		e := &geo.Expr{Kind: geo.KindBBox}
		for _, n := range ns {
			f, err := number(n)
			if err != nil {
				return nil, jerr(path, "a bbox is a list of 4 or 6 numbers")
			}
			e.BBox = append(e.BBox, f)
		}
		return e, nil
	}
	if _, ok := m["type"]; ok {
		g, err := geometry(m)
		if err != nil {
			return nil, jerr(path, "%v", err)
		}
		return &geo.Expr{Kind: geo.KindGeometry, Geom: g}, nil
	}
	name, _ := m["op"].(string)
	args, isList := m["args"].([]any)
	_, hasArgs := m["args"]
	if name == "" || len(m) > 2 || (hasArgs && !isList) {
		return nil, jerr(path, `expected {"op": …, "args": […]}, a property, a literal or a geometry`)
	}
	e := op(name)
	for i, a := range args {
		x, err := fromJSON(a, fmt.Sprintf("%s.args[%d]", name, i), depth+1)
		if err != nil {
			return nil, err
		}
		e.Args = append(e.Args, x)
	}
	if name == "and" || name == "or" {
		e = join(name, e.Args...)
	}
	return e, nil
}

func number(v any) (float64, error) {
	n, ok := v.(json.Number)
	if !ok {
		return 0, fmt.Errorf("not a number")
	}
	return n.Float64()
}

// geometry reads a GeoJSON geometry, dropping any coordinate past the second.
func geometry(m map[string]any) (orb.Geometry, error) {
	b, err := json.Marshal(m)
	if err != nil {
		return nil, err
	}
	g, err := geojson.UnmarshalGeometry(bytes.TrimSpace(b))
	if err != nil {
		return nil, fmt.Errorf("not a GeoJSON geometry: %v", err)
	}
	return g.Geometry(), nil
}
