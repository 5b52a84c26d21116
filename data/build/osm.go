package main

import (
	"fmt"
	"path/filepath"
	"sort"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/planar"
)

// district is one of Wuhan's 13 districts as OpenStreetMap maps it.
type district struct {
	id, name, nameEN string
	wikidata         string
	geom             orb.MultiPolygon
	label            orb.Point // a point inside, for labels and stand-ins
}

// osmData holds the OpenStreetMap extracts the builder reads.
type osmData struct {
	districts []district
	roads     map[string][]orb.LineString // by name; unnamed ways are dropped
	ways      []roadWay                   // every road way, named or not, in source order (the base map)
	stations  map[string][]railStation    // rail, metro and tram stations by name
	named     []namedStation              // the named stations in source order (the base map)
	aeroways  []aeroway
}

// roadWay is one OpenStreetMap way of the road extract.
type roadWay struct {
	index         int // src_index: the way's place in the extract
	name, highway string
	geom          orb.LineString
}

type namedStation struct {
	index int // place in the source file
	name  string
	railStation
}

type railStation struct {
	kind string // train, subway, tram_stop, tram
	p    orb.Point
}

type aeroway struct {
	kind, ref string // runway, taxiway, …; "05R/23L"
	geom      orb.LineString
}

// districtIDs gives each district's feature id by its Chinese name.
var districtIDs = map[string]string{
	"江岸区": "district-jiangan", "江汉区": "district-jianghan", "硚口区": "district-qiaokou", "汉阳区": "district-hanyang",
	"武昌区": "district-wuchang", "青山区": "district-qingshan", "洪山区": "district-hongshan", "蔡甸区": "district-caidian",
	"江夏区": "district-jiangxia", "黄陂区": "district-huangpi", "新洲区": "district-xinzhou", "东西湖区": "district-dongxihu",
	"汉南区": "district-hannan",
}

func readOSM(src string) (*osmData, error) {
	o := &osmData{roads: map[string][]orb.LineString{}, stations: map[string][]railStation{}}
	fc, err := readFC(filepath.Join(src, "wuhan_districts_osm_wgs84.geojson"))
	if err != nil {
		return nil, err
	}
	for _, f := range fc.Features {
		d, err := readDistrict(f)
		if err != nil {
			return nil, err
		}
		o.districts = append(o.districts, d)
	}
	if len(o.districts) != 13 {
		return nil, fmt.Errorf("OSM districts: want 13, have %d", len(o.districts))
	}
	sort.Slice(o.districts, func(i, j int) bool { return o.districts[i].id < o.districts[j].id })
	if fc, err = readFC(filepath.Join(src, "wuhan_roads_osm_wgs84.geojson")); err != nil {
		return nil, err
	}
	for i, f := range fc.Features {
		l, ok := f.Geometry.(orb.LineString)
		if !ok {
			continue
		}
		n := f.Properties.MustString("name", "")
		if n != "" {
			o.roads[n] = append(o.roads[n], l)
		}
		o.ways = append(o.ways, roadWay{f.Properties.MustInt("src_index", i), n, f.Properties.MustString("highway", ""), l})
	}
	if fc, err = readFC(filepath.Join(src, "wuhan_rail_stations_osm_wgs84.geojson")); err != nil {
		return nil, err
	}
	for i, f := range fc.Features {
		if n := f.Properties.MustString("name", ""); n != "" {
			if p, ok := f.Geometry.(orb.Point); ok {
				s := railStation{f.Properties.MustString("station", ""), p}
				o.stations[n] = append(o.stations[n], s)
				o.named = append(o.named, namedStation{i, n, s})
			}
		}
	}
	if fc, err = readFC(filepath.Join(src, "wuhan_aeroways_osm_wgs84.geojson")); err != nil {
		return nil, err
	}
	for _, f := range fc.Features {
		if l, ok := f.Geometry.(orb.LineString); ok {
			o.aeroways = append(o.aeroways, aeroway{f.Properties.MustString("aeroway", ""), f.Properties.MustString("ref", ""), l})
		}
	}
	return o, nil
}

func readDistrict(f *geojson.Feature) (district, error) {
	name := f.Properties.MustString("name", "")
	d := district{id: districtIDs[name], name: name, nameEN: f.Properties.MustString("name:en", ""),
		wikidata: f.Properties.MustString("wikidata", "")}
	if d.id == "" {
		return d, fmt.Errorf("OSM district %q is not one of Wuhan's 13", name)
	}
	switch g := f.Geometry.(type) {
	case orb.Polygon:
		d.geom = orb.MultiPolygon{g}
	case orb.MultiPolygon:
		d.geom = g
	default:
		return d, fmt.Errorf("OSM district %s: geometry %T", name, g)
	}
	d.label = interiorPoint(d.geom)
	return d, nil
}

func (o *osmData) districtByName(name string) *district {
	for i := range o.districts {
		if o.districts[i].name == name {
			return &o.districts[i]
		}
	}
	return nil
}

// districtAt is the district containing p, if any.
func (o *osmData) districtAt(p orb.Point) *district {
	for i := range o.districts {
		if planar.MultiPolygonContains(o.districts[i].geom, p) {
			return &o.districts[i]
		}
	}
	return nil
}

// airports bounds the airfields of the aeroway extract, so a runway ref such
// as 04/22 (used at two of them) names one runway.
var airports = map[string]orb.Bound{
	"天河": {Min: orb.Point{114.15, 30.70}, Max: orb.Point{114.30, 30.85}},
	"汉南": {Min: orb.Point{114.00, 30.20}, Max: orb.Point{114.12, 30.30}},
	"花湖": {Min: orb.Point{114.95, 30.25}, Max: orb.Point{115.10, 30.40}},
}

// aerowaysAt lists the aeroways of one airfield, optionally of one kind and ref.
func (o *osmData) aerowaysAt(airport, kind, ref string) []aeroway {
	b, ok := airports[airport]
	if !ok {
		return nil
	}
	var out []aeroway
	for _, a := range o.aeroways {
		if b.Contains(a.geom[0]) && (kind == "" || a.kind == kind) && (ref == "" || a.ref == ref) {
			out = append(out, a)
		}
	}
	return out
}
