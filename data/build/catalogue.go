package main

import (
	"fmt"
	"strings"

	"github.com/paulmach/orb"

	"planmap/geo"
)

// cityCentre is the centre used for the schematic ring roads and belts.
var cityCentre = orb.Point{114.30, 30.57}

// place says how to draw one catalogue element when the generic rules (a
// point or a schematic shape at the catalogue anchor) are not the best.
type place struct {
	wd        string     // Wikidata item: the point itself, or the centre of a drawn shape
	via       []string   // waypoints of a schematic line (see builder.ref)
	rays      [][]string // several schematic lines (a MultiLineString)
	river     string     // follow the Natural Earth centreline: "yangtze" or "han"
	ring      [2]float64 // closed schematic ring around the city centre, radii east/north in km
	annulus   [4]float64 // outer rx, ry and inner rx, ry in km, around the city centre
	km        float64    // radius of a drawn polygon, or length of a drawn line
	ellipse   [3]float64 // rx, ry km and rotation (deg) of a drawn polygon
	bearing   float64    // direction of a drawn line, degrees from north (0 = use default)
	crossing  bool       // draw across the nearest river
	districts []string   // a polygon made of these district polygons
	metro     [3]string  // metro line and its section from..to ("" = whole line)
	district  string     // only the district is known: place at its label point
	area      string     // only a larger area is known: place at that catalogue element's anchor
	why       string     // evidence for district/area placements and other notes
	accuracy  string     // override the accuracy the rule would give
	band      string     // schematic band along this river inside Wuhan ("yangtze" or "han")
	bandKm    float64    // half-width of the band in km
	method    string     // the placements.csv method, if the place comes from there
}

