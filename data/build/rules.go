package main

import (
	"fmt"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"github.com/paulmach/orb"

	"planmap/geo"
)

// placement is one row of data/sources/placements.csv: how one catalogue
// element gets its geometry, and on whose word.
type placement struct {
	id, rule, ref, evidence, noteEN, noteZH string
}

// A rule makes a geometry from real places. Every catalogue element has
// exactly one placement; there is no default.
//
//	geom       the geometry of one place as the source maps it (surveyed)
//	point      a point at a place that the evidence (or the plan's own name
//	           for the site) names as the site; ref may end in ~metres, the
//	           distance the site may lie from it (approximate, default 2000)
//	districts  the union of district boundaries (district)
//	hull       the convex hull of places widened by km: ref "km;place;…" (indicative)
//	line       straight segments through named places in order (indicative)
//	river      a Natural Earth centreline (indicative)
//	metro      a metro line's stations, from;to or the whole line (indicative)
//	as         the geometry and accuracy of another feature (f:id) that
//	           stands for the same area
//	along      the geometry of a road or river the element follows (indicative)
//	none       no geometry; ref may name the district (d:…) the element lies in
//	aggregate  no geometry: a programme of sites the plan does not name
var rules = map[string]bool{"geom": true, "point": true, "districts": true, "hull": true, "line": true,
	"river": true, "metro": true, "none": true, "aggregate": true, "as": true, "along": true}

// mirrorEvidence matches evidence that is not a primary source: a URL on a
// domain other than a government's, an official news organisation's or
// Wikidata's.
var primaryURL = regexp.MustCompile(`^https?://([a-z0-9-]+\.)*(gov\.cn|wikidata\.org|xinhuanet\.com|news\.cn|people\.com\.cn|chinanews\.com\.cn|cnr\.cn|cctv\.com|hubeidaily\.net|cnhubei\.com|cjn\.cn|cnhan\.com)(/|$)`)

func readPlacements(src string) (map[string]placement, error) {
	recs, err := readCSV(filepath.Join(src, "placements.csv"))
	if err != nil {
		return nil, err
	}
	out := map[string]placement{}
	for i, m := range recs {
		p := placement{id: m["id"], rule: m["rule"], ref: m["ref"], evidence: m["evidence"], noteEN: m["note_en"], noteZH: m["note_zh"]}
		where := fmt.Sprintf("placements.csv row %d (%s)", i+2, p.id)
		switch {
		case !rules[p.rule]:
			return nil, fmt.Errorf("%s: unknown rule %q", where, p.rule)
		case out[p.id].id != "":
			return nil, fmt.Errorf("%s: placed twice", where)
		case (p.noteEN == "") != (p.noteZH == ""):
			return nil, fmt.Errorf("%s: a note needs both note_en and note_zh", where)
		}
		for _, u := range strings.Fields(p.evidence) {
			if strings.HasPrefix(u, "http") && !primaryURL.MatchString(u) {
				return nil, fmt.Errorf("%s: evidence %s is not a primary source", where, u)
			}
		}
		out[p.id] = p
	}
	return out, nil
}

// placed is what a rule makes of a placement.
type placed struct {
	rule         string
	geom         orb.Geometry
	accuracy     string
	uncertaintyM float64 // 0: not given
	zh, en       string  // the placement text
	used         map[string]bool
	district     string // set by rules that name it
}

