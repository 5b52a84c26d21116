package data

// Invariants of the shipped dataset, checked against the independent sources
// in data/sources (read here from the raw files, not through the builder):
// every vertex comes from a source or from a stated rule, roads follow their
// OpenStreetMap ways, districts hold what they are said to hold, lines cross
// the Yangtze and Han only where they should, sub-centres contain their
// places, shared points have evidence. Each check is also run on a broken
// copy, which it must catch.

import (
	"encoding/csv"
	"fmt"
	"math"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/planar"

	"planmap/geo"
)

// sources is what data/sources says, read independently of the builder.
type sources struct {
	coords    map[[2]int64]bool      // every source point and vertex, at 1e-6°
	grid      map[[2]int][]orb.Point // the same, by 0.01° cell
	roads     map[string]orb.MultiLineString
	segments  map[string]map[[2][2]int64]bool // each road way's segments (both ways round) by name, "" for unnamed
	districts map[string]orb.MultiPolygon
	stations  map[string]orb.Point // metro stations, converted to WGS84
	wikidata  map[string]orb.Point
	runways   []orb.LineString
	placement map[string][2]string // id → rule, ref (placements.csv)
}

func key(p orb.Point) [2]int64 {
	return [2]int64{int64(math.Round(p[0] * 1e6)), int64(math.Round(p[1] * 1e6))}
}

func (s *sources) add(ps ...orb.Point) {
	for _, p := range ps {
		if k := key(p); !s.coords[k] {
			s.coords[k] = true
			c := cell(p)
			s.grid[c] = append(s.grid[c], p)
		}
	}
}

var srcCache *sources

func readSources(t *testing.T) *sources {
	t.Helper()
	if srcCache != nil {
		return srcCache
	}
	s := &sources{coords: map[[2]int64]bool{}, grid: map[[2]int][]orb.Point{}, roads: map[string]orb.MultiLineString{},
		segments: map[string]map[[2][2]int64]bool{}, districts: map[string]orb.MultiPolygon{}, stations: map[string]orb.Point{}, wikidata: map[string]orb.Point{},
		placement: map[string][2]string{}}
	fc := func(name string) *geojson.FeatureCollection {
		b, err := os.ReadFile("sources/" + name)
		if err != nil {
			t.Fatal(err)
		}
		c, err := geojson.UnmarshalFeatureCollection(b)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return c
	}
	for _, f := range fc("wuhan_districts_osm_wgs84.geojson").Features {
		mp, ok := f.Geometry.(orb.MultiPolygon)
		if p, isPoly := f.Geometry.(orb.Polygon); isPoly {
			mp, ok = orb.MultiPolygon{p}, true
		}
		if !ok {
			t.Fatalf("district %v: %T", f.Properties["name"], f.Geometry)
		}
		s.districts[f.Properties.MustString("name", "")] = mp
		s.add(geo.Vertices(mp)...)
	}
	for _, f := range fc("wuhan_roads_osm_wgs84.geojson").Features {
		l := f.Geometry.(orb.LineString)
		n := f.Properties.MustString("name", "")
		if n != "" {
			s.roads[n] = append(s.roads[n], l)
		}
		if s.segments[n] == nil {
			s.segments[n] = map[[2][2]int64]bool{}
		}
		for i := 0; i+1 < len(l); i++ {
			s.segments[n][[2][2]int64{key(l[i]), key(l[i+1])}] = true
			s.segments[n][[2][2]int64{key(l[i+1]), key(l[i])}] = true
		}
		s.add(l...)
	}
	for _, f := range fc("wuhan_aeroways_osm_wgs84.geojson").Features {
		l := f.Geometry.(orb.LineString)
		if f.Properties.MustString("aeroway", "") == "runway" {
			s.runways = append(s.runways, l)
		}
		s.add(l...)
	}
	byName := map[string][]orb.Point{}
	for _, f := range fc("wuhan_rail_stations_osm_wgs84.geojson").Features {
		p := f.Geometry.(orb.Point)
		s.add(p)
		byName[f.Properties.MustString("name", "")] = append(byName[f.Properties.MustString("name", "")], p)
	}
	// A station mapped as several points (platforms) may be placed at their centre.
	for _, ps := range byName {
		for i := 2; i <= len(ps); i++ {
			var x, y float64
			for _, p := range ps[:i] {
				x, y = x+p[0], y+p[1]
			}
			s.add(orb.Point{x / float64(i), y / float64(i)})
		}
	}
	for _, f := range fc("wuhan_poi_wikidata_wgs84.geojson").Features {
		p := f.Geometry.(orb.Point)
		s.wikidata[f.Properties.MustString("wikidata", "")] = p
		s.add(p)
	}
	for _, f := range fc("wuhan_rivers_naturalearth10m_wgs84.geojson").Features {
		s.add(geo.Vertices(f.Geometry)...)
	}
	for _, r := range readCSVFile(t, "sources/wuhan_metro_stations.csv") {
		lon, _ := strconv.ParseFloat(r["lon_gcj02"], 64)
		lat, _ := strconv.ParseFloat(r["lat_gcj02"], 64)
		p := geo.GCJ02ToWGS84(orb.Point{lon, lat})
		s.stations[r["name"]] = p
		s.add(p)
	}
	for _, r := range readCSVFile(t, "sources/placements.csv") {
		s.placement[r["id"]] = [2]string{r["rule"], r["ref"]}
	}
	srcCache = s
	return s
}

