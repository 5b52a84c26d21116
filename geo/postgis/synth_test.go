package postgis_test

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/paulmach/orb"

	"planmap/data"
	"planmap/geo"
)

// synthLayers are the point layers of a synthetic dataset: id, theme, kind, Chinese kind name.
var synthLayers = [][4]string{
	{"pump-stations", "water", "pump_station", "泵站"},
	{"ports", "transport", "port", "港区"},
	{"substations", "energy", "substation", "变电站"},
	{"schools", "services", "school", "学校"},
}

var synthDistricts = []string{"江岸区", "江汉区", "硚口区", "汉阳区", "武昌区", "青山区", "洪山区",
	"东西湖区", "汉南区", "蔡甸区", "江夏区", "黄陂区", "新洲区"}

// synth makes a valid dataset of n points spread over the Wuhan extent,
// with planmap-like properties; the same seed gives the same dataset.
func synth(n int, seed uint64) *data.Dataset {
	r := rand.New(rand.NewPCG(seed, 1))
	ds := &data.Dataset{}
	for i, l := range synthLayers {
		ds.Layers = append(ds.Layers, geo.Layer{ID: l[0], TitleZH: l[3], TitleEN: l[0], Theme: l[1],
			GeometryType: "Point", Order: i + 1, Style: geo.Style{Color: "#3366cc", Icon: l[2]}})
	}
	base := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	for k := range synthLayers {
		for i := k; i < n; i += len(synthLayers) {
			ds.Features = append(ds.Features, synthFeature(r, i, synthLayers[k], base))
		}
	}
	count := float64(n)
	ds.Targets = []geo.PlanTarget{{ID: "t-syn", Group: "合成",
		Target: geo.Target{Metric: "数量", Value: &count, Unit: "个", Text: fmt.Sprint(n, "个"), Year: 2035}}}
	return ds
}

func synthFeature(r *rand.Rand, i int, l [4]string, base time.Time) geo.Feature {
	f := geo.Feature{
		ID: fmt.Sprintf("syn-%07d", i), Layer: l[0],
		// Name numbers are random, so that ranking by name length and by id disagree.
		NameZH: fmt.Sprintf("%s%d号", l[3], r.IntN(1+i*3)), NameEN: fmt.Sprintf("%s %d", l[2], i),
		Kind: l[2], Status: geo.Statuses[r.IntN(len(geo.Statuses))],
		PlanSection: "第二十八节 / 专栏18", PlanLine: 1 + r.IntN(3000), PlanQuote: "加快推进排涝泵站建设",
		District: synthDistricts[r.IntN(len(synthDistricts))], Accuracy: geo.AccuracyApproximate,
		Source: "synthetic", Updated: base.Add(time.Duration(i) * time.Minute),
		Geometry: orb.Point{113.68 + r.Float64()*1.4, 29.97 + r.Float64()*1.4},
	}
	if i%50 == 0 {
		v := float64(r.IntN(1000)) / 10
		f.Targets = []geo.Target{{Metric: "capacity", Value: &v, Unit: "m³/s", Year: 2030}}
	}
	if i%10 == 0 {
		f.Extra = map[string]any{"capacity_m3s": float64(r.IntN(500)), "name_plan": fmt.Sprintf("第%d%s", i, l[3])}
	}
	return f
}
