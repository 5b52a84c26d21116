package main

import (
	"fmt"
	"strings"

	"github.com/paulmach/orb"

	"planmap/geo"
)

const (
	srcDataV    = "DataV GeoAtlas 420100_full (GCJ-02, converted to WGS84 with geo.GCJ02ToWGS84; no open licence)"
	srcMetroman = "MetroMan MetroMapOpenMiniProgram wh.js, Jan 2025 (MIT, (c) 2019 metromancn); GCJ-02 converted to WGS84"
	srcNE       = "Natural Earth 1:10m rivers_lake_centerlines (public domain)"
)

func (b *builder) addDistricts() {
	for _, d := range b.districts {
		r := b.byID[d.id]
		f := b.common(r)
		f.Layer = "districts"
		f.Geometry = d.geom
		f.Accuracy = geo.AccuracySurveyed
		f.Source = srcDataV
		f.District = d.name
		f.Extra["adcode"] = d.adcode
		f.Extra["label_point"] = []float64{round6(d.label[0]), round6(d.label[1])}
		b.add(f)
	}
}

func (b *builder) addBase() {
	names := map[string][2]string{"yangtze": {"长江", "Yangtze River"}, "han": {"汉江", "Han River"}}
	qid := map[string]string{"yangtze": "Q5413", "han": "Q875573"}
	for _, key := range []string{"yangtze", "han"} {
		n := names[key]
		b.add(geo.Feature{ID: "river-" + key, Layer: "rivers", NameZH: n[0], NameEN: n[1], Kind: "river",
			Status: geo.StatusExisting, Accuracy: geo.AccuracyApproximate,
			Source:   srcNE + "; centreline good to about 1 km, use at overview zooms (z<=10)",
			Geometry: b.rivers[key], Extra: map[string]any{"wikidata": qid[key], "max_zoom_hint": 10}})
	}
	for _, q := range sortedKeys(b.wikidata) {
		f := b.wikidata[q]
		if f.Properties.MustString("category", "") != "lake" {
			continue
		}
		p := f.Geometry.(orb.Point)
		name := f.Properties.MustString("name", "")
		slug := lakeIDs[q]
		if slug == "" {
			panic("lake " + q + " needs an id")
		}
		ft := geo.Feature{ID: "lake-" + slug,
			Layer: "lakes", NameZH: name, NameEN: f.Properties.MustString("name_en", ""), Kind: "lake",
			Status: geo.StatusExisting, Accuracy: geo.AccuracyApproximate,
			Source:   "Wikidata " + q + " (CC0), label point only",
			Geometry: p, Extra: map[string]any{"wikidata": q}}
		if note := f.Properties.MustString("precision_note", ""); note != "" {
			ft.Extra["precision_note"] = note
		}
		if d := b.districtAt(p); d != nil {
			ft.District = d.name
		}
		b.add(ft)
	}
}

var lakeIDs = map[string]string{"Q845631": "donghu", "Q11140408": "shahu", "Q7375245": "nanhu",
	"Q11136307": "tangxunhu", "Q28832397": "moshuihu", "Q10907332": "nantaizihu"}

func round6(v float64) float64 { return round(orb.Point{v, 0}, 6).(orb.Point)[0] }

var lineIDs = map[string]string{"阳逻线": "yangluo", "光谷空轨旅游线": "optics-valley-skyrail"}

func lineSlug(name string) string {
	if s, ok := lineIDs[name]; ok {
		return s
	}
	return "line-" + strings.TrimSuffix(name, "号线")
}

func (b *builder) addMetro() {
	for _, l := range b.lines {
		id := "metro-2025-" + lineSlug(l.name)
		nameEN := l.nameEN
		from, to := b.stations[l.stations[0]].name, b.stations[l.stations[len(l.stations)-1]].name
		f := geo.Feature{ID: id, Layer: "metro-lines", NameZH: "武汉地铁" + l.name, NameEN: "Wuhan Metro " + nameEN,
			Kind: "metro_line", Status: geo.StatusExisting, Accuracy: geo.AccuracySchematic,
			Source:   srcMetroman + "; straight segments between stations, not the track",
			Geometry: l.geom,
			Extra: map[string]any{"color": l.color, "network": "2025", "line": l.name, "from": from, "to": to,
				"station_count": len(l.stations)}}
		b.add(f)
	}
	for _, s := range b.stations {
		lines := make([]string, len(s.lines))
		copy(lines, s.lines)
		f := geo.Feature{ID: "station-" + s.py, Layer: "metro-stations", NameZH: s.name,
			NameEN: pinyinTitle(s.py), Kind: "metro_station", Status: geo.StatusExisting,
			Accuracy: geo.AccuracySurveyed, Source: srcMetroman, Geometry: s.p,
			Extra: map[string]any{"lines": lines, "transfer": s.transfer, "metroman_id": s.id}}
		if d := b.districtAt(s.p); d != nil {
			f.District = d.name
		}
		b.add(f)
	}
}

func pinyinTitle(py string) string {
	if py == "" {
		return ""
	}
	return strings.ToUpper(py[:1]) + py[1:]
}

var _ = fmt.Sprint
