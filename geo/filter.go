package geo

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/paulmach/orb"
	sf "github.com/peterstace/simplefeatures/geom"
)

// Expr is a parsed CQL2 filter (OGC 21-065), the same tree whether it was
// written as CQL2 Text or CQL2 JSON (package geo/cql2 reads both). It
// follows CQL2 JSON: an operation has Op and Args; a leaf is a property
// or a literal. Stores evaluate it (memstore) or translate it (PostGIS)
// after CheckFilter has accepted it.
type Expr struct {
	Kind ExprKind
	Op   string  // KindOp: "and", "or", "not", "=", "like", "isNull", "s_intersects", a function's name, …
	Args []*Expr // KindOp, KindArray, KindInterval
	Str  string  // KindProperty: the name; KindString; KindDate and KindTimestamp: the RFC 3339 text
	Num  float64 // KindNumber
	Bool bool    // KindBool
	Geom orb.Geometry
	BBox []float64 // KindBBox: 4 or 6 numbers as written

	like    *regexp.Regexp // a LIKE's pattern, compiled by CheckFilter
	sf      sf.Geometry    // a DE-9IM function's literal, converted by CheckFilter
	sfBound orb.Bound      // and its bounding box
}

// ExprKind says what an Expr is.
type ExprKind int

// The kinds of Expr.
const (
	KindOp ExprKind = iota
	KindProperty
	KindString
	KindNumber
	KindBool
	KindDate
	KindTimestamp
	KindInterval
	KindGeometry
	KindBBox
	KindArray
)

// GeometryQueryable is the name of every layer's geometry in filters; GeomAlias
// is accepted for it too (the OGC's test data calls its geometry "geom").
const (
	GeometryQueryable = "geometry"
	GeomAlias         = "geom"
)

// FilterError is a filter planmap cannot evaluate: a property that is not
// queryable, an operator it does not implement, operands of the wrong type.
type FilterError struct{ Msg string }

func (e *FilterError) Error() string { return e.Msg }

func filterErr(format string, a ...any) error { return &FilterError{fmt.Sprintf(format, a...)} }

// Queryable is one property a filter may name, with its JSON type
// (string, number, integer, boolean) or "geometry".
type Queryable struct {
	Name, Type, Format string
}

// Queryables lists what filters on a layer may name: its geometry, the
// feature id and every property of its schema whose values are scalars.
func Queryables(schema []Property) []Queryable {
	out := []Queryable{{GeometryQueryable, "geometry", ""}, {"id", TypeString, ""}}
	for _, p := range schema {
		switch p.Type {
		case TypeString, TypeNumber, TypeInteger, TypeBoolean:
			out = append(out, Queryable(p))
		}
	}
	return out
}

// The operators planmap evaluates; CheckFilter refuses every other one.
var (
	comparisons = map[string]bool{"=": true, "<>": true, "<": true, "<=": true, ">": true, ">=": true}
	spatialOps  = map[string]bool{"s_intersects": true, "s_disjoint": true}
)

// CheckFilter accepts a filter that planmap can evaluate on a layer with
// these queryables, and resolves the geometry alias. Its errors say where
// and why.
func CheckFilter(e *Expr, qs []Queryable) error {
	types := map[string]string{}
	for _, q := range qs {
		types[q.Name] = q.Type
	}
	if _, ok := types[GeomAlias]; !ok {
		types[GeomAlias] = "geometry"
	}
	return checkBool(e, types)
}