func readCSVFile(t *testing.T, path string) []map[string]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var out []map[string]string
	for _, r := range recs[1:] {
		m := map[string]string{}
		for i, h := range recs[0] {
			m[h] = r[i]
		}
		out = append(out, m)
	}
	return out
}

// metres between two points (equirectangular; exact enough over a city).
func metres(a, b orb.Point) float64 {
	k := math.Cos((a[1] + b[1]) / 2 * math.Pi / 180)
	return math.Hypot((b[0]-a[0])*111320*k, (b[1]-a[1])*110570)
}

// toSegment is the distance in metres from p to segment a–b.
func toSegment(p, a, b orb.Point) float64 {
	k := math.Cos(p[1] * math.Pi / 180)
	ax, ay := (a[0]-p[0])*111320*k, (a[1]-p[1])*110570
	bx, by := (b[0]-p[0])*111320*k, (b[1]-p[1])*110570
	dx, dy := bx-ax, by-ay
	t := 0.0
	if l := dx*dx + dy*dy; l > 0 {
		t = math.Max(0, math.Min(1, -(ax*dx+ay*dy)/l))
	}
	return math.Hypot(ax+t*dx, ay+t*dy)
}

func toLines(p orb.Point, ml orb.MultiLineString) float64 {
	best := math.Inf(1)
	for _, l := range ml {
		for i := 0; i+1 < len(l); i++ {
			best = math.Min(best, toSegment(p, l[i], l[i+1]))
		}
	}
	return best
}

// atCrossing reports whether p is where two OSM roads meet: within 60 m of
// both (the centre of a dual carriageway's crossings lies between them).
func (s *sources) atCrossing(p orb.Point) bool {
	n := 0
	for _, ml := range s.roads {
		if toLines(p, ml) < 60 {
			if n++; n == 2 {
				return true
			}
		}
	}
	return false
}

var widened = regexp.MustCompile(`widened by ([0-9.]+) (k?m)`)

// checkProvenance finds vertices that no source holds and no stated rule
// made: every vertex is a source coordinate (or where two source roads
// cross), except that a hull's vertices lie exactly the stated distance from
// a source coordinate; and no area is a circle.
func checkProvenance(fs []geo.Feature, s *sources) []string {
	var bad []string
	for _, f := range fs {
		if f.Geometry == nil {
			continue
		}
		widen := 0.0
		if m := widened.FindStringSubmatch(fmt.Sprint(f.Extra["placement_en"])); m != nil && (f.Extra["placement_rule"] == "hull" || f.Extra["placement_rule"] == "as") {
			widen, _ = strconv.ParseFloat(m[1], 64)
			if m[2] == "km" {
				widen *= 1000
			}
		}
		for _, v := range geo.Vertices(f.Geometry) {
			if s.coords[key(v)] || s.atCrossing(v) || (widen > 0 && s.atDistance(v, widen)) {
				continue
			}
			bad = append(bad, fmt.Sprintf("%s: vertex %v comes from no source and no stated rule", f.ID, v))
			break
		}
		if circle(f.Geometry) {
			bad = append(bad, fmt.Sprintf("%s: drawn as a circle", f.ID))
		}
	}
	return bad
}

func cell(p orb.Point) [2]int {
	return [2]int{int(math.Floor(p[0] * 100)), int(math.Floor(p[1] * 100))}
}

