package main

import (
	"fmt"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"planmap/geo"
)

type station struct {
	id       int
	name, py string
	lines    []string
	transfer bool
	p        orb.Point // WGS84, converted by geo.GCJ02ToWGS84
}

type metroLine struct {
	name, nameEN, color string
	stations            []int
	geom                orb.LineString // WGS84
}

type builder struct {
	src        string
	rows       []row
	byID       map[string]*row
	osm        *osmData
	stations   []station
	stByName   map[string]*station
	lines      []metroLine
	wikidata   map[string]*geojson.Feature
	rivers     map[string]orb.MultiLineString // "yangtze", "han"
	placements map[string]placement
	features   []geo.Feature
	built      map[string]*geo.Feature    // catalogue features placed so far, for f: references
	used       map[string]map[string]bool // datasets each feature's geometry came from
	targets    []geo.PlanTarget
	ftargets   map[string][]geo.Target // feature_targets.csv, by feature id
	catIDs     map[string]bool
}

func newBuilder(src string) (*builder, error) {
	b := &builder{src: src, byID: map[string]*row{}, stByName: map[string]*station{},
		wikidata: map[string]*geojson.Feature{}, rivers: map[string]orb.MultiLineString{}, catIDs: map[string]bool{},
		built: map[string]*geo.Feature{}, used: map[string]map[string]bool{}}
	var err error
	if b.rows, err = readCatalogue(src); err != nil {
		return nil, err
	}
	if b.ftargets, err = readFeatureTargets(src); err != nil {
		return nil, err
	}
	for i := range b.rows {
		r := &b.rows[i]
		if b.byID[r.ID] != nil {
			return nil, fmt.Errorf("catalogue: duplicate id %s", r.ID)
		}
		b.byID[r.ID] = r
		b.catIDs[r.ID] = true
	}
	if b.osm, err = readOSM(src); err != nil {
		return nil, err
	}
	if err := b.loadMetro(); err != nil {
		return nil, err
	}
	wd, err := readFC(filepath.Join(src, "wuhan_poi_wikidata_wgs84.geojson"))
	if err != nil {
		return nil, err
	}
	for _, f := range wd.Features {
		b.wikidata[f.Properties.MustString("wikidata", "")] = f
	}
	if err := b.loadRivers(); err != nil {
		return nil, err
	}
	if b.placements, err = readPlacements(src); err != nil {
		return nil, err
	}
	for id := range b.placements {
		if b.byID[id] == nil {
			return nil, fmt.Errorf("placements.csv: %s is not in the catalogue", id)
		}
	}
	return b, nil
}

func (b *builder) loadRivers() error {
	rv, err := readFC(filepath.Join(b.src, "wuhan_rivers_naturalearth10m_wgs84.geojson"))
	if err != nil {
		return err
	}
	for _, f := range rv.Features {
		key := map[string]string{"Han": "han", "Yangtze": "yangtze"}[f.Properties.MustString("name_en", "")]
		switch g := f.Geometry.(type) {
		case orb.MultiLineString:
			b.rivers[key] = g
		case orb.LineString:
			b.rivers[key] = orb.MultiLineString{g}
		}
	}
	if b.rivers["yangtze"] == nil || b.rivers["han"] == nil {
		return fmt.Errorf("rivers: need Yangtze and Han, have %v", sortedKeys(b.rivers))
	}
	return nil
}

