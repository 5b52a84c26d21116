package data

import (
	"os"
	"strings"
	"testing"

	"planmap/geo"
)

// TestTargetQuotesAreThePlans: every target's quote, a feature's or a
// plan-wide one, is verbatim on the line of the plan it names, in the copy of
// the plan's text in sources/plan.md.
func TestTargetQuotesAreThePlans(t *testing.T) {
	b, err := os.ReadFile("sources/plan.md")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(b), "\n")
	check := func(who string, tg geo.Target) {
		t.Helper()
		if tg.PlanLine < 1 || tg.PlanLine > len(lines) || tg.Quote == "" || !strings.Contains(lines[tg.PlanLine-1], tg.Quote) {
			t.Errorf("%s, %s: quote %q is not on plan line %d", who, tg.Metric, tg.Quote, tg.PlanLine)
		}
		if !strings.Contains(tg.Quote, tg.Text) {
			t.Errorf("%s, %s: the wording %q is not in the quote %q", who, tg.Metric, tg.Text, tg.Quote)
		}
	}
	ds := load(t)
	n := 0
	for _, f := range ds.Features {
		for _, tg := range f.Targets {
			check(f.ID, tg)
			n++
		}
	}
	for _, tg := range ds.Targets {
		check(tg.ID, tg.Target)
	}
	if n == 0 || len(ds.Targets) == 0 {
		t.Errorf("%d feature targets and %d plan-wide ones: the check saw nothing", n, len(ds.Targets))
	}
}

// TestCityWideTargetsOnNoSite: the city's figures that once hung on single
// sites (heating capacity on one heat network, the sponge-city share on one
// catchment, hydrogen stations on one corridor, waste capacity on one
// landfill, power self-sufficiency on one plant) are plan-wide and unlinked.
func TestCityWideTargetsOnNoSite(t *testing.T) {
	ds := load(t)
	sites := map[string]string{"heat-qingshan-network": "集中供热制冷能力", "sponge-huangxiao-jichang": "海绵城市",
		"h2-corridor-3rd-ring": "加氢站", "waste-qianzishan": "生活垃圾无害化处理能力", "energy-hanneng-des-ph2": "电力自给率"}
	for _, f := range ds.Features {
		if _, ok := sites[f.ID]; ok && len(f.Targets) > 0 {
			t.Errorf("%s has targets %+v", f.ID, f.Targets)
		}
	}
	found := map[string]bool{}
	for _, tg := range ds.Targets {
		for id, metric := range sites {
			if strings.Contains(tg.Metric, metric) {
				found[id] = true
			}
			if tg.Feature == id {
				t.Errorf("%s (%s) links to %s", tg.ID, tg.Metric, id)
			}
		}
	}
	for id, metric := range sites {
		if !found[id] {
			t.Errorf("no plan-wide target %s (once on %s)", metric, id)
		}
	}
}
