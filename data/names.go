package data

import (
	"errors"
	"fmt"
	"io/fs"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"planmap/geo"
)

// The gazetteer's files, both optional in a dataset directory:
//
//	places.geojson  real places (Points with id, name_zh, name_en, kind, district, source)
//	aliases.json    [ {name, target, source}, ... ] other names of features and places
const (
	PlacesFile  = "places.geojson"
	AliasesFile = "aliases.json"
)

// readNames reads the gazetteer and the aliases into ds.
func readNames(fsys fs.FS, ds *Dataset) []geo.Problem {
	var probs []geo.Problem
	if err := readJSON(fsys, AliasesFile, &ds.Aliases); err != nil && !errors.Is(err, fs.ErrNotExist) {
		probs = append(probs, geo.Problem{File: AliasesFile, Msg: err.Error()})
	}
	b, err := fs.ReadFile(fsys, PlacesFile)
	if errors.Is(err, fs.ErrNotExist) {
		return probs
	}
	var fc *geojson.FeatureCollection
	if err == nil {
		fc, err = geojson.UnmarshalFeatureCollection(b)
	}
	if err != nil {
		return append(probs, geo.Problem{File: PlacesFile, Msg: err.Error()})
	}
	for _, f := range fc.Features {
		p := geo.Place{NameZH: f.Properties.MustString("name_zh", ""), NameEN: f.Properties.MustString("name_en", ""),
			Kind: f.Properties.MustString("kind", ""), District: f.Properties.MustString("district", ""),
			Source: f.Properties.MustString("source", "")}
		p.ID, _ = f.ID.(string)
		if pt, ok := f.Geometry.(orb.Point); ok {
			p.Point = pt
		} else {
			probs = append(probs, geo.Problem{File: PlacesFile, Feature: p.ID, Msg: "geometry must be a Point"})
		}
		ds.Places = append(ds.Places, p)
	}
	return probs
}

// names checks every place (its own id, a point in the region, a name, a
// kind and a source) and that every alias names a feature or a
// place and says where it comes from; run after the features are seen.
func (c *checker) names(ds *Dataset) {
	places := map[string]bool{}
	for _, p := range ds.Places {
		switch {
		case !geo.ValidID(p.ID):
			c.add(geo.Problem{File: PlacesFile, Feature: p.ID, Msg: "id is not kebab-case ascii"})
		case places[p.ID] || c.seen[p.ID] != "":
			c.add(geo.Problem{File: PlacesFile, Feature: p.ID, Msg: "id already used"})
		case !geo.Region.Contains(p.Point):
			c.add(geo.Problem{File: PlacesFile, Feature: p.ID, Msg: "point is not a WGS84 lon/lat in the Wuhan region"})
		case p.NameZH == "" || p.Kind == "" || p.Source == "":
			c.add(geo.Problem{File: PlacesFile, Feature: p.ID, Msg: "needs name_zh, kind and source"})
		}
		places[p.ID] = true
	}
	for _, a := range ds.Aliases {
		switch {
		case geo.Normalize(a.Name) == "" || a.Source == "":
			c.add(geo.Problem{File: AliasesFile, Msg: fmt.Sprintf("alias %q of %q needs a name and a source", a.Name, a.Target)})
		case c.seen[a.Target] == "" && !places[a.Target]:
			c.add(geo.Problem{File: AliasesFile, Msg: fmt.Sprintf("alias %q names unknown feature or place %q", a.Name, a.Target)})
		}
	}
}

// AliasNames groups the aliases' names by target id.
func (ds *Dataset) AliasNames() map[string][]string {
	m := map[string][]string{}
	for _, a := range ds.Aliases {
		m[a.Target] = append(m[a.Target], a.Name)
	}
	return m
}
