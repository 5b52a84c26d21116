package main

import (
	"strings"

	"planmap/geo"
)

// A dataset a geometry may come from. Every feature names the ones it
// used, and each layer credits exactly the ones its features used.
type dataset struct {
	name   string // as the feature's source property names it
	credit string // the attribution line maps show
}

const (
	srcOSM      = "osm"
	srcWikidata = "wikidata"
	srcMetroMan = "metroman"
	srcNE       = "naturalearth"
	srcPlan     = "plan" // credited, but not a source of geometry
)

var datasets = map[string]dataset{
	srcOSM:      {"OpenStreetMap (ODbL 1.0)", "© OpenStreetMap contributors (ODbL)"},
	srcWikidata: {"Wikidata (CC0)", "Wikidata (CC0)"},
	srcMetroMan: {"MetroMan MetroMapOpenMiniProgram, Jan 2025 (MIT)", "Metro data: MetroMan MetroMapOpenMiniProgram, © 2019 metromancn (MIT)"},
	srcNE:       {"Natural Earth 1:10m rivers (public domain)", "Made with Natural Earth"},
	srcPlan:     {"", "Plan: 武汉市国民经济和社会发展第十四个五年规划和二〇三五年远景目标纲要"},
}

// datasetOrder is the order credits and sources are listed in.
var datasetOrder = []string{srcPlan, srcOSM, srcMetroMan, srcWikidata, srcNE}

// odbl is the licence planmap's dataset is offered under: it holds data
// derived from OpenStreetMap, so as a database it is shared alike.
var odbl = geo.License{ID: "ODbL-1.0", Title: "Open Database License 1.0",
	URL: "https://opendatacommons.org/licenses/odbl/1-0/"}

// credits lists the attribution lines of a set of datasets, in datasetOrder.
func credits(used map[string]bool) []string {
	var out []string
	for _, k := range datasetOrder {
		if used[k] {
			out = append(out, datasets[k].credit)
		}
	}
	return out
}

// sourceText is the feature's source property: the datasets its geometry
// came from, by name.
func sourceText(used map[string]bool) string {
	var names []string
	for _, k := range datasetOrder {
		if used[k] && datasets[k].name != "" {
			names = append(names, datasets[k].name)
		}
	}
	if len(names) == 0 {
		return "no geometry: the plan names the element; no source places it"
	}
	return strings.Join(names, "; ")
}
