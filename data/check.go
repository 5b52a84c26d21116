package data

import (
	"fmt"
	"net/url"
	"strings"
	"unicode"

	"github.com/paulmach/orb"

	"planmap/geo"
)

// geometryTypes lists the layer geometry types and the GeoJSON types each
// admits. A Multi* layer holds only Multi* geometries, so GIS clients can
// give it one exact type; a plain layer also admits its Multi* form, as
// datasets written before planmap declared exact types do.
var geometryTypes = map[string][]string{
	"Point":           {"Point", "MultiPoint"},
	"LineString":      {"LineString", "MultiLineString"},
	"Polygon":         {"Polygon", "MultiPolygon"},
	"MultiPoint":      {"MultiPoint"},
	"MultiLineString": {"MultiLineString"},
	"MultiPolygon":    {"MultiPolygon"},
}

// Check validates a dataset held in memory as a whole: layer metadata, unique
// ids, every feature, one geometry type per layer, and target links.
func Check(ds *Dataset) []geo.Problem {
	c := newChecker(ds.Layers)
	for _, f := range ds.Features {
		c.feature(f)
	}
	c.targets(ds.Targets)
	c.names(ds)
	return c.probs
}

// CheckFeature checks one feature as a load checks it (its fields, its
// geometry, and that its geometry fits its layer), for an edit of a single
// feature; layers are the layers it may belong to.
func CheckFeature(layers []geo.Layer, f geo.Feature) []geo.Problem {
	c := &checker{layers: map[string]geo.Layer{}, seen: map[string]string{}}
	for _, l := range layers {
		c.layers[l.ID] = l
	}
	if _, ok := c.layers[f.Layer]; !ok {
		return []geo.Problem{{Feature: f.ID, Msg: fmt.Sprintf("layer %q does not exist", f.Layer)}}
	}
	c.feature(f)
	for i := range c.probs {
		c.probs[i].File = "" // an edit has no file
	}
	return c.probs
}

// CheckLayer checks one layer's metadata as a load checks layers.json, for
// an edit of a layer; "" when it is whole.
func CheckLayer(l geo.Layer) string { return checkLayer(l, nil) }

// checker validates features one at a time, remembering only their ids.
type checker struct {
	layers map[string]geo.Layer
	seen   map[string]string // feature id → layer (shared by its features: held for every id)
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
		c.add(geo.Problem{File: file, Feature: f.ID, Msg: "id already used in " + LayerFile(prev)})
	}
	c.seen[f.ID] = f.Layer
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
		bad = append(bad, fmt.Sprintf("geometry_type %q is not Point, LineString or Polygon, or their Multi* forms", l.GeometryType))
	}
	if !knownTheme(l.Theme) {
		bad = append(bad, fmt.Sprintf("theme %q is unknown", l.Theme))
	}
	bad = append(bad, nulText("title_zh", l.TitleZH, "title_en", l.TitleEN,
		"description_zh", l.DescriptionZH, "description_en", l.DescriptionEN)...)
	bad = append(bad, checkCredits(l)...)
	return strings.Join(bad, "; ")
}

// checkCredits checks a layer's licence and attribution. Both are optional
// (older datasets have neither), but what is given ends up in a map's credit
// line and a licence link, so it must be whole: a licence with an id, a title
// and a URL a browser can open; each credit one line of text.
func checkCredits(l geo.Layer) []string {
	var bad []string
	if lic := l.License; lic != nil {
		if p := lineProblem(lic.ID); p != "" {
			bad = append(bad, "license id "+p)
		}
		if p := lineProblem(lic.Title); p != "" {
			bad = append(bad, "license title "+p)
		}
		if !webURL(lic.URL) {
			bad = append(bad, fmt.Sprintf("license url %q is not an absolute http(s) URL", lic.URL))
		}
	}
	for i, a := range l.Attribution {
		if p := lineProblem(a); p != "" {
			bad = append(bad, fmt.Sprintf("attribution[%d] %s", i, p))
		}
	}
	return bad
}

// lineProblem says what keeps s from being one non-empty line of text, or "".
func lineProblem(s string) string {
	if strings.TrimSpace(s) == "" {
		return "is empty"
	}
	for _, r := range s {
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
			return fmt.Sprintf("%q is not one line of text", s)
		}
	}
	return ""
}

func webURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" && !strings.ContainsRune(s, ' ')
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
