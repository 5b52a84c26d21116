package geo

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// The JSON writers of served features: encoding/json's output, written
// without reflection (web's page encoder, and targets as text).

// AppendJSONFloat formats a float64 as encoding/json does: like ES6, with an
// exponent only for the very small and the very large.
func AppendJSONFloat(b []byte, f float64) ([]byte, error) {
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

// AppendJSONString quotes s as encoding/json does: with html (its
// default) <, > and & as \u003c, \u003e, \u0026; U+2028 and U+2029
// escaped either way, invalid UTF-8 as U+FFFD.
func AppendJSONString(b []byte, s string, html bool) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	if plainJSON(s, html) { // most text: nothing to escape
		return append(append(b, s...), '"')
	}
	start := 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && (!html || c != '<' && c != '>' && c != '&') {
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

// targetsJSON is jsonText(ts), written field by field: a page of features
// each with a target spent a sixth of its encoding time in reflection.
func targetsJSON(ts []Target) string {
	b := make([]byte, 0, 96*len(ts))
	b = append(b, '[')
	var err error
	for i, t := range ts {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"metric":`...)
		b = AppendJSONString(b, t.Metric, false)
		b = textField(b, "metric_en", t.MetricEN)
		b = textField(b, "comparator", t.Comparator)
		if t.Value != nil {
			b = append(b, `,"value":`...)
			if b, err = AppendJSONFloat(b, *t.Value); err != nil {
				return "" // as jsonText answers what encoding/json refuses
			}
		}
		b = textField(b, "unit", t.Unit)
		b = textField(b, "text", t.Text)
		b = intField(b, "year", t.Year)
		b = intField(b, "plan_line", t.PlanLine)
		b = textField(b, "plan_quote", t.Quote)
		b = append(b, '}')
	}
	return string(append(b, ']'))
}

// textField and intField write an omitempty field.
func textField(b []byte, name, v string) []byte {
	if v == "" {
		return b
	}
	b = append(append(append(b, `,"`...), name...), `":`...)
	return AppendJSONString(b, v, false)
}

func intField(b []byte, name string, v int) []byte {
	if v == 0 {
		return b
	}
	b = append(append(append(b, `,"`...), name...), `":`...)
	return strconv.AppendInt(b, int64(v), 10)
}

// plainJSON reports whether AppendJSONString writes s as it is: ASCII it
// need not escape and valid UTF-8 other than U+2028 and U+2029. The bytes
// are classed through a table, with no branch a byte.
func plainJSON(s string, html bool) bool {
	var seen uint8
	for i := 0; i < len(s); i++ {
		seen |= jsonClass[s[i]]
	}
	if seen&classEscape != 0 || html && seen&classHTML != 0 {
		return false
	}
	return seen&classMulti == 0 || utf8.ValidString(s) && !strings.Contains(s, "\u2028") && !strings.Contains(s, "\u2029")
}

const (
	classEscape = 1 << iota // escaped always: control characters, " and \\
	classHTML               // escaped in HTML mode: <, > and &
	classMulti              // part of a multi-byte character
)

var jsonClass = func() (t [256]uint8) {
	for c := range t {
		switch {
		case c >= utf8.RuneSelf:
			t[c] = classMulti
		case c < 0x20 || c == '"' || c == '\\':
			t[c] = classEscape
		case c == '<' || c == '>' || c == '&':
			t[c] = classHTML
		}
	}
	return t
}()
