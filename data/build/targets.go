package main

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"planmap/geo"
)

// Targets come from two files of data/sources, each row read from the plan's
// text (plan.md) and checked against it:
//
//   - feature_targets.csv: targets the plan states of one element, such as the
//     airport's passengers or a programme's own count ("等 30 座泵站");
//   - targets.csv: the plan-wide targets, linked (map_link) to a feature only
//     where the plan's sentence is about that element or programme.
//
// Both share the columns metric, metric_en, comparator, value, unit, text
// (the plan's wording of the value), year ("2025" or "2021–2025"), plan_line
// and quote (verbatim from that line).

// comparatorWords are the plan's words for each comparator, longest first so
// that 不超过 is read before 超过.
var comparatorWords = []struct{ word, cmp string }{
	{"不低于", "≥"}, {"不少于", "≥"}, {"不超过", "≤"}, {"不高于", "≤"},
	{"以上", "≥"}, {"以下", "≤"}, {"以内", "≤"}, {"超过", ">"}, {"突破", ">"},
	{"低于", "<"}, {"少于", "<"}, {"左右", "约"}, {"约", "约"},
	{"≥", "≥"}, {"≤", "≤"}, {">", ">"}, {"<", "<"},
}

// comparatorsIn lists the comparators that the words of s name.
func comparatorsIn(s string) []string {
	var out []string
	for _, w := range comparatorWords {
		if strings.Contains(s, w.word) {
			out = append(out, w.cmp)
			s = strings.ReplaceAll(s, w.word, "")
		}
	}
	return out
}

// unspaced drops spaces: the plan sets figures off by spaces in some
// chapters and not in others ("40%以上", "40% 以上").
func unspaced(s string) string { return strings.ReplaceAll(s, " ", "") }

// readPlan returns the plan's lines; line n is lines[n-1].
func readPlan(src string) ([]string, error) {
	b, err := os.ReadFile(filepath.Join(src, "plan.md"))
	if err != nil {
		return nil, err
	}
	return strings.Split(string(b), "\n"), nil
}

// readTarget reads one row of a target file and checks it against the plan:
// the quote is on the line, the text is in the quote, the figure and unit are
// the text's, every comparator word of the quote (outside the metric's own,
// as in 三级以上堤防) is the comparator and a comparator has its word there.
func readTarget(m map[string]string, plan []string) (geo.Target, error) {
	t := geo.Target{Metric: m["metric"], MetricEN: m["metric_en"], Comparator: m["comparator"], Unit: m["unit"],
		Text: m["text"], Quote: m["quote"]}
	var err error
	if t.PlanLine, err = strconv.Atoi(m["plan_line"]); err != nil || t.PlanLine < 1 || t.PlanLine > len(plan) {
		return t, fmt.Errorf("plan_line %q is not a line of plan.md", m["plan_line"])
	}
	y := m["year"]
	if k := strings.LastIndex(y, "–"); k >= 0 { // a period is due at its end
		y = y[k+len("–"):]
	}
	if t.Year, err = strconv.Atoi(y); err != nil || t.Year < 2000 || t.Year > 2035 {
		return t, fmt.Errorf("year %q is neither a year nor a period such as 2021–2025", m["year"])
	}
	if err := t.Check(); err != nil {
		return t, err
	}
	line := plan[t.PlanLine-1]
	switch {
	case t.Quote == "" || !strings.Contains(line, t.Quote):
		return t, fmt.Errorf("quote %q is not on plan line %d", t.Quote, t.PlanLine)
	case t.Text == "" || !strings.Contains(t.Quote, t.Text):
		return t, fmt.Errorf("text %q is not in the quote %q", t.Text, t.Quote)
	}
	for _, r := range t.Metric {
		if (unicode.IsLetter(r) || unicode.IsDigit(r)) && !strings.ContainsRune(line, r) {
			return t, fmt.Errorf("metric %q has %q, which plan line %d does not", t.Metric, r, t.PlanLine)
		}
	}
	if v := m["value"]; v != "" {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil {
			return t, fmt.Errorf("value %q is not a number", v)
		}
		t.Value = &f
		if !strings.Contains(unspaced(t.Text), v+t.Unit) {
			return t, fmt.Errorf("text %q does not give %s%s", t.Text, v, t.Unit)
		}
	} else if t.Unit != "" {
		return t, fmt.Errorf("unit %q without a value", t.Unit)
	}
	words := comparatorsIn(strings.Replace(unspaced(t.Quote), unspaced(t.Metric), "", 1))
	for _, c := range words {
		if c != t.Comparator {
			return t, fmt.Errorf("the quote says %s (%q) but the comparator is %q", c, t.Quote, t.Comparator)
		}
	}
	if t.Comparator != "" && t.Comparator != "=" && len(words) == 0 {
		return t, fmt.Errorf("comparator %q, but the quote %q has no word for it", t.Comparator, t.Quote)
	}
	return t, nil
}