func checkBool(e *Expr, types map[string]string) error {
	switch {
	case e.Kind == KindBool:
		return nil
	case e.Kind != KindOp:
		return filterErr("%s is not a condition (true or false)", describe(e))
	}
	switch op := e.Op; {
	case op == "and" || op == "or" || op == "not":
		for _, a := range e.Args {
			if err := checkBool(a, types); err != nil {
				return err
			}
		}
		return nil
	case comparisons[op]:
		_, err := checkPropLiteral(e, types, e.Args[1])
		return err
	case op == "like":
		t, err := checkPropLiteral(e, types, e.Args[1])
		if err == nil && t != TypeString {
			err = filterErr("LIKE needs a string property; %q is %s", e.Args[0].Str, t)
		}
		if err == nil && e.Args[1].Kind != KindString {
			err = filterErr("LIKE needs a string pattern")
		}
		if err == nil {
			e.like = likeRegexp(e.Args[1].Str)
		}
		return err
	case op == "between":
		for _, lit := range e.Args[1:] {
			t, err := checkPropLiteral(e, types, lit)
			if err != nil {
				return err
			}
			if t != TypeNumber && t != TypeInteger {
				return filterErr("BETWEEN needs a numeric property; %s is %s", e.Args[0].Str, t)
			}
		}
		return nil
	case op == "in":
		if e.Args[1].Kind != KindArray || len(e.Args[1].Args) == 0 {
			return filterErr("IN needs a list of values")
		}
		for _, lit := range e.Args[1].Args {
			if _, err := checkPropLiteral(e, types, lit); err != nil {
				return err
			}
		}
		return nil
	case op == "isNull":
		if e.Args[0].Kind != KindProperty {
			return filterErr("IS NULL is evaluated on a property, not on %s", describe(e.Args[0]))
		}
		_, err := propType(e.Args[0], types)
		return err
	case spatialOps[op] || relateOps[op] != nil:
		p, lit := e.Args[0], e.Args[1]
		if p.Kind != KindProperty {
			p, lit = lit, p
		}
		if t, err := propType(p, types); err != nil {
			return err
		} else if t != "geometry" {
			return filterErr("%s: %q is not a geometry", strings.ToUpper(op), p.Str)
		}
		if lit.Kind != KindGeometry && lit.Kind != KindBBox {
			return filterErr("%s: the second argument must be a geometry or BBOX literal, not %s", strings.ToUpper(op), describe(lit))
		}
		if err := inLonLat(lit); err != nil {
			return filterErr("%s: %v", strings.ToUpper(op), err)
		}
		if relateOps[op] != nil {
			return checkRelateLiteral(op, lit)
		}
		return nil
	case temporalOps[op]:
		for _, a := range e.Args {
			if err := checkTemporal(a, types); err != nil {
				return filterErr("%s: %v", strings.ToUpper(op), err)
			}
		}
		return nil
	}
	return filterErr("%s is not supported; planmap evaluates AND, OR, NOT, = <> < <= > >=, LIKE, BETWEEN, IN, IS NULL, the spatial functions S_* and the temporal functions T_*", e.Op)
}

// checkTemporal accepts a temporal operand: a text property (times are
// held as RFC 3339 text), a DATE or TIMESTAMP, or an INTERVAL of those and "..".
func checkTemporal(e *Expr, types map[string]string) error {
	switch e.Kind {
	case KindDate, KindTimestamp:
		return nil
	case KindProperty:
		t, err := propType(e, types)
		if err == nil && t != TypeString {
			err = filterErr("%q holds %s values, not times", e.Str, t)
		}
		return err
	case KindInterval:
		for _, b := range e.Args {
			if b.Kind != KindString && b.Kind != KindDate && b.Kind != KindTimestamp {
				if err := checkTemporal(b, types); err != nil || b.Kind != KindProperty {
					return filterErr("an INTERVAL's ends are instants, \"..\" or properties")
				}
			}
		}
		return nil
	}
	return filterErr("%s is not an instant or an interval", describe(e))
}

func propType(p *Expr, types map[string]string) (string, error) {
	if p.Kind != KindProperty {
		return "", filterErr("expected a property, found %s", describe(p))
	}
	t, ok := types[p.Str]
	if !ok {
		return "", filterErr("%q is not a queryable of this collection (see its /queryables)", clipName(p.Str))
	}
	return t, nil
}

