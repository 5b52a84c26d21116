package main

import (
	"fmt"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"planmap/geo"
)

var (
	reYearPrefix = regexp.MustCompile(`^(20\d\d)\s*[:：]\s*`)
	reBy         = regexp.MustCompile(`\s*by (20\d\d)`)
	reParen      = regexp.MustCompile(`\s*\(([^()]*)\)`)
	reNumber     = regexp.MustCompile(`([0-9]+(?:\.[0-9]+)?)`)
	reUnit       = regexp.MustCompile(`^\s*(万标箱|标箱|万人次|万吨/日|万吨|吨/日|吨/小时|万个|万m²|万人|公里|座|处|条|个|项|家|%|m³/s|km)`)
)

// parseTargets turns the catalogue's targets column, e.g.
// "2025: 年旅客吞吐量4200万人次; 货邮吞吐量40万吨", into structured targets.
func parseTargets(s string) []geo.Target {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil
	}
	year := 0
	if m := reYearPrefix.FindStringSubmatch(s); m != nil {
		year, _ = strconv.Atoi(m[1])
		s = s[len(m[0]):]
	}
	var out []geo.Target
	for _, part := range strings.FieldsFunc(s, func(r rune) bool { return r == ';' || r == '；' }) {
		y := year
		planPeriod := false
		// Parenthesised asides: "(plan period)", "(l.928)", baselines.
		for _, m := range reParen.FindAllStringSubmatch(part, -1) {
			if strings.Contains(m[1], "plan period") {
				planPeriod = true
			}
		}
		part = reParen.ReplaceAllString(part, "")
		if m := reBy.FindStringSubmatch(part); m != nil {
			y, _ = strconv.Atoi(m[1])
			part = reBy.ReplaceAllString(part, "")
		}
		if y == 0 && planPeriod {
			y = 2025 // the plan period is 2021–2025
		}
		for _, piece := range strings.FieldsFunc(part, func(r rune) bool { return r == '、' || r == ',' || r == '，' }) {
			piece = strings.TrimSpace(piece)
			if piece == "" {
				continue
			}
			out = append(out, target(piece, y))
		}
	}
	return out
}

func target(text string, year int) geo.Target {
	t := geo.Target{Text: text, Year: year, Metric: text}
	loc := reNumber.FindStringSubmatchIndex(text)
	if loc == nil {
		return t
	}
	v, err := strconv.ParseFloat(text[loc[2]:loc[3]], 64)
	if err != nil {
		return t
	}
	t.Value = &v
	rest := text[loc[3]:]
	unit := ""
	if m := reUnit.FindStringSubmatch(rest); m != nil {
		unit = m[1]
		rest = rest[len(m[0]):]
	}
	t.Unit = unit
	metric := strings.TrimSpace(text[:loc[2]])
	for _, w := range []string{"达到", "约", ">", "≥", "超过"} {
		metric = strings.TrimSpace(strings.TrimSuffix(metric, w))
	}
	if metric == "" {
		metric = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "以上"))
	}
	if metric == "" {
		metric = text
	}
	t.Metric = metric
	return t
}

// extraLinks links plan-wide targets to features where the map_link column
// is empty but the target plainly belongs to one programme (by row number).
var extraLinks = map[int]string{
	63: "grid-world-class-151", 66: "heat-qingshan-network", 67: "heat-qingshan-network",
	74: "wwtp-other-15", 75: "wwtp-other-15", 78: "wtp-other-7", 79: "wtp-other-7",
}

func (b *builder) planTargets() ([]geo.PlanTarget, error) {
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
		t := geo.PlanTarget{ID: fmt.Sprintf("t-%03d", n), Group: m["group"], Metric: m["metric"], Value: m["value"],
			PlanSection: m["section"], Quote: m["source_text"]}
		t.PlanLine, _ = strconv.Atoi(m["plan_line"])
		y := m["year"]
		if k := strings.LastIndexAny(y, "–-"); k >= 0 {
			y = y[k+len(string([]rune(y[k:])[0])):]
		}
		t.Year, _ = strconv.Atoi(strings.TrimSpace(y))
		link := strings.Trim(m["map_link"], "` ")
		if link == "" {
			link = extraLinks[n]
		}
		if link != "" {
			l, ok := layerOf[link]
			if !ok {
				return nil, fmt.Errorf("targets.csv row %d links to unknown feature %s", n, link)
			}
			t.Feature, t.Layer = link, l
		}
		out = append(out, t)
	}
	return out, nil
}
