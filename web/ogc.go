package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gorilla/mux"
	"github.com/paulmach/orb/geojson"

	"planmap/geo"
)

// Conformance classes planmap implements.
var conformance = []string{
	"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
	"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
	"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html",
	"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
	"http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs",
}

// Link is a web link as OGC API uses it.
type Link struct {
	Href  string `json:"href"`
	Rel   string `json:"rel"`
	Type  string `json:"type,omitempty"`
	Title string `json:"title,omitempty"`
}

func (s *Server) landing(w http.ResponseWriter, r *http.Request) error {
	if _, err := readParams(r.URL.Query(), "f"); err != nil {
		return err
	}
	base := baseURL(r) + "/ogc"
	links := []Link{
		{base, "self", typeJSON, "This document"},
		{base + "/api", "service-desc", typeOpenAPI, "The API definition (OpenAPI 3.0)"},
		{baseURL(r) + "/", "service-doc", typeHTML, "The web map"},
		{base + "/conformance", "conformance", typeJSON, "Conformance classes"},
		{base + "/collections", "data", typeJSON, "The plan's layers"},
		{base + "/tiles", relTilesets, typeJSON, "Vector tiles of the whole plan (OGC API – Tiles)"},
		{base + "/map/tiles", relTilesetsMap, typeJSON, "Map tiles of the whole plan, PNG (OGC API – Tiles)"},
		{base + "/tileMatrixSets", relTilingSchs, typeJSON, "Tile matrix sets"},
	}
	if s.opts.Sources != nil {
		links = append(links, Link{baseURL(r) + SourcesPath, "license", "text/markdown", "The data's sources and licences"})
	}
	links = append(links, Link{withF(r.URL, baseURL(r), "html"), "alternate", typeHTML, "This document as HTML"})
	desc := "The spatial elements of Wuhan's 14th Five-Year Plan and 2035 Vision, as OGC API – Features. 武汉市国民经济和社会发展第十四个五年规划和二〇三五年远景目标纲要的空间要素。"
	if wantsHTML(r) {
		return writeHTML(w, r, htmlPage{Title: s.opts.Title, Description: desc, Links: htmlLinks(links)})
	}
	return writeJSON(w, r, http.StatusOK, typeJSON, map[string]any{
		"title":       s.opts.Title,
		"description": desc,
		"links":       links,
	})
}

func (s *Server) conformance(w http.ResponseWriter, r *http.Request) error {
	if _, err := readParams(r.URL.Query(), "f"); err != nil {
		return err
	}
	return writeJSON(w, r, http.StatusOK, typeJSON, map[string]any{"conformsTo": s.conformsTo()})
}

// collectionJSON describes one layer as an OGC collection.
func collectionJSON(base string, l geo.Layer) map[string]any {
	href := base + "/collections/" + l.ID
	links := []Link{
		{href, "self", typeJSON, l.TitleEN},
		{href + "/items", "items", typeGeoJSON, l.TitleEN + " (GeoJSON)"},
		{href + "?f=html", "alternate", typeHTML, "This collection as HTML"},
		{href + "/schema", "describedby", typeSchema, "Schema of the features (JSON Schema)"},
		// The same link as OGC API – Features 1.0.0 spelt its rel: GDAL
		// up to 3.6 matches it case by case, though relation types
		// compare case-insensitively (RFC 8288), so both say the same.
		{href + "/schema", "describedBy", typeSchema, "Schema of the features (JSON Schema)"},
		{href + "/queryables", relQueryables, typeSchema, "What filters may name (JSON Schema)"},
		// GDAL 3.6's OGCAPI driver follows only typed tilesets links, map
		// tiles first, and reads items only when it finds none. The map
		// tiles' link is typed, so that OGCAPI: opens a collection as a
		// raster of them (its features take -oo API=ITEMS, or OAPIF:); the
		// vector tiles' is not (the type is optional), as GDAL 3.6 built
		// without its vector-tile code, as Debian's is, fails on them.
		{href + "/tiles", relTilesets, "", "Vector tiles (OGC API – Tiles)"},
		{href + "/map/tiles", relTilesetsMap, typeJSON, "Map tiles, PNG (OGC API – Tiles)"},
	}
	if l.License != nil {
		links = append(links, Link{l.License.URL, "license", typeHTML, l.License.Title})
	}
	c := map[string]any{
		"id":          l.ID,
		"title":       l.TitleZH + " " + l.TitleEN,
		"description": l.DescriptionEN,
		"itemType":    "feature",
		"crs":         crsURIs(),
		"storageCrs":  crs84,
		"links":       links,
		"extent":      extentJSON(l),
		// planmap's own metadata, for the web map and curious clients.
		"title_zh": l.TitleZH, "title_en": l.TitleEN,
		"description_zh": l.DescriptionZH, "description_en": l.DescriptionEN,
		"theme": l.Theme, "geometry_type": l.GeometryType, "base": l.Base,
		"order": l.Order, "style": l.Style, "feature_count": l.Count,
	}
	if l.License != nil {
		c["license"] = l.License
	}
	if len(l.Attribution) > 0 {
		// OGC API's attribution is one string; credits keeps the list, for
		// clients that combine layers (the web map credits those on show).
		c["attribution"] = strings.Join(l.Attribution, creditSep)
		c["credits"] = l.Attribution
	}
	return c
}