// checkPropLiteral checks that e's first argument is a property and lit a
// literal its values can be compared with; it returns the property's type.
func checkPropLiteral(e *Expr, types map[string]string, lit *Expr) (string, error) {
	t, err := propType(e.Args[0], types)
	if err != nil {
		return "", filterErr("%s: %v (planmap compares a property with a literal)", e.Op, err)
	}
	ok := false
	switch lit.Kind {
	case KindString, KindDate, KindTimestamp:
		ok = t == TypeString
	case KindNumber:
		ok = t == TypeNumber || t == TypeInteger
	case KindBool:
		ok = t == TypeBoolean
	}
	if !ok {
		return t, filterErr("%s: %q holds %s values and cannot be compared with %s", e.Op, e.Args[0].Str, t, describe(lit))
	}
	return t, nil
}

func clipName(s string) string {
	if r := []rune(s); len(r) > 40 {
		return string(r[:40]) + "…"
	}
	return s
}

func describe(e *Expr) string {
	switch e.Kind {
	case KindOp:
		return "the operation " + clipName(e.Op)
	case KindProperty:
		return fmt.Sprintf("the property %q", clipName(e.Str))
	case KindString:
		return "a string"
	case KindNumber:
		return "a number"
	case KindBool:
		return "a boolean"
	case KindDate:
		return "a DATE"
	case KindTimestamp:
		return "a TIMESTAMP"
	case KindInterval:
		return "an INTERVAL"
	case KindGeometry:
		return "a geometry"
	case KindBBox:
		return "a BBOX"
	}
	return "an array"
}

// LiteralValue is the value a property's values are compared with: dates
// and timestamps as their RFC 3339 text (properties hold them as text, and
// in that form text order is time order).
func LiteralValue(e *Expr) any {
	switch e.Kind {
	case KindNumber:
		return e.Num
	case KindBool:
		return e.Bool
	}
	return e.Str
}

// BBoxBounds returns a BBOX literal as one bound, or two where it crosses
// the antimeridian (west > east).
func BBoxBounds(b []float64) []orb.Bound {
	w, s, e, n := b[0], b[1], b[2], b[3]
	if len(b) == 6 {
		w, s, e, n = b[0], b[1], b[3], b[4]
	}
	if w > e {
		return []orb.Bound{{Min: orb.Point{w, s}, Max: orb.Point{180, n}}, {Min: orb.Point{-180, s}, Max: orb.Point{e, n}}}
	}
	return []orb.Bound{{Min: orb.Point{w, s}, Max: orb.Point{e, n}}}
}

// EvalFilter evaluates a checked filter on one feature whose properties are
// served as props (ServedProperties), in CQL2's three-valued logic: a
// comparison with a null is unknown, and only true selects the feature.
func EvalFilter(e *Expr, f *Feature, props map[string]any) bool {
	v, known := eval(e, f, props, &sfFeature{})
	return known && v
}

