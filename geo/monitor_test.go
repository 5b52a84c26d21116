package geo

import (
	"math"
	"testing"
)

func TestAssess(t *testing.T) {
	v := func(f float64) *float64 { return &f }
	gdp := PlanTarget{ID: "gdp", Target: Target{Metric: "GDP", Value: v(2.5), Year: 2025}}                   // up from 1.5
	lakes := PlanTarget{ID: "lakes", Target: Target{Metric: "Ⅴ类", Comparator: "≤", Value: v(0), Year: 2025}} // down from 10
	obs := func(id string, vals ...float64) []Observation {
		var out []Observation
		for i, x := range vals {
			out = append(out, Observation{Target: id, Year: BaseYear + i, Value: x, Source: "t"})
		}
		return out
	}
	for _, c := range []struct {
		name     string
		t        PlanTarget
		obs      []Observation
		want     string
		expected float64
	}{
		{"no observations", gdp, nil, NoData, math.NaN()},
		{"baseline only", gdp, obs("gdp", 1.5), NoData, math.NaN()},
		{"no figure", PlanTarget{ID: "x", Target: Target{Metric: "x", Text: "基本消除", Year: 2025}}, obs("x", 1, 2), NoData, math.NaN()},
		{"ahead", gdp, obs("gdp", 1.5, 1.8), OnTrack, 1.7}, // due 1.7 in 2021
		{"exactly due", gdp, obs("gdp", 1.5, 1.7), OnTrack, 1.7},
		{"80 % of due", gdp, obs("gdp", 1.5, 1.67), AtRisk, 1.7},
		{"behind", gdp, obs("gdp", 1.5, 1.6), OffTrack, 1.7},
		{"fell", gdp, obs("gdp", 1.5, 1.4), OffTrack, 1.7},
		{"met early", gdp, obs("gdp", 1.5, 1.6, 1.7, 2.6), OnTrack, 2.1},
		{"down, ahead", lakes, obs("lakes", 10, 7), OnTrack, 8},
		{"down, behind", lakes, obs("lakes", 10, 9), OffTrack, 8},
		{"down, at risk", lakes, obs("lakes", 10, 8.3), AtRisk, 8},
		{"another target's", gdp, obs("other", 1.5, 3), NoData, math.NaN()},
	} {
		got, expected := Assess(c.t, c.obs)
		if got != c.want || !(math.Abs(expected-c.expected) < 1e-9 || math.IsNaN(expected) && math.IsNaN(c.expected)) {
			t.Errorf("%s: %s, expected %v; want %s, %v", c.name, got, expected, c.want, c.expected)
		}
	}
}
