// Package cql2 reads OGC CQL2 filters (OGC 21-065) in both encodings, CQL2
// Text and CQL2 JSON, into the same geo.Expr tree. The text parser is
// recursive descent over the standard's BNF (testdata/cql2.bnf); it reads the
// whole grammar, so that every filter the standard writes parses, and leaves
// it to geo.CheckFilter to refuse what planmap does not evaluate.
//
// Geometry literals become orb geometries: coordinates past the second (Z)
// are read and dropped, for every spatial operation planmap evaluates is in
// the plane, as PostGIS's ST_Intersects is; EMPTY rings are kept empty. So
// go-geom, which would keep Z, is not needed.
package cql2

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/paulmach/orb"

	"planmap/geo"
)

// MaxDepth bounds how deeply a filter may nest.
const MaxDepth = 64

// SyntaxError says where a filter stops making sense and why.
type SyntaxError struct {
	Pos int // byte offset in the text (0 for JSON)
	Msg string
}

func (e *SyntaxError) Error() string { return e.Msg }

type tokKind int

const (
	tEOF tokKind = iota
	tIdent
	tQuoted // "name": always a property
	tString
	tNumber
	tPunct
)

type token struct {
	kind tokKind
	text string // identifier, string value, number text or punctuation
	pos  int
}

type parser struct {
	src   string
	toks  []token
	i     int
	depth int
}

// ParseText reads a CQL2 Text filter.
func ParseText(s string) (e *geo.Expr, err error) {
	if !utf8.ValidString(s) {
		return nil, &SyntaxError{0, "the filter is not valid UTF-8"}
	}
	p := &parser{src: s}
	if err := p.lex(); err != nil {
		return nil, err
	}
	defer func() {
		if r := recover(); r != nil {
			se, ok := r.(*SyntaxError)
			if !ok {
				panic(r)
			}
			e, err = nil, se
		}
	}()
	e = p.cond(p.peek(), p.orExpr)
	if t := p.peek(); t.kind != tEOF {
		p.fail(t, "expected AND, OR or the end of the filter")
	}
	if err := validate(e, 0); err != nil {
		return nil, err
	}
	return e, nil
}

func isIdentStart(r rune) bool {
	return r == ':' || r == '_' || (r < 128 && unicode.IsLetter(r)) || (r >= 0xC0 && r != 0xD7 && r != 0xF7 && unicode.IsPrint(r) && !unicode.IsSpace(r) && !unicode.IsPunct(r))
}

func isIdentPart(r rune) bool {
	return isIdentStart(r) || r == '.' || (r >= '0' && r <= '9') || (r >= 0x300 && r <= 0x36F)
}

