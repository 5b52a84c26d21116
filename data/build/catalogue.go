package main

import (
	"fmt"
	"strings"

	"planmap/geo"
)

var statusMap = map[string]string{"under construction": geo.StatusUnderConstruction}

// slips are the plan's transcription errors: wrong spelling, correct one.
var slips = [][2]string{{"谏家矶", "谌家矶"}, {"谡家矶", "谌家矶"}, {"府澧河", "府澴河"}}

// common fills the properties every catalogue feature takes from the plan.
func (b *builder) common(r *row) geo.Feature {
	st := r.Status
	if s, ok := statusMap[st]; ok {
		st = s
	}
	f := geo.Feature{ID: r.ID, NameZH: r.NameZH, NameEN: r.NameEN, Kind: kindFor(r.ID), Status: st,
		PlanSection: r.Section, PlanLine: r.PlanLine, PlanQuote: r.Quote, Targets: b.ftargets[r.ID],
		Extra: map[string]any{"catalogue_layer": r.Layer, "name_plan": nil, "plan_text_note": nil}}
	// Correct the plan's slips in the name and keep the plan's spelling.
	plan := r.NameZH
	for _, s := range slips {
		f.NameZH = strings.ReplaceAll(f.NameZH, s[0], s[1])
		if strings.Contains(r.Quote, s[0]) && strings.Contains(plan, s[1]) && !strings.Contains(r.Quote, s[1]) {
			plan = strings.ReplaceAll(plan, s[1], s[0])
		}
	}
	if plan != f.NameZH {
		f.Extra["name_plan"] = plan
	}
	var notes []string
	for _, s := range slips {
		if strings.Contains(r.Quote, s[0]) {
			notes = append(notes, fmt.Sprintf("plan text reads %s; correct is %s", s[0], s[1]))
		}
	}
	if strings.Contains(r.Quote, "中国光谷") && r.PlanLine == 1042 {
		notes = append(notes, "plan text reads 中国光谷; almost certainly 中国网谷")
	}
	if len(notes) > 0 {
		f.Extra["plan_text_note"] = strings.Join(notes, "; ")
	}
	return f
}

// catalogueFeature makes the feature of one catalogue element by its
// placement; an element without a placement is an error, never a guess.
func (b *builder) catalogueFeature(r *row) (geo.Feature, map[string]bool, error) {
	f := b.common(r)
	layer := catalogueLayer[r.Layer+"|"+r.Geom]
	if layer == "" {
		return f, nil, fmt.Errorf("no dataset layer for %s %s", r.Layer, r.Geom)
	}
	f.Layer = layer
	if f.Kind == "" {
		return f, nil, fmt.Errorf("no kind for id")
	}
	pl, ok := b.placements[r.ID]
	if !ok {
		return f, nil, fmt.Errorf("no placement in placements.csv")
	}
	p, err := b.apply(pl, &f)
	if err != nil {
		return f, nil, fmt.Errorf("placement %s %q: %v", pl.rule, pl.ref, err)
	}
	p.used[srcPlan] = true
	setPlaced(&f, p, pl.evidence)
	f.District = p.district
	if f.District == "" && f.Geometry != nil {
		f.District = b.districtOf(f.Geometry)
	}
	if f.Geometry != nil && baseType(f.Geometry.GeoJSONType()) != r.Geom {
		return f, nil, fmt.Errorf("rule %s makes a %s but the element is a %s", pl.rule, f.Geometry.GeoJSONType(), r.Geom)
	}
	return f, p.used, nil
}

// baseType drops Multi from a GeoJSON geometry type.
func baseType(t string) string { return strings.TrimPrefix(t, "Multi") }