func extentJSON(l geo.Layer) map[string]any {
	e := map[string]any{}
	if l.Count > 0 && !l.Bounds.IsZero() {
		b := l.Bounds
		e["spatial"] = map[string]any{"bbox": [][]float64{{b.Min[0], b.Min[1], b.Max[0], b.Max[1]}}, "crs": crs84}
	}
	if !l.Updated.IsZero() {
		e["temporal"] = map[string]any{"interval": [][]any{{l.Updated.UTC().Format(time.RFC3339), nil}}}
	}
	return e
}

func (s *Server) collections(w http.ResponseWriter, r *http.Request) error {
	if _, err := readParams(r.URL.Query(), "f"); err != nil {
		return err
	}
	layers, err := s.store.Layers(r.Context())
	if err != nil {
		return err
	}
	base := baseURL(r) + "/ogc"
	if wantsHTML(r) {
		p := htmlPage{Title: "Collections 图层", Head: []string{"id", "title", "features", "description"}}
		for _, l := range layers {
			p.Rows = append(p.Rows, htmlRow{base + "/collections/" + l.ID + "?f=html",
				[]string{l.ID, l.TitleZH + " " + l.TitleEN, fmt.Sprint(l.Count), l.DescriptionEN}})
		}
		return writeHTML(w, r, p)
	}
	cs := make([]map[string]any, len(layers))
	for i, l := range layers {
		cs[i] = collectionJSON(base, l)
	}
	return writeJSON(w, r, http.StatusOK, typeJSON, map[string]any{
		"links": []Link{{base + "/collections", "self", typeJSON, "Collections"},
			{base + "/collections?f=html", "alternate", typeHTML, "Collections as HTML"}},
		"collections": cs,
	})
}

// layer finds the collection named in the path.
func (s *Server) layer(r *http.Request) (geo.Layer, error) {
	id := mux.Vars(r)["collection"]
	layers, err := s.store.Layers(r.Context())
	if err != nil {
		return geo.Layer{}, err
	}
	for _, l := range layers {
		if l.ID == id {
			return l, nil
		}
	}
	return geo.Layer{}, errNotFound(fmt.Sprintf("no collection %q; see /ogc/collections", clip(id)))
}

// layerOnly finds the collection named in the path of a request that takes
// no parameter but f.
func (s *Server) layerOnly(r *http.Request) (geo.Layer, error) {
	if _, err := readParams(r.URL.Query(), "f"); err != nil {
		return geo.Layer{}, err
	}
	return s.layer(r)
}

func (s *Server) collection(w http.ResponseWriter, r *http.Request) error {
	l, err := s.layerOnly(r)
	if err != nil {
		return err
	}
	c := collectionJSON(baseURL(r)+"/ogc", l)
	if wantsHTML(r) {
		href := baseURL(r) + "/ogc/collections/" + l.ID
		links := append([]Link{{href + "/items?f=html", "items", typeHTML, "Features 要素"}}, htmlLinks(c["links"].([]Link))...)
		return writeHTML(w, r, htmlPage{Title: l.TitleZH + " " + l.TitleEN, Description: l.DescriptionZH + " " + l.DescriptionEN, Links: links})
	}
	return writeJSON(w, r, http.StatusOK, typeJSON, c)
}

