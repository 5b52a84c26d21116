package main

import (
	"fmt"
	"strings"

	"github.com/paulmach/orb"

	"planmap/geo"
)

// setPlaced copies what a rule made onto a feature, with the same property
// keys on every feature: placement texts, uncertainty and evidence are null
// where there is nothing to say.
func setPlaced(f *geo.Feature, p placed, evidence string) {
	f.Geometry, f.Accuracy, f.Source = p.geom, p.accuracy, sourceText(p.used)
	if f.Extra == nil {
		f.Extra = map[string]any{}
	}
	f.Extra["placement_rule"], f.Extra["placement_en"], f.Extra["placement_zh"] = p.rule, p.en, p.zh
	f.Extra["uncertainty_m"] = nil
	if p.uncertaintyM > 0 {
		f.Extra["uncertainty_m"] = int(p.uncertaintyM)
	}
	f.Extra["evidence"] = nil
	if evidence != "" {
		f.Extra["evidence"] = evidence
	}
}

func (b *builder) addDistricts() {
	for _, d := range b.osm.districts {
		f := b.common(b.byID[d.id])
		f.Layer, f.District = "districts", d.name
		p, _ := b.apply(placement{rule: "districts", ref: "d:" + d.name}, &f)
		p.en, p.zh = "The district's boundary as OpenStreetMap maps it.", "取自OpenStreetMap的行政区界。"
		if d.name == "汉南区" {
			p.en += " OpenStreetMap draws 汉南区 as the whole 武汉经济技术开发区 that manages it, so it includes 蔡甸's 沌口, 沌阳 and 军山 (its note tag)."
			p.zh += "OpenStreetMap将汉南区绘为武汉经济技术开发区的管理范围，含蔡甸区沌口、沌阳、军山街道（见其note标签）。"
		}
		p.accuracy, p.used[srcPlan] = geo.AccuracySurveyed, true
		setPlaced(&f, p, "")
		f.Extra["wikidata"] = d.wikidata
		f.Extra["label_point"] = []float64{round6(d.label[0]), round6(d.label[1])}
		b.add(f, p.used)
	}
}

func (b *builder) addBase() {
	names := map[string][2]string{"yangtze": {"长江", "Yangtze River"}, "han": {"汉江", "Han River"}}
	qid := map[string]string{"yangtze": "Q5413", "han": "Q875573"}
	for _, key := range []string{"yangtze", "han"} {
		n := names[key]
		f := geo.Feature{ID: "river-" + key, Layer: "rivers", NameZH: n[0], NameEN: n[1], Kind: "river",
			Status: geo.StatusExisting, Extra: map[string]any{"wikidata": qid[key], "max_zoom_hint": 10}}
		p, err := b.apply(placement{rule: "river", ref: key}, &f)
		if err != nil {
			panic(err)
		}
		setPlaced(&f, p, "")
		b.add(f, p.used)
	}
	for _, q := range sortedKeys(b.wikidata) {
		w := b.wikidata[q]
		if w.Properties.MustString("category", "") != "lake" {
			continue
		}
		slug := lakeIDs[q]
		if slug == "" {
			panic("lake " + q + " needs an id")
		}
		f := geo.Feature{ID: "lake-" + slug, Layer: "lakes", NameZH: w.Properties.MustString("name", ""),
			NameEN: w.Properties.MustString("name_en", ""), Kind: "lake", Status: geo.StatusExisting,
			Extra: map[string]any{"wikidata": q}}
		p, err := b.apply(placement{rule: "geom", ref: "wd:" + q}, &f)
		if err != nil {
			panic(err)
		}
		p.en += " A label point in the lake, not its shore."
		p.zh += "仅为湖内标注点，不是湖岸线。"
		setPlaced(&f, p, "")
		f.District = b.districtOf(f.Geometry)
		b.add(f, p.used)
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
		from, to := b.stations[l.stations[0]].name, b.stations[l.stations[len(l.stations)-1]].name
		f := geo.Feature{ID: "metro-2025-" + lineSlug(l.name), Layer: "metro-lines", NameZH: "武汉地铁" + l.name,
			NameEN: "Wuhan Metro " + l.nameEN, Kind: "metro_line", Status: geo.StatusExisting,
			Extra: map[string]any{"color": l.color, "network": "2025", "line": l.name, "from": from, "to": to,
				"station_count": len(l.stations)}}
		p, err := b.apply(placement{rule: "metro", ref: l.name}, &f)
		if err != nil {
			panic(err)
		}
		setPlaced(&f, p, "")
		b.add(f, p.used)
	}
	for _, s := range b.stations {
		lines := make([]string, len(s.lines))
		copy(lines, s.lines)
		f := geo.Feature{ID: "station-" + s.py, Layer: "metro-stations", NameZH: s.name,
			NameEN: pinyinTitle(s.py), Kind: "metro_station", Status: geo.StatusExisting,
			Extra: map[string]any{"lines": lines, "transfer": s.transfer, "metroman_id": s.id}}
		p, err := b.apply(placement{rule: "geom", ref: "st:" + s.name}, &f)
		if err != nil {
			panic(err)
		}
		setPlaced(&f, p, "")
		f.District = b.districtOf(f.Geometry)
		b.add(f, p.used)
	}
}

// metro draws a metro line, or the section from;to of it, as straight
// segments between its stations; ref "*" is the whole network.
func (r *ruling) metro() error {
	b, pl, out := r.b, r.pl, &r.out
	out.used[srcMetroMan] = true
	out.accuracy = geo.AccuracyIndicative
	if pl.ref == "*" {
		var ml orb.MultiLineString
		for _, l := range b.lines {
			ml = append(ml, append(orb.LineString{}, l.geom...))
		}
		out.geom = ml
		r.text("The 13 lines open in January 2025, each drawn as straight segments between its stations (MetroMan data), not the track.",
			"2025年1月运营的13条线路，各以站点间直线段表示（MetroMan数据），不是实际线位。")
		return nil
	}
	parts := splitRefs(pl.ref)
	l := b.line(parts[0])
	if l == nil {
		return fmt.Errorf("no metro line %s", parts[0])
	}
	i, j := 0, len(l.stations)-1
	if len(parts) == 3 {
		i, j = -1, -1
		for k, id := range l.stations {
			switch b.stations[id].name {
			case parts[1]:
				i = k
			case parts[2]:
				j = k
			}
		}
		if i < 0 || j < 0 {
			return fmt.Errorf("line %s: stations %s..%s not found", parts[0], parts[1], parts[2])
		}
		if i > j {
			i, j = j, i
		}
	}
	out.geom = append(orb.LineString{}, l.geom[i:j+1]...)
	from, to := b.stations[l.stations[i]].name, b.stations[l.stations[j]].name
	r.text(fmt.Sprintf("Straight segments between the stations of %s from %s to %s (MetroMan data, January 2025), not the track.", l.name, from, to),
		fmt.Sprintf("%s自%s至%s各站之间的直线段（MetroMan数据，2025年1月），不是实际线位。", l.name, from, to))
	return nil
}

func pinyinTitle(py string) string {
	if py == "" {
		return ""
	}
	return strings.ToUpper(py[:1]) + py[1:]
}
