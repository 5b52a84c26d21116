package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"planmap/geo"
)

func plan(t *testing.T) []string {
	t.Helper()
	p, err := readPlan("../sources")
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// target is a row of a target file; edit changes it.
func target(edit func(m map[string]string)) map[string]string {
	m := map[string]string{"metric": "电力自给率", "comparator": "≥", "value": "40", "unit": "%", "text": "40%以上",
		"year": "2021–2025", "plan_line": "892", "quote": "保障电力自给率 40%以上"}
	if edit != nil {
		edit(m)
	}
	return m
}

func TestReadTarget(t *testing.T) {
	p := plan(t)
	got, err := readTarget(target(nil), p)
	if err != nil || got.Comparator != "≥" || got.Value == nil || *got.Value != 40 || got.Year != 2025 {
		t.Fatalf("readTarget = %+v, %v; want ≥ 40 %% due 2025", got, err)
	}
	for _, c := range []struct {
		name string
		edit func(m map[string]string)
		want string // in the error; "" for none
	}{
		{"以上 without ≥", func(m map[string]string) { m["comparator"] = "" }, "says ≥"},
		{"≥ read as >", func(m map[string]string) { m["comparator"] = ">" }, "says ≥"},
		{"a comparator not in geo.Comparators", func(m map[string]string) { m["comparator"] = "~" }, "not one of"},
		{"a comparator with no word for it", func(m map[string]string) {
			m["metric"], m["plan_line"], m["quote"], m["text"], m["value"] = "生活垃圾分类覆盖率", "1014", "生活垃圾分类覆盖率 97%", "97%", "97"
		}, "no word for it"},
		{"约 kept", func(m map[string]string) {
			m["metric"], m["plan_line"], m["quote"], m["text"], m["unit"], m["value"] = "集装箱吞吐量", "824", "其中阳逻港约300万标箱", "约300万标箱", "万标箱", "300"
			m["comparator"] = ""
		}, "says 约"},
		{"不少于 is ≥, not <", func(m map[string]string) {
			m["metric"], m["plan_line"], m["quote"], m["text"], m["unit"], m["value"] = "每万人口全科医师", "1408", "每万人口全科医师不少于 5 人", "不少于 5 人", "人", "5"
		}, ""},
		{"以上 in the metric is not a comparator", func(m map[string]string) {
			m["metric"], m["plan_line"], m["quote"], m["text"], m["value"] = "三级以上堤防防洪达标率", "924", "三级以上堤防防洪达标率 95%", "95%", "95"
			m["comparator"] = ""
		}, ""},
		{"a quote not on the line", func(m map[string]string) { m["plan_line"] = "894" }, "not on plan line 894"},
		{"a quote the plan does not have", func(m map[string]string) { m["quote"] = "保障电力自给率40%以上" }, "not on plan line"},
		{"a line past the plan's end", func(m map[string]string) { m["plan_line"] = "99999" }, "not a line"},
		{"wording not in the quote", func(m map[string]string) { m["text"] = "40%" + "左右" }, "not in the quote"},
		{"a value the wording does not give", func(m map[string]string) { m["value"] = "4" }, "does not give 4%"},
		{"a unit without a value", func(m map[string]string) { m["value"] = "" }, "without a value"},
		{"a metric with words the line lacks", func(m map[string]string) { m["metric"] = "全市电力自给率" }, "which plan line 892 does not"},
		{"no metric", func(m map[string]string) { m["metric"] = "" }, "metric is missing"},
		{"no year", func(m map[string]string) { m["year"] = "plan period" }, "year"},
	} {
		_, err := readTarget(target(c.edit), p)
		if c.want == "" && err != nil || c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)) {
			t.Errorf("%s: error %v, want %q", c.name, err, c.want)
		}
	}
}

func TestComparatorsIn(t *testing.T) {
	for s, want := range map[string]string{"超过 2 万吨": ">", "不超过 2 万吨": "≤", "8%左右": "约", "低于全国平均水平": "<",
		"不低于 5 人": "≥", "突破12000家": ">", "4200万人次": ""} {
		if got := strings.Join(comparatorsIn(s), " "); got != want {
			t.Errorf("comparatorsIn(%q) = %q, want %q", s, got, want)
		}
	}
}

// figure is a target row with a plain figure: metric, value, unit, the plan's
// wording, plan line and quote.
func figure(metric, value, unit, text, line, quote string) map[string]string {
	return map[string]string{"metric": metric, "value": value, "unit": unit, "text": text, "year": "2025",
		"plan_line": line, "quote": quote}
}