func (s *Server) schema(w http.ResponseWriter, r *http.Request) error {
	l, err := s.layerOnly(r)
	if err != nil {
		return err
	}
	props, err := s.store.Schema(r.Context(), l.ID)
	if err != nil {
		return err
	}
	href := baseURL(r) + "/ogc/collections/" + l.ID
	return writeJSON(w, r, http.StatusOK, typeSchema, schemaJSON(href, l, props))
}

// schemaJSON describes a layer's features as items serves them, in JSON
// Schema. It has the shape GDAL's OAPIF driver types fields from (at least
// up to 3.6): the feature's schema with the properties under "properties",
// each of them one JSON type, for GDAL reads a list such as
// ["integer","null"] as a string. So "type" says what a property's values
// are, and the description says that a value is null where a feature has none.
func schemaJSON(href string, l geo.Layer, props []geo.Property) obj {
	ps, names := obj{}, make([]string, len(props))
	for i, p := range props {
		names[i] = p.Name
		ps[p.Name] = propertySchema(p)
	}
	return obj{
		"$schema": "https://json-schema.org/draft/2020-12/schema",
		"$id":     href + "/schema",
		"title":   l.TitleZH + " " + l.TitleEN,
		"description": "A feature of " + l.TitleEN + " as " + href + "/items serves it (GeoJSON). Every feature has " +
			"every property below; its value is null where the feature has none, and otherwise of the type given.",
		"type":     "object",
		"required": []string{"type", "geometry", "properties"},
		"properties": obj{
			"type":       obj{"type": "string", "enum": []string{"Feature"}},
			"id":         obj{"type": "string"},
			"geometry":   obj{"type": []string{"object", "null"}, "description": "GeoJSON geometry in CRS84; null where the place is unknown"},
			"properties": obj{"type": "object", "required": names, "properties": ps},
		},
	}
}

// propertySchema is one property's schema. Arrays and objects are served
// as JSON text (geo.ServedProperties), which contentSchema describes.
func propertySchema(p geo.Property) obj {
	if p.Type == geo.TypeArray || p.Type == geo.TypeObject {
		return obj{"type": geo.TypeString, "contentMediaType": typeJSON, "contentSchema": obj{"type": p.Type},
			"description": "JSON text of the " + p.Type + "; null when it is empty"}
	}
	s := obj{"type": p.Type}
	if p.Format != "" {
		s["format"] = p.Format
	}
	return s
}

// served turns features into GeoJSON as every endpoint serves them: with
// every property of their collection's schema (geo.ServedProperties).
func (s *Server) served(ctx context.Context, fs []geo.Feature) ([]*geojson.Feature, error) {
	if err := s.heavyFeatures(ctx, fs); err != nil { // a large answer waits for a slot (web/overload.go)
		return nil, err
	}
	schemas := map[string][]geo.Property{}
	out := make([]*geojson.Feature, len(fs))
	for i, f := range fs {
		schema, ok := schemas[f.Layer]
		if !ok {
			var err error
			if schema, err = s.store.Schema(ctx, f.Layer); err != nil {
				return nil, err
			}
			schemas[f.Layer] = schema
		}
		out[i] = &geojson.Feature{Type: "Feature", ID: f.ID, Geometry: f.Geometry, Properties: f.ServedProperties(schema)}
	}
	return out, nil
}

// MaxTileID is the largest MVT feature id a store gives (2^52 - 1, which
// JavaScript numbers hold exactly; features.tile_id in PostGIS).
const MaxTileID = 1<<52 - 1

// itemParams are the query parameters /items accepts.
var itemParams = append([]string{"f", "limit", "offset", "bbox", "bbox-crs", "crs", "datetime", "tile_id", "filter", "filter-lang", "filter-crs", "sortby", "properties", "after"}, geo.Filterable...)

// featureCollection is the GeoJSON page OGC API returns.
type featureCollection struct {
	Type           string             `json:"type"`
	Features       []*geojson.Feature `json:"features"`
	page           *servedPage        // written in place of Features when set
	Links          []Link             `json:"links"`
	NumberMatched  int                `json:"numberMatched"`
	NumberReturned int                `json:"numberReturned"`
	TimeStamp      string             `json:"timeStamp"`
}

