package geo

import "strings"

// PostgreSQL stores neither a NUL character in text nor \u0000 in jsonb, and
// a dataset that planmap check passes must load: every string of a feature,
// its further properties included, is checked for one.

const nulProblem = "contains a NUL character (U+0000), which PostgreSQL cannot store"

// nulIn reports whether a decoded JSON value holds a NUL in a string or key.
func nulIn(v any) bool {
	switch v := v.(type) {
	case string:
		return strings.ContainsRune(v, 0)
	case []any:
		for _, e := range v {
			if nulIn(e) {
				return true
			}
		}
	case map[string]any:
		for k, e := range v {
			if strings.ContainsRune(k, 0) || nulIn(e) {
				return true
			}
		}
	}
	return false
}

// textProblems names the fields of f that hold a NUL.
func textProblems(f Feature) []string {
	var out []string
	for _, s := range [...]struct{ name, v string }{
		{"name_zh", f.NameZH}, {"name_en", f.NameEN}, {"kind", f.Kind}, {"status", f.Status},
		{"plan_section", f.PlanSection}, {"plan_quote", f.PlanQuote}, {"district", f.District},
		{"accuracy", f.Accuracy}, {"source", f.Source},
	} {
		if strings.ContainsRune(s.v, 0) {
			out = append(out, s.name+" "+nulProblem)
		}
	}
	for k, v := range f.Extra {
		if strings.ContainsRune(k, 0) || nulIn(v) {
			out = append(out, "property "+strings.ReplaceAll(k, "\x00", `\u0000`)+" "+nulProblem)
		}
	}
	return out
}

// targetText reports a NUL in any of a target's strings.
func targetText(t Target) bool {
	return nulIn([]any{t.Metric, t.MetricEN, t.Comparator, t.Unit, t.Text, t.Quote})
}