// apply runs a placement's rule for the feature f (named for the texts).
func (b *builder) apply(pl placement, f *geo.Feature) (placed, error) {
	out := placed{rule: pl.rule, used: map[string]bool{}}
	refs := splitRefs(pl.ref)
	resolveAll := func(refs []string) ([]place, error) {
		var ps []place
		for _, r := range refs {
			p, err := b.resolve(r)
			if err != nil {
				return nil, err
			}
			if p.source != "" {
				out.used[p.source] = true
			}
			if p.ref[:2] == "f:" {
				for k := range b.used[r[2:]] {
					out.used[k] = true
				}
			}
			ps = append(ps, p)
		}
		return ps, nil
	}
	note := func(en, zh string) (string, string) {
		if pl.noteEN != "" {
			return en + " " + pl.noteEN, zh + pl.noteZH
		}
		return en, zh
	}
	switch pl.rule {
	case "geom":
		ps, err := resolveAll(refs)
		if err != nil {
			return out, err
		}
		if len(ps) != 1 {
			return out, fmt.Errorf("geom takes one place, have %d", len(ps))
		}
		out.geom, out.accuracy = ps[0].geom, geo.AccuracySurveyed
		if ps[0].coarse > 200 {
			out.accuracy, out.uncertaintyM = geo.AccuracyApproximate, ps[0].coarse
		}
		out.en, out.zh = note("Taken from "+ps[0].en+".", "取自"+ps[0].zh+"。")
	case "point":
		ref, metres, err := withMetres(pl.ref, 2000)
		if err != nil {
			return out, err
		}
		ps, err := resolveAll([]string{ref})
		if err != nil {
			return out, err
		}
		pt, ok := ps[0].geom.(orb.Point)
		if !ok {
			return out, fmt.Errorf("point needs a point place, %s is %T", ref, ps[0].geom)
		}
		if err := planNames(pl.evidence, ps[0], f); err != nil {
			return out, err
		}
		out.geom, out.accuracy, out.uncertaintyM = pt, geo.AccuracyApproximate, max(metres, ps[0].coarse)
		out.en, out.zh = note(fmt.Sprintf("A point at %s, where the evidence puts the site; the site lies within about %s of it.",
			ps[0].en, kmText(out.uncertaintyM)), fmt.Sprintf("按依据置于%s，实际位置在其约%s范围内。", ps[0].zh, kmTextZH(out.uncertaintyM)))
	case "districts":
		ps, err := resolveAll(refs)
		if err != nil {
			return out, err
		}
		var mp orb.MultiPolygon
		var zh, en []string
		for _, p := range ps {
			mp = append(mp, p.geom.(orb.MultiPolygon)...)
			zh, en = append(zh, p.zh), append(en, p.en)
		}
		g, _, err := dissolve(mp)
		if err != nil {
			return out, err
		}
		out.geom, out.accuracy = g, geo.AccuracyDistrict
		if len(ps) == 1 {
			out.district = refs[0][2:]
		}
		out.en, out.zh = note("Drawn as the OpenStreetMap boundary of "+strings.Join(en, ", ")+".",
			"以"+strings.Join(zh, "、")+"的行政区界（OpenStreetMap）表示。")
	case "hull":
		km, err := strconv.ParseFloat(refs[0], 64)
		if err != nil || km <= 0 || len(refs) < 2 {
			return out, fmt.Errorf("hull: want km;place;… in %q", pl.ref)
		}
		ps, err := resolveAll(refs[1:])
		if err != nil {
			return out, err
		}
		var pts []orb.Point
		var zh, en []string
		for _, p := range ps {
			pts = append(pts, vertices(p.geom)...)
			zh, en = append(zh, p.zh), append(en, p.en)
		}
		out.geom, out.accuracy = widenedHull(pts, km), geo.AccuracyIndicative
		out.en, out.zh = note(fmt.Sprintf("The convex hull of %s, widened by %s.", strings.Join(en, ", "), kmText(km*1000)),
			fmt.Sprintf("由%s的凸包外扩%s而成。", strings.Join(zh, "、"), kmTextZH(km*1000)))
	case "line":
		ps, err := resolveAll(refs)
		if err != nil {
			return out, err
		}
		var l orb.LineString
		var zh, en []string
		for _, p := range ps {
			pt, ok := p.geom.(orb.Point)
			if !ok {
				return out, fmt.Errorf("line passes through points, %s is %T", p.ref, p.geom)
			}
			l = append(l, pt)
			zh, en = append(zh, p.zh), append(en, p.en)
		}
		if len(l) < 2 {
			return out, fmt.Errorf("line needs two places")
		}
		out.geom, out.accuracy = l, geo.AccuracyIndicative
		out.en, out.zh = note("A straight line through "+strings.Join(en, ", ")+"; the route itself is not in the sources.",
			"连接"+strings.Join(zh, "、")+"的示意直线，实际走向不在数据源中。")
	case "river":
		ps, err := resolveAll([]string{"river:" + pl.ref})
		if err != nil {
			return out, err
		}
		out.geom, out.accuracy, out.uncertaintyM = ps[0].geom, geo.AccuracyIndicative, riverErrorM
		out.en, out.zh = note(fmt.Sprintf("The Natural Earth centreline of the %s through Wuhan, which strays up to 2.6 km from the river at city scale.", ps[0].en),
			fmt.Sprintf("取自Natural Earth的%s中心线；在城市尺度上与河道最多相差2.6公里。", ps[0].zh))
	case "metro":
		return b.metroPlacement(pl, out, note)
	case "as":
		id, ok := strings.CutPrefix(pl.ref, "f:")
		if !ok || b.built[id] == nil {
			return out, fmt.Errorf("as: want f:<placed feature>, have %q", pl.ref)
		}
		if pl.noteEN == "" {
			return out, fmt.Errorf("as needs a note saying why the areas are one")
		}
		o := b.built[id]
		for k := range b.used[id] {
			out.used[k] = true
		}
		out.geom, out.accuracy = o.Geometry, o.Accuracy
		if u, ok := o.Extra["uncertainty_m"].(int); ok {
			out.uncertaintyM = float64(u)
		}
		en, zh := note(fmt.Sprintf("Drawn as %s (%s):", o.NameEN, o.ID), fmt.Sprintf("与%s（%s）同绘：", o.NameZH, o.ID))
		out.en, out.zh = en+" "+o.Extra["placement_en"].(string), zh+o.Extra["placement_zh"].(string)
	case "along":
		ps, err := resolveAll(refs)
		if err != nil {
			return out, err
		}
		var ml orb.MultiLineString
		var zh, en []string
		for _, p := range ps {
			switch g := p.geom.(type) {
			case orb.LineString:
				ml = append(ml, g)
			case orb.MultiLineString:
				ml = append(ml, g...)
			default:
				return out, fmt.Errorf("along follows roads or rivers, %s is %T", p.ref, p.geom)
			}
			zh, en = append(zh, p.zh), append(en, p.en)
			out.uncertaintyM = max(out.uncertaintyM, p.coarse)
		}
		out.geom, out.accuracy = ml, geo.AccuracyIndicative
		out.en, out.zh = note("Drawn along "+strings.Join(en, " and ")+", which the element follows; its own extent is not in the sources.",
			"沿"+strings.Join(zh, "、")+"绘制；其自身范围不在数据源中。")
	case "none", "aggregate":
		if pl.noteEN == "" {
			return out, fmt.Errorf("%s needs a note saying why", pl.rule)
		}
		out.accuracy = geo.AccuracyUnknown
		out.en, out.zh = "Not drawn: "+pl.noteEN, "未绘制："+pl.noteZH
		if strings.HasPrefix(pl.ref, "d:") {
			if b.osm.districtByName(pl.ref[2:]) == nil {
				return out, fmt.Errorf("no district %s", pl.ref)
			}
			out.district = pl.ref[2:]
		}
	}
	return out, nil
}