func (s *Server) items(w http.ResponseWriter, r *http.Request) error {
	p, err := readParams(r.URL.Query(), itemParams...)
	if err != nil {
		return err
	}
	q, err := itemQuery(p)
	if err != nil {
		return err
	}
	out, err := parseCRS("crs", p.get("crs"))
	if err != nil {
		return err
	}
	l, err := s.layer(r)
	if err != nil {
		return err
	}
	if q.Filter, err = s.parseFilter(r, p, l.ID); err != nil {
		return err
	}
	schema, err := s.store.Schema(r.Context(), l.ID)
	if err != nil {
		return err
	}
	if q.Sort, err = parseSortby(p, geo.Queryables(schema)); err != nil {
		return err
	}
	props, err := parseProperties(p, schema)
	if err != nil {
		return err
	}
	// after (which next links carry) pages by key: the store seeks to the
	// id instead of skipping offset features; offset then only numbers the
	// page for the links.
	nominal := q.Offset
	if p.has("after") {
		if q.Sort != nil {
			return errBadParam("after pages in id order; it cannot be combined with sortby (use offset)")
		}
		q.After, q.Offset = p.get("after"), 0
	}
	page, err := s.store.Features(r.Context(), l.ID, q)
	if err != nil {
		return err
	}
	setContentCrs(w, out)
	fc := featureCollection{Type: "FeatureCollection",
		NumberMatched: page.Matched, NumberReturned: len(page.Features),
		TimeStamp: time.Now().UTC().Format(time.RFC3339)}
	last := ""
	if n := len(page.Features); n > 0 && q.Sort == nil {
		last = page.Features[n-1].ID
	}
	q.Offset = nominal
	fc.Links = pageLinks(baseURL(r)+r.URL.Path, r.URL.Query(), q, page.Matched, last)
	if wantsHTML(r) {
		features, err := s.served(r.Context(), page.Features)
		if err != nil {
			return err
		}
		keepProperties(features, props)
		p := htmlPage{Title: l.TitleZH + " " + l.TitleEN, Head: []string{"id", "name_zh", "name_en", "kind", "status"},
			Description: fmt.Sprintf("%d–%d of %d features", min(q.Offset+1, page.Matched), q.Offset+len(features), page.Matched)}
		for _, lk := range fc.Links {
			if lk.Rel == "next" || lk.Rel == "prev" {
				u, _ := url.Parse(lk.Href)
				p.Links = append(p.Links, Link{withF(u, u.Scheme+"://"+u.Host, "html"), lk.Rel, typeHTML, lk.Title})
			}
		}
		for _, f := range features {
			cell := func(k string) string { v, _ := f.Properties[k].(string); return v }
			p.Rows = append(p.Rows, htmlRow{baseURL(r) + r.URL.Path + "/" + url.PathEscape(fmt.Sprint(f.ID)) + "?f=html",
				[]string{fmt.Sprint(f.ID), cell("name_zh"), cell("name_en"), cell("kind"), cell("status")}})
		}
		return writeHTML(w, r, p)
	}
	if err := s.heavyFeatures(r.Context(), page.Features); err != nil { // as served() does
		return err
	}
	fc.page = &servedPage{features: page.Features, schema: schema, keep: props, out: out}
	u := *r.URL
	fc.Links = append(fc.Links, Link{withF(&u, baseURL(r), "html"), "alternate", typeHTML, "This page as HTML"})
	return writeJSON(w, r, http.StatusOK, typeGeoJSON, fc)
}

func itemQuery(p params) (geo.Query, error) {
	q := geo.Query{Props: map[string]string{}}
	var err error
	if q.Limit, err = p.integer("limit", DefaultLimit, 1, MaxLimit, true); err != nil {
		return q, err
	}
	if q.Offset, err = p.integer("offset", 0, 0, MaxOffset, false); err != nil {
		return q, err
	}
	bboxCRS, err := parseCRS("bbox-crs", p.get("bbox-crs"))
	if err != nil {
		return q, err
	}
	if p.has("bbox") {
		if q.BBox, err = parseBBox(p.get("bbox"), bboxCRS); err != nil {
			return q, err
		}
	} else if p.has("bbox-crs") {
		return q, errBadParam("bbox-crs is given without a bbox")
	}
	if p.has("datetime") {
		if q.Time, err = parseDatetime(p.get("datetime")); err != nil {
			return q, err
		}
	}
	tileID, err := p.integer("tile_id", 0, 1, MaxTileID, false)
	if err != nil {
		return q, err
	}
	q.TileID = uint64(tileID)
	for _, name := range geo.Filterable {
		if p.has(name) {
			v := p.get(name)
			if v == "" || len(v) > MaxValueLen {
				return q, errBadParam(fmt.Sprintf("%s must be a non-empty value of at most %d bytes", name, MaxValueLen))
			}
			q.Props[name] = v
		}
	}
	return q, nil
}