// readFeatureTargets reads src/feature_targets.csv: the targets of each
// feature id, in file order.
func readFeatureTargets(src string) (map[string][]geo.Target, error) {
	plan, err := readPlan(src)
	if err != nil {
		return nil, err
	}
	recs, err := readCSV(filepath.Join(src, "feature_targets.csv"))
	if err != nil {
		return nil, err
	}
	out := map[string][]geo.Target{}
	for i, m := range recs {
		t, err := readTarget(m, plan)
		if err == nil && m["feature"] == "" {
			err = fmt.Errorf("no feature")
		}
		if err != nil {
			return nil, fmt.Errorf("feature_targets.csv row %d: %v", i+1, err)
		}
		out[m["feature"]] = append(out[m["feature"]], t)
	}
	return out, nil
}

// cityWide are words that make a figure the city's rather than one site's: a
// scope (全市, 建成区 …), or a measure of a whole system (rates, capacities,
// coverage, pipe networks). The plan often gives such a figure beside the
// projects that serve it (集中供热制冷能力 after the heat sources), which
// does not make it theirs.
var cityWide = []string{"全市", "全社会", "全域", "全国", "建成区", "中心城区", "新城区", "城区", "城镇", "农村",
	"率", "能力", "覆盖", "可靠性", "管网", "管道"}

// checkOwn checks that a feature target is stated of the feature: on the
// plan line that names it (line, from the catalogue) and not city-wide.
func checkOwn(t geo.Target, line int) error {
	if t.PlanLine != line {
		return fmt.Errorf("%s: the target is on plan line %d, the feature on line %d", t.Metric, t.PlanLine, line)
	}
	for _, w := range cityWide {
		if strings.Contains(t.Quote, w) {
			return fmt.Errorf("%s: %q is said of the city (%s), not of one element", t.Metric, t.Quote, w)
		}
	}
	return nil
}

func sameFigure(a, b geo.Target) bool {
	return a.Comparator == b.Comparator && a.Unit == b.Unit &&
		(a.Value == nil) == (b.Value == nil) && (a.Value == nil || *a.Value == *b.Value)
}

// planTargets reads targets.csv and checks the feature targets: each names a
// catalogue feature and is its own (checkOwn); a plan-wide target due after
// 2020 links to a feature only if the feature has that figure, and a figure a
// feature has links the plan-wide target on its line to it.
func (b *builder) planTargets() ([]geo.PlanTarget, error) {
	for id, ts := range b.ftargets {
		r := b.byID[id]
		if r == nil {
			return nil, fmt.Errorf("feature_targets.csv: unknown feature %s", id)
		}
		for _, t := range ts {
			if err := checkOwn(t, r.PlanLine); err != nil {
				return nil, fmt.Errorf("feature_targets.csv: %s: %v", id, err)
			}
		}
	}
	plan, err := readPlan(b.src)
	if err != nil {
		return nil, err
	}
	recs, err := readCSV(filepath.Join(b.src, "targets.csv"))
	if err != nil {
		return nil, err
	}
	layerOf := map[string]string{}
	for _, f := range b.features {
		layerOf[f.ID] = f.Layer
	}
	var out []geo.PlanTarget
	for i, m := range recs {
		n := i + 1
		t, err := readTarget(m, plan)
		if err != nil {
			return nil, fmt.Errorf("targets.csv row %d: %v", n, err)
		}
		pt := geo.PlanTarget{ID: fmt.Sprintf("t-%03d", n), Group: m["group"], Target: t, PlanSection: m["section"]}
		if link := m["map_link"]; link != "" {
			l, ok := layerOf[link]
			if !ok {
				return nil, fmt.Errorf("targets.csv row %d links to unknown feature %s", n, link)
			}
			if t.Year > 2020 && !slices.ContainsFunc(b.ftargets[link], func(ft geo.Target) bool { return sameFigure(ft, t) }) {
				return nil, fmt.Errorf("targets.csv row %d links to %s, which has no target %s", n, link, t.Text)
			}
			pt.Feature, pt.Layer = link, l
		}
		for id, fts := range b.ftargets {
			for _, ft := range fts {
				if ft.PlanLine == t.PlanLine && sameFigure(ft, t) && pt.Feature != id {
					return nil, fmt.Errorf("targets.csv row %d (%s %s) is %s's target: link it", n, t.Metric, t.Text, id)
				}
			}
		}
		out = append(out, pt)
	}
	return out, nil
}
