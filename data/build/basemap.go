package main

import (
	"fmt"
	"strings"

	"github.com/paulmach/orb"

	"planmap/geo"
)

// The base map's roads and stations: OpenStreetMap as the extracts map it,
// so that a reader can tell where a plan element lies. They are not plan
// elements; their layers are base layers.

// roadClasses names OpenStreetMap's highway classes as a map legend would.
var roadClasses = map[string][2]string{
	"trunk": {"快速路", "expressway"}, "primary": {"主干路", "arterial road"},
	"secondary": {"次干路", "secondary road"}, "tertiary": {"支路", "minor road"},
	"trunk_link": {"快速路匝道", "expressway ramp"}, "primary_link": {"主干路连接道", "arterial link"},
	"secondary_link": {"次干路连接道", "secondary link"},
}

// unnamedRoad is the name of the ways OpenStreetMap gives no name; the web
// map does not label them.
var unnamedRoad = [2]string{"无名道路", "Unnamed road"}

// addBaseRoads adds one feature per road name and class: the OSM ways of
// that name and class, joined where one ends at another's end. The ways
// without a name make one feature per class. Vertices are the ways' own.
func (b *builder) addBaseRoads() {
	type group struct {
		name, class string
		ways        []roadWay
	}
	groups := map[[2]string]*group{}
	var order []*group
	for _, w := range b.osm.ways {
		if _, ok := roadClasses[w.highway]; !ok {
			panic("road way " + fmt.Sprint(w.index) + ": unknown highway class " + w.highway)
		}
		k := [2]string{w.name, w.highway}
		if groups[k] == nil {
			groups[k] = &group{name: w.name, class: w.highway}
			order = append(order, groups[k])
		}
		groups[k].ways = append(groups[k].ways, w)
	}
	for _, g := range order {
		cls := roadClasses[g.class]
		var lines []orb.LineString
		for _, w := range g.ways {
			lines = append(lines, w.geom)
		}
		f := geo.Feature{Layer: "base-roads", Kind: "road_" + g.class, Status: geo.StatusExisting,
			Extra: map[string]any{"highway": g.class, "osm_ways": len(g.ways)}}
		p := placed{rule: "geom", geom: joinLines(lines), accuracy: geo.AccuracySurveyed, used: map[string]bool{srcOSM: true}}
		if g.name == "" {
			f.ID = "osm-road-unnamed-" + strings.ReplaceAll(g.class, "_", "-")
			f.NameZH, f.NameEN = unnamedRoad[0], unnamedRoad[1]
			p.en = fmt.Sprintf("The %d OpenStreetMap ways of class %s (%s) that have no name, as mapped.", len(g.ways), g.class, cls[1])
			p.zh = fmt.Sprintf("OpenStreetMap中无名称的%s（%s）路段%d条，按原样绘制。", cls[0], g.class, len(g.ways))
		} else {
			// The id is the extract's index of the road's first way: stable
			// while the extract is, and ASCII as ids must be.
			f.ID = fmt.Sprintf("osm-road-%d", g.ways[0].index)
			f.NameZH = g.name // OpenStreetMap's name; the extract has no English names
			p.en = fmt.Sprintf("The %d OpenStreetMap ways named %s of class %s (%s), as mapped, joined where one ends at another.", len(g.ways), g.name, g.class, cls[1])
			p.zh = fmt.Sprintf("OpenStreetMap中名为%s的%s（%s）路段%d条，按原样绘制，首尾相接处连为一线。", g.name, cls[0], g.class, len(g.ways))
		}
		setPlaced(&f, p, "")
		f.District = b.districtOf(f.Geometry)
		b.add(f, p.used)
	}
}

// joinLines chains lines that meet end to end where exactly two of them meet,
// so that a road's name fits along it; it adds, moves and drops no vertex.
// One line stays a LineString.
func joinLines(ls []orb.LineString) orb.Geometry {
	ends := map[orb.Point][]int{}
	for i, l := range ls {
		ends[l[0]] = append(ends[l[0]], i)
		ends[l[len(l)-1]] = append(ends[l[len(l)-1]], i)
	}
	used := make([]bool, len(ls))
	// next is the one other unused line at p, if p joins exactly two lines.
	next := func(p orb.Point) int {
		at := ends[p]
		if len(at) != 2 {
			return -1
		}
		for _, j := range at {
			if !used[j] {
				return j
			}
		}
		return -1
	}
	var out orb.MultiLineString
	for i := range ls {
		if used[i] {
			continue
		}
		used[i] = true
		chain := append(orb.LineString{}, ls[i]...)
		for grow := true; grow; {
			grow = false
			if j := next(chain[len(chain)-1]); j >= 0 {
				used[j], grow = true, true
				l := ls[j]
				if l[0] != chain[len(chain)-1] {
					l = reversedLine(l)
				}
				chain = append(chain, l[1:]...)
			}
			if j := next(chain[0]); j >= 0 {
				used[j], grow = true, true
				l := ls[j]
				if l[len(l)-1] != chain[0] {
					l = reversedLine(l)
				}
				chain = append(append(orb.LineString{}, l[:len(l)-1]...), chain...)
			}
		}
		out = append(out, chain)
	}
	if len(out) == 1 {
		return out[0]
	}
	return out
}

func reversedLine(l orb.LineString) orb.LineString {
	out := make(orb.LineString, len(l))
	for i, p := range l {
		out[len(l)-1-i] = p
	}
	return out
}

// stationKinds are the OSM station values the base map shows, as kinds.
// Metro stations are not among them: the metro-stations layer draws them
// from MetroMan's list.
var stationKinds = map[string]string{"train": "railway_station", "tram_stop": "tram_stop", "tram": "tram_stop"}

// addBaseStations adds the OSM rail stations and tram stops in Wuhan's
// districts, each once: a station mapped as several points keeps its first.
// A "train" station that shares its name with a MetroMan station within
// 500 m is that metro station (OSM tags some of line 1's so) and is left to
// the metro-stations layer.
func (b *builder) addBaseStations() {
	type seen struct {
		kind string
		p    orb.Point
	}
	kept := map[string][]seen{}
	for _, s := range b.osm.named {
		kind, ok := stationKinds[s.kind]
		if !ok {
			continue
		}
		d := b.osm.districtAt(s.p)
		if d == nil {
			continue
		}
		if m := b.stByName[s.name]; m != nil && kind == "railway_station" && distM(m.p, s.p) < 500 {
			continue
		}
		dup := false
		for _, k := range kept[s.name] {
			dup = dup || (k.kind == kind && distM(k.p, s.p) < 1000)
		}
		if dup {
			continue
		}
		kept[s.name] = append(kept[s.name], seen{kind, s.p})
		en, zh := "railway station", "火车站"
		if kind == "tram_stop" {
			en, zh = "tram stop", "有轨电车站"
		}
		f := geo.Feature{ID: fmt.Sprintf("osm-station-%d", s.index), Layer: "base-rail-stations", NameZH: s.name,
			Kind: kind, Status: geo.StatusExisting, District: d.name, Extra: map[string]any{"station": s.kind}}
		p := placed{rule: "geom", geom: s.p, accuracy: geo.AccuracySurveyed, used: map[string]bool{srcOSM: true},
			en: fmt.Sprintf("The %s %s as OpenStreetMap maps it.", en, s.name),
			zh: fmt.Sprintf("取自OpenStreetMap的%s%s。", zh, s.name)}
		setPlaced(&f, p, "")
		b.add(f, p.used)
	}
}