func (p *parser) lex() error {
	s := p.src
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			return &SyntaxError{i, fmt.Sprintf("invalid UTF-8 at byte %d", i)}
		case unicode.IsSpace(r):
			i += n
		case r == '\'':
			var b strings.Builder
			j := i + 1
			for {
				if j >= len(s) {
					return &SyntaxError{i, fmt.Sprintf("the string starting at byte %d is not closed with '", i)}
				}
				if s[j] == '\'' && j+1 < len(s) && s[j+1] == '\'' || s[j] == '\\' && j+1 < len(s) && s[j+1] == '\'' {
					b.WriteByte('\'')
					j += 2
					continue
				}
				if s[j] == '\'' {
					break
				}
				b.WriteByte(s[j])
				j++
			}
			p.toks = append(p.toks, token{tString, b.String(), i})
			i = j + 1
		case r == '"':
			j := strings.IndexByte(s[i+1:], '"')
			if j < 0 {
				return &SyntaxError{i, fmt.Sprintf("the quoted property name at byte %d is not closed with \"", i)}
			}
			p.toks = append(p.toks, token{tQuoted, s[i+1 : i+1+j], i})
			i += j + 2
		case r >= '0' && r <= '9' || r == '.' && i+1 < len(s) && s[i+1] >= '0' && s[i+1] <= '9':
			j := i
			for j < len(s) && (s[j] >= '0' && s[j] <= '9' || s[j] == '.') {
				j++
			}
			if j < len(s) && (s[j] == 'e' || s[j] == 'E') {
				k := j + 1
				if k < len(s) && (s[k] == '+' || s[k] == '-') {
					k++
				}
				if k < len(s) && s[k] >= '0' && s[k] <= '9' {
					for j = k; j < len(s) && s[j] >= '0' && s[j] <= '9'; j++ {
					}
				}
			}
			p.toks = append(p.toks, token{tNumber, s[i:j], i})
			i = j
		case isIdentStart(r):
			j := i + n
			for j < len(s) {
				r, m := utf8.DecodeRuneInString(s[j:])
				if !isIdentPart(r) {
					break
				}
				j += m
			}
			p.toks = append(p.toks, token{tIdent, s[i:j], i})
			i = j
		default:
			two := ""
			if i+1 < len(s) {
				two = s[i : i+2]
			}
			switch {
			case two == "<>" || two == "<=" || two == ">=":
				p.toks = append(p.toks, token{tPunct, two, i})
				i += 2
			case strings.ContainsRune("()=<>,+-*/%^", r):
				p.toks = append(p.toks, token{tPunct, string(r), i})
				i++
			default:
				return &SyntaxError{i, fmt.Sprintf("unexpected character %q at byte %d", r, i)}
			}
		}
	}
	p.toks = append(p.toks, token{tEOF, "", len(s)})
	return nil
}

func (p *parser) peek() token { return p.toks[p.i] }
func (p *parser) peekAt(k int) token {
	if p.i+k < len(p.toks) {
		return p.toks[p.i+k]
	}
	return p.toks[len(p.toks)-1]
}
func (p *parser) next() token { t := p.toks[p.i]; p.i = min(p.i+1, len(p.toks)-1); return t }

func (p *parser) fail(t token, format string, a ...any) {
	what := "the end of the filter"
	if t.kind != tEOF {
		what = fmt.Sprintf("%q", clip(p.src[t.pos:]))
	}
	panic(&SyntaxError{t.pos, fmt.Sprintf("at byte %d (%s): %s", t.pos, what, fmt.Sprintf(format, a...))})
}

func clip(s string) string {
	if r := []rune(s); len(r) > 20 {
		return string(r[:20]) + "…"
	}
	return s
}

// keyword reports whether the next token is the unquoted word kw (any case).
func (p *parser) keyword(kw string) bool {
	t := p.peek()
	return t.kind == tIdent && strings.EqualFold(t.text, kw)
}

func (p *parser) accept(kw string) bool {
	if p.keyword(kw) || (p.peek().kind == tPunct && p.peek().text == kw) {
		p.next()
		return true
	}
	return false
}

func (p *parser) expect(s string) {
	if !p.accept(s) {
		p.fail(p.peek(), "expected %s", s)
	}
}

func (p *parser) enter() {
	if p.depth++; p.depth > MaxDepth {
		p.fail(p.peek(), "the filter nests deeper than %d", MaxDepth)
	}
}

func op(name string, args ...*geo.Expr) *geo.Expr {
	return &geo.Expr{Kind: geo.KindOp, Op: name, Args: args}
}

func not(e *geo.Expr) *geo.Expr { return op("not", e) }

// orExpr: booleanExpression = booleanTerm {OR booleanTerm}.
func (p *parser) orExpr() *geo.Expr {
	p.enter()
	defer func() { p.depth-- }()
	start := p.peek()
	e := p.andExpr()
	if p.keyword("OR") {
		e = p.cond(start, func() *geo.Expr { return e })
	}
	for p.accept("OR") {
		e = join("or", e, p.cond(p.peek(), p.andExpr))
	}
	return e
}

func (p *parser) andExpr() *geo.Expr {
	start := p.peek()
	e := p.notExpr()
	if p.keyword("AND") {
		e = p.cond(start, func() *geo.Expr { return e })
	}
	for p.accept("AND") {
		e = join("and", e, p.cond(p.peek(), p.notExpr))
	}
	return e
}