var places = map[string]place{
	// structure
	"main-city":                {ellipse: [3]float64{13, 11, 0}, why: "area inside the third ring road (catalogue note), drawn as an ellipse"},
	"liangjiang-sian":          {ellipse: [3]float64{7, 3, 40}, why: "banks of the Yangtze and Han in the central city, drawn as an ellipse along the river"},
	"town-hankou":              {districts: []string{"江岸区", "江汉区", "硚口区"}, why: "Hankou drawn as the districts 江岸, 江汉 and 硚口"},
	"town-wuchang":             {districts: []string{"武昌区", "青山区"}, why: "Wuchang drawn as the districts 武昌 and 青山 (洪山's inner part omitted)"},
	"town-hanyang":             {districts: []string{"汉阳区"}, why: "Hanyang drawn as 汉阳区"},
	"subcity-guanggu":          {ellipse: [3]float64{10, 7, 0}},
	"subcity-chegu":            {ellipse: [3]float64{8, 8, 0}},
	"subcity-linkong":          {ellipse: [3]float64{9, 8, 0}},
	"subcity-changjiang-xinqu": {ellipse: [3]float64{9, 6, 20}},

	// transport
	"airport-tianhe":               {wd: "Q601091"},
	"rail-wuhan-station":           {wd: "Q584376"},
	"rail-wuhan-east-station":      {wd: "Q15916087"},
	"crossing-jianghan-7th-bridge": {wd: "Q107295339", crossing: true},
	"metro-line-5":                 {metro: [3]string{"5号线", "", ""}},
	"metro-line-6-phase2":          {metro: [3]string{"6号线", "金银湖公园", "新城十一路"}},
	"metro-line-7-north":           {metro: [3]string{"7号线", "园博园北", "黄陂广场"}},
	"metro-line-11-phase3":         {metro: [3]string{"11号线", "江安路", "武汉东站"}, why: "the catalogue assumes the 江安路–武汉东站 western section"},
	"metro-line-16":                {metro: [3]string{"16号线", "", ""}},
	"metro-line-19":                {metro: [3]string{"19号线", "", ""}},
	"metro-line-12":                {why: "ring line via 汉口站 and 武昌站 (catalogue); drawn as a schematic loop through the two stations"},
	"metro-xingang-line":           {km: 12, bearing: 90, why: "route not found; a schematic east–west line through the catalogue anchor"},
	"metro-network":                {why: "the whole network: all 13 lines open in January 2025"},

	// rings and rivers
	"road-3rd-ring":                 {ring: [2]float64{13, 11}},
	"h2-corridor-3rd-ring":          {ring: [2]float64{13, 11}},
	"sport-fitness-belt-3rd-ring":   {ring: [2]float64{13, 11}},
	"road-4th-ring":                 {ring: [2]float64{21, 20}},
	"h2-corridor-4th-ring":          {ring: [2]float64{21, 20}},
	"road-outer-ring":               {ring: [2]float64{29, 26}},
	"road-metro-ring-expressway":    {ring: [2]float64{70, 62}},
	"eco-ring-3rd-ring-greenbelt":   {annulus: [4]float64{14, 12, 12.2, 10.2}},
	"eco-third-ring-park-cluster":   {annulus: [4]float64{14, 12, 12.2, 10.2}},
	"eco-ring-outer-ring-greenbelt": {annulus: [4]float64{30.5, 27.5, 27.5, 24.5}},

	"flood-yangtze":                      {river: "yangtze"},
	"waterway-yangtze-645":               {river: "yangtze"},
	"eco-axis-yangtze":                   {river: "yangtze"},
	"eco-yangtze-corridor-safety":        {river: "yangtze"},
	"eco-yangtze-corridor-access":        {river: "yangtze"},
	"eco-yangtze-corridor-ecological":    {river: "yangtze"},
	"eco-yangtze-corridor-cultural":      {river: "yangtze"},
	"eco-yangtze-corridor-vitality":      {river: "yangtze"},
	"sport-fitness-belt-yangtze":         {river: "yangtze"},
	"flood-three-gorges-followup":        {river: "yangtze", accuracy: geo.AccuracySchematic, why: "reaches not specified: drawn along the whole Wuhan Yangtze"},
	"flood-hanjiang":                     {river: "han"},
	"waterway-hanjiang-caidian-hanchuan": {river: "han"},
	"eco-axis-hanjiang":                  {river: "han"},
	"sport-fitness-belt-hanjiang":        {river: "han"},
	"region-hanjiang-eco-economic-belt":  {river: "han", accuracy: geo.AccuracySchematic},

	// culture and innovation centred on Wikidata points
	"culture-qintai":         {wd: "Q10913488"},
	"culture-panlongcheng":   {wd: "Q217684", km: 1.0},
	"culture-tanhualin":      {wd: "Q11088377", km: 0.4},
	"culture-guiyuan-area":   {wd: "Q5616939", km: 0.6},
	"culture-guishan":        {wd: "Q1407294", km: 0.6},
	"culture-sheshan":        {wd: "Q462372", km: 0.5},
	"innov-whu":              {wd: "Q1108197", km: 1.3},
	"innov-hust":             {wd: "Q1711196", km: 1.3},
	"eco-donghu-zone-moshan": {wd: "Q58089387", km: 1.5},

	// district-level placements for elements without a site
	"zone-caidian-eco-new-city":               {district: "蔡甸区", why: "蔡甸 named in the plan"},
	"zone-caidian-industrial-new-city":        {district: "蔡甸区", why: "蔡甸 named in the plan"},
	"belt-caidian-songyang":                   {district: "蔡甸区", why: "蔡甸 named in the plan"},
	"platform-hubei-tech-market":              {district: "洪山区", why: "location note: 洪山区 融创智谷"},
	"reservoir-meidian":                       {district: "黄陂区", why: "location note: 黄陂北部山区"},
	"sluice-longkou":                          {district: "新洲区", why: "location note: possibly 新洲 阳逻 龙口 (not confirmed)"},
	"energy-hankou-west-gas-chp":              {district: "东西湖区", why: "location note: 东西湖区"},
	"energy-des-jiangxia":                     {district: "江夏区", why: "江夏区 named in the plan"},
	"energy-des-changjiang-xinqu":             {area: "subcity-changjiang-xinqu", why: "长江新区 named in the plan"},
	"energy-des-wuhan-etdz":                   {area: "subcity-chegu", why: "武汉经济技术开发区 named in the plan"},
	"lng-hannan-base":                         {district: "汉南区", why: "汉南 named in the plan"},
	"lng-xinzhou-base":                        {district: "新洲区", why: "新洲 named in the plan"},
	"waste-qianzishan":                        {district: "蔡甸区", why: "location note: 千子山 蔡甸区"},
	"waste-qianzishan-medical":                {district: "蔡甸区", why: "location note: 千子山 蔡甸区"},
	"waste-xinghuo-expansion":                 {district: "青山区", why: "location note: 青山区星火村"},
	"wtp-liangzihu-emergency":                 {district: "江夏区", why: "location note: 江夏东部梁子湖畔"},
	"health-tcm-hanyang":                      {district: "汉阳区", why: "汉阳院区 named in the plan"},
	"utility-tunnel-junshan-avenue":           {area: "subcity-chegu", why: "军山大道 lies in the 经开区 (车谷)"},
	"logistics-cold-chain-base":               {district: "东西湖区", why: "general knowledge: Wuhan's national backbone cold-chain base is in 东西湖"},
	"eco-donghu-village-belt":                 {area: "eco-donghu-green-heart", why: "the 一带 of the East Lake green heart; extent not specified"},
	"platform-national-tech-transfer-central": {district: "洪山区", why: "run by 湖北技术交易所 (catalogue note), whose 技术交易大市场 is in 洪山区 融创智谷; own site not found"},
	"platform-cas-tech-transfer":              {area: "innov-cas-wuhan-branch", why: "assumed at the CAS Wuhan branch (小洪山); own site not found"},
	"utility-tunnel-bandao-1st-road":          {area: "zone-sino-french-peninsula-town", why: "assumed: 半岛一路 of the 中法半岛小镇 (蔡甸); road not identified"},
	"water-source-one-lake-five-reservoirs":   {district: "江夏区", why: "the 一湖 is 梁子湖 (江夏); the five reservoirs are not named"},
	"agri-modern-demo-zone":                   {districts: []string{"江岸区", "江汉区", "硚口区", "汉阳区", "武昌区", "青山区", "洪山区", "东西湖区", "汉南区", "蔡甸区", "江夏区", "黄陂区", "新洲区"}, accuracy: geo.AccuracyDistrict, why: "a city-wide designation: drawn as the whole city"},

	// direction corridors and networks
	"rail-hsr-wuhan-hangzhou": {via: []string{"wd:Q584376", "120.15,30.27"}, why: "direction corridor toward 杭州; no in-city alignment, drawn to the map edge"},
	"rail-hsr-wuhan-shenzhen": {via: []string{"wd:Q584376", "114.06,22.54"}, why: "direction corridor toward 深圳; no in-city alignment, drawn to the map edge"},
	"rail-hsr-wuhan-qingdao":  {via: []string{"wd:Q584376", "120.38,36.07"}, why: "direction corridor toward 青岛; no in-city alignment, drawn to the map edge"},
	"rail-super-mi-network": {rays: [][]string{
		{"wd:Q584376", "120.15,30.27"}, {"wd:Q584376", "114.06,22.54"}, {"wd:Q584376", "120.38,36.07"},
		{"wd:Q1010546", "106.63,26.65"}, {"wd:Q584376", "117.23,31.82"}, {"wd:Q1010546", "111.29,30.69"},
		{"wd:Q584376", "116.40,39.90"}, {"wd:Q5959771", "113.26,23.13"}, {"wd:Q1010546", "108.94,34.34"},
		{"wd:Q584376", "115.86,28.68"}}, why: "directions only: the four corridors the plan names (杭州, 深圳, 青岛, 贵阳), the 沿江 line (合肥, 宜昌) and the existing 京广, 西武 and 武九 axes (general knowledge); not all twelve are identified"},
	"road-expressway-network": {why: "the rings only (内环, 二环, 三环, 四环, 外环, 城市圈环线 as schematic ellipses); the 24 radials are not drawn"},
	"road-new-2nd-ring":       {ring: [2]float64{7.5, 6.5}, why: "alignment not found: drawn as the second ring road (general knowledge)"},
}

