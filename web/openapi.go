package web

import (
	"net/http"

	"planmap/geo"
)

type obj = map[string]any

func ref(name string) obj { return obj{"$ref": "#/components/parameters/" + name} }

func param(name, in, desc string, required bool, schema obj) obj {
	p := obj{"name": name, "in": in, "description": desc, "required": required, "schema": schema}
	if in == "query" {
		p["style"], p["explode"] = "form", false
	}
	return p
}

// parameters declares every parameter once; paths refer to them.
func parameters() obj {
	ps := obj{
		"collectionId": param("collectionId", "path", "A layer of the plan.", true, obj{"type": "string"}),
		"featureId":    param("featureId", "path", "A feature's id.", true, obj{"type": "string"}),
		"f": param("f", "query", "Output format.", false,
			obj{"type": "string", "enum": []string{"json", "geojson", "html"}, "default": "json"}),
		"limit": param("limit", "query", "Features per page; larger values are clamped to the maximum.", false,
			obj{"type": "integer", "minimum": 1, "maximum": MaxLimit, "default": DefaultLimit}),
		"offset": param("offset", "query", "Features to skip (next links carry it).", false,
			obj{"type": "integer", "minimum": 0, "maximum": MaxOffset, "default": 0}),
		"bbox": param("bbox", "query", "minLon,minLat,maxLon,maxLat (or 6 numbers with heights) in CRS84, or in bbox-crs; features that intersect it.", false,
			obj{"type": "array", "minItems": 4, "maxItems": 6, "items": obj{"type": "number"}}),
		"tile_id": param("tile_id", "query", "Only the feature with this id in vector tiles (the MVT feature id), as a map asks for a clicked feature.", false,
			obj{"type": "integer", "minimum": 1, "maximum": MaxTileID}),
		"crs": param("crs", "query", "The CRS of the geometries returned (OGC API – Features Part 2); CRS84 by default. "+
			"EPSG:4326 and EPSG:4490 put latitude first; "+crsGCJ02+" is GCJ-02 (AMap, Tencent).", false,
			obj{"type": "string", "format": "uri", "enum": crsURIs(), "default": crs84}),
		"bbox-crs": param("bbox-crs", "query", "The CRS of bbox, in its axis order; CRS84 by default.", false,
			obj{"type": "string", "format": "uri", "enum": crsURIs(), "default": crs84}),
		"filter": param("filter", "query", "A CQL2 filter (OGC API – Features Part 3) on the collection's queryables, ANDed with the other parameters.", false,
			obj{"type": "string", "maxLength": MaxFilterBytes}),
		"filter-lang": param("filter-lang", "query", "The language of filter.", false,
			obj{"type": "string", "enum": []string{"cql2-text", "cql2-json"}, "default": "cql2-text"}),
		"filter-crs": param("filter-crs", "query", "The CRS of the geometries in filter; CRS84 by default.", false,
			obj{"type": "string", "format": "uri", "enum": crsURIs(), "default": crs84}),
		"after": param("after", "query", "Only features whose id sorts after this one (next links carry it, with the offset of the page they open, so that a deep page costs no more than the first).", false,
			obj{"type": "string"}),
		"sortby": param("sortby", "query", "Queryables to order by, separated by commas, each with an optional + (ascending) or - (descending); then by id. Nulls come last ascending, first descending.", false,
			obj{"type": "array", "items": obj{"type": "string", "pattern": "^[+-]?[^,]+$"}}),
		"properties": param("properties", "query", "The properties to return, separated by commas; all by default.", false,
			obj{"type": "array", "items": obj{"type": "string"}}),
		"datetime": param("datetime", "query", "An RFC 3339 instant or interval (.. for an open end) on the plan's timeline: the features the plan has in place by its end (`plan_year`: in place at the 2020 base year, by the end of 2025, or by the end of 2035).", false,
			obj{"type": "string"}),
	}
	for _, name := range geo.Filterable {
		s := obj{"type": "string"}
		switch name {
		case "status":
			s["enum"] = geo.Statuses
		case "accuracy":
			s["enum"] = geo.Accuracies
		}
		ps[name] = param(name, "query", "Only features whose "+name+" equals this value.", false, s)
	}
	return ps
}

func itemsParams() []obj {
	out := []obj{ref("limit"), ref("offset"), ref("bbox"), ref("bbox-crs"), ref("crs"), ref("datetime"), ref("filter"), ref("filter-lang"), ref("filter-crs"), ref("sortby"), ref("properties"), ref("after"), ref("tile_id"), ref("f")}
	for _, name := range geo.Filterable {
		out = append(out, ref(name))
	}
	return out
}

func get(summary, mediaType string, params []obj, extra ...obj) obj {
	op := obj{"summary": summary, "parameters": params, "responses": obj{
		"200": obj{"description": "OK", "content": obj{mediaType: obj{"schema": obj{"type": "object"}}}},
		"400": obj{"$ref": "#/components/responses/Error"},
		"404": obj{"$ref": "#/components/responses/Error"},
		"503": obj{"$ref": "#/components/responses/Error"},
	}}
	path := obj{"get": op}
	for _, e := range extra {
		for k, v := range e {
			path[k] = v
		}
	}
	return path
}

