package geo

import (
	"errors"
	"fmt"
	"math"
	"regexp"
	"slices"

	"github.com/paulmach/orb"
)

// Region is the Wuhan metropolitan region (武汉城市圈 and its neighbours):
// every coordinate of the plan lies inside it.
var Region = orb.Bound{Min: orb.Point{112.5, 29.0}, Max: orb.Point{116.5, 32.0}}

var idPattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// ValidID reports whether s is a kebab-case ascii id, as feature and layer ids must be.
func ValidID(s string) bool { return len(s) <= 100 && idPattern.MatchString(s) }

// Problem is one thing wrong with a feature, named so that a person can find it.
type Problem struct {
	File    string `json:"file,omitempty"`
	Feature string `json:"feature,omitempty"`
	Msg     string `json:"problem"`
}

func (p Problem) Error() string {
	switch {
	case p.File != "" && p.Feature != "":
		return fmt.Sprintf("%s: feature %q: %s", p.File, p.Feature, p.Msg)
	case p.File != "":
		return p.File + ": " + p.Msg
	case p.Feature != "":
		return fmt.Sprintf("feature %q: %s", p.Feature, p.Msg)
	}
	return p.Msg
}

// MaxVertices bounds one feature's geometry. The plan's largest has a few
// thousand; one of half a million is a source at survey resolution that
// every tile it touches would pay for (each one clips and simplifies all of
// it), and its validity check alone takes a quarter of a second.
const MaxVertices = 500_000

// VertexCount counts a geometry's coordinates, rings' closing points
// included; 0 for none.
func VertexCount(g orb.Geometry) int {
	switch g := g.(type) {
	case orb.Point:
		return 1
	case orb.MultiPoint:
		return len(g)
	case orb.LineString:
		return len(g)
	case orb.Ring:
		return len(g)
	case orb.MultiLineString:
		n := 0
		for _, l := range g {
			n += len(l)
		}
		return n
	case orb.Polygon:
		n := 0
		for _, r := range g {
			n += len(r)
		}
		return n
	case orb.MultiPolygon:
		n := 0
		for _, p := range g {
			n += VertexCount(p)
		}
		return n
	case orb.Collection:
		n := 0
		for _, x := range g {
			n += VertexCount(x)
		}
		return n
	}
	return 0
}

// Validate checks one feature's properties and geometry and returns every problem found.
func Validate(f Feature) []Problem {
	var out []Problem
	bad := func(format string, args ...any) {
		out = append(out, Problem{Feature: f.ID, Msg: fmt.Sprintf(format, args...)})
	}
	if !ValidID(f.ID) {
		bad("id %q is not kebab-case ascii", f.ID)
	}
	if f.NameZH == "" && f.NameEN == "" {
		bad("has neither name_zh nor name_en")
	}
	if f.Kind == "" {
		bad("kind is missing")
	}
	if !slices.Contains(Statuses, f.Status) {
		bad("status %q is not one of %v", f.Status, Statuses)
	}
	if !slices.Contains(Accuracies, f.Accuracy) {
		bad("accuracy %q is not one of %v", f.Accuracy, Accuracies)
	}
	if f.Source == "" {
		bad("source is missing")
	}
	for _, p := range textProblems(f) {
		bad("%s", p)
	}
	for i, t := range f.Targets {
		if err := t.Check(); err != nil {
			bad("target %d: %v", i, err)
		}
	}
	switch {
	case f.Geometry == nil && f.Accuracy != AccuracyUnknown:
		bad("geometry is null but accuracy is %q (use %q)", f.Accuracy, AccuracyUnknown)
	case f.Geometry != nil && f.Accuracy == AccuracyUnknown:
		bad("accuracy is %q but the feature has a geometry", AccuracyUnknown)
	case f.Geometry != nil && VertexCount(f.Geometry) > MaxVertices:
		bad("geometry has %d vertices, more than the %d a feature may have: simplify it first", VertexCount(f.Geometry), MaxVertices)
	case f.Geometry != nil:
		if err := ValidGeometry(f.Geometry); err != nil {
			bad("invalid geometry: %v", err)
		} else if b := f.Geometry.Bound(); !Region.Contains(b.Min) || !Region.Contains(b.Max) {
			bad("geometry %v..%v lies outside the Wuhan region %v..%v", b.Min, b.Max, Region.Min, Region.Max)
		}
	}
	return out
}

