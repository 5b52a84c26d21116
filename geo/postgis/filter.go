package postgis

import (
	"fmt"
	"slices"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"

	"planmap/geo"
)

// commonSQL is how each property a feature holds in its own column is
// served (geo.Feature.ServedProperties): empty text and a zero line are null.
var commonSQL = map[string]string{
	"id": "f.id", "layer": "f.layer", "name_zh": "f.name_zh", "name_en": "f.name_en", "kind": "f.kind",
	"status": "f.status", "accuracy": "f.accuracy", "source": "f.source",
	"district": "NULLIF(f.district, '')", "plan_section": "NULLIF(f.plan_section, '')",
	"plan_quote": "NULLIF(f.plan_quote, '')", "plan_line": "NULLIF(f.plan_line, 0)::float8",
	"updated": `NULLIF(to_char(f.updated AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'), '0001-01-01T00:00:00Z')`,
}

// arg adds a query argument and returns its placeholder.
func (w *where) arg(v any) string {
	w.args = append(w.args, v)
	return fmt.Sprintf("$%d", len(w.args))
}

// filterSQL translates a filter geo.CheckFilter accepted into SQL: the
// text comes only from constants here, every value and property name is a
// bound argument, and every property is one of the layer's queryables.
func filterSQL(w *where, e *geo.Expr, qs map[string]geo.Queryable) string {
	if e.Kind == geo.KindBool {
		if e.Bool {
			return "TRUE"
		}
		return "FALSE"
	}
	switch e.Op {
	case "and", "or":
		parts := make([]string, len(e.Args))
		for i, a := range e.Args {
			parts[i] = filterSQL(w, a, qs)
		}
		return "(" + strings.Join(parts, map[string]string{"and": " AND ", "or": " OR "}[e.Op]) + ")"
	case "not":
		return "(NOT " + filterSQL(w, e.Args[0], qs) + ")"
	case "isNull":
		if q := qs[e.Args[0].Str]; q.Type == "geometry" {
			return "(f.geom IS NULL)"
		}
		return "(" + propSQL(w, e.Args[0].Str, qs) + " IS NULL)"
	case "s_intersects", "s_disjoint":
		lit := e.Args[1]
		if lit.Kind == geo.KindProperty {
			lit = e.Args[0]
		}
		var hits []string
		if lit.Kind == geo.KindBBox {
			for _, b := range geo.BBoxBounds(lit.BBox) {
				hits = append(hits, fmt.Sprintf("ST_Intersects(f.geom, ST_MakeEnvelope(%s, %s, %s, %s, 4326))",
					w.arg(b.Min[0]), w.arg(b.Min[1]), w.arg(b.Max[0]), w.arg(b.Max[1])))
			}
		} else {
			b, _ := wkb.Marshal(lit.Geom)
			hits = append(hits, "ST_Intersects(f.geom, ST_GeomFromWKB("+w.arg(b)+", 4326))")
		}
		sql := "(" + strings.Join(hits, " OR ") + ")"
		if e.Op == "s_disjoint" {
			return "(NOT " + sql + ")"
		}
		return sql
	}
	if geo.IsRelateOp(e.Op) {
		return relateSQL(w, e)
	}
	if strings.HasPrefix(e.Op, "t_") {
		as, ae := geo.TemporalBounds(e.Args[0])
		bs, be := geo.TemporalBounds(e.Args[1])
		bound := func(x *geo.Expr) string {
			if x.Kind == geo.KindProperty {
				return "(" + propSQL(w, x.Str, qs) + `) COLLATE "C"`
			}
			return "(" + w.arg(x.Str) + `::text COLLATE "C")`
		}
		join := func(sep string) func(...string) string {
			return func(parts ...string) string { return "(" + strings.Join(parts, sep) + ")" }
		}
		ops := map[string]string{"<": "<", "<=": "<=", ">": ">", ">=": ">=", "=": "="}
		return geo.TemporalRelation(e.Op, as, ae, bs, be, func(a *geo.Expr, op string, b *geo.Expr) string {
			if v, ok := geo.OpenCompare(a, op, b); ok {
				return map[bool]string{true: "TRUE", false: "FALSE"}[v]
			}
			return bound(a) + " " + ops[op] + " " + bound(b)
		}, join(" AND "), join(" OR "))
	}
	x := propSQL(w, e.Args[0].Str, qs)
	if t := qs[e.Args[0].Str].Type; t == geo.TypeString {
		x = "(" + x + `) COLLATE "C"` // byte order, as Go compares strings
	}
	switch e.Op {
	case "like":
		return "(" + x + " LIKE " + w.arg(e.Args[1].Str) + ")"
	case "between":
		return "(" + x + " BETWEEN " + w.arg(geo.LiteralValue(e.Args[1])) + " AND " + w.arg(geo.LiteralValue(e.Args[2])) + ")"
	case "in":
		parts := make([]string, len(e.Args[1].Args))
		for i, lit := range e.Args[1].Args {
			parts[i] = w.arg(geo.LiteralValue(lit))
		}
		return "(" + x + " IN (" + strings.Join(parts, ", ") + "))"
	}
	ops := map[string]string{"=": "=", "<>": "<>", "<": "<", "<=": "<=", ">": ">", ">=": ">="}
	return "(" + x + " " + ops[e.Op] + " " + w.arg(geo.LiteralValue(e.Args[1])) + ")"
}