// openAPIDoc describes the whole API; each layer gets its own items path so
// that clients such as GDAL see which filters it accepts.
func openAPIDoc(base string, layers []geo.Layer) obj {
	f := []obj{ref("f")}
	paths := obj{
		"/":            get("Landing page", typeJSON, f),
		"/conformance": get("Conformance classes", typeJSON, f),
		"/api":         get("This API definition", typeOpenAPI, nil),
		"/collections": get("The plan's layers", typeJSON, f),
		"/collections/{collectionId}": get("One layer", typeJSON,
			[]obj{ref("collectionId"), ref("f")}),
		"/collections/{collectionId}/schema": get("Schema of a layer's features (JSON Schema)", typeSchema,
			[]obj{ref("collectionId"), ref("f")}),
		"/collections/{collectionId}/queryables": get("What filters on a layer may name (JSON Schema)", typeSchema,
			[]obj{ref("collectionId"), ref("f")}),
		"/collections/{collectionId}/items": get("Features of a layer", typeGeoJSON,
			append([]obj{ref("collectionId")}, itemsParams()...)),
		"/collections/{collectionId}/items/{featureId}": get("One feature", typeGeoJSON,
			[]obj{ref("collectionId"), ref("featureId"), ref("crs"), ref("f")}),
	}
	for _, l := range layers {
		paths["/collections/"+l.ID+"/items"] = get(l.TitleZH+" "+l.TitleEN, typeGeoJSON, itemsParams())
		paths["/collections/"+l.ID+"/items/{featureId}"] = get("One feature of "+l.TitleEN, typeGeoJSON,
			[]obj{ref("featureId"), ref("crs"), ref("f")})
	}
	root := obj{"servers": []obj{{"url": base}}}
	num := func(name, desc string) obj { return param(name, "query", desc, false, obj{"type": "number"}) }
	paths["/api/nearby"] = get("Plan elements near a point, nearest first", typeGeoJSON, []obj{
		num("lon", "Longitude (WGS84)."), num("lat", "Latitude (WGS84)."),
		param("radius", "query", "Metres.", false, obj{"type": "number", "minimum": 0, "maximum": MaxRadius, "default": DefaultRadius}),
		param("layers", "query", "Comma-separated layer ids.", false, obj{"type": "string"}),
		param("limit", "query", "Most hits.", false, obj{"type": "integer", "minimum": 1, "maximum": MaxNearby, "default": DefaultNearby}),
	}, root)
	paths["/api/search"] = get("Plan elements (features) and real places (places, each a GeoJSON Point feature) by name: "+
		"Chinese, English, pinyin in full or initials, aliases, one typo in Latin text of four or more letters", typeGeoJSON, []obj{
		param("q", "query", "Text to find.", true, obj{"type": "string", "maxLength": MaxQueryLen}),
		param("layers", "query", "Comma-separated layer ids.", false, obj{"type": "string"}),
		param("limit", "query", "Most hits of each: features and places.", false, obj{"type": "integer", "minimum": 1, "maximum": MaxSearch, "default": DefaultSearch}),
	}, root)
	paths["/api/targets"] = get("The plan-wide targets", typeJSON, nil, root)
	paths["/api/monitoring"] = get("Each target's baseline, observations, goal and status (on track, at risk, off track) by the stated rule", typeJSON, nil, root)
	paths["/api/stats"] = get("Counts of features by layer, district and status", typeJSON, []obj{
		param("layers", "query", "Comma-separated layer ids; every layer when absent.", false, obj{"type": "string"}),
		param("datetime", "query", "Only features the plan has in place by then, as items filters them.", false, obj{"type": "string"}),
	}, root)
	paths["/api/basemap"] = get("The basemap the web map draws beneath the plan (null: offline base map only)", typeJSON, nil, root)
	return obj{
		"openapi": "3.0.3",
		"info": obj{"title": "planmap", "version": "1.0.0",
			"description": "OGC API – Features for the spatial elements of Wuhan's 14th Five-Year Plan and 2035 Vision."},
		"servers": []obj{{"url": base + "/ogc"}},
		"paths":   paths,
		"components": obj{
			"parameters": parameters(),
			"responses": obj{"Error": obj{"description": "An error", "content": obj{typeJSON: obj{"schema": obj{
				"type": "object", "required": []string{"code"},
				"properties": obj{"code": obj{"type": "string"}, "description": obj{"type": "string"}}}}}}},
		},
	}
}

func (s *Server) openapi(w http.ResponseWriter, r *http.Request) error {
	if _, err := readParams(r.URL.Query(), "f"); err != nil {
		return err
	}
	layers, err := s.store.Layers(r.Context())
	if err != nil {
		return err
	}
	doc := openAPIDoc(baseURL(r), layers)
	if _, ok := s.store.(geo.Editor); ok {
		addEditing(doc, layers) // web/edit.go
	}
	return writeJSON(w, r, http.StatusOK, typeOpenAPI, doc)
}