// Check reports what makes a target unreadable: no metric, neither a figure
// nor the plan's wording, or a comparator not in Comparators.
func (t Target) Check() error {
	switch {
	case t.Metric == "":
		return errors.New("metric is missing")
	case t.Value == nil && t.Text == "":
		return errors.New("has neither value nor text")
	case !slices.Contains(Comparators, t.Comparator):
		return fmt.Errorf("comparator %q is not one of %q", t.Comparator, Comparators)
	case targetText(t):
		return errors.New("a text " + nulProblem)
	}
	return nil
}

// ValidGeometry reports why g is not valid by the OGC Simple Features
// rules, as PostGIS's ST_IsValid (GEOS) applies them, or nil when it is:
// coordinates are finite; a line has two distinct points; a polygon's rings
// are closed, have four points with repeats dropped and never meet
// themselves; rings of a polygon meet only in single points without
// crossing, holes lie inside the shell and apart, and the interior stays
// connected; the polygons of a multipolygon neither overlap, nor share an
// edge, nor nest. Unlike PostGIS it also rejects empty geometries, which a
// plan's features have no use for.
func ValidGeometry(g orb.Geometry) error {
	switch g := g.(type) {
	case orb.Point:
		return finite(g)
	case orb.MultiPoint:
		if len(g) == 0 {
			return fmt.Errorf("empty multipoint")
		}
		for _, p := range g {
			if err := finite(p); err != nil {
				return err
			}
		}
	case orb.LineString:
		return validLine(g)
	case orb.MultiLineString:
		if len(g) == 0 {
			return fmt.Errorf("empty multilinestring")
		}
		for _, l := range g {
			if err := validLine(l); err != nil {
				return err
			}
		}
	case orb.Polygon:
		return validPolygons([]orb.Polygon{g}, false)
	case orb.MultiPolygon:
		if len(g) == 0 {
			return fmt.Errorf("empty multipolygon")
		}
		return validPolygons(g, true)
	default:
		return fmt.Errorf("unsupported geometry type %T", g)
	}
	return nil
}

func finite(p orb.Point) error {
	for _, v := range p {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("coordinate %v is not a finite number", p)
		}
	}
	return nil
}

func validLine(l orb.LineString) error {
	if len(l) < 2 {
		return fmt.Errorf("line has %d points, needs at least 2", len(l))
	}
	for _, p := range l {
		if err := finite(p); err != nil {
			return err
		}
	}
	// orb.Bound.IsEmpty means min > max, not zero size: compare the points.
	for _, p := range l[1:] {
		if p != l[0] {
			return nil
		}
	}
	return fmt.Errorf("line has zero length: every point is %v", l[0])
}

// validPolygons checks each ring on its own, then how the rings of all the
// polygons meet.
func validPolygons(ps []orb.Polygon, multi bool) error {
	for pi, p := range ps {
		switch {
		case len(p) == 0 && multi:
			return fmt.Errorf("polygon %d has no rings", pi)
		case len(p) == 0:
			return fmt.Errorf("polygon has no rings")
		}
	}
	t := newTopology(ps, multi)
	for i, r := range t.rings {
		raw := ps[r.poly][r.idx]
		for _, pt := range raw {
			if err := finite(pt); err != nil {
				return err
			}
		}
		switch {
		case len(raw) < 4:
			return fmt.Errorf("%s has %d points, needs at least 4", t.ringName(int32(i)), len(raw))
		case !raw.Closed():
			return fmt.Errorf("%s is not closed: it starts at %v and ends at %v", t.ringName(int32(i)), raw[0], raw[len(raw)-1])
		case len(r.pts) < 4:
			return fmt.Errorf("%s has %d points once repeats are dropped, needs at least 4 near %v", t.ringName(int32(i)), len(r.pts), raw[0])
		}
	}
	return t.check()
}