// atDistance reports whether p lies d metres (±2) from some source coordinate.
func (s *sources) atDistance(p orb.Point, d float64) bool {
	c, r := cell(p), int(d/900)+1 // a cell is at least 950 m wide here
	for x := c[0] - r; x <= c[0]+r; x++ {
		for y := c[1] - r; y <= c[1]+r; y++ {
			for _, q := range s.grid[[2]int{x, y}] {
				if math.Abs(metres(p, q)-d) < 2 {
					return true
				}
			}
		}
	}
	return false
}

// circle reports whether some ring of an area has all its vertices at one
// distance from its centre: a fixed-size circle or ellipse's sibling.
func circle(g orb.Geometry) bool {
	var rings []orb.Ring
	switch g := g.(type) {
	case orb.Polygon:
		rings = g
	case orb.MultiPolygon:
		for _, p := range g {
			rings = append(rings, p...)
		}
	}
	for _, r := range rings {
		if len(r) < 8 {
			continue
		}
		c := r.Bound().Center()
		lo, hi := math.Inf(1), 0.0
		for _, p := range r {
			d := metres(c, p)
			lo, hi = math.Min(lo, d), math.Max(hi, d)
		}
		if hi-lo < 0.02*hi {
			return true
		}
	}
	return false
}

// checkRoads: a feature drawn from or along an OSM road lies within 300 m of
// that road along its whole length (sampled every 50 m), and a road of the
// plan whose name contains an OSM road's name is drawn from that road or not
// at all.
func checkRoads(fs []geo.Feature, s *sources) []string {
	var bad []string
	for _, f := range fs {
		if f.Geometry == nil {
			continue
		}
		pl := s.placement[f.ID]
		var names []string
		if pl[0] == "geom" || pl[0] == "along" {
			for _, r := range strings.Split(pl[1], ";") {
				if n, ok := strings.CutPrefix(r, "road:"); ok {
					names = append(names, n)
				}
			}
		}
		if f.Layer == "roads" && len(names) == 0 {
			for n := range s.roads {
				if len([]rune(n)) >= 3 && strings.Contains(f.NameZH, n) {
					bad = append(bad, fmt.Sprintf("%s: named after the OSM road %s but not drawn from it", f.ID, n))
				}
			}
		}
		if len(names) == 0 {
			continue
		}
		var road orb.MultiLineString
		for _, n := range names {
			road = append(road, s.roads[n]...)
		}
		for _, p := range samples(f.Geometry, 50) {
			if d := toLines(p, road); d > 300 {
				bad = append(bad, fmt.Sprintf("%s: %v lies %.0f m from %s", f.ID, p, d, strings.Join(names, "/")))
				break
			}
		}
	}
	return bad
}

// checkBaseRoads: the base map's roads are OpenStreetMap's ways as mapped:
// every segment of a base road is a segment of an OSM way of its name (of
// no name, for the unnamed roads).
func checkBaseRoads(fs []geo.Feature, s *sources) []string {
	var bad []string
	for _, f := range fs {
		if f.Layer != "base-roads" {
			continue
		}
		name := f.NameZH
		if f.NameEN == "Unnamed road" {
			name = ""
		}
	parts:
		for _, part := range lineParts(f.Geometry) {
			l := part.(orb.LineString)
			for i := 0; i+1 < len(l); i++ {
				if !s.segments[name][[2][2]int64{key(l[i]), key(l[i+1])}] {
					bad = append(bad, fmt.Sprintf("%s: segment %v–%v is not on an OSM way named %q", f.ID, l[i], l[i+1], name))
					break parts
				}
			}
		}
	}
	return bad
}

// samples lists points every step metres along a line's parts.
func samples(g orb.Geometry, step float64) []orb.Point {
	var lines []orb.LineString
	switch g := g.(type) {
	case orb.LineString:
		lines = []orb.LineString{g}
	case orb.MultiLineString:
		lines = g
	}
	var out []orb.Point
	for _, l := range lines {
		for i := 0; i+1 < len(l); i++ {
			n := max(1, int(metres(l[i], l[i+1])/step))
			for k := 0; k < n; k++ {
				t := float64(k) / float64(n)
				out = append(out, orb.Point{l[i][0] + t*(l[i+1][0]-l[i][0]), l[i][1] + t*(l[i+1][1]-l[i][1])})
			}
		}
		if len(l) > 0 {
			out = append(out, l[len(l)-1])
		}
	}
	return out
}

