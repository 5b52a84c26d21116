package web

import (
	"bufio"
	"cmp"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strconv"

	"github.com/gorilla/mux"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkt"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/planar"

	"planmap/geo"
)

// MaxDownload is the most features one layer download holds. A download is
// gathered whole before its first byte is sent, so that a store failing
// half-way answers with an error rather than a truncated file that looks
// complete; the plan's largest layer has a few hundred features, and a layer
// beyond this (a synthetic benchmark set) is read page by page from items.
const MaxDownload = 100_000

// maxDownload is MaxDownload, a variable so that tests can reach it.
var maxDownload = MaxDownload

// downloadPage is how many features each store query of a download or of
// the statistics asks for (a variable so that tests can make paging show).
var downloadPage = MaxLimit

// csvColumns are the columns of a layer's CSV download, in order.
var csvColumns = []string{"id", "name_zh", "name_en", "kind", "status", "district", "accuracy", "uncertainty_m",
	"source", "plan_section", "plan_line", "plan_year", "lon", "lat", "wkt"}

// eachPage calls f with every feature of a layer the query q selects (its
// limit and offset aside), a page at a time, in id order.
func (s *Server) eachPage(ctx context.Context, layer string, q geo.Query, f func([]geo.Feature) error) error {
	q.Limit = downloadPage
	for offset := 0; ; offset += downloadPage {
		q.Offset = offset
		page, err := s.store.Features(ctx, layer, q)
		if err != nil {
			return err
		}
		if err := f(page.Features); err != nil {
			return err
		}
		if len(page.Features) < downloadPage || offset+downloadPage >= page.Matched {
			return nil
		}
	}
}

// download reads the layer a download names and all its features.
func (s *Server) download(r *http.Request) (geo.Layer, []geo.Feature, error) {
	if _, err := readParams(r.URL.Query()); err != nil {
		return geo.Layer{}, nil, err
	}
	id := mux.Vars(r)["layer"]
	layers, err := s.store.Layers(r.Context())
	if err != nil {
		return geo.Layer{}, nil, err
	}
	i := slices.IndexFunc(layers, func(l geo.Layer) bool { return l.ID == id })
	if i < 0 {
		return geo.Layer{}, nil, errNotFound(fmt.Sprintf("no layer %q; see /ogc/collections", clip(id)))
	}
	l := layers[i]
	tooMany := &apiError{http.StatusBadRequest, "TooManyFeatures", fmt.Sprintf(
		"layer %q has more than %d features, the most a download holds; page through /ogc/collections/%s/items (limit, offset)",
		l.ID, maxDownload, l.ID)}
	if l.Count > maxDownload {
		return l, nil, tooMany
	}
	var all []geo.Feature
	err = s.eachPage(r.Context(), l.ID, geo.Query{}, func(fs []geo.Feature) error {
		if all = append(all, fs...); len(all) > maxDownload {
			return tooMany
		}
		return nil
	})
	return l, all, err
}

// attach makes the answer a file the browser saves under name.
func attach(w http.ResponseWriter, contentType, name string) {
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	w.Header().Set("Cache-Control", "no-cache")
}

// downloadGeoJSON serves a whole layer as one GeoJSON file, its features as items serves them.
func (s *Server) downloadGeoJSON(w http.ResponseWriter, r *http.Request) error {
	l, fs, err := s.download(r)
	if err != nil {
		return err
	}
	features, err := s.served(r.Context(), fs)
	if err != nil {
		return err
	}
	if features == nil {
		features = []*geojson.Feature{}
	}
	// "name" is what GDAL names the layer it reads from the file.
	b, err := json.Marshal(map[string]any{"type": "FeatureCollection", "name": l.ID, "features": features})
	if err != nil {
		return err
	}
	attach(w, typeGeoJSON, "planmap-"+l.ID+".geojson")
	if r.Method != http.MethodHead {
		_, _ = w.Write(b)
	}
	return nil
}

