package main

import (
	"fmt"
	"math"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/planar"

	"planmap/geo"
)

type district struct {
	id, name string
	geom     orb.MultiPolygon
	label    orb.Point
	adcode   int
}

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
	src       string
	rows      []row
	byID      map[string]*row
	districts []district
	stations  []station
	stByName  map[string]*station
	lines     []metroLine
	wikidata  map[string]*geojson.Feature
	rivers    map[string]orb.MultiLineString // "yangtze", "han"
	features  []geo.Feature
	targets   []geo.PlanTarget
	ftargets  map[string][]geo.Target // feature_targets.csv, by feature id
	catIDs    map[string]bool
	places    map[string]place // places plus data/sources/placements.csv
	log       []string
}

func newBuilder(src string) (*builder, error) {
	b := &builder{src: src, byID: map[string]*row{}, stByName: map[string]*station{},
		wikidata: map[string]*geojson.Feature{}, rivers: map[string]orb.MultiLineString{}, catIDs: map[string]bool{}}
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
	if err := b.loadDistricts(); err != nil {
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
	rv, err := readFC(filepath.Join(src, "wuhan_rivers_naturalearth10m_wgs84.geojson"))
	if err != nil {
		return nil, err
	}
	for _, f := range rv.Features {
		key := map[string]string{"Han": "han", "Yangtze": "yangtze"}[f.Properties.MustString("name_en", "")]
		if key == "" {
			key = strings.ToLower(f.Properties.MustString("name", ""))
		}
		switch g := f.Geometry.(type) {
		case orb.MultiLineString:
			b.rivers[key] = g
		case orb.LineString:
			b.rivers[key] = orb.MultiLineString{g}
		}
	}
	if b.rivers["yangtze"] == nil || b.rivers["han"] == nil {
		return nil, fmt.Errorf("rivers: need Yangtze and Han, have %v", sortedKeys(b.rivers))
	}
	b.places = map[string]place{}
	for id, pl := range places {
		b.places[id] = pl
	}
	if err := b.readPlacements(); err != nil {
		return nil, err
	}
	return b, nil
}

func (b *builder) logf(format string, args ...any) {
	b.log = append(b.log, fmt.Sprintf(format, args...))
}

// loadDistricts converts the DataV districts from GCJ-02 and repairs them.
func (b *builder) loadDistricts() error {
	fc, err := readFC(filepath.Join(b.src, "wuhan_districts_datav_gcj02.geojson"))
	if err != nil {
		return err
	}
	ids := map[string]string{}
	for _, r := range b.rows {
		if r.Layer == "structure/district" {
			ids[r.NameZH] = r.ID
		}
	}
	for _, f := range fc.Features {
		name := f.Properties.MustString("name", "")
		id := ids[name]
		if id == "" {
			return fmt.Errorf("DataV district %q has no catalogue row", name)
		}
		var mp orb.MultiPolygon
		switch g := geo.GCJ02ToWGS84Geometry(f.Geometry).(type) {
		case orb.MultiPolygon:
			mp = g
		case orb.Polygon:
			mp = orb.MultiPolygon{g}
		default:
			return fmt.Errorf("district %s: geometry %T", name, g)
		}
		mp = round(mp, 6).(orb.MultiPolygon)
		before := areaKm2(mp)
		fixed, n, err := dissolve(mp)
		if err != nil {
			return fmt.Errorf("district %s: %v", name, err)
		}
		if n > 0 {
			b.logf("district %s: merged %d parts into %d along %d shared edges; area %.3f -> %.3f km²",
				name, len(mp), len(fixed), n, before, areaKm2(fixed))
		}
		if err := geo.ValidGeometry(fixed); err != nil {
			return fmt.Errorf("district %s: still invalid after repair: %v", name, err)
		}
		if p := sharedEdges(fixed); p != "" {
			return fmt.Errorf("district %s: parts still share an edge at %s", name, p)
		}
		d := district{id: id, name: name, geom: fixed, adcode: int(f.Properties.MustFloat64("adcode", 0))}
		if c, ok := f.Properties["center"].([]any); ok && len(c) == 2 {
			lon, _ := c[0].(float64)
			lat, _ := c[1].(float64)
			d.label = geo.GCJ02ToWGS84(orb.Point{lon, lat})
		}
		if d.label == (orb.Point{}) || !planar.MultiPolygonContains(fixed, d.label) {
			d.label = anchorOf(fixed)
		}
		b.districts = append(b.districts, d)
	}
	if len(b.districts) != 13 {
		return fmt.Errorf("want 13 districts, have %d", len(b.districts))
	}
	return nil
}

// sharedEdges reports an edge used by two parts of a multipolygon, if any.
func sharedEdges(mp orb.MultiPolygon) string {
	type edge struct{ a, b orb.Point }
	seen := map[edge]int{}
	for i, p := range mp {
		for _, r := range p {
			for k := 0; k+1 < len(r); k++ {
				e := edge{r[k], r[k+1]}
				if e.b[0] < e.a[0] || (e.b[0] == e.a[0] && e.b[1] < e.a[1]) {
					e = edge{e.b, e.a}
				}
				if j, ok := seen[e]; ok && j != i {
					return fmt.Sprint(e.a)
				}
				seen[e] = i
			}
		}
	}
	return ""
}

func (b *builder) districtAt(p orb.Point) *district {
	for i := range b.districts {
		if planar.MultiPolygonContains(b.districts[i].geom, p) {
			return &b.districts[i]
		}
	}
	return nil
}

func (b *builder) districtByName(name string) *district {
	for i := range b.districts {
		if b.districts[i].name == name || strings.TrimSuffix(b.districts[i].name, "区") == name {
			return &b.districts[i]
		}
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

// section returns the part of a metro line between two named stations.
func (b *builder) section(line, from, to string) (orb.LineString, error) {
	l := b.line(line)
	if l == nil {
		return nil, fmt.Errorf("no metro line %s", line)
	}
	i, j := -1, -1
	for k, id := range l.stations {
		switch b.stations[id].name {
		case from:
			i = k
		case to:
			j = k
		}
	}
	if i < 0 || j < 0 {
		return nil, fmt.Errorf("line %s: stations %s..%s not found", line, from, to)
	}
	if i > j {
		i, j = j, i
	}
	return append(orb.LineString{}, l.geom[i:j+1]...), nil
}

func (b *builder) wd(q string) (orb.Point, *geojson.Feature) {
	f := b.wikidata[q]
	if f == nil {
		panic("unknown wikidata " + q)
	}
	return f.Geometry.(orb.Point), f
}

// ref resolves a waypoint: "wd:Q…" (Wikidata), "st:<name>" (metro station),
// "cat:<id>" (catalogue anchor), "d:<district>" (district label point) or
// "lon,lat".
func (b *builder) ref(s string) orb.Point {
	switch {
	case strings.HasPrefix(s, "wd:"):
		p, _ := b.wd(s[3:])
		return p
	case strings.HasPrefix(s, "st:"):
		st := b.stByName[s[3:]]
		if st == nil {
			panic("unknown station " + s)
		}
		return st.p
	case strings.HasPrefix(s, "cat:"):
		r := b.byID[s[4:]]
		if r == nil || !r.HasCoord {
			panic("catalogue anchor missing: " + s)
		}
		return orb.Point{r.Lon, r.Lat}
	case strings.HasPrefix(s, "d:"):
		d := b.districtByName(s[2:])
		if d == nil {
			panic("unknown district " + s)
		}
		return d.label
	}
	parts := strings.Split(s, ",")
	lon, _ := strconv.ParseFloat(parts[0], 64)
	lat, _ := strconv.ParseFloat(parts[1], 64)
	return orb.Point{lon, lat}
}

func (b *builder) path(refs ...string) orb.LineString {
	var l orb.LineString
	for _, r := range refs {
		l = append(l, b.ref(r))
	}
	return clipToRegion(l)
}

// riverBearing is the direction (degrees from north) of the nearest river
// centreline at p, and the distance to it in km.
func (b *builder) riverBearing(p orb.Point) (float64, float64, string) {
	best, bestD, which := 0.0, math.Inf(1), ""
	for _, key := range []string{"yangtze", "han"} {
		for _, l := range b.rivers[key] {
			for i := 0; i+1 < len(l); i++ {
				a, c := l[i], l[i+1]
				d := segDistKm(p, a, c)
				if d < bestD {
					bestD, which = d, key
					k := math.Cos(p[1] * math.Pi / 180)
					best = math.Atan2((c[0]-a[0])*k, c[1]-a[1]) * 180 / math.Pi
				}
			}
		}
	}
	return best, bestD, which
}

func segDistKm(p, a, c orb.Point) float64 {
	k := math.Cos(p[1] * math.Pi / 180)
	ax, ay := (a[0]-p[0])*111.32*k, (a[1]-p[1])*110.57
	cx, cy := (c[0]-p[0])*111.32*k, (c[1]-p[1])*110.57
	dx, dy := cx-ax, cy-ay
	t := 0.0
	if l := dx*dx + dy*dy; l > 0 {
		t = math.Max(0, math.Min(1, -(ax*dx+ay*dy)/l))
	}
	return math.Hypot(ax+t*dx, ay+t*dy)
}

func (b *builder) add(f geo.Feature) { b.features = append(b.features, f) }

func (b *builder) run() error {
	b.addDistricts()
	b.addBase()
	b.addMetro()
	for i := range b.rows {
		if b.rows[i].Layer == "structure/district" {
			continue
		}
		f, err := b.catalogueFeature(&b.rows[i])
		if err != nil {
			return fmt.Errorf("catalogue %s: %v", b.rows[i].ID, err)
		}
		b.add(f)
	}
	var err error
	if b.targets, err = b.planTargets(); err != nil {
		return err
	}
	return b.validate()
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
		g := round(f.Geometry, 6)
		f.Geometry = g
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
