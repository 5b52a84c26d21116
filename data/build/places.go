package main

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
)

// place is a real place that a placement rule refers to: its geometry, the
// dataset that maps it, and how the placement text names it.
type place struct {
	ref    string // as written in placements.csv
	geom   orb.Geometry
	source string  // dataset key
	zh, en string  // how the place is named in placement texts
	name   string  // its bare name, e.g. 光谷广场
	coarse float64 // metres of the source's own imprecision (0: within ~200 m)
}

// resolve turns a reference into a place:
//
//	wd:Q123           a Wikidata point
//	st:光谷广场        a metro station (MetroMan)
//	rail:汉口          an OSM train, metro or tram station (train stations first)
//	road:和平大道      the OSM ways of that name, merged
//	x:高新大道/光谷三路 where two OSM roads meet (the centre of their crossings)
//	d:洪山区           a district's OSM boundary
//	runway:天河:05R/23L an OSM runway; aero:花湖 every aeroway of an airfield
//	river:yangtze     a Natural Earth centreline
//	f:<feature id>    another feature's geometry, once it is placed
func (b *builder) resolve(ref string) (place, error) {
	kind, arg, ok := strings.Cut(ref, ":")
	if !ok || arg == "" {
		return place{}, fmt.Errorf("reference %q: want kind:name", ref)
	}
	p := place{ref: ref, name: arg}
	switch kind {
	case "wd":
		f := b.wikidata[arg]
		if f == nil {
			return p, fmt.Errorf("no Wikidata item %s in the sources", arg)
		}
		name := f.Properties.MustString("name", "")
		p.geom, p.source, p.name = f.Geometry, srcWikidata, name
		p.zh, p.en = fmt.Sprintf("%s（Wikidata %s）", name, arg), fmt.Sprintf("%s (Wikidata %s)", name, arg)
		p.coarse = coarseness(f.Properties.MustString("precision_note", ""))
	case "st":
		s := b.stByName[arg]
		if s == nil {
			return p, fmt.Errorf("no metro station %s", arg)
		}
		p.geom, p.source = s.p, srcMetroMan
		p.zh, p.en = "地铁站“"+arg+"”", "the metro station "+arg
	case "rail":
		pt, err := b.railStation(arg)
		if err != nil {
			return p, err
		}
		p.geom, p.source = pt, srcOSM
		p.zh, p.en = "车站“"+arg+"”（OSM）", "the station "+arg+" (OSM)"
	case "road":
		ls := b.osm.roads[arg]
		if len(ls) == 0 {
			return p, fmt.Errorf("no OSM road named %s", arg)
		}
		p.geom, p.source = mergeLines(ls), srcOSM
		p.zh, p.en = "道路“"+arg+"”（OSM）", "the road "+arg+" (OSM)"
	case "x":
		a, c, ok := strings.Cut(arg, "/")
		if !ok {
			return p, fmt.Errorf("crossing %q: want x:roadA/roadB", arg)
		}
		pt, err := b.crossing(a, c)
		if err != nil {
			return p, err
		}
		p.geom, p.source = pt, srcOSM
		p.zh, p.en = a+"与"+c+"交会处（OSM）", "where "+a+" meets "+c+" (OSM)"
	case "d":
		d := b.osm.districtByName(arg)
		if d == nil {
			return p, fmt.Errorf("no district %s", arg)
		}
		p.geom, p.source = d.geom, srcOSM
		p.zh, p.en = arg, arg+" ("+d.nameEN+")"
	case "runway", "aero":
		return b.aeroPlace(kind, arg)
	case "river":
		ml := b.rivers[arg]
		if ml == nil {
			return p, fmt.Errorf("no river %s", arg)
		}
		p.geom, p.source = ml, srcNE
		p.zh, p.en = riverNames[arg][0], riverNames[arg][1]
		p.coarse = riverErrorM
	case "f":
		f := b.built[arg]
		if f == nil || f.Geometry == nil {
			return p, fmt.Errorf("feature %s is not placed (yet)", arg)
		}
		p.geom, p.source = f.Geometry, ""
		p.zh, p.en = f.NameZH, f.NameEN
	default:
		return p, fmt.Errorf("reference %q: unknown kind %q", ref, kind)
	}
	return p, nil
}

// riverErrorM is how far the Natural Earth centrelines stray from the river
// at city scale: the largest distance measured from 11 Wikidata crossings.
const riverErrorM = 2600