// TestCheckOwn: the cases a review found, where a city-wide target hung on a
// single site, are refused; a site's own figures are not.
func TestCheckOwn(t *testing.T) {
	p := plan(t)
	sponge := figure("建成区面积达到海绵城市目标要求", "50", "%", "50%以上", "1020", "建成区 50%以上面积达到海绵城市目标要求")
	sponge["comparator"] = "≥"
	for _, c := range []struct {
		name string
		row  map[string]string
		line int // the feature's plan line
		ok   bool
	}{
		{"the heating capacity on the 青山 network",
			figure("集中供热制冷能力", "4000", "吨/小时", "4000 吨/小时", "914", "集中供热制冷能力达到 4000 吨/小时"), 916, false},
		{"the heating pipes on the 青山 network",
			figure("集中供热管道", "800", "公里", "800 公里", "916", "集中供热管道达到 800 公里"), 916, false},
		{"the sponge-city share on one catchment", sponge, 1020, false},
		{"power self-sufficiency on one plant", target(nil), 892, false},
		{"the airport's passengers",
			figure("年旅客吞吐量", "4200", "万人次", "4200万人次", "820", "天河机场年旅客吞吐量4200万人次"), 820, true},
		{"the pumping-station programme's count",
			figure("新改扩建泵站", "30", "座", "30 座", "942", "新改扩建竹林湖、鲁湖、朱家河、将军路、后湖二期等 30 座泵站"), 942, true},
	} {
		tg, err := readTarget(c.row, p)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if err := checkOwn(tg, c.line); (err == nil) != c.ok {
			t.Errorf("%s: checkOwn = %v, want ok %v", c.name, err, c.ok)
		}
	}
}

// sources writes a sources directory with the real plan and the given
// target files.
func sources(t *testing.T, targets, featureTargets string) string {
	t.Helper()
	dir := t.TempDir()
	b, err := os.ReadFile("../sources/plan.md")
	if err != nil {
		t.Fatal(err)
	}
	head := "metric,metric_en,comparator,value,unit,text,year,plan_line,quote"
	for name, body := range map[string]string{"plan.md": string(b), "targets.csv": "group," + head + ",section,map_link\n" + targets,
		"feature_targets.csv": "feature," + head + "\n" + featureTargets} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// TestPlanTargetLinks: a plan-wide target links to a feature only if the
// feature has its figure, and one that a feature has must link to it.
func TestPlanTargetLinks(t *testing.T) {
	const (
		airport = "airport-tianhe,年旅客吞吐量,,,4200,万人次,4200万人次,2025,820,天河机场年旅客吞吐量4200万人次\n"
		yearly  = "交通,天河机场年旅客吞吐量,,,4200,万人次,4200万人次,2025,820,天河机场年旅客吞吐量4200万人次,第二十六节,"
		cargo   = "交通,天河机场货邮吞吐量,,,40,万吨,40万吨,2025,820,\"天河机场年旅客吞吐量4200万人次,货邮吞吐量40万吨\",第二十六节,"
	)
	for _, c := range []struct {
		name, targets, featureTargets, want string
	}{
		{"linked to the feature with its figure", yearly + "airport-tianhe\n", airport, ""},
		{"not linked to the feature with its figure", yearly + "\n", airport, "is airport-tianhe's target: link it"},
		{"linked to a feature without its figure", cargo + "airport-tianhe\n", airport, "has no target 40万吨"},
		{"linked to an unknown feature", yearly + "airport-nowhere\n", airport, "unknown feature airport-nowhere"},
		{"a feature target of an unknown feature", yearly + "airport-tianhe\n", strings.Replace(airport, "airport-tianhe", "airport-x", 1), "unknown feature airport-x"},
		{"a feature target off the feature's line", "", "airport-tianhe,新增国际航空航线,,,17,条,17条,2025,856,新增17条国际航空航线\n",
			"on plan line 856, the feature on line 820"},
	} {
		src := sources(t, c.targets, c.featureTargets)
		b := &builder{src: src, byID: map[string]*row{"airport-tianhe": {ID: "airport-tianhe", PlanLine: 820}},
			features: []geo.Feature{{ID: "airport-tianhe", Layer: "airports"}}}
		var err error
		if b.ftargets, err = readFeatureTargets(src); err == nil {
			_, err = b.planTargets()
		}
		if c.want == "" && err != nil || c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)) {
			t.Errorf("%s: error %v, want %q", c.name, err, c.want)
		}
	}
}