// aggregate rows stand for un-named members of a programme: no single place.
var aggregates = map[string]bool{
	"pump-stations-other-25": true, "waterlogging-35-points": true, "wwtp-other-15": true, "wtp-other-7": true,
	"grid-world-class-151": true, "fuel-stations-30": true, "ev-charging-network": true, "health-nucleic-acid-bases": true,
	"pipeline-township-gas": true, "logistics-rail-freight-network": true,
}

// polygonKm is the radius of the schematic circle drawn for a polygon
// element of each layer when nothing better is known.
var polygonKm = map[string]float64{
	"main-city": 5, "sub-centres": 7, "functional-zones": 3, "district-areas": 1.5, "regional-areas": 40,
	"port-areas": 2, "flood-storage-basins": 5, "water-sources": 3, "river-lake-basins": 2.5,
	"ecological-framework": 5, "park-clusters": 3, "wetlands": 2.5, "yangtze-eco-areas": 2,
	"east-lake-green-heart": 1.5, "renewable-energy": 2, "sponge-city": 3, "science-cities": 3,
	"innovation-areas": 5, "industrial-bases": 2, "commercial-districts": 1, "finance-districts": 1,
	"cultural-areas": 0.8, "civic-areas": 1.5,
}

// lineKm is the length of the schematic line drawn through an anchor.
var lineKm = map[string]float64{
	"district-axes": 5, "regional-corridors": 30, "airport-runways": 3.6, "railway-lines": 12,
	"transport-corridors": 15, "waterways": 20, "roads": 10, "river-crossings": 1.5, "flood-control": 10,
	"drainage-channels": 4, "water-supply-lines": 20, "basin-rivers": 4, "ecological-axes": 15,
	"ecological-corridors": 15, "yangtze-corridor": 15, "east-lake-greenway": 6, "power-lines": 15,
	"pipelines": 10, "hydrogen-corridors": 10, "heating-networks": 4, "utility-tunnels": 3,
	"innovation-corridors": 15, "fitness-belts": 10, "cultural-routes": 2, "commercial-streets": 1.2,
	"finance-streets": 1.5, "logistics-corridors": 20, "metro-lines": 10,
}