func eval(e *Expr, f *Feature, props map[string]any, fg *sfFeature) (v, known bool) {
	if e.Kind == KindBool {
		return e.Bool, true
	}
	prop := func(a *Expr) any {
		switch a.Str {
		case "id":
			return f.ID
		case GeometryQueryable, GeomAlias:
			if f.Geometry == nil {
				return nil
			}
			return f.Geometry
		}
		return props[a.Str]
	}
	switch e.Op {
	case "and", "or":
		and := e.Op == "and"
		unknown := false
		for _, a := range e.Args {
			v, k := eval(a, f, props, fg)
			if !k {
				unknown = true
			} else if v != and {
				return v, true
			}
		}
		return and, !unknown
	case "not":
		v, k := eval(e.Args[0], f, props, fg)
		return !v, k
	case "isNull":
		return prop(e.Args[0]) == nil, true
	case "like":
		s, ok := prop(e.Args[0]).(string)
		if !ok {
			return false, false
		}
		return e.like.MatchString(s), true
	case "between":
		x := prop(e.Args[0])
		lo, k1 := compareValue(x, LiteralValue(e.Args[1]))
		hi, k2 := compareValue(x, LiteralValue(e.Args[2]))
		return lo >= 0 && hi <= 0, k1 && k2
	case "in":
		x := prop(e.Args[0])
		if x == nil {
			return false, false
		}
		for _, lit := range e.Args[1].Args {
			if c, k := compareValue(x, LiteralValue(lit)); k && c == 0 {
				return true, true
			}
		}
		return false, true
	case "s_intersects", "s_disjoint":
		if f.Geometry == nil {
			return false, false
		}
		lit := e.Args[1]
		if lit.Kind == KindProperty {
			lit = e.Args[0]
		}
		hit := false
		if lit.Kind == KindBBox {
			for _, b := range BBoxBounds(lit.BBox) {
				hit = hit || Intersects(f.Geometry, b)
			}
		} else {
			hit = GeometriesIntersect(f.Geometry, lit.Geom)
		}
		return hit == (e.Op == "s_intersects"), true
	}
	if relateOps[e.Op] != nil {
		if f.Geometry == nil {
			return false, false
		}
		return relate(e, f.Geometry, fg)
	}
	if temporalOps[e.Op] {
		as, ae := TemporalBounds(e.Args[0])
		bs, be := TemporalBounds(e.Args[1])
		r := TemporalRelation(e.Op, as, ae, bs, be, func(a *Expr, op string, b *Expr) tri {
			if v, ok := OpenCompare(a, op, b); ok {
				return tri{v, true}
			}
			value := func(x *Expr) any {
				if x.Kind == KindProperty {
					return prop(x)
				}
				return x.Str
			}
			c, k := compareValue(value(a), value(b))
			return tri{map[string]bool{"<": c < 0, "<=": c <= 0, ">": c > 0, ">=": c >= 0, "=": c == 0}[op], k}
		}, triAnd, triOr)
		return r.v, r.known
	}
	c, k := compareValue(prop(e.Args[0]), LiteralValue(e.Args[1]))
	switch e.Op {
	case "=":
		return c == 0, k
	case "<>":
		return c != 0, k
	case "<":
		return c < 0, k
	case "<=":
		return c <= 0, k
	case ">":
		return c > 0, k
	}
	return c >= 0, k // ">="
}

// compareValue orders a property value and a literal of the same type; false
// when the value is null or of another type.
func compareValue(x, lit any) (int, bool) {
	switch x := x.(type) {
	case string:
		if l, ok := lit.(string); ok {
			return strings.Compare(x, l), true
		}
	case float64:
		if l, ok := lit.(float64); ok {
			switch {
			case x < l:
				return -1, true
			case x > l:
				return 1, true
			}
			return 0, true
		}
	case int:
		return compareValue(float64(x), lit)
	case bool:
		if l, ok := lit.(bool); ok {
			if x == l {
				return 0, true
			}
			if !x {
				return -1, true
			}
			return 1, true
		}
	}
	return 0, false
}

// likeRegexp turns a CQL2 LIKE pattern (% any run, _ one character, \
// escaping the next one) into an anchored regular expression.
func likeRegexp(p string) *regexp.Regexp {
	var b strings.Builder
	b.WriteString("(?s)^")
	rs := []rune(p)
	for i := 0; i < len(rs); i++ {
		switch r := rs[i]; {
		case r == '\\' && i+1 < len(rs):
			i++
			b.WriteString(regexp.QuoteMeta(string(rs[i])))
		case r == '%':
			b.WriteString(".*")
		case r == '_':
			b.WriteString(".")
		default:
			b.WriteString(regexp.QuoteMeta(string(r)))
		}
	}
	b.WriteString("$")
	return regexp.MustCompile(b.String())
}

// LessBy orders two features' served properties by keys, then by id.
func LessBy(keys []SortKey, a, b *Feature, pa, pb map[string]any) bool {
	for _, k := range keys {
		x, y := pa[k.Name], pb[k.Name]
		if k.Name == "id" {
			x, y = a.ID, b.ID
		}
		switch {
		case x == nil && y == nil:
			continue
		case x == nil:
			return k.Desc // nulls after values ascending, before them descending
		case y == nil:
			return !k.Desc
		}
		c, _ := compareValue(x, y)
		if c != 0 {
			return (c < 0) != k.Desc
		}
	}
	return a.ID < b.ID
}

// temporalOps are CQL2's temporal functions, each a relation between the
// start and end of two intervals (an instant is an interval of no length).
var temporalOps = map[string]bool{"t_after": true, "t_before": true, "t_contains": true, "t_disjoint": true,
	"t_during": true, "t_equals": true, "t_finishedBy": true, "t_finishes": true, "t_intersects": true,
	"t_meets": true, "t_metBy": true, "t_overlappedBy": true, "t_overlaps": true, "t_startedBy": true, "t_starts": true}