var riverNames = map[string][2]string{"yangtze": {"长江", "Yangtze"}, "han": {"汉江", "Han River"}}

// coarseness reads a Wikidata precision note ("coarse (~1 km precision …)")
// as metres.
func coarseness(note string) float64 {
	if _, rest, ok := strings.Cut(note, "~"); ok {
		if km, _, ok := strings.Cut(rest, " km"); ok {
			if v, err := strconv.ParseFloat(km, 64); err == nil {
				return v * 1000
			}
		}
	}
	return 0
}

func (b *builder) aeroPlace(kind, arg string) (place, error) {
	p := place{ref: kind + ":" + arg, source: srcOSM}
	airport, ref, _ := strings.Cut(arg, ":")
	want := ""
	if kind == "runway" {
		want = "runway"
	}
	as := b.osm.aerowaysAt(airport, want, ref)
	if len(as) == 0 || (kind == "runway" && len(as) != 1) {
		return p, fmt.Errorf("%s:%s: want one match in the aeroways, have %d", kind, arg, len(as))
	}
	if kind == "runway" {
		p.geom = as[0].geom
		p.zh, p.en = airport+"机场"+ref+"跑道（OSM）", "runway "+ref+" of "+airport+" airport (OSM)"
		return p, nil
	}
	var ml orb.MultiLineString
	for _, a := range as {
		ml = append(ml, a.geom)
	}
	p.geom = ml
	p.zh, p.en = airport+"机场的跑道和滑行道（OSM）", "the runways and taxiways of "+airport+" airport (OSM)"
	return p, nil
}

// railStation finds an OSM station by name: train stations first, and all
// points of that name must agree within 600 m (platforms, entrances).
func (b *builder) railStation(name string) (orb.Point, error) {
	ss := b.osm.stations[name]
	var pts []orb.Point
	for _, kind := range []string{"train", "subway", "tram_stop", "tram"} {
		for _, s := range ss {
			if s.kind == kind {
				pts = append(pts, s.p)
			}
		}
		if len(pts) > 0 {
			break
		}
	}
	if len(pts) == 0 {
		return orb.Point{}, fmt.Errorf("no OSM station named %s", name)
	}
	c := meanPoint(pts)
	for _, p := range pts {
		if distM(c, p) > 600 {
			return orb.Point{}, fmt.Errorf("OSM stations named %s lie %.0f m apart: ambiguous", name, distM(c, p)*2)
		}
	}
	return c, nil
}

// crossing is where two OSM roads meet: the centre of the points where their
// ways cross (dual carriageways cross several times), or, where they only
// come close, the middle of their nearest approach within 60 m.
func (b *builder) crossing(a, c string) (orb.Point, error) {
	la, lc := b.osm.roads[a], b.osm.roads[c]
	if len(la) == 0 || len(lc) == 0 {
		return orb.Point{}, fmt.Errorf("crossing %s/%s: both must be OSM roads", a, c)
	}
	var hits []orb.Point
	best, bestD := orb.Point{}, math.Inf(1)
	for _, l1 := range la {
		for _, l2 := range lc {
			for i := 0; i+1 < len(l1); i++ {
				for j := 0; j+1 < len(l2); j++ {
					if q, ok := segmentCrossing(l1[i], l1[i+1], l2[j], l2[j+1]); ok {
						hits = append(hits, q)
					}
					for _, pr := range [][3]orb.Point{{l1[i], l2[j], l2[j+1]}, {l1[i+1], l2[j], l2[j+1]}, {l2[j], l1[i], l1[i+1]}, {l2[j+1], l1[i], l1[i+1]}} {
						q := nearestOnSegment(pr[0], pr[1], pr[2])
						if d := distM(pr[0], q); d < bestD {
							bestD, best = d, orb.Point{(pr[0][0] + q[0]) / 2, (pr[0][1] + q[1]) / 2}
						}
					}
				}
			}
		}
	}
	if len(hits) == 0 {
		if bestD > 60 {
			return orb.Point{}, fmt.Errorf("roads %s and %s do not meet (nearest %.0f m)", a, c, bestD)
		}
		return best, nil
	}
	m := meanPoint(hits)
	for _, h := range hits {
		if distM(m, h) > 300 {
			return orb.Point{}, fmt.Errorf("roads %s and %s cross in places %.0f m apart: ambiguous", a, c, 2*distM(m, h))
		}
	}
	return m, nil
}
