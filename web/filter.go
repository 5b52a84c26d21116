package web

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/paulmach/orb/geojson"

	"planmap/geo"
	"planmap/geo/cql2"
)

// OGC API – Features Part 3 and CQL2: the classes planmap passes the OGC's
// tests of, on both stores (web/filter_test.go).
var filterConformance = []string{
	"http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables",
	"http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/filter",
	"http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/features-filter",
	"http://www.opengis.net/spec/cql2/1.0/conf/cql2-text",
	"http://www.opengis.net/spec/cql2/1.0/conf/cql2-json",
	"http://www.opengis.net/spec/cql2/1.0/conf/basic-cql2",
	"http://www.opengis.net/spec/cql2/1.0/conf/advanced-comparison-operators",
	"http://www.opengis.net/spec/cql2/1.0/conf/basic-spatial-functions",
	"http://www.opengis.net/spec/cql2/1.0/conf/basic-spatial-functions-plus",
	"http://www.opengis.net/spec/cql2/1.0/conf/spatial-functions",
	"http://www.opengis.net/spec/cql2/1.0/conf/temporal-functions",
}

const relQueryables = "http://www.opengis.net/def/rel/ogc/1.0/queryables"

// MaxFilterBytes bounds a filter (the whole query is bounded by MaxQueryBytes).
const MaxFilterBytes = 8 << 10

// parseFilter reads filter, filter-lang and filter-crs, and checks the
// filter against the layer's queryables.
func (s *Server) parseFilter(r *http.Request, p params, layer string) (*geo.Expr, error) {
	if !p.has("filter") {
		for _, name := range []string{"filter-lang", "filter-crs"} {
			if p.has(name) {
				return nil, errBadParam(name + " is given without a filter")
			}
		}
		return nil, nil
	}
	var e *geo.Expr
	var err error
	switch lang := p.get("filter-lang"); lang {
	case "", "cql2-text":
		e, err = cql2.ParseText(p.get("filter"))
	case "cql2-json":
		e, err = cql2.ParseJSON(p.get("filter"))
	default:
		return nil, errBadParam(fmt.Sprintf("filter-lang %q is not supported; use cql2-text or cql2-json", clip(lang)))
	}
	if err != nil {
		return nil, errBadParam("filter: " + err.Error())
	}
	c, err := parseCRS("filter-crs", p.get("filter-crs"))
	if err != nil {
		return nil, err
	}
	if err := c.literals(e); err != nil {
		return nil, err
	}
	schema, err := s.store.Schema(r.Context(), layer)
	if err != nil {
		return nil, err
	}
	if err := geo.CheckFilter(e, geo.Queryables(schema)); err != nil {
		var fe *geo.FilterError
		if errors.As(err, &fe) {
			return nil, errBadParam("filter: " + fe.Msg)
		}
		return nil, err
	}
	return e, nil
}

// literals writes the geometry literals of a filter given in c in CRS84.
func (c *crsDef) literals(e *geo.Expr) error {
	if c.uri == crs84 {
		return nil
	}
	switch e.Kind {
	case geo.KindGeometry:
		e.Geom = geo.MapGeometry(e.Geom, c.in)
	case geo.KindBBox:
		n := e.BBox
		if len(n) == 6 {
			n = []float64{n[0], n[1], n[3], n[4]}
		}
		b, err := c.bound([4]float64(n))
		if err != nil {
			return errBadParam("filter: BBOX in filter-crs: " + err.(*apiError).Desc)
		}
		e.BBox = []float64{b.Min[0], b.Min[1], b.Max[0], b.Max[1]}
	}
	for _, a := range e.Args {
		if err := c.literals(a); err != nil {
			return err
		}
	}
	return nil
}

func (s *Server) queryables(w http.ResponseWriter, r *http.Request) error {
	l, err := s.layerOnly(r)
	if err != nil {
		return err
	}
	schema, err := s.store.Schema(r.Context(), l.ID)
	if err != nil {
		return err
	}
	href := baseURL(r) + "/ogc/collections/" + l.ID
	props := obj{}
	for _, q := range geo.Queryables(schema) {
		switch {
		case q.Type == "geometry":
			props[q.Name] = obj{"title": "The feature's geometry (CRS84); also named " + geo.GeomAlias,
				"type": "object", "format": "geometry-any", "x-ogc-role": "primary-geometry"}
		default:
			p := obj{"title": q.Name, "type": q.Type}
			if q.Name == "id" {
				p["x-ogc-role"] = "id"
			}
			if q.Format != "" {
				p["format"] = q.Format
			}
			props[q.Name] = p
		}
	}
	return writeJSON(w, r, http.StatusOK, typeSchema, obj{
		"$schema":              "https://json-schema.org/draft/2020-12/schema",
		"$id":                  href + "/queryables",
		"title":                l.TitleZH + " " + l.TitleEN,
		"description":          "The properties a filter on " + href + "/items may name (CQL2).",
		"type":                 "object",
		"properties":           props,
		"additionalProperties": false,
	})
}

// parseSortby reads sortby: queryables separated by commas, each with an
// optional + (ascending, the default) or - (descending).
func parseSortby(p params, qs []geo.Queryable) ([]geo.SortKey, error) {
	if !p.has("sortby") {
		return nil, nil
	}
	var keys []geo.SortKey
	for _, name := range strings.Split(p.get("sortby"), ",") {
		name = strings.Replace(name, " ", "+", 1) // an unescaped + in a URL reads as a space
		k := geo.SortKey{Name: strings.TrimPrefix(strings.TrimPrefix(name, "+"), "-"), Desc: strings.HasPrefix(name, "-")}
		if !slices.ContainsFunc(qs, func(q geo.Queryable) bool { return q.Name == k.Name && q.Type != "geometry" }) {
			return nil, errBadParam(fmt.Sprintf("sortby: %q is not a queryable of this collection that can be sorted on (see its /queryables)", clip(k.Name)))
		}
		keys = append(keys, k)
	}
	return keys, nil
}

// parseProperties reads properties: the names of the properties to return.
func parseProperties(p params, schema []geo.Property) ([]string, error) {
	if !p.has("properties") {
		return nil, nil
	}
	names := strings.Split(p.get("properties"), ",")
	for _, n := range names {
		if !slices.ContainsFunc(schema, func(s geo.Property) bool { return s.Name == n }) {
			return nil, errBadParam(fmt.Sprintf("properties: %q is not a property of this collection (see its /schema)", clip(n)))
		}
	}
	return names, nil
}

// keepProperties removes every property but names from each feature.
func keepProperties(fs []*geojson.Feature, names []string) {
	if names == nil {
		return
	}
	for _, f := range fs {
		kept := geojson.Properties{}
		for _, n := range names {
			kept[n] = f.Properties[n]
		}
		f.Properties = kept
	}
}
