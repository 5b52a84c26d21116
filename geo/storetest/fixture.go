// Package storetest is the contract every geo.Store must keep: one suite,
// run against the embedded store and PostGIS alike, over a small fixture
// dataset whose answers can be worked out independently.
package storetest

import (
	"fmt"
	"time"

	"github.com/paulmach/orb"

	"planmap/data"
	"planmap/geo"
)

// Fixture layer ids and feature counts.
const (
	LayerAreas  = "areas"
	LayerLines  = "lines"
	LayerPoints = "points"
	GridPoints  = 250 // points in a regular grid, more than two default pages
)

// The fixture layers' credits.
const (
	CreditAreas  = "© Survey <Wuhan> & Partners"
	CreditShared = "Wikidata (CC0)"
	CreditLines  = "MetroMan MetroMapOpenMiniProgram, © 2019 metromancn, MIT License"
)

// Base time of the fixture's Updated stamps; point i is updated i days later.
var Base = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// Guanggu is 光谷广场, inside the fixture's area polygon.
var Guanggu = orb.Point{114.398, 30.505}

func feature(layer, id, zh, en, kind, status string, g orb.Geometry) geo.Feature {
	acc := geo.AccuracyApproximate
	if g == nil {
		acc = geo.AccuracyUnknown
	}
	return geo.Feature{ID: id, Layer: layer, NameZH: zh, NameEN: en, Kind: kind, Status: status,
		PlanSection: "第二十八节 / 专栏18", PlanLine: 100, PlanQuote: "fixture",
		District: "洪山区", Accuracy: acc, Source: "storetest fixture", Updated: Base, Geometry: g}
}

