package main

import (
	"fmt"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/paulmach/orb"

	"planmap/data"
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
		case ruleFuncs[p.rule] == nil:
			return nil, fmt.Errorf("%s: unknown rule %q", where, p.rule)
		case out[p.id].id != "":
			return nil, fmt.Errorf("%s: placed twice", where)
		case (p.noteEN == "") != (p.noteZH == ""):
			return nil, fmt.Errorf("%s: a note needs both note_en and note_zh", where)
		}
		if bad := data.NonPrimaryURLs(p.evidence); len(bad) > 0 {
			return nil, fmt.Errorf("%s: evidence %s is not a primary source", where, bad[0])
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

// apply runs a placement's rule for the feature f (named in the texts).
func (b *builder) apply(pl placement, f *geo.Feature) (placed, error) {
	r := &ruling{b: b, pl: pl, f: f, refs: splitRefs(pl.ref), out: placed{rule: pl.rule, used: map[string]bool{}}}
	do, ok := ruleFuncs[pl.rule]
	if !ok {
		return r.out, fmt.Errorf("unknown rule %q", pl.rule)
	}
	err := do(r)
	return r.out, err
}

// ruling is one placement being carried out.
type ruling struct {
	b    *builder
	pl   placement
	f    *geo.Feature
	refs []string
	out  placed
}

var ruleFuncs map[string]func(*ruling) error

func init() {
	ruleFuncs = map[string]func(*ruling) error{"geom": (*ruling).geom, "point": (*ruling).point,
		"districts": (*ruling).districts, "hull": (*ruling).hull, "line": (*ruling).line, "along": (*ruling).along,
		"river": (*ruling).river, "metro": (*ruling).metro, "as": (*ruling).as, "none": (*ruling).none,
		"aggregate": (*ruling).none}
}

// places resolves references and notes the datasets they come from.
func (r *ruling) places(refs []string) ([]place, error) {
	var ps []place
	for _, ref := range refs {
		p, err := r.b.resolve(ref)
		if err != nil {
			return nil, err
		}
		if p.source != "" {
			r.out.used[p.source] = true
		}
		if id, ok := strings.CutPrefix(ref, "f:"); ok {
			for k := range r.b.used[id] {
				r.out.used[k] = true
			}
		}
		ps = append(ps, p)
	}
	return ps, nil
}

// text sets the placement texts, followed by the row's own note.
func (r *ruling) text(en, zh string) {
	if r.pl.noteEN != "" {
		en, zh = en+" "+r.pl.noteEN, zh+r.pl.noteZH
	}
	r.out.en, r.out.zh = en, zh
}

// names joins how the places are named, in English and in Chinese.
func names(ps []place, sepEN string) (en, zh string) {
	var e, z []string
	for _, p := range ps {
		e, z = append(e, p.en), append(z, p.zh)
	}
	return strings.Join(e, sepEN), strings.Join(z, "、")
}

func (r *ruling) geom() error {
	ps, err := r.places(r.refs)
	if err != nil {
		return err
	}
	if len(ps) != 1 {
		return fmt.Errorf("geom takes one place, have %d", len(ps))
	}
	r.out.geom, r.out.accuracy = ps[0].geom, geo.AccuracySurveyed
	if c := ps[0].coarse; c > 200 {
		r.out.accuracy, r.out.uncertaintyM = geo.AccuracyApproximate, c
		r.text(fmt.Sprintf("Taken from %s, whose position the source gives only to about %s.", ps[0].en, kmText(c)),
			fmt.Sprintf("取自%s，来源给出的位置仅精确到约%s。", ps[0].zh, kmTextZH(c)))
		return nil
	}
	r.text("Taken from "+ps[0].en+".", "取自"+ps[0].zh+"。")
	return nil
}

func (r *ruling) point() error {
	ref, metres, err := withMetres(r.pl.ref, 2000)
	if err != nil {
		return err
	}
	ps, err := r.places([]string{ref})
	if err != nil {
		return err
	}
	pt, ok := ps[0].geom.(orb.Point)
	if !ok {
		return fmt.Errorf("point needs a point place, %s is %T", ref, ps[0].geom)
	}
	if err := planNames(r.pl.evidence, ps[0], r.f); err != nil {
		return err
	}
	u := max(metres, ps[0].coarse)
	r.out.geom, r.out.accuracy, r.out.uncertaintyM = pt, geo.AccuracyApproximate, u
	r.text(fmt.Sprintf("A point at %s, where the evidence puts the site; the site lies within about %s of it.", ps[0].en, kmText(u)),
		fmt.Sprintf("按依据置于%s，实际位置在其约%s范围内。", ps[0].zh, kmTextZH(u)))
	return nil
}

func (r *ruling) districts() error {
	ps, err := r.places(r.refs)
	if err != nil {
		return err
	}
	var mp orb.MultiPolygon
	for _, p := range ps {
		mp = append(mp, p.geom.(orb.MultiPolygon)...)
	}
	g, err := dissolve(mp)
	if err != nil {
		return err
	}
	r.out.geom, r.out.accuracy = g, geo.AccuracyDistrict
	if len(ps) == 1 {
		r.out.district = ps[0].name
	}
	en, zh := names(ps, ", ")
	r.text("Drawn as the OpenStreetMap boundary of "+en+".", "以"+zh+"的行政区界（OpenStreetMap）表示。")
	return nil
}

func (r *ruling) hull() error {
	km, err := strconv.ParseFloat(r.refs[0], 64)
	if err != nil || km <= 0 || len(r.refs) < 3 {
		return fmt.Errorf("hull: want km;place;place… in %q", r.pl.ref)
	}
	ps, err := r.places(r.refs[1:])
	if err != nil {
		return err
	}
	var pts []orb.Point
	for _, p := range ps {
		pts = append(pts, geo.Vertices(p.geom)...)
	}
	r.out.geom, r.out.accuracy = widenedHull(pts, km), geo.AccuracyIndicative
	en, zh := names(ps, ", ")
	r.text(fmt.Sprintf("The convex hull of %s, widened by %s.", en, kmText(km*1000)),
		fmt.Sprintf("由%s的凸包外扩%s而成。", zh, kmTextZH(km*1000)))
	return nil
}

func (r *ruling) line() error {
	ps, err := r.places(r.refs)
	if err != nil {
		return err
	}
	var l orb.LineString
	for _, p := range ps {
		pt, ok := p.geom.(orb.Point)
		if !ok {
			return fmt.Errorf("line passes through points, %s is %T", p.ref, p.geom)
		}
		l = append(l, pt)
	}
	if len(l) < 2 {
		return fmt.Errorf("line needs two places")
	}
	r.out.geom, r.out.accuracy = l, geo.AccuracyIndicative
	en, zh := names(ps, ", ")
	r.text("A straight line through "+en+"; the route itself is not in the sources.", "连接"+zh+"的示意直线，实际走向不在数据源中。")
	return nil
}

func (r *ruling) along() error {
	ps, err := r.places(r.refs)
	if err != nil {
		return err
	}
	var ml orb.MultiLineString
	for _, p := range ps {
		switch g := p.geom.(type) {
		case orb.LineString:
			ml = append(ml, g)
		case orb.MultiLineString:
			ml = append(ml, g...)
		default:
			return fmt.Errorf("along follows roads or rivers, %s is %T", p.ref, p.geom)
		}
		r.out.uncertaintyM = max(r.out.uncertaintyM, p.coarse)
	}
	r.out.geom, r.out.accuracy = ml, geo.AccuracyIndicative
	en, zh := names(ps, " and ")
	r.text("Drawn along "+en+", which the element follows; its own extent is not in the sources.", "沿"+zh+"绘制；其自身范围不在数据源中。")
	return nil
}

func (r *ruling) river() error {
	ps, err := r.places([]string{"river:" + r.pl.ref})
	if err != nil {
		return err
	}
	r.out.geom, r.out.accuracy, r.out.uncertaintyM = ps[0].geom, geo.AccuracyIndicative, riverErrorM
	r.text(fmt.Sprintf("The Natural Earth centreline of the %s through Wuhan, which strays up to 2.6 km from the river at city scale.", ps[0].en),
		fmt.Sprintf("取自Natural Earth的%s中心线；在城市尺度上与河道最多相差2.6公里。", ps[0].zh))
	return nil
}

// as copies another feature's geometry, accuracy and rule: the two are one area.
func (r *ruling) as() error {
	id, ok := strings.CutPrefix(r.pl.ref, "f:")
	if !ok || r.b.built[id] == nil {
		return fmt.Errorf("as: want f:<placed feature>, have %q", r.pl.ref)
	}
	if r.pl.noteEN == "" {
		return fmt.Errorf("as needs a note saying why the areas are one")
	}
	if _, err := r.places(r.refs); err != nil {
		return err
	}
	o := r.b.built[id]
	r.out.geom, r.out.accuracy = o.Geometry, o.Accuracy
	if u, ok := o.Extra["uncertainty_m"].(int); ok {
		r.out.uncertaintyM = float64(u)
	}
	r.text(fmt.Sprintf("Drawn as %s (%s):", o.NameEN, o.ID), fmt.Sprintf("与%s（%s）同绘：", o.NameZH, o.ID))
	r.out.en, r.out.zh = r.out.en+" "+o.Extra["placement_en"].(string), r.out.zh+o.Extra["placement_zh"].(string)
	return nil
}

// none leaves the element without geometry and says why.
func (r *ruling) none() error {
	if r.pl.noteEN == "" {
		return fmt.Errorf("%s needs a note saying why", r.pl.rule)
	}
	r.out.accuracy = geo.AccuracyUnknown
	r.out.en, r.out.zh = "Not drawn: "+r.pl.noteEN, "未绘制："+r.pl.noteZH
	if d, ok := strings.CutPrefix(r.pl.ref, "d:"); ok {
		if r.b.osm.districtByName(d) == nil {
			return fmt.Errorf("no district %s", r.pl.ref)
		}
		r.out.district = d
	}
	return nil
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