// cond reads with read what must be a condition (the whole filter, and
// what AND, OR and NOT join): a predicate, a function or a boolean.
func (p *parser) cond(start token, read func() *geo.Expr) *geo.Expr {
	e := read()
	if !isCondition(e) {
		p.fail(start, "expected a predicate (a comparison, LIKE, BETWEEN, IN, IS NULL or a function), found %s", kindName(e))
	}
	return e
}

// join builds an n-ary AND or OR: (a AND b) AND c is and(a, b, c), in
// either encoding, for AND and OR are associative.
func join(name string, args ...*geo.Expr) *geo.Expr {
	e := op(name)
	for _, a := range args {
		if a.Kind == geo.KindOp && a.Op == name {
			e.Args = append(e.Args, a.Args...)
		} else {
			e.Args = append(e.Args, a)
		}
	}
	return e
}

func (p *parser) notExpr() *geo.Expr {
	if p.accept("NOT") {
		p.enter()
		defer func() { p.depth-- }()
		return not(p.cond(p.peek(), p.notExpr))
	}
	return p.predicate()
}

// predicate reads an operand, then whatever comparison follows it.
func (p *parser) predicate() *geo.Expr {
	e := p.arith()
	t := p.peek()
	if t.kind == tPunct {
		switch t.text {
		case "=", "<>", "<", "<=", ">", ">=":
			p.next()
			return op(t.text, e, p.arith())
		}
	}
	negate := false
	if p.keyword("NOT") && (strings.EqualFold(p.peekAt(1).text, "LIKE") || strings.EqualFold(p.peekAt(1).text, "BETWEEN") ||
		strings.EqualFold(p.peekAt(1).text, "IN")) && p.peekAt(1).kind == tIdent {
		p.next()
		negate = true
	}
	wrap := func(x *geo.Expr) *geo.Expr {
		if negate {
			return not(x)
		}
		return x
	}
	switch {
	case p.accept("LIKE"):
		return wrap(op("like", e, p.arith()))
	case p.accept("BETWEEN"):
		lo := p.arith()
		p.expect("AND")
		return wrap(op("between", e, lo, p.arith()))
	case p.accept("IN"):
		p.expect("(")
		list := &geo.Expr{Kind: geo.KindArray}
		for {
			list.Args = append(list.Args, p.arith())
			if !p.accept(",") {
				break
			}
		}
		p.expect(")")
		return wrap(op("in", e, list))
	case p.accept("IS"):
		n := p.accept("NOT")
		p.expect("NULL")
		if n {
			return not(op("isNull", e))
		}
		return op("isNull", e)
	}
	return e
}

func isCondition(e *geo.Expr) bool {
	return e.Kind == geo.KindBool || e.Kind == geo.KindOp && !arithmetic[e.Op] && e.Op != "casei" && e.Op != "accenti"
}

var arithmetic = map[string]bool{"+": true, "-": true, "*": true, "/": true, "%": true, "div": true, "^": true}

func kindName(e *geo.Expr) string {
	switch e.Kind {
	case geo.KindProperty:
		return "the property " + strconv.Quote(e.Str)
	case geo.KindOp:
		return "the operation " + e.Op
	}
	return "a value"
}

// arith: arithmeticExpression with + and -.
func (p *parser) arith() *geo.Expr {
	e := p.term()
	for {
		t := p.peek()
		if t.kind != tPunct || (t.text != "+" && t.text != "-") {
			return e
		}
		p.next()
		e = op(t.text, e, p.term())
	}
}

func (p *parser) term() *geo.Expr {
	e := p.power()
	for {
		t := p.peek()
		switch {
		case t.kind == tPunct && (t.text == "*" || t.text == "/" || t.text == "%"):
		case p.keyword("div"):
		default:
			return e
		}
		p.next()
		e = op(strings.ToLower(t.text), e, p.power())
	}
}

func (p *parser) power() *geo.Expr {
	e := p.factor()
	if p.accept("^") {
		e = op("^", e, p.factor())
	}
	return e
}

