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

// Check validates a dataset held in memory as a whole: layer metadata, unique
// ids, every feature, one geometry type per layer, and target links.
func Check(ds *Dataset) []geo.Problem {
	c := newChecker(ds.Layers)
	for _, f := range ds.Features {
		c.feature(f)
	}
	c.targets(ds.Targets)
	return c.probs
}

// checker validates features one at a time, remembering only their ids.
type checker struct {
	layers map[string]geo.Layer
	seen   map[string]string // feature id → file
	probs  []geo.Problem
}

func newChecker(layers []geo.Layer) *checker {
	c := &checker{layers: map[string]geo.Layer{}, seen: map[string]string{}}
	for _, l := range layers {
		if p := checkLayer(l, c.layers); p != "" {
			c.add(geo.Problem{File: "layers.json", Msg: fmt.Sprintf("layer %q: %s", l.ID, p)})
		}
		c.layers[l.ID] = l
	}
	return c
}

func (c *checker) add(p ...geo.Problem) { c.probs = append(c.probs, p...) }

// feature checks one feature and reports whether it is valid.
func (c *checker) feature(f geo.Feature) bool {
	before := len(c.probs)
	file := LayerFile(f.Layer)
	for _, p := range geo.Validate(f) {
		p.File = file
		c.add(p)
	}
	if prev, dup := c.seen[f.ID]; dup {
		c.add(geo.Problem{File: file, Feature: f.ID, Msg: "id already used in " + prev})
	}
	c.seen[f.ID] = file
	if want, got := c.layers[f.Layer].GeometryType, orb.Geometry(f.Geometry); got != nil && !typeFits(want, got.GeoJSONType()) {
		c.add(geo.Problem{File: file, Feature: f.ID,
			Msg: fmt.Sprintf("geometry is %s but layer %q holds %s", got.GeoJSONType(), f.Layer, want)})
	}
	return len(c.probs) == before
}

func (c *checker) targets(ts []geo.PlanTarget) {
	for _, t := range ts {
		if t.Feature != "" && c.seen[t.Feature] == "" {
			c.add(geo.Problem{File: "targets.json", Msg: fmt.Sprintf("target %q links to unknown feature %q", t.ID, t.Feature)})
		}
		if err := t.Check(); err != nil {
			c.add(geo.Problem{File: "targets.json", Msg: fmt.Sprintf("target %q: %v", t.ID, err)})
		}
	}
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