// downloadCSV serves a whole layer as CSV: UTF-8 with a byte order mark, for
// Excel reads a file without one in the system's code page and garbles the
// Chinese. lon and lat are a point on the feature (representativePoint); the
// geometry itself is WKT.
func (s *Server) downloadCSV(w http.ResponseWriter, r *http.Request) error {
	l, fs, err := s.download(r)
	if err != nil {
		return err
	}
	attach(w, "text/csv; charset=utf-8; header=present", "planmap-"+l.ID+".csv")
	if r.Method == http.MethodHead {
		return nil
	}
	bw := bufio.NewWriter(w)
	_, _ = bw.WriteString("\ufeff")
	cw := csv.NewWriter(bw)
	cw.UseCRLF = true // RFC 4180, and what Excel writes
	_ = cw.Write(csvColumns)
	for _, f := range fs {
		_ = cw.Write(csvRow(f))
	}
	cw.Flush()
	return bw.Flush()
}

func csvRow(f geo.Feature) []string {
	var lon, lat, geom, line, year, uncertainty string
	if f.Geometry != nil {
		p := representativePoint(f.Geometry)
		lon, lat = strconv.FormatFloat(p[0], 'f', 6, 64), strconv.FormatFloat(p[1], 'f', 6, 64)
		geom = wkt.MarshalString(f.Geometry)
	}
	if f.PlanLine > 0 {
		line = strconv.Itoa(f.PlanLine)
	}
	if y := geo.PlanYear(f); y > 0 {
		year = strconv.Itoa(y)
	}
	if u := f.Extra["uncertainty_m"]; u != nil {
		uncertainty = fmt.Sprint(u)
	}
	return []string{f.ID, f.NameZH, f.NameEN, f.Kind, f.Status, f.District, f.Accuracy, uncertainty,
		f.Source, f.PlanSection, line, year, lon, lat, geom}
}

// representativePoint is a point on a geometry, for a spreadsheet's lon and
// lat: a point itself (the first of several); the point halfway along a
// line (the longest of several); for an area, the centroid of its largest
// polygon when that lies inside, else the middle of the widest stretch of the
// parallel through the centroid — the rule the web map hangs labels on
// (web/static/labels.js).
func representativePoint(g orb.Geometry) orb.Point {
	switch g := g.(type) {
	case orb.Point:
		return g
	case orb.MultiPoint:
		if len(g) > 0 {
			return g[0]
		}
	case orb.LineString:
		return halfway(g)
	case orb.MultiLineString:
		var best orb.LineString
		for _, ls := range g {
			if best == nil || planar.Length(ls) > planar.Length(best) {
				best = ls
			}
		}
		return halfway(best)
	case orb.Ring:
		return inside(orb.Polygon{g})
	case orb.Polygon:
		return inside(g)
	case orb.MultiPolygon:
		var best orb.Polygon
		for _, p := range g {
			if best == nil || planar.Area(p) > planar.Area(best) {
				best = p
			}
		}
		return inside(best)
	case orb.Collection:
		if len(g) > 0 {
			return representativePoint(g[0])
		}
	}
	return g.Bound().Center()
}

func halfway(ls orb.LineString) orb.Point {
	if len(ls) == 0 {
		return orb.Point{}
	}
	rest := planar.Length(ls) / 2
	for i := 1; i < len(ls); i++ {
		d := planar.Distance(ls[i-1], ls[i])
		if d >= rest && d > 0 {
			t := rest / d
			return orb.Point{ls[i-1][0] + t*(ls[i][0]-ls[i-1][0]), ls[i-1][1] + t*(ls[i][1]-ls[i-1][1])}
		}
		rest -= d
	}
	return ls[len(ls)-1]
}