func (b *builder) loadMetro() error {
	recs, err := readCSV(filepath.Join(b.src, "wuhan_metro_stations.csv"))
	if err != nil {
		return err
	}
	for _, m := range recs {
		id, _ := strconv.Atoi(m["id"])
		lon, err1 := strconv.ParseFloat(m["lon_gcj02"], 64)
		lat, err2 := strconv.ParseFloat(m["lat_gcj02"], 64)
		if err1 != nil || err2 != nil {
			return fmt.Errorf("station %s: bad coordinates", m["name"])
		}
		s := station{id: id, name: m["name"], py: m["pinyin"], lines: strings.Split(m["lines"], "|"),
			transfer: m["is_transfer"] == "1", p: geo.GCJ02ToWGS84(orb.Point{lon, lat})}
		b.stations = append(b.stations, s)
	}
	for i := range b.stations {
		b.stByName[b.stations[i].name] = &b.stations[i]
	}
	fc, err := readFC(filepath.Join(b.src, "wuhan_metro_lines_schematic_gcj02.geojson"))
	if err != nil {
		return err
	}
	for _, f := range fc.Features {
		ls, ok := geo.GCJ02ToWGS84Geometry(f.Geometry).(orb.LineString)
		if !ok {
			return fmt.Errorf("metro line %v: not a LineString", f.Properties["name"])
		}
		l := metroLine{name: f.Properties.MustString("name", ""), nameEN: f.Properties.MustString("name_en", ""),
			color: f.Properties.MustString("color", ""), geom: ls}
		if ids, ok := f.Properties["station_ids"].([]any); ok {
			for _, v := range ids {
				n, _ := v.(float64)
				l.stations = append(l.stations, int(n))
			}
		}
		if len(l.stations) != len(ls) {
			return fmt.Errorf("metro line %s: %d stations but %d vertices", l.name, len(l.stations), len(ls))
		}
		b.lines = append(b.lines, l)
	}
	if len(b.stations) != 277 || len(b.lines) != 13 {
		return fmt.Errorf("metro: want 277 stations and 13 lines, have %d and %d", len(b.stations), len(b.lines))
	}
	return nil
}

func (b *builder) line(name string) *metroLine {
	for i := range b.lines {
		if b.lines[i].name == name {
			return &b.lines[i]
		}
	}
	return nil
}

func (b *builder) add(f geo.Feature, used map[string]bool) {
	b.features = append(b.features, f)
	b.used[f.ID] = used
}

// run builds every feature. Catalogue elements whose rule refers to other
// features (f:…) are placed after those, in as many rounds as it takes.
func (b *builder) run() error {
	b.addDistricts()
	b.addBase()
	b.addMetro()
	b.addBaseRoads()
	b.addBaseStations()
	todo := make([]*row, 0, len(b.rows))
	for i := range b.rows {
		if b.rows[i].Layer != "structure/district" {
			todo = append(todo, &b.rows[i])
		}
	}
	for len(todo) > 0 {
		var later []*row
		for _, r := range todo {
			if !b.ready(r) {
				later = append(later, r)
				continue
			}
			f, used, err := b.catalogueFeature(r)
			if err != nil {
				return fmt.Errorf("catalogue %s: %v", r.ID, err)
			}
			b.add(f, used)
			b.built[f.ID] = &f
		}
		if len(later) == len(todo) {
			return fmt.Errorf("placements refer to each other in a circle: %s", later[0].ID)
		}
		todo = later
	}
	var err error
	if b.targets, err = b.planTargets(); err != nil {
		return err
	}
	return b.validate()
}

// ready reports whether every feature a row's placement refers to is built.
func (b *builder) ready(r *row) bool {
	for _, ref := range splitRefs(b.placements[r.ID].ref) {
		if id, ok := strings.CutPrefix(ref, "f:"); ok && b.built[id] == nil {
			return false
		}
	}
	return true
}

// validate runs the dataset checks on what was built, so a bad build fails
// here with the builder's own message rather than later in data.Load.
func (b *builder) validate() error {
	var probs []string
	seen := map[string]bool{}
	for _, f := range b.features {
		if seen[f.ID] {
			probs = append(probs, "duplicate id "+f.ID)
		}
		seen[f.ID] = true
		f.Geometry = round(f.Geometry, 6)
		for _, p := range geo.Validate(f) {
			probs = append(probs, p.Error())
		}
	}
	for id := range b.catIDs {
		if !seen[id] {
			probs = append(probs, "catalogue id missing: "+id)
		}
	}
	sort.Strings(probs)
	if len(probs) > 0 {
		return fmt.Errorf("%d problems:\n  %s", len(probs), strings.Join(probs, "\n  "))
	}
	return nil
}

// districtOf names the district a geometry lies in: the one holding a point,
// or the one holding most vertices of a line or area (none when no
// district holds half of them).
func (b *builder) districtOf(g orb.Geometry) string {
	if p, ok := g.(orb.Point); ok {
		if d := b.osm.districtAt(p); d != nil {
			return d.name
		}
		return ""
	}
	count := map[string]int{}
	vs := geo.Vertices(g)
	for _, v := range vs {
		if d := b.osm.districtAt(v); d != nil {
			count[d.name]++
		}
	}
	best := ""
	for name, n := range count {
		if n > count[best] || (n == count[best] && name < best) {
			best = name
		}
	}
	if 2*count[best] <= len(vs) {
		return ""
	}
	return best
}