// The bounds of an open interval: ".." as a start is before every instant,
// as an end after every one.
var (
	BeforeAll = &Expr{Kind: KindString, Str: "..", Op: "-inf"}
	AfterAll  = &Expr{Kind: KindString, Str: "..", Op: "+inf"}
)

// TemporalBounds returns the start and end of a temporal operand: a
// property or a DATE or TIMESTAMP literal is both; an INTERVAL has two,
// either of which may be open ("..": BeforeAll or AfterAll).
func TemporalBounds(e *Expr) (start, end *Expr) {
	if e.Kind != KindInterval {
		return e, e
	}
	start, end = e.Args[0], e.Args[1]
	if start.Kind == KindString && start.Str == ".." {
		start = BeforeAll
	}
	if end.Kind == KindString && end.Str == ".." {
		end = AfterAll
	}
	return start, end
}

// OpenCompare decides a comparison in which a bound is open; ok is false
// when neither is.
func OpenCompare(a *Expr, op string, b *Expr) (result, ok bool) {
	rank := func(e *Expr) int {
		switch e {
		case BeforeAll:
			return -1
		case AfterAll:
			return 1
		}
		return 0
	}
	ra, rb := rank(a), rank(b)
	if ra == 0 && rb == 0 {
		return false, false
	}
	c := ra - rb
	switch op {
	case "<":
		return c < 0, true
	case "<=":
		return c <= 0 && ra != rb, true
	case ">":
		return c > 0, true
	case ">=":
		return c >= 0 && ra != rb, true
	}
	return false, true // an open bound equals nothing
}

// TemporalRelation writes a temporal function as comparisons of bounds
// (cmp) joined by and and or, for a store to evaluate or translate: as, ae
// are the first operand's start and end, bs, be the second's.
func TemporalRelation[T any](op string, as, ae, bs, be *Expr, cmp func(a *Expr, op string, b *Expr) T, and, or func(...T) T) T {
	switch op {
	case "t_after":
		return cmp(as, ">", be)
	case "t_before":
		return cmp(ae, "<", bs)
	case "t_disjoint":
		return or(cmp(ae, "<", bs), cmp(as, ">", be))
	case "t_equals":
		return and(cmp(as, "=", bs), cmp(ae, "=", be))
	case "t_intersects":
		return and(cmp(as, "<=", be), cmp(ae, ">=", bs))
	case "t_contains":
		return and(cmp(as, "<", bs), cmp(ae, ">", be))
	case "t_during":
		return and(cmp(as, ">", bs), cmp(ae, "<", be))
	case "t_finishes":
		return and(cmp(as, ">", bs), cmp(ae, "=", be))
	case "t_finishedBy":
		return and(cmp(as, "<", bs), cmp(ae, "=", be))
	case "t_meets":
		return cmp(ae, "=", bs)
	case "t_metBy":
		return cmp(as, "=", be)
	case "t_overlappedBy":
		return and(cmp(as, ">", bs), cmp(as, "<", be), cmp(ae, ">", be))
	case "t_overlaps":
		return and(cmp(as, "<", bs), cmp(ae, ">", bs), cmp(ae, "<", be))
	case "t_startedBy":
		return and(cmp(as, "=", bs), cmp(ae, ">", be))
	}
	return and(cmp(as, "=", bs), cmp(ae, "<", be)) // t_starts
}

// tri is a value of three-valued logic: known false, known true, unknown.
type tri struct{ v, known bool }

func triAnd(ts ...tri) tri {
	r := tri{true, true}
	for _, t := range ts {
		if t.known && !t.v {
			return tri{false, true}
		}
		r.known = r.known && t.known
	}
	return r
}

func triOr(ts ...tri) tri {
	r := tri{false, true}
	for _, t := range ts {
		if t.known && t.v {
			return tri{true, true}
		}
		r.known = r.known && t.known
	}
	return r
}