func inside(p orb.Polygon) orb.Point {
	if len(p) == 0 || len(p[0]) == 0 {
		return orb.Point{}
	}
	c, _ := planar.CentroidArea(orb.Polygon{p[0]})
	if planar.PolygonContains(p, c) {
		return c
	}
	// Where the parallel through c crosses the rings, holes included: pairs
	// of crossings bound the stretches inside.
	var xs []float64
	for _, ring := range p {
		for i := 1; i < len(ring); i++ {
			a, b := ring[i-1], ring[i]
			if (a[1] > c[1]) != (b[1] > c[1]) {
				xs = append(xs, a[0]+(c[1]-a[1])*(b[0]-a[0])/(b[1]-a[1]))
			}
		}
	}
	slices.Sort(xs)
	best, width := p[0][0], -1.0
	for k := 0; k+1 < len(xs); k += 2 {
		if w := xs[k+1] - xs[k]; w > width {
			best, width = orb.Point{(xs[k] + xs[k+1]) / 2, c[1]}, w
		}
	}
	return best
}

// statsCount is one cell of the statistics: how many features of a layer
// lie in a district (null: none is given) with a status.
type statsCount struct {
	Layer    string  `json:"layer"`
	District *string `json:"district"`
	Status   string  `json:"status"`
	Count    int     `json:"count"`
}

// stats counts the features of the layers asked for (every layer when none
// is) by district and status; with datetime, only those the plan has in
// place by then, as items filters them (the map's timeline). districts_en gives the English names of the
// districts the base layers draw (features of kind "district"), so that a
// client can show the table in English.
func (s *Server) stats(w http.ResponseWriter, r *http.Request) error {
	p, err := readParams(r.URL.Query(), "layers", "datetime", "f")
	if err != nil {
		return err
	}
	var q geo.Query
	if p.has("datetime") {
		if q.Time, err = parseDatetime(p.get("datetime")); err != nil {
			return err
		}
	}
	layers, err := s.store.Layers(r.Context())
	if err != nil {
		return err
	}
	known := map[string]bool{}
	ids, base := []string{}, []string{}
	for _, l := range layers {
		known[l.ID] = true
		ids = append(ids, l.ID)
		if l.Base {
			base = append(base, l.ID)
		}
	}
	if p.has("layers") {
		if ids, err = layerList(p, known); err != nil {
			return err
		}
		seen := map[string]bool{} // a repeated id is counted once
		ids = slices.DeleteFunc(ids, func(id string) bool { dup := seen[id]; seen[id] = true; return dup })
	}
	type key struct{ layer, district, status string }
	cells := map[key]int{}
	totals := map[string]int{}
	total := 0
	for _, id := range ids {
		totals[id] = 0
		err := s.eachPage(r.Context(), id, q, func(fs []geo.Feature) error {
			for _, f := range fs {
				cells[key{id, f.District, f.Status}]++
			}
			totals[id] += len(fs)
			total += len(fs)
			return nil
		})
		if err != nil {
			return err
		}
	}
	// A stable order: layers as asked, districts, then statuses in their own order.
	order := func(xs []string, x string) int {
		if i := slices.Index(xs, x); i >= 0 {
			return i
		}
		return len(xs)
	}
	keys := slices.Collect(maps.Keys(cells))
	slices.SortFunc(keys, func(a, b key) int {
		return cmp.Or(cmp.Compare(order(ids, a.layer), order(ids, b.layer)), cmp.Compare(a.district, b.district),
			cmp.Compare(order(geo.Statuses, a.status), order(geo.Statuses, b.status)), cmp.Compare(a.status, b.status))
	})
	rows := make([]statsCount, len(keys))
	for i, k := range keys {
		rows[i] = statsCount{Layer: k.layer, Status: k.status, Count: cells[k]}
		if k.district != "" {
			rows[i].District = &k.district
		}
	}
	en := map[string]string{}
	for _, id := range base {
		page, err := s.store.Features(r.Context(), id, geo.Query{Limit: MaxLimit, Props: map[string]string{"kind": "district"}})
		if err != nil {
			return err
		}
		for _, f := range page.Features {
			if f.NameZH != "" && f.NameEN != "" {
				en[f.NameZH] = f.NameEN
			}
		}
	}
	return writeJSON(w, r, http.StatusOK, typeJSON, map[string]any{
		"layers": ids, "totals": totals, "total": total,
		"statuses": geo.Statuses, "counts": rows, "districts_en": en,
	})
}
