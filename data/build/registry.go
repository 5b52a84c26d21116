package main

import (
	"sort"

	"planmap/geo"
)

// A dataset a geometry may come from. Every feature names the ones it
// used, and each layer credits exactly the ones its features used.
type dataset struct {
	key      string
	name     string // as the feature's source property names it
	credit   string // the attribution line maps show
	licence  string // what the dataset is offered under
	provides string // one line for SOURCES.md
}

const (
	srcOSM      = "osm"
	srcWikidata = "wikidata"
	srcMetroMan = "metroman"
	srcNE       = "naturalearth"
	srcPlan     = "plan"
)

var datasets = map[string]dataset{
	srcOSM: {srcOSM, "OpenStreetMap (ODbL 1.0)", "© OpenStreetMap contributors (ODbL)", "ODbL-1.0",
		"districts, main roads of central Wuhan, rail and tram stations, runways and taxiways"},
	srcWikidata: {srcWikidata, "Wikidata (CC0)", "Wikidata (CC0)", "CC0-1.0",
		"83 points: airport, stations, bridges, landmarks, lakes"},
	srcMetroMan: {srcMetroMan, "MetroMan MetroMapOpenMiniProgram, Jan 2025 (MIT)",
		"Metro data: MetroMan MetroMapOpenMiniProgram, © 2019 metromancn (MIT)", "MIT",
		"277 metro stations and the station order of 13 lines (GCJ-02, converted)"},
	srcNE: {srcNE, "Natural Earth 1:10m rivers (public domain)", "Made with Natural Earth", "public domain",
		"Yangtze and Han centrelines"},
	srcPlan: {srcPlan, "武汉市“十四五”规划纲要", "Plan: 武汉市国民经济和社会发展第十四个五年规划和二〇三五年远景目标纲要",
		"public government document", "names, sections, quotes and targets of every element"},
}

// datasetOrder is the order credits are listed in.
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
		if used[k] && k != srcPlan {
			names = append(names, datasets[k].name)
		}
	}
	sort.Strings(names)
	if len(names) == 0 {
		return "no geometry: the plan names the element; no source places it"
	}
	out := names[0]
	for _, n := range names[1:] {
		out += "; " + n
	}
	return out
}