// relateFuncs are the PostGIS functions of CQL2's DE-9IM spatial functions.
var relateFuncs = map[string]string{"s_contains": "ST_Contains", "s_crosses": "ST_Crosses", "s_equals": "ST_Equals",
	"s_overlaps": "ST_Overlaps", "s_touches": "ST_Touches", "s_within": "ST_Within"}

// relateSQL translates a DE-9IM function, its literal one bound parameter.
// Each implies that the geometries intersect, so "&&" beside it lets the
// planner use the GiST index whatever it makes of the function. A
// GEOMETRYCOLLECTION (of one dimension, CheckFilter saw to that) is
// dissolved into one geometry, as GEOS before 3.13 relates no collection.
func relateSQL(w *where, e *geo.Expr) string {
	lit, litFirst := geo.SpatialArgs(e)
	g := geo.LiteralGeometry(lit)
	b, _ := wkb.Marshal(g)
	sql := "ST_GeomFromWKB(" + w.arg(b) + ", 4326)"
	if _, ok := g.(orb.Collection); ok {
		sql = "ST_UnaryUnion(" + sql + ")"
	}
	args := "f.geom, " + sql
	if litFirst {
		args = sql + ", f.geom"
	}
	return "(f.geom && " + sql + " AND " + relateFuncs[e.Op] + "(" + args + "))"
}

// propSQL is the SQL value of a queryable property, as items serves it.
func propSQL(w *where, name string, qs map[string]geo.Queryable) string {
	if sql, ok := commonSQL[name]; ok {
		return sql
	}
	// The casts are guarded by the value's JSON type: PostgreSQL may test a
	// row of another layer, whose property of that name holds something else.
	key := w.arg(name)
	switch qs[name].Type {
	case geo.TypeNumber, geo.TypeInteger:
		return "(CASE WHEN jsonb_typeof(f.extra->" + key + ") = 'number' THEN (f.extra->>" + key + ")::float8 END)"
	case geo.TypeBoolean:
		return "(CASE WHEN jsonb_typeof(f.extra->" + key + ") = 'boolean' THEN (f.extra->>" + key + ")::boolean END)"
	}
	return "(f.extra->>" + key + ")"
}

// orderBy is the ORDER BY of a sorted query, its property names bound
// after args; ties, and a query with no sort keys, go by id.
func orderBy(keys []geo.SortKey, qs map[string]geo.Queryable, args []any) (string, []any) {
	w := &where{args: slices.Clone(args)}
	var parts []string
	for _, k := range keys {
		x := propSQL(w, k.Name, qs)
		if qs[k.Name].Type == geo.TypeString {
			x = "(" + x + `) COLLATE "C"`
		}
		if k.Desc {
			x += " DESC NULLS FIRST"
		} else {
			x += " ASC NULLS LAST"
		}
		parts = append(parts, x)
	}
	return strings.Join(append(parts, "f.id"), ", "), w.args
}
