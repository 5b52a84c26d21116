// Package geo holds planmap's domain: layers and features of the plan, the
// Store interface every backend implements, validation and coordinate systems.
package geo

import (
	"time"

	"github.com/paulmach/orb"
)

// Status values, as the plan's verbs give them (see the catalogue's conventions).
const (
	StatusExisting          = "existing"
	StatusUnderConstruction = "under_construction"
	StatusPlanned           = "planned"
	StatusExpansion         = "expansion"
	StatusUpgrade           = "upgrade"
)

// Statuses lists every known status in display order.
var Statuses = []string{StatusExisting, StatusUnderConstruction, StatusPlanned, StatusExpansion, StatusUpgrade}

// Accuracy values: how far a feature's geometry can be trusted.
const (
	AccuracySurveyed    = "surveyed"    // from a mapped source (OSM, Wikidata, metro data), within ~200 m
	AccuracyApproximate = "approximate" // a site a primary source names, within ~2 km
	AccuracyIndicative  = "indicative"  // by a stated rule or a description; shape and place may be off by more
	AccuracyDistrict    = "district"    // drawn as the district(s) it lies in; nothing finer is known
	AccuracyUnknown     = "unknown"     // no geometry at all
)

// Accuracies lists every known accuracy, best first.
var Accuracies = []string{AccuracySurveyed, AccuracyApproximate, AccuracyIndicative, AccuracyDistrict, AccuracyUnknown}

// Comparator values: how the plan qualifies a target's figure. ≥ stands for
// 以上, 不低于, 不少于; > for 超过, 突破; ≤ for 以下, 不超过; < for 低于; 约 for
// 约, 左右 (about); = for a figure the plan fixes exactly. Empty is a plain figure.
var Comparators = []string{"", "≥", ">", "≤", "<", "=", "约"}

// Target is one goal the plan sets, in the plan's words: Text is its wording
// of the value (e.g. "约300万标箱"), Comparator, Value and Unit the figure read
// from it (约, 300, 万标箱); Value is nil where the plan gives no figure.
type Target struct {
	Metric     string   `json:"metric"`              // as the plan words it
	MetricEN   string   `json:"metric_en,omitempty"` // an English gloss
	Comparator string   `json:"comparator,omitempty"`
	Value      *float64 `json:"value,omitempty"`
	Unit       string   `json:"unit,omitempty"`
	Text       string   `json:"text,omitempty"`
	Year       int      `json:"year,omitempty"` // the year it is due (the end of a period)
	PlanLine   int      `json:"plan_line,omitempty"`
	Quote      string   `json:"plan_quote,omitempty"` // verbatim from that line of the plan
}

// Feature is one mappable element of the plan.
type Feature struct {
	ID          string         `json:"id"`
	Layer       string         `json:"layer"`
	NameZH      string         `json:"name_zh"`
	NameEN      string         `json:"name_en"`
	Kind        string         `json:"kind"`
	Status      string         `json:"status"`
	PlanSection string         `json:"plan_section,omitempty"`
	PlanLine    int            `json:"plan_line,omitempty"`
	PlanQuote   string         `json:"plan_quote,omitempty"`
	Targets     []Target       `json:"targets,omitempty"`
	District    string         `json:"district,omitempty"`
	Accuracy    string         `json:"accuracy"`
	Source      string         `json:"source"`
	Updated     time.Time      `json:"updated"`
	Extra       map[string]any `json:"-"` // further properties, kept as given
	Geometry    orb.Geometry   `json:"-"` // WGS84 lon/lat; nil when the place is unknown
}

// Style holds hints for drawing a layer; the web map and legend read them.
type Style struct {
	Color   string `json:"color,omitempty"`
	Dashed  bool   `json:"dashed,omitempty"`
	Icon    string `json:"icon,omitempty"`
	MinZoom int    `json:"minzoom,omitempty"`
}

// License is the licence a layer's data is offered under.
type License struct {
	ID    string `json:"id"` // an SPDX identifier where there is one, e.g. ODbL-1.0
	Title string `json:"title"`
	URL   string `json:"url"` // absolute http(s)
}

// SameLicense reports whether a and b name the same licence (or both none).
func SameLicense(a, b *License) bool {
	return a == b || (a != nil && b != nil && *a == *b)
}

// Layer is one theme of the plan, served as one OGC collection and one tile layer.
type Layer struct {
	ID            string    `json:"id"`
	TitleZH       string    `json:"title_zh"`
	TitleEN       string    `json:"title_en"`
	DescriptionZH string    `json:"description_zh,omitempty"`
	DescriptionEN string    `json:"description_en,omitempty"`
	Theme         string    `json:"theme"`
	GeometryType  string    `json:"geometry_type"` // Point, LineString, Polygon (Multi* allowed inside)
	Order         int       `json:"order"`
	Base          bool      `json:"base,omitempty"` // a base layer (districts, water), not a plan element
	Style         Style     `json:"style"`
	License       *License  `json:"license,omitempty"`     // nil when the dataset names none
	Attribution   []string  `json:"attribution,omitempty"` // one credit per source the layer draws from; nil when none
	Bounds        orb.Bound `json:"-"`                     // computed from the data
	Count         int       `json:"-"`
	Updated       time.Time `json:"-"` // latest feature update
}

// Themes lists the plan's themes in display order with their bilingual titles.
var Themes = []struct{ ID, ZH, EN string }{
	{"base", "底图", "Base map"},
	{"structure", "空间结构", "Spatial structure"},
	{"transport", "综合交通", "Transport"},
	{"water", "水安全", "Water"},
	{"ecology", "生态", "Ecology"},
	{"energy", "能源", "Energy"},
	{"utilities", "市政设施", "Urban utilities"},
	{"innovation", "科技创新与产业", "Innovation and industry"},
	{"services", "公共服务", "Public services"},
	{"commerce", "商贸物流", "Commerce and logistics"},
}

// PlanTarget is one of the plan's city-wide targets, linked to a feature
// only where the plan states it of that element or programme.
type PlanTarget struct {
	ID    string `json:"id"`
	Group string `json:"group"`
	Target
	PlanSection string `json:"plan_section,omitempty"`
	Feature     string `json:"feature,omitempty"` // id of the linked feature
	Layer       string `json:"layer,omitempty"`   // its layer
}