// Fixture returns the contract dataset.
func Fixture() *data.Dataset {
	// Credits: areas have a licence and two sources (one with characters HTML
	// must escape), lines a source they share with areas and one of their
	// own, points neither, as in a dataset from before credits.
	ds := &data.Dataset{Layers: []geo.Layer{
		{ID: LayerAreas, TitleZH: "区域", TitleEN: "Areas", Theme: "structure", GeometryType: "Polygon", Order: 1,
			License:     &geo.License{ID: "ODbL-1.0", Title: "Open Database License 1.0", URL: "https://opendatacommons.org/licenses/odbl/1-0/"},
			Attribution: []string{CreditAreas, CreditShared}},
		{ID: LayerLines, TitleZH: "线路", TitleEN: "Lines", Theme: "transport", GeometryType: "LineString", Order: 2,
			Attribution: []string{CreditShared, CreditLines}},
		{ID: LayerPoints, TitleZH: "设施", TitleEN: "Points", Theme: "water", GeometryType: "Point", Order: 3},
	}}
	square := orb.Polygon{{{114.38, 30.48}, {114.42, 30.48}, {114.42, 30.52}, {114.38, 30.52}, {114.38, 30.48}}}
	donut := orb.Polygon{
		{{114.10, 30.70}, {114.20, 30.70}, {114.20, 30.80}, {114.10, 30.80}, {114.10, 30.70}},
		{{114.14, 30.74}, {114.16, 30.74}, {114.16, 30.76}, {114.14, 30.76}, {114.14, 30.74}},
	}
	area := feature(LayerAreas, "guanggu-area", "光谷副城", "Optics Valley Sub-centre", "sub_centre", geo.StatusPlanned, square)
	area.Targets = []geo.Target{{Metric: "GDP", Value: ptr(1.5), Unit: "万亿元", Year: 2025, Text: "1.5万亿元"},
		{Metric: "企业", MetricEN: "Firms", Comparator: "≥", Value: ptr(200), Unit: "家", Text: "200家以上",
			PlanLine: 328, Quote: "建成200家以上"}}
	area.Extra = map[string]any{"name_plan": "光谷副城区"}
	// The lines carry further properties of every JSON type (ExtraTypes
	// says what each one's type is over both lines).
	lineA := feature(LayerLines, "line-a", "一号线", "Line A", "metro_line", geo.StatusExisting,
		orb.LineString{{114.30, 30.50}, {114.30, 30.60}})
	lineA.Extra = map[string]any{"stations": 12.0, "length_km": 20.0, "via": []any{"1号线", "2号线"},
		"operator": map[string]any{"name": "武汉地铁", "since": 2004.0}, "driverless": false, "code": "A"}
	lineB := feature(LayerLines, "line-b", "二号线", "Line B", "metro_line", geo.StatusPlanned,
		orb.MultiLineString{{{114.0, 30.0}, {114.1, 30.1}}, {{114.5, 30.5}, {114.6, 30.4}}})
	lineB.Extra = map[string]any{"stations": nil, "length_km": 35.5, "via": []any{}, "driverless": true,
		"code": 2.0, "never": nil, "riders": 5e9}
	ds.Features = append(ds.Features, area,
		feature(LayerAreas, "donut-lake", "环湖", "Ring Lake", "lake", geo.StatusExisting, donut), lineA, lineB)
	for i := 0; i < GridPoints; i++ {
		p := orb.Point{114.0 + float64(i%25)*0.02, 30.3 + float64(i/25)*0.02}
		kind, status, district := "pump_station", geo.StatusPlanned, "洪山区"
		if i%2 == 1 {
			kind, status, district = "port", geo.StatusExisting, "江夏区"
		}
		f := feature(LayerPoints, fmt.Sprintf("p-%03d", i), fmt.Sprintf("泵站%03d", i),
			fmt.Sprintf("Pump %03d", i), kind, status, p)
		f.District = district
		f.Updated = Base.AddDate(0, 0, i)
		// The plan's three years in turn (geo.InPlan).
		f.Extra = map[string]any{"plan_year": []float64{2020, 2025, 2035}[i%3]}
		// Properties that only features past the first pages have.
		if i >= 200 {
			f.Extra["capacity"] = float64(i)
		}
		if i == GridPoints-1 {
			f.Extra["late_note"] = "最后一个"
		}
		ds.Features = append(ds.Features, f)
	}
	unknown := feature(LayerPoints, "p-unknown", "未知泵站", "Unknown pump", "pump_station", geo.StatusPlanned, nil)
	unknown.District = ""
	ds.Features = append(ds.Features, unknown,
		feature(LayerPoints, "yangluo", "阳逻", "Yangluo", "port", geo.StatusExisting, orb.Point{114.55, 30.66}),
		feature(LayerPoints, "yangluo-port", "阳逻港", "Yangluo Port", "port", geo.StatusExpansion, orb.Point{114.56, 30.67}),
		feature(LayerPoints, "xin-yangluo", "新阳逻码头", "New Yangluo Wharf", "port", geo.StatusPlanned, orb.Point{114.57, 30.68}),
	)
	ds.Aliases = []geo.Alias{{Name: "光谷", Target: "guanggu-area", Source: "fixture"},
		{Name: "Yangluo Harbour", Target: "yangluo-port", Source: "fixture"},
		{Name: "江滩", Target: "jiangtan", Source: "fixture"}}
	ds.Places = []geo.Place{
		{ID: "jiangtan", NameZH: "汉口江滩", NameEN: "Hankou Riverside Park", Kind: "park", District: "江岸区", Source: "fixture", Point: orb.Point{114.30, 30.59}},
		{ID: "zhongshan-road", NameZH: "中山大道", Kind: "road", District: "江汉区", Source: "fixture", Point: orb.Point{114.28, 30.58}},
		{ID: "yangluo-street", NameZH: "阳逻街", Kind: "road", District: "新洲区", Source: "fixture", Point: orb.Point{114.55, 30.665}},
	}
	// Each field set somewhere, a comparator and a target without a figure among them.
	ds.Targets = []geo.PlanTarget{
		{ID: "t-port", Group: "交通", Target: geo.Target{Metric: "集装箱吞吐量", MetricEN: "Container throughput",
			Comparator: "约", Value: ptr(300), Unit: "万标箱", Text: "约300万标箱", Year: 2025, PlanLine: 824,
			Quote: "其中阳逻港约300万标箱"}, PlanSection: "第二十六节", Feature: "yangluo-port", Layer: LayerPoints},
		{ID: "t-gdp", Group: "经济", Target: geo.Target{Metric: "GDP", Value: ptr(2.5), Unit: "万亿元", Text: "2.5万亿元", Year: 2025}},
		{ID: "t-lakes", Group: "水", Target: geo.Target{Metric: "Ⅴ类湖泊", Text: "基本消除", Year: 2025}},
	}
	return ds
}

func ptr(f float64) *float64 { return &f }

// ExtraTypes is the type each further property of the fixture has over its
// layer, worked out by hand.
var ExtraTypes = map[string]map[string]string{
	LayerAreas: {"name_plan": geo.TypeString},
	LayerLines: {"stations": geo.TypeInteger, "length_km": geo.TypeNumber, "via": geo.TypeArray,
		"operator": geo.TypeObject, "driverless": geo.TypeBoolean, "code": geo.TypeString,
		"never": geo.TypeNull, "riders": geo.TypeNumber},
	LayerPoints: {"capacity": geo.TypeInteger, "late_note": geo.TypeString, "plan_year": geo.TypeInteger},
}