// splitRefs splits "a;b;c" into its references.
func splitRefs(s string) []string {
	var out []string
	for _, r := range strings.Split(s, ";") {
		if r = strings.TrimSpace(r); r != "" {
			out = append(out, r)
		}
	}
	return out
}

// withMetres splits "st:汉口北~500" into the reference and its distance.
func withMetres(ref string, def float64) (string, float64, error) {
	r, m, ok := strings.Cut(ref, "~")
	if !ok {
		return ref, def, nil
	}
	v, err := strconv.ParseFloat(m, 64)
	if err != nil || v <= 0 || v > 2000 {
		return "", 0, fmt.Errorf("%q: the distance must be 1..2000 m", ref)
	}
	return r, v, nil
}

func kmText(m float64) string {
	if m < 1000 {
		return fmt.Sprintf("%.0f m", m)
	}
	return strconv.FormatFloat(m/1000, 'f', -1, 64) + " km"
}

func kmTextZH(m float64) string {
	if m < 1000 {
		return fmt.Sprintf("%.0f米", m)
	}
	return strconv.FormatFloat(m/1000, 'f', -1, 64) + "公里"
}

// planNames checks a point's evidence: a primary source, or "plan" when the
// plan's own name for the element names the place (阳逻港 at 阳逻).
func planNames(evidence string, p place, f *geo.Feature) error {
	switch {
	case evidence == "":
		return fmt.Errorf("point needs evidence naming the site")
	case evidence != "plan":
		return nil
	case p.name != "" && (strings.Contains(f.NameZH, p.name) || strings.Contains(f.PlanQuote, p.name)):
		return nil
	}
	return fmt.Errorf("evidence \"plan\": the plan's name for the element does not name %s", p.name)
}