func (p *parser) factor() *geo.Expr {
	t := p.peek()
	if t.kind == tPunct && (t.text == "-" || t.text == "+") {
		p.next()
		if n := p.peek(); n.kind == tNumber {
			p.next()
			return p.number(n, t.text)
		}
		p.enter()
		defer func() { p.depth-- }()
		e := p.factor()
		if t.text == "+" {
			return e
		}
		return op("*", &geo.Expr{Kind: geo.KindNumber, Num: -1}, e) // as CQL2 JSON writes -x
	}
	return p.operand()
}

func (p *parser) number(t token, sign string) *geo.Expr {
	f, err := strconv.ParseFloat(sign+t.text, 64)
	if err != nil {
		p.fail(t, "%q is not a number", t.text)
	}
	return &geo.Expr{Kind: geo.KindNumber, Num: f}
}

// standard names the standard's functions as CQL2 JSON spells them.
var standard = map[string]string{"casei": "casei", "accenti": "accenti", "a_equals": "a_equals", "a_contains": "a_contains",
	"a_containedby": "a_containedBy", "a_overlaps": "a_overlaps"}

func init() {
	for _, s := range []string{"intersects", "equals", "disjoint", "touches", "within", "overlaps", "crosses", "contains"} {
		standard["s_"+s] = "s_" + s
	}
	for _, s := range []string{"after", "before", "contains", "disjoint", "during", "equals", "finishedBy", "finishes",
		"intersects", "meets", "metBy", "overlappedBy", "overlaps", "startedBy", "starts"} {
		standard["t_"+strings.ToLower(s)] = "t_" + s
	}
}

func (p *parser) operand() *geo.Expr {
	t := p.next()
	switch t.kind {
	case tNumber:
		return p.number(t, "")
	case tString:
		return &geo.Expr{Kind: geo.KindString, Str: t.text}
	case tQuoted:
		return &geo.Expr{Kind: geo.KindProperty, Str: t.text}
	case tPunct:
		if t.text == "(" {
			return p.parens()
		}
		p.fail(t, "expected a value, a property or a function")
	case tEOF:
		p.fail(t, "the filter ends where a value, a property or a function was expected")
	}
	word := strings.ToUpper(t.text)
	switch word {
	case "TRUE", "FALSE":
		return &geo.Expr{Kind: geo.KindBool, Bool: word == "TRUE"}
	case "DATE", "TIMESTAMP":
		if p.peek().text == "(" {
			return p.instant(word)
		}
	case "INTERVAL":
		if p.peek().text == "(" {
			p.next()
			a := p.intervalEnd()
			p.expect(",")
			b := p.intervalEnd()
			p.expect(")")
			return &geo.Expr{Kind: geo.KindInterval, Args: []*geo.Expr{a, b}}
		}
	case "BBOX":
		if p.peek().text == "(" {
			return p.bbox()
		}
	case "POINT", "LINESTRING", "POLYGON", "MULTIPOINT", "MULTILINESTRING", "MULTIPOLYGON", "GEOMETRYCOLLECTION":
		return &geo.Expr{Kind: geo.KindGeometry, Geom: p.geometry(word)}
	}
	if p.peek().kind == tPunct && p.peek().text == "(" {
		p.next()
		name := t.text
		if s, ok := standard[strings.ToLower(name)]; ok {
			name = s
		}
		e := op(name)
		p.enter()
		defer func() { p.depth-- }()
		if !p.accept(")") {
			for {
				e.Args = append(e.Args, p.argument(strings.HasPrefix(name, "a_")))
				if !p.accept(",") {
					break
				}
			}
			p.expect(")")
		}
		return e
	}
	return &geo.Expr{Kind: geo.KindProperty, Str: t.text}
}

// argument reads one argument of a function; those of array functions
// that are in parentheses are arrays, even of one element.
func (p *parser) argument(arrays bool) *geo.Expr {
	if arrays && p.peek().text == "(" && p.peek().kind == tPunct {
		p.next()
		return p.array()
	}
	return p.orExpr()
}