func (s *sources) districtAt(p orb.Point) string {
	names := make([]string, 0, len(s.districts))
	for n := range s.districts {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if planar.MultiPolygonContains(s.districts[n], p) {
			return n
		}
	}
	return ""
}

// checkDistricts: a point said to be in a district is in it (within 50 m
// of it, for points on a boundary); most of a line's or area's vertices are.
func checkDistricts(fs []geo.Feature, s *sources) []string {
	var bad []string
	for _, f := range fs {
		if f.Geometry == nil || f.District == "" {
			continue
		}
		d, ok := s.districts[f.District]
		if !ok {
			bad = append(bad, fmt.Sprintf("%s: no district %s", f.ID, f.District))
			continue
		}
		if p, ok := f.Geometry.(orb.Point); ok {
			if !planar.MultiPolygonContains(d, p) && distToPolygon(p, d) > 50 {
				bad = append(bad, fmt.Sprintf("%s: %v is not in %s", f.ID, p, f.District))
			}
			continue
		}
		vs := geo.Vertices(f.Geometry)
		if step := len(vs)/200 + 1; step > 1 { // a spread of 200 is plenty
			var some []orb.Point
			for i := 0; i < len(vs); i += step {
				some = append(some, vs[i])
			}
			vs = some
		}
		in := 0
		for _, v := range vs {
			if planar.MultiPolygonContains(d, v) || distToPolygon(v, d) < 50 {
				in++
			}
		}
		if 2*in < len(vs) {
			bad = append(bad, fmt.Sprintf("%s: only %d of %d vertices lie in %s", f.ID, in, len(vs), f.District))
		}
	}
	return bad
}

func distToPolygon(p orb.Point, mp orb.MultiPolygon) float64 {
	var ml orb.MultiLineString
	for _, poly := range mp {
		for _, r := range poly {
			ml = append(ml, orb.LineString(r))
		}
	}
	return toLines(p, ml)
}

// banks sorts Wuhan's districts by the bank of the Yangtze and Han they lie
// on: Hankou (north of both), Hanyang (west of the Yangtze, south of the
// Han) and Wuchang (east of the Yangtze). Districts of different banks meet
// only in the rivers, so a line with parts in two banks crosses a river.
var banks = map[string]byte{
	"江岸区": 'H', "江汉区": 'H', "硚口区": 'H', "东西湖区": 'H', "黄陂区": 'H', "新洲区": 'H',
	"汉阳区": 'Y', "蔡甸区": 'Y', "汉南区": 'Y',
	"武昌区": 'W', "青山区": 'W', "洪山区": 'W', "江夏区": 'W',
}

// crossesByDesign lists lines that lie in a river or cross one by nature,
// with the reason; river crossings, metro lines and the rivers' own
// centrelines (rule river) are allowed by kind.
var crossesByDesign = map[string]string{
	"culture-yangtze-culture-axis": "the axis is the Yangtze between its first two bridges",
}

func checkCrossings(fs []geo.Feature, s *sources) []string {
	var bad []string
	for _, f := range fs {
		// The base map's roads are OSM's ways segment for segment (checkBaseRoads): their bridges cross.
		if f.Geometry == nil || f.Layer == "river-crossings" || f.Layer == "base-roads" || f.Kind == "metro_line" || f.Kind == "metro_network" ||
			f.Extra["placement_rule"] == "river" || crossesByDesign[f.ID] != "" {
			continue
		}
		for _, part := range lineParts(f.Geometry) {
			var last byte
			for _, p := range samples(part, 100) {
				d := s.districtAt(p)
				if d == "" {
					continue
				}
				if b := banks[d]; last != 0 && b != last {
					bad = append(bad, fmt.Sprintf("%s: crosses a river near %v (%c→%c bank)", f.ID, p, last, b))
					break
				} else {
					last = b
				}
			}
		}
	}
	return bad
}

func lineParts(g orb.Geometry) []orb.Geometry {
	switch g := g.(type) {
	case orb.LineString:
		return []orb.Geometry{g}
	case orb.MultiLineString:
		var out []orb.Geometry
		for _, l := range g {
			out = append(out, l)
		}
		return out
	}
	return nil
}