var statusMap = map[string]string{"under construction": geo.StatusUnderConstruction}

// slips are the plan's transcription errors: wrong spelling, correct one.
var slips = [][2]string{{"谏家矶", "谌家矶"}, {"谡家矶", "谌家矶"}, {"府澧河", "府澴河"}}

func (b *builder) common(r *row) geo.Feature {
	st := r.Status
	if s, ok := statusMap[st]; ok {
		st = s
	}
	f := geo.Feature{ID: r.ID, NameZH: r.NameZH, NameEN: r.NameEN, Kind: kindFor(r.ID), Status: st,
		PlanSection: r.Section, PlanLine: r.PlanLine, PlanQuote: r.Quote, Targets: b.ftargets[r.ID],
		Extra: map[string]any{"catalogue_layer": r.Layer}}
	// Correct the plan's slips in the name and keep the plan's spelling.
	plan := r.NameZH
	for _, s := range slips {
		f.NameZH = strings.ReplaceAll(f.NameZH, s[0], s[1])
		if strings.Contains(r.Quote, s[0]) && strings.Contains(plan, s[1]) && !strings.Contains(r.Quote, s[1]) {
			plan = strings.ReplaceAll(plan, s[1], s[0])
		}
	}
	if plan != f.NameZH {
		f.Extra["name_plan"] = plan
	}
	var notes []string
	for _, s := range slips {
		if strings.Contains(r.Quote, s[0]) {
			notes = append(notes, fmt.Sprintf("plan text reads %s; correct is %s", s[0], s[1]))
		}
	}
	if strings.Contains(r.Quote, "中国光谷") && r.PlanLine == 1042 {
		notes = append(notes, "plan text reads 中国光谷; almost certainly 中国网谷")
	}
	if len(notes) > 0 {
		f.Extra["plan_text_note"] = strings.Join(notes, "; ")
	}
	if r.Note != "" {
		f.Extra["location_note"] = r.Note
	}
	if r.Conf != "" {
		f.Extra["coord_confidence"] = r.Conf
	}
	return f
}

