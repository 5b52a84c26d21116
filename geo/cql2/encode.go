package cql2

import (
	"encoding/json"

	"github.com/paulmach/orb/geojson"

	"planmap/geo"
)

// JSON writes a filter in CQL2 JSON; ParseJSON reads it back as the same tree.
func JSON(e *geo.Expr) ([]byte, error) { return json.Marshal(jsonValue(e)) }

func jsonValue(e *geo.Expr) any {
	list := func(es []*geo.Expr) []any {
		out := make([]any, len(es))
		for i, a := range es {
			out[i] = jsonValue(a)
		}
		return out
	}
	switch e.Kind {
	case geo.KindOp:
		return map[string]any{"op": e.Op, "args": list(e.Args)}
	case geo.KindProperty:
		return map[string]any{"property": e.Str}
	case geo.KindString:
		return e.Str
	case geo.KindNumber:
		return e.Num
	case geo.KindBool:
		return e.Bool
	case geo.KindDate:
		return map[string]any{"date": e.Str}
	case geo.KindTimestamp:
		return map[string]any{"timestamp": e.Str}
	case geo.KindInterval:
		return map[string]any{"interval": list(e.Args)}
	case geo.KindGeometry:
		return geojson.NewGeometry(e.Geom)
	case geo.KindBBox:
		return map[string]any{"bbox": e.BBox}
	}
	return list(e.Args)
}