// pageLinks gives self and, where they exist, next and prev pages. The
// next page follows last, the id of this page's last feature, by key (after)
// when there is one: then its cost does not grow with its depth.
func pageLinks(href string, orig url.Values, q geo.Query, matched int, last string) []Link {
	at := func(offset int, after string) string {
		v := url.Values{}
		for k, vs := range orig {
			v[k] = vs
		}
		v.Set("limit", strconv.Itoa(q.Limit))
		v.Set("offset", strconv.Itoa(offset))
		v.Del("after")
		if after != "" {
			v.Set("after", after)
		}
		return href + "?" + v.Encode()
	}
	links := []Link{{at(q.Offset, orig.Get("after")), "self", typeGeoJSON, "This page"}}
	if q.Offset+q.Limit < matched {
		links = append(links, Link{at(q.Offset+q.Limit, last), "next", typeGeoJSON, "Next page"})
	}
	if q.Offset > 0 {
		links = append(links, Link{at(max(0, q.Offset-q.Limit), ""), "prev", typeGeoJSON, "Previous page"})
	}
	return links
}

func (s *Server) item(w http.ResponseWriter, r *http.Request) error {
	p, err := readParams(r.URL.Query(), "f", "crs")
	if err != nil {
		return err
	}
	out, err := parseCRS("crs", p.get("crs"))
	if err != nil {
		return err
	}
	l, err := s.layer(r)
	if err != nil {
		return err
	}
	id := mux.Vars(r)["feature"]
	if !geo.ValidID(id) {
		// No stored feature has such an id (the dataset check enforces the
		// pattern), so the store is not asked: a NUL or invalid UTF-8 would
		// be an error in PostgreSQL rather than a 404.
		return errNotFound(fmt.Sprintf("no feature %q in collection %q", clip(id), l.ID))
	}
	// What If-Match names to edit it (web/edit.go), read before the feature:
	// a change in between leaves the tag older than the body, so a write
	// based on it fails safe (412) rather than overwriting unseen.
	s.setVersionTag(w, r, l.ID, id)
	f, err := s.store.Feature(r.Context(), l.ID, id)
	if err != nil {
		if err == geo.ErrNotFound {
			return errNotFound(fmt.Sprintf("no feature %q in collection %q", clip(id), l.ID))
		}
		return err
	}
	served, err := s.served(r.Context(), []geo.Feature{f})
	if err != nil {
		return err
	}
	served[0].Geometry = out.geometry(served[0].Geometry)
	setContentCrs(w, out)
	base := baseURL(r) + "/ogc/collections/" + l.ID
	self := base + "/items/" + url.PathEscape(f.ID)
	if p.has("crs") {
		self += "?" + url.Values{"crs": {out.uri}}.Encode()
	}
	links := []Link{
		{self, "self", typeGeoJSON, "This feature"},
		{baseURL(r) + "/#feature=" + url.QueryEscape(f.ID), "alternate", typeHTML, "On the web map"},
		{base, "collection", typeJSON, l.TitleEN},
	}
	if wantsHTML(r) {
		p := htmlPage{Title: f.NameZH + " " + f.NameEN, Head: []string{"property", "value"}, Rows: propertyRows(served[0].Properties),
			Links: []Link{{baseURL(r) + "/#feature=" + url.QueryEscape(l.ID+"/"+f.ID), "alternate", typeHTML, "On the web map 在地图上"},
				{base + "?f=html", "collection", typeHTML, l.TitleZH + " " + l.TitleEN}}}
		return writeHTML(w, r, p)
	}
	return writeJSON(w, r, http.StatusOK, typeGeoJSON, featureJSON(served[0], links))
}

// featureJSON is a GeoJSON feature with OGC links; geometry is null when unknown.
func featureJSON(f *geojson.Feature, links []Link) map[string]any {
	var g any
	if f.Geometry != nil {
		g = geojson.NewGeometry(f.Geometry)
	}
	return map[string]any{"type": "Feature", "id": f.ID, "geometry": g, "properties": f.Properties, "links": links}
}
