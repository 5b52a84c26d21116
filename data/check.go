package data

import (
	"fmt"
	"strings"

	"github.com/paulmach/orb"

	"planmap/geo"
)

// geometryTypes lists the layer geometry types and the GeoJSON types each admits.
var geometryTypes = map[string][]string{
	"Point":      {"Point", "MultiPoint"},
	"LineString": {"LineString", "MultiLineString"},
	"Polygon":    {"Polygon", "MultiPolygon"},
}

// Check validates a dataset as a whole: layer metadata, unique ids, every
// feature, one geometry type per layer, and target links.
func Check(ds *Dataset) []geo.Problem {
	var probs []geo.Problem
	layers := map[string]geo.Layer{}
	for _, l := range ds.Layers {
		if p := checkLayer(l, layers); p != "" {
			probs = append(probs, geo.Problem{File: "layers.json", Msg: fmt.Sprintf("layer %q: %s", l.ID, p)})
		}
		layers[l.ID] = l
	}
	seen := map[string]string{}
	for _, f := range ds.Features {
		file := LayerFile(f.Layer)
		for _, p := range geo.Validate(f) {
			p.File = file
			probs = append(probs, p)
		}
		if prev, dup := seen[f.ID]; dup {
			probs = append(probs, geo.Problem{File: file, Feature: f.ID, Msg: "id already used in " + prev})
		}
		seen[f.ID] = file
		if want, got := layers[f.Layer].GeometryType, orb.Geometry(f.Geometry); got != nil && !typeFits(want, got.GeoJSONType()) {
			probs = append(probs, geo.Problem{File: file, Feature: f.ID,
				Msg: fmt.Sprintf("geometry is %s but layer %q holds %s", got.GeoJSONType(), f.Layer, want)})
		}
	}
	for _, t := range ds.Targets {
		if t.Feature != "" && seen[t.Feature] == "" {
			probs = append(probs, geo.Problem{File: "targets.json", Msg: fmt.Sprintf("target %q links to unknown feature %q", t.ID, t.Feature)})
		}
	}
	return probs
}

func checkLayer(l geo.Layer, before map[string]geo.Layer) string {
	var bad []string
	if !geo.ValidID(l.ID) {
		bad = append(bad, "id is not kebab-case ascii (no dots)")
	}
	if _, dup := before[l.ID]; dup {
		bad = append(bad, "id is used twice")
	}
	if l.TitleZH == "" || l.TitleEN == "" {
		bad = append(bad, "needs title_zh and title_en")
	}
	if _, ok := geometryTypes[l.GeometryType]; !ok {
		bad = append(bad, fmt.Sprintf("geometry_type %q is not Point, LineString or Polygon", l.GeometryType))
	}
	if !knownTheme(l.Theme) {
		bad = append(bad, fmt.Sprintf("theme %q is unknown", l.Theme))
	}
	return strings.Join(bad, "; ")
}

func knownTheme(t string) bool {
	for _, th := range geo.Themes {
		if th.ID == t {
			return true
		}
	}
	return false
}

func typeFits(layerType, geomType string) bool {
	for _, t := range geometryTypes[layerType] {
		if t == geomType {
			return true
		}
	}
	return false
}