// parens reads what follows "(": an array, or an expression in parentheses.
func (p *parser) parens() *geo.Expr {
	p.enter()
	defer func() { p.depth-- }()
	if p.accept(")") {
		return &geo.Expr{Kind: geo.KindArray}
	}
	e := p.orExpr()
	if p.accept(",") {
		a := &geo.Expr{Kind: geo.KindArray, Args: []*geo.Expr{e}}
		for {
			a.Args = append(a.Args, p.orExpr())
			if !p.accept(",") {
				break
			}
		}
		p.expect(")")
		return a
	}
	p.expect(")")
	return e
}

func (p *parser) array() *geo.Expr {
	a := &geo.Expr{Kind: geo.KindArray}
	p.enter()
	defer func() { p.depth-- }()
	if p.accept(")") {
		return a
	}
	for {
		if p.peek().text == "(" && p.peek().kind == tPunct {
			p.next()
			a.Args = append(a.Args, p.array())
		} else {
			a.Args = append(a.Args, p.orExpr())
		}
		if !p.accept(",") {
			break
		}
	}
	p.expect(")")
	return a
}

func (p *parser) instant(word string) *geo.Expr {
	p.expect("(")
	t := p.next()
	if t.kind != tString {
		p.fail(t, "%s takes a quoted date or time", word)
	}
	p.expect(")")
	e, err := instant(word, t.text)
	if err != nil {
		p.fail(t, "%v", err)
	}
	return e
}