// assigned lists real places each sub-centre must contain: those the plan
// (and the geography of its zone) assigns to it. 光谷科学岛, the core of
// 东湖科学城, is not in the sources and cannot be checked.
func assigned(s *sources) map[string]map[string]orb.Point {
	return map[string]map[string]orb.Point{
		"subcity-guanggu": {"光谷广场": s.wikidata["Q10890788"], "未来科技城 (未来一路)": s.stations["未来一路"],
			"未来科技城 (未来三路)": s.stations["未来三路"], "光谷生物城": s.stations["光谷生物园"]},
		"subcity-chegu": {"军山 (大军山)": s.stations["大军山"], "军山 (小军山)": s.stations["小军山"], "汉南 (纱帽)": s.stations["纱帽"],
			"沌口": s.stations["沌口"]},
		"subcity-linkong":          {"天河机场": s.wikidata["Q601091"]},
		"subcity-changjiang-xinqu": {"谌家矶": s.stations["谌家矶"], "武湖": s.stations["武湖"]},
	}
}

func checkSubCentres(fs []geo.Feature, s *sources) []string {
	var bad []string
	want := assigned(s)
	for _, f := range fs {
		places, ok := want[f.ID]
		if !ok {
			continue
		}
		var ps []orb.Point
		for _, p := range places {
			ps = append(ps, p)
		}
		if f.ID == "subcity-linkong" { // the airport whole: every runway end
			for _, r := range s.runways {
				if r[0][1] > 30.7 && r[0][0] < 114.3 {
					ps = append(ps, r...)
				}
			}
		}
		for name, p := range places {
			if f.Geometry == nil || !contains(f.Geometry, p) {
				bad = append(bad, fmt.Sprintf("%s does not contain %s %v", f.ID, name, p))
			}
		}
		for _, p := range ps {
			if f.Geometry != nil && !contains(f.Geometry, p) {
				bad = append(bad, fmt.Sprintf("%s does not contain %v", f.ID, p))
				break
			}
		}
	}
	return bad
}

func contains(g orb.Geometry, p orb.Point) bool {
	switch g := g.(type) {
	case orb.Polygon:
		return planar.PolygonContains(g, p)
	case orb.MultiPolygon:
		return planar.MultiPolygonContains(g, p)
	}
	return false
}

// checkEvidence: an approximate feature names its evidence, every feature
// sharing a point with another gives evidence for its own, and no URL in a
// feature's evidence or source is a mirror (only primary publishers' sites).
func checkEvidence(fs []geo.Feature) []string {
	var bad []string
	at := map[[2]int64][]geo.Feature{}
	for _, f := range fs {
		ev, _ := f.Extra["evidence"].(string)
		if f.Accuracy == geo.AccuracyApproximate && ev == "" {
			if _, coarse := f.Extra["uncertainty_m"]; f.Extra["placement_rule"] != "geom" || !coarse {
				bad = append(bad, fmt.Sprintf("%s: approximate without evidence", f.ID))
			}
		}
		for _, u := range NonPrimaryURLs(ev + " " + f.Source) {
			bad = append(bad, fmt.Sprintf("%s: %s is not a primary source", f.ID, u))
		}
		if p, ok := f.Geometry.(orb.Point); ok {
			at[key(p)] = append(at[key(p)], f)
		}
	}
	for _, group := range at {
		if len(group) < 2 {
			continue
		}
		for _, f := range group {
			if ev, _ := f.Extra["evidence"].(string); ev == "" && f.Extra["placement_rule"] != "geom" {
				bad = append(bad, fmt.Sprintf("%s shares its point with %s without evidence", f.ID, group[0].ID))
			}
		}
	}
	return bad
}

var invariants = map[string]func([]geo.Feature, *sources) []string{
	"provenance": checkProvenance,
	"roads":      checkRoads,
	"baseroads":  checkBaseRoads,
	"districts":  checkDistricts,
	"crossings":  checkCrossings,
	"subcentres": checkSubCentres,
	"evidence":   func(fs []geo.Feature, _ *sources) []string { return checkEvidence(fs) },
}

func TestInvariantsHoldOnShippedData(t *testing.T) {
	ds := load(t)
	s := readSources(t)
	for name, check := range invariants {
		t.Run(name, func(t *testing.T) {
			for _, p := range check(ds.Features, s) {
				t.Error(p)
			}
		})
	}
}