func anchorSource(r *row) string {
	src := r.CoordSource
	if src == "" {
		src = "general knowledge"
	}
	return fmt.Sprintf("catalogue anchor (%s confidence, %s)", r.Conf, src)
}

func (b *builder) catalogueFeature(r *row) (geo.Feature, error) {
	f := b.common(r)
	layer := catalogueLayer[r.Layer+"|"+r.Geom]
	if layer == "" {
		return f, fmt.Errorf("no dataset layer for %s %s", r.Layer, r.Geom)
	}
	f.Layer = layer
	if f.Kind == "" {
		return f, fmt.Errorf("no kind for id")
	}
	pl := b.places[r.ID]
	if pl.method != "" {
		f.Extra["placement"] = "placements.csv: " + pl.method
	}
	anchor := orb.Point{r.Lon, r.Lat}
	note := func(s string) string {
		if pl.why != "" {
			return s + "; " + pl.why
		}
		return s
	}
	setDistrict := func(p orb.Point) {
		if d := b.districtAt(p); d != nil {
			f.District = d.name
		}
	}
	switch {
	case pl.metro[0] != "":
		l := b.line(pl.metro[0])
		var g orb.LineString
		if pl.metro[1] == "" {
			g = append(orb.LineString{}, l.geom...)
		} else {
			s, err := b.section(pl.metro[0], pl.metro[1], pl.metro[2])
			if err != nil {
				return f, err
			}
			g = s
		}
		f.Geometry, f.Accuracy = g, geo.AccuracySchematic
		f.Source = note(srcMetroman + "; stations of the line as open in January 2025, straight segments")
		f.Extra["color"] = l.color
		f.Extra["network"] = "plan"
		setDistrict(anchorOf(g))
	case r.ID == "metro-network":
		var ml orb.MultiLineString
		for _, l := range b.lines {
			ml = append(ml, append(orb.LineString{}, l.geom...))
		}
		f.Geometry, f.Accuracy, f.Source = ml, geo.AccuracySchematic, note(srcMetroman)
		f.Extra["network"] = "plan"
	case r.ID == "metro-line-12":
		hk, wc := b.ref("st:汉口火车站"), b.ref("st:武昌火车站")
		f.Geometry = loopThrough(hk, wc, 3.5)
		f.Accuracy = geo.AccuracySchematic
		f.Source = note("MetroMan station points (MIT) for 汉口火车站 and 武昌火车站")
		f.Extra["network"] = "plan"
		f.Extra["color"] = "#7F6CAC"
		setDistrict(anchor)
	case r.ID == "road-expressway-network":
		var ml orb.MultiLineString
		for _, rr := range [][2]float64{{4, 3.5}, {7.5, 6.5}, {13, 11}, {21, 20}, {29, 26}, {70, 62}} {
			ml = append(ml, orb.LineString(ellipse(cityCentre, rr[0], rr[1], 0, 64)))
		}
		f.Geometry, f.Accuracy = ml, geo.AccuracySchematic
		f.Source = note("schematic rings around the city centre (general knowledge of their extent)")
	case pl.districts != nil:
		var mp orb.MultiPolygon
		for _, n := range pl.districts {
			d := b.districtByName(n)
			if d == nil {
				return f, fmt.Errorf("unknown district %s", n)
			}
			mp = append(mp, d.geom...)
		}
		f.Geometry, f.Accuracy = mp, geo.AccuracySchematic
		if pl.accuracy != "" {
			f.Accuracy = pl.accuracy
		}
		f.Source = note(srcDataV)
		f.District = pl.districts[0]
	case pl.band != "":
		l := b.riverInCity(pl.band)
		f.Geometry, f.Accuracy = band(l, pl.bandKm), geo.AccuracySchematic
		f.Source = note(srcNE + fmt.Sprintf("; schematic band of %.1f km either side of the %s centreline inside Wuhan", pl.bandKm,
			map[string]string{"yangtze": "Yangtze", "han": "Han"}[pl.band]))
		setDistrict(anchorOf(l))
	case pl.river != "":
		f.Geometry = b.rivers[pl.river]
		f.Accuracy = geo.AccuracyApproximate
		if pl.accuracy != "" {
			f.Accuracy = pl.accuracy
		}
		f.Source = note(srcNE + "; centreline of the " + map[string]string{"yangtze": "Yangtze", "han": "Han"}[pl.river] + " in Wuhan, about 1 km accuracy")
	case pl.ring != [2]float64{}:
		r := ellipse(cityCentre, pl.ring[0], pl.ring[1], 0, 64)
		f.Geometry, f.Accuracy = orb.LineString(r), geo.AccuracySchematic
		extent := " (general knowledge of the ring's extent)"
		if pl.method != "" {
			extent = ""
		}
		f.Source = note(fmt.Sprintf("schematic ring of %.0f x %.0f km radius around the city centre%s", pl.ring[0], pl.ring[1], extent))
	case pl.annulus != [4]float64{}:
		outer := ellipse(cityCentre, pl.annulus[0], pl.annulus[1], 0, 64)
		inner := reversed(ellipse(cityCentre, pl.annulus[2], pl.annulus[3], 0, 64))
		f.Geometry, f.Accuracy = orb.Polygon{outer, inner}, geo.AccuracySchematic
		f.Source = note("schematic belt along the ring road around the city centre (general knowledge)")
	case pl.wd != "":
		p, wf := b.wd(pl.wd)
		coarse := wf.Properties.MustString("precision_note", "")
		f.Extra["wikidata"] = pl.wd
		src := "Wikidata " + pl.wd + " (CC0)"
		if coarse != "" {
			src += ", " + coarse
		}
		switch {
		case r.Geom == "Point":
			f.Geometry, f.Accuracy = p, geo.AccuracySurveyed
			if coarse != "" {
				f.Accuracy = geo.AccuracyApproximate
			}
		case pl.crossing:
			brg, _, _ := b.riverBearing(p)
			f.Geometry, f.Accuracy = segment(p, 0.6, brg+90), geo.AccuracySchematic
			src += "; crossing point from Wikidata, drawn as a short line across the river"
		default:
			f.Geometry, f.Accuracy = circle(p, pl.km), geo.AccuracySchematic
			src += fmt.Sprintf("; schematic outline of %.1f km radius around the Wikidata point", pl.km)
		}
		f.Source = note(src)
		setDistrict(p)
	case pl.district != "":
		d := b.districtByName(pl.district)
		if d == nil {
			return f, fmt.Errorf("unknown district %s", pl.district)
		}
		f.Geometry = b.shapeAt(r.Geom, layer, d.label, 1.5, 3)
		f.Accuracy, f.District = geo.AccuracyDistrict, d.name
		f.Source = note("placed at the label point of " + d.name + " (DataV); only the district is known")
	case pl.area != "":
		a := b.byID[pl.area]
		if !a.HasCoord {
			return f, fmt.Errorf("area %s has no anchor", a.ID)
		}
		p := orb.Point{a.Lon, a.Lat}
		f.Geometry = b.shapeAt(r.Geom, layer, p, 1.5, 3)
		f.Accuracy = geo.AccuracyDistrict
		f.Source = note("placed at the catalogue anchor of " + a.NameZH + " (" + a.ID + "); only the area is known")
		setDistrict(p)
	case pl.via != nil:
		f.Geometry, f.Accuracy = b.path(pl.via...), geo.AccuracySchematic
		f.Source = note("schematic line through known places (" + strings.Join(pl.via, ", ") + ")")
		setDistrict(anchorOf(f.Geometry))
	case pl.rays != nil:
		var ml orb.MultiLineString
		for _, v := range pl.rays {
			ml = append(ml, b.path(v...))
		}
		f.Geometry, f.Accuracy = ml, geo.AccuracySchematic
		f.Source = note("schematic directions from Wuhan (general knowledge of the end points)")
	case aggregates[r.ID]:
		f.Accuracy = geo.AccuracyUnknown
		f.Source = note("aggregate of un-named sites: no single location (" + r.Note + ")")
	case r.HasCoord:
		switch r.Geom {
		case "Point":
			f.Geometry, f.Accuracy = anchor, geo.AccuracyApproximate
			f.Source = note(anchorSource(r))
			if !geo.Region.Contains(anchor) {
				// A city beyond the map region (长沙, 南昌, 合肥, 宜昌): keep its
				// true place as a property and draw it at the region's edge
				// in its direction from Wuhan.
				l := clipToRegion(orb.LineString{cityCentre, anchor})
				f.Geometry, f.Accuracy = l[len(l)-1], geo.AccuracySchematic
				f.Extra["true_location"] = []float64{round6(anchor[0]), round6(anchor[1])}
				f.Source = note(anchorSource(r) + "; the place lies outside the map region, so it is drawn at the region's edge in its direction from Wuhan (true_location holds the anchor)")
			}
		case "LineString":
			km := pl.km
			if km == 0 {
				km = lineKm[layer]
			}
			brg := pl.bearing
			if pl.crossing || layer == "river-crossings" {
				rb, _, _ := b.riverBearing(anchor)
				brg = rb + 90
			} else if brg == 0 {
				brg = 90
			}
			f.Geometry, f.Accuracy = segment(anchor, km, brg), geo.AccuracySchematic
			f.Source = note(fmt.Sprintf("schematic %.1f km line through the %s", km, anchorSource(r)))
		case "Polygon":
			var g orb.Polygon
			if pl.ellipse != [3]float64{} {
				g = orb.Polygon{ellipse(anchor, pl.ellipse[0], pl.ellipse[1], pl.ellipse[2], 48)}
				f.Source = note(fmt.Sprintf("schematic %.0f x %.0f km outline around the %s", pl.ellipse[0], pl.ellipse[1], anchorSource(r)))
			} else {
				km := pl.km
				if km == 0 {
					km = polygonKm[layer]
				}
				g = circle(anchor, km)
				f.Source = note(fmt.Sprintf("schematic outline of %.1f km radius around the %s", km, anchorSource(r)))
			}
			f.Geometry, f.Accuracy = g, geo.AccuracySchematic
		}
		setDistrict(anchor)
	default:
		f.Accuracy = geo.AccuracyUnknown
		f.Source = note("no location known (" + r.Note + ")")
	}
	if f.District == "" && f.Geometry != nil {
		setDistrict(anchorOf(f.Geometry))
	}
	return f, nil
}

// shapeAt draws a small stand-in of the element's geometry type at p.
func (b *builder) shapeAt(geom, layer string, p orb.Point, km, lineKm float64) orb.Geometry {
	switch geom {
	case "Polygon":
		return circle(p, km)
	case "LineString":
		return segment(p, lineKm, 90)
	}
	return p
}

// loopThrough is a closed schematic loop through two points: an ellipse with
// a and b at the ends of its long axis and the given half-width in km.
func loopThrough(a, c orb.Point, halfKm float64) orb.LineString {
	mid := orb.Point{(a[0] + c[0]) / 2, (a[1] + c[1]) / 2}
	k := 111.32 * cosd(mid[1])
	dx, dy := (c[0]-a[0])*k/2, (c[1]-a[1])*110.57/2
	rx := hypot(dx, dy)
	rot := atan2d(dy, dx)
	return orb.LineString(ellipse(mid, rx, halfKm, rot, 48))
}