// instant checks a DATE or TIMESTAMP literal's text.
func instant(word, s string) (*geo.Expr, error) {
	if word == "DATE" {
		if _, err := time.Parse("2006-01-02", s); err != nil {
			return nil, fmt.Errorf("DATE(%q) is not a date like 2022-04-16", clip(s))
		}
		return &geo.Expr{Kind: geo.KindDate, Str: s}, nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil || !strings.HasSuffix(s, "Z") {
		return nil, fmt.Errorf("TIMESTAMP(%q) is not a UTC time like 2022-04-16T10:13:19Z", clip(s))
	}
	return &geo.Expr{Kind: geo.KindTimestamp, Str: t.UTC().Format(time.RFC3339Nano)}, nil
}

// intervalInstant checks an instant written as text in an interval and
// writes it as a TIMESTAMP or DATE literal would be.
func intervalInstant(s string) (*geo.Expr, error) {
	word := "TIMESTAMP"
	if !strings.Contains(s, "T") {
		word = "DATE"
	}
	e, err := instant(word, s)
	if err != nil {
		return nil, err
	}
	return &geo.Expr{Kind: geo.KindString, Str: e.Str}, nil
}

// intervalEnd: a quoted instant, '..', a property or a function.
func (p *parser) intervalEnd() *geo.Expr {
	t := p.peek()
	switch {
	case t.kind == tString:
		p.next()
		if t.text == ".." {
			return &geo.Expr{Kind: geo.KindString, Str: ".."}
		}
		e, err := intervalInstant(t.text)
		if err != nil {
			p.fail(t, "%v", err)
		}
		return e
	case p.keyword("DATE") || p.keyword("TIMESTAMP"):
		p.next()
		return p.instant(strings.ToUpper(t.text))
	}
	return p.operand()
}

func (p *parser) coord() float64 {
	t := p.next()
	sign := ""
	if t.kind == tPunct && (t.text == "-" || t.text == "+") {
		sign, t = t.text, p.next()
	}
	if t.kind != tNumber {
		p.fail(t, "expected a coordinate")
	}
	return p.number(t, sign).Num
}

func (p *parser) bbox() *geo.Expr {
	p.expect("(")
	var n []float64
	for {
		n = append(n, p.coord())
		if !p.accept(",") {
			break
		}
	}
	p.expect(")")
	if len(n) != 4 && len(n) != 6 {
		p.fail(p.peek(), "BBOX takes 4 or 6 numbers, not %d", len(n))
	}
	return &geo.Expr{Kind: geo.KindBBox, BBox: n}
}

// point reads "x y [z]", dropping z.
func (p *parser) point() orb.Point {
	pt := orb.Point{p.coord(), p.coord()}
	if t := p.peek(); t.kind == tNumber || t.kind == tPunct && (t.text == "-" || t.text == "+") {
		p.coord()
	}
	return pt
}

func (p *parser) points(min int, what string) []orb.Point {
	if p.accept("EMPTY") {
		return []orb.Point{}
	}
	p.expect("(")
	var pts []orb.Point
	for {
		pts = append(pts, p.point())
		if !p.accept(",") {
			break
		}
	}
	p.expect(")")
	if len(pts) < min {
		p.fail(p.peek(), "a %s needs at least %d points", what, min)
	}
	return pts
}

// list reads "( item, item … )".
func (p *parser) list(item func()) {
	p.expect("(")
	for {
		item()
		if !p.accept(",") {
			break
		}
	}
	p.expect(")")
}

func (p *parser) polygon() orb.Polygon {
	var poly orb.Polygon
	p.list(func() { poly = append(poly, orb.Ring(p.points(4, "polygon ring"))) })
	return poly
}

func (p *parser) geometry(word string) orb.Geometry {
	p.enter()
	defer func() { p.depth-- }()
	p.accept("Z")
	switch word {
	case "POINT":
		p.expect("(")
		pt := p.point()
		p.expect(")")
		return pt
	case "LINESTRING":
		return orb.LineString(p.points(2, "line"))
	case "POLYGON":
		return p.polygon()
	case "MULTIPOINT":
		var mp orb.MultiPoint
		p.list(func() {
			if p.accept("(") {
				mp = append(mp, p.point())
				p.expect(")")
			} else {
				mp = append(mp, p.point())
			}
		})
		return mp
	case "MULTILINESTRING":
		var ml orb.MultiLineString
		p.list(func() { ml = append(ml, orb.LineString(p.points(2, "line"))) })
		return ml
	case "MULTIPOLYGON":
		var mp orb.MultiPolygon
		p.list(func() { mp = append(mp, p.polygon()) })
		return mp
	}
	var c orb.Collection
	p.list(func() {
		t := p.next()
		w := strings.ToUpper(t.text)
		switch w {
		case "POINT", "LINESTRING", "POLYGON", "MULTIPOINT", "MULTILINESTRING", "MULTIPOLYGON":
			c = append(c, p.geometry(w))
		default:
			p.fail(t, "expected a geometry in the GEOMETRYCOLLECTION")
		}
	})
	return c
}

// arity is how many arguments the standard's operators take.
var arity = map[string][2]int{
	"not": {1, 1}, "and": {2, 1 << 30}, "or": {2, 1 << 30}, "=": {2, 2}, "<>": {2, 2}, "<": {2, 2}, "<=": {2, 2},
	">": {2, 2}, ">=": {2, 2}, "like": {2, 2}, "between": {3, 3}, "in": {2, 2}, "isNull": {1, 1},
	"casei": {1, 1}, "accenti": {1, 1}, "+": {2, 2}, "-": {1, 2}, "*": {2, 2}, "/": {2, 2}, "%": {2, 2},
	"div": {2, 2}, "^": {2, 2},
}

// validate checks what both encodings must agree on: operators have their
// number of arguments, and the tree is not too deep.
func validate(e *geo.Expr, depth int) error {
	if depth > MaxDepth {
		return &SyntaxError{0, fmt.Sprintf("the filter nests deeper than %d", MaxDepth)}
	}
	if e.Kind == geo.KindOp {
		n, ok := arity[e.Op]
		if !ok && (strings.HasPrefix(e.Op, "s_") || strings.HasPrefix(e.Op, "t_") || strings.HasPrefix(e.Op, "a_")) {
			n = [2]int{2, 2}
		}
		if n[1] > 0 && (len(e.Args) < n[0] || len(e.Args) > n[1]) {
			return &SyntaxError{0, fmt.Sprintf("%s takes %d argument(s), not %d", e.Op, n[0], len(e.Args))}
		}
	}
	for _, a := range e.Args {
		if err := validate(a, depth+1); err != nil {
			return err
		}
	}
	return nil
}