// TestInvariantsCatchBrokenCopies breaks the shipped data the ways the
// invariants guard against and wants each caught.
func TestInvariantsCatchBrokenCopies(t *testing.T) {
	ds := load(t)
	s := readSources(t)
	byID := map[string]int{}
	for i, f := range ds.Features {
		byID[f.ID] = i
	}
	circleAt := func(c orb.Point, km float64) orb.Polygon {
		var r orb.Ring
		for i := 0; i <= 32; i++ {
			a := 2 * math.Pi * float64(i%32) / 32
			r = append(r, orb.Point{c[0] + km/96*math.Cos(a), c[1] + km/110.57*math.Sin(a)})
		}
		return orb.Polygon{r}
	}
	cases := []struct {
		check, id string
		edit      func(f *geo.Feature)
	}{
		// The old builder's shapes: a fixed circle at an anchor, a due
		// east–west line through one.
		{"provenance", "subcity-guanggu", func(f *geo.Feature) { f.Geometry = orb.MultiPolygon{circleAt(orb.Point{114.44, 30.49}, 5)} }},
		{"provenance", "road-heping-avenue", func(f *geo.Feature) {
			f.Geometry = orb.MultiLineString{{{114.2728, 30.593}, {114.3833, 30.593}}}
		}},
		{"provenance", "town-hanyang", func(f *geo.Feature) { f.Geometry = orb.MultiPolygon{circleAt(s.wikidata["Q1407294"], 1)} }},
		// A road moved off its way, and one drawn from another road's.
		{"roads", "road-youyi-avenue", func(f *geo.Feature) { f.Geometry = shift(f.Geometry, 0.01, 0) }},
		{"roads", "road-heping-avenue", func(f *geo.Feature) { f.Geometry = s.roads["中山大道"] }},
		// A base road moved off its ways, and one drawn as another road's.
		{"baseroads", "osm-road-0", func(f *geo.Feature) { f.Geometry = shift(f.Geometry, 0.001, 0) }},
		{"baseroads", "osm-road-0", func(f *geo.Feature) { f.Geometry = s.roads["中山大道"] }},
		{"districts", "health-no3-future-city", func(f *geo.Feature) { f.District = "汉阳区" }},
		{"districts", "road-youyi-avenue", func(f *geo.Feature) { f.District = "江岸区" }},
		// 和平大道 drawn from 江岸 across the Yangtze, as it once was.
		{"crossings", "road-heping-avenue", func(f *geo.Feature) {
			f.Geometry = orb.MultiLineString{{s.stations["大智路"], s.stations["徐家棚"]}}
		}},
		{"subcentres", "subcity-guanggu", func(f *geo.Feature) {
			f.Geometry = orb.MultiPolygon{circleAt(s.wikidata["Q10890788"], 3)}
		}},
		{"subcentres", "subcity-chegu", func(f *geo.Feature) { f.Geometry = orb.MultiPolygon{circleAt(s.stations["沌口"], 4)} }},
		{"evidence", "health-no3-future-city", func(f *geo.Feature) { f.Extra["evidence"] = nil }},
		{"evidence", "culture-central-bookstore", func(f *geo.Feature) {
			f.Extra["evidence"] = "http://bcjhc.cn/html/ctdsb/20181027/935741.htm"
		}},
		{"evidence", "health-tongji-phe-center", func(f *geo.Feature) {
			f.Extra["evidence"] = nil
			f.Geometry = ds.Features[byID["culture-central-bookstore"]].Geometry
		}},
	}
	for _, c := range cases {
		t.Run(c.check+"/"+c.id, func(t *testing.T) {
			i, ok := byID[c.id]
			if !ok {
				t.Fatalf("%s is not in the dataset", c.id)
			}
			fs := append([]geo.Feature{}, ds.Features...)
			f := fs[i]
			f.Extra = map[string]any{}
			for k, v := range ds.Features[i].Extra {
				f.Extra[k] = v
			}
			c.edit(&f)
			fs[i] = f
			if probs := invariants[c.check](fs, s); len(probs) == 0 {
				t.Errorf("the %s check does not catch a broken %s", c.check, c.id)
			}
		})
	}
}

func shift(g orb.Geometry, dx, dy float64) orb.Geometry {
	ml := orb.Clone(g).(orb.MultiLineString)
	for _, l := range ml {
		for i := range l {
			l[i][0] += dx
			l[i][1] += dy
		}
	}
	return ml
}
