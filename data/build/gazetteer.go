package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"path/filepath"
	"sort"
	"strings"

	"github.com/paulmach/orb"

	"planmap/geo"
)

// gazetteer makes places.geojson — the real places a resident may search
// for: named OSM roads, OSM train stations and the Wikidata points — and aliases.json from sources/aliases.csv, checked against the
// features and places. Metro stations, districts and rivers are plan features
// already, so they are not repeated here.
func (b *builder) gazetteer() (places, aliases []byte, err error) {
	var ps []geo.Place
	ids := map[string]bool{}
	add := func(prefix string, p geo.Place) {
		p.ID = prefix + "-" + geo.Pinyin(p.NameZH)
		for n := 2; ids[p.ID]; n++ {
			p.ID = fmt.Sprintf("%s-%s-%d", prefix, geo.Pinyin(p.NameZH), n)
		}
		ids[p.ID] = true
		if d := b.osm.districtAt(p.Point); d != nil {
			p.District = d.name
		}
		ps = append(ps, p)
	}
	for _, name := range sortedKeys(b.osm.roads) {
		add("road", geo.Place{NameZH: name, Kind: "road", Source: "© OpenStreetMap contributors (ODbL)", Point: roadPoint(b.osm.roads[name])})
	}
	wdNames := map[string]bool{}
	for _, q := range sortedKeys(b.wikidata) {
		f := b.wikidata[q]
		p := geo.Place{NameZH: f.Properties.MustString("name", ""), NameEN: f.Properties.MustString("name_en", ""),
			Kind: f.Properties.MustString("category", ""), Source: "Wikidata " + q + " (CC0)"}
		pt, ok := f.Geometry.(orb.Point)
		if !ok || p.NameZH == "" {
			return nil, nil, fmt.Errorf("wikidata %s: want a named point", q)
		}
		p.Point = pt
		wdNames[p.NameZH] = true
		p.ID = "wd-" + strings.ToLower(q)
		ids[p.ID] = true
		if d := b.osm.districtAt(p.Point); d != nil {
			p.District = d.name
		}
		ps = append(ps, p)
	}
	for _, name := range sortedKeys(b.osm.stations) {
		if wdNames[name+"站"] {
			continue
		}
		for _, s := range b.osm.stations[name] {
			if s.kind == "train" {
				pt, err := b.railStation(name)
				if err != nil {
					break // the name is ambiguous: leave it out rather than guess
				}
				add("rail", geo.Place{NameZH: name + "站", Kind: "railway_station", Source: "© OpenStreetMap contributors (ODbL)", Point: pt})
				break
			}
		}
	}
	sort.Slice(ps, func(i, j int) bool { return ps[i].ID < ps[j].ID })
	var buf bytes.Buffer
	buf.WriteString("{\"type\":\"FeatureCollection\",\"features\":[\n")
	for i, p := range ps {
		pb, err := marshal(map[string]any{"type": "Feature", "id": p.ID,
			"geometry":   map[string]any{"type": "Point", "coordinates": round(p.Point, 6)},
			"properties": map[string]any{"name_zh": p.NameZH, "name_en": p.NameEN, "kind": p.Kind, "district": p.District, "source": p.Source}})
		if err != nil {
			return nil, nil, err
		}
		buf.Write(pb)
		if i < len(ps)-1 {
			buf.WriteByte(',')
		}
		buf.WriteByte('\n')
	}
	buf.WriteString("]}\n")

	rows, err := readCSV(filepath.Join(b.src, "aliases.csv"))
	if err != nil {
		return nil, nil, err
	}
	known := map[string]bool{}
	for _, f := range b.features {
		known[f.ID] = true
	}
	as := []geo.Alias{}
	for _, r := range rows {
		a := geo.Alias{Name: r["name"], Target: r["target"], Source: r["source"]}
		if !known[a.Target] && !ids[a.Target] {
			return nil, nil, fmt.Errorf("aliases.csv: %s names unknown feature or place %q", a.Name, a.Target)
		}
		as = append(as, a)
	}
	ab, err := json.MarshalIndent(as, "", "  ")
	if err != nil {
		return nil, nil, err
	}
	return buf.Bytes(), append(ab, '\n'), nil
}

// roadPoint is a vertex of a road near the middle of all its ways, so the
// point lies on the road.
func roadPoint(ways []orb.LineString) orb.Point {
	var all []orb.Point
	for _, w := range ways {
		all = append(all, w...)
	}
	return nearestVertex(all, meanPoint(all))
}

func nearestVertex(ps []orb.Point, c orb.Point) orb.Point {
	best := ps[0]
	for _, p := range ps[1:] {
		if distM(p, c) < distM(best, c) {
			best = p
		}
	}
	return best
}
