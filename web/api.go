package web

import (
	"encoding/json"
	"errors"
	"math"
	"net/http"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/paulmach/orb"
	orbgeo "github.com/paulmach/orb/geo"
	"github.com/paulmach/orb/geojson"

	"planmap/geo"
)

// Limits of the planmap API.
const (
	DefaultNearby = 100
	MaxNearby     = 1000
	DefaultSearch = 20
	MaxSearch     = 100
	MaxQueryLen   = 100 // characters
)

// knownLayers returns the set of layer ids.
func (s *Server) knownLayers(r *http.Request) (map[string]bool, error) {
	layers, err := s.store.Layers(r.Context())
	if err != nil {
		return nil, err
	}
	known := make(map[string]bool, len(layers))
	for _, l := range layers {
		known[l.ID] = true
	}
	return known, nil
}

func (s *Server) nearby(w http.ResponseWriter, r *http.Request) error {
	p, err := readParams(r.URL.Query(), "lon", "lat", "radius", "layers", "limit", "f")
	if err != nil {
		return err
	}
	if !p.has("lon") || !p.has("lat") {
		return errBadParam("lon and lat are required (WGS84 degrees), e.g. ?lon=114.398&lat=30.505")
	}
	var q geo.NearbyQuery
	lon, err := p.number("lon", 0, -180, 180)
	if err != nil {
		return err
	}
	lat, err := p.number("lat", 0, -90, 90)
	if err != nil {
		return err
	}
	q.Center = orb.Point{lon, lat}
	if q.Radius, err = p.number("radius", DefaultRadius, 0, MaxRadius); err != nil {
		return err
	}
	limit := 0
	if limit, q.Layers, err = s.limitAndLayers(r, p, DefaultNearby, MaxNearby); err != nil {
		return err
	}
	if q.Layers == nil {
		// The plan's elements, not the base map's roads and stations,
		// unless layers asks for them.
		if q.Layers, err = s.planLayers(r); err != nil {
			return err
		}
	}
	// Every hit is asked for (to MaxNearby), so that the answer can be
	// ordered by scope and counted, not only by distance.
	q.Limit = MaxNearby + 1
	hits, err := s.store.Nearby(r.Context(), q)
	if err != nil {
		return err
	}
	matched := len(hits)
	near := rankNear(hits, q.Radius)
	if len(near) > limit {
		near = near[:limit]
	}
	fs := make([]geo.Feature, len(near))
	for i, n := range near {
		fs[i] = n.Feature
	}
	fc := geojson.NewFeatureCollection()
	if fc.Features, err = s.served(r.Context(), fs); err != nil {
		return err
	}
	for i, n := range near {
		fc.Features[i].Properties["distance_m"] = math.Round(n.DistanceM*10) / 10
		fc.Features[i].Properties["scope"] = n.scope
		fc.Features[i].Properties["inside"] = n.DistanceM == 0
	}
	body := map[string]any{"type": "FeatureCollection", "features": fc.Features, "numberReturned": len(near)}
	if matched <= MaxNearby {
		body["numberMatched"] = matched // beyond that the store was not asked
	}
	return writeJSON(w, r, http.StatusOK, typeGeoJSON, body)
}

// Scopes of a nearby hit, in the order they are listed: things here that
// the data places well; things placed only roughly; elements known only by
// their district; areas that hold the whole neighbourhood (a city-wide
// programme, a metropolitan region), which are context rather than answers.
const (
	ScopeHere        = "here"
	ScopeApproximate = "approximate"
	ScopeDistrict    = "district"
	ScopeWide        = "wide"
)

var scopeRank = map[string]int{ScopeHere: 0, ScopeApproximate: 1, ScopeDistrict: 2, ScopeWide: 3}

type scoped struct {
	geo.Near
	scope string
}

// rankNear gives each hit its scope and orders them by scope, then
// distance. A hit is only roughly here when its position is uncertain by
// more than a tenth of the radius (its distance says little); an area is
// wide when it contains the point and is larger than the searched circle.
func rankNear(hits []geo.Near, radius float64) []scoped {
	out := make([]scoped, len(hits))
	circle := math.Pi * radius * radius
	for i, h := range hits {
		sc := ScopeHere
		switch {
		case h.Accuracy == geo.AccuracyDistrict:
			sc = ScopeDistrict
		case h.DistanceM == 0 && isArea(h.Geometry) && orbgeo.Area(h.Geometry) > circle:
			sc = ScopeWide
		case uncertainty(h.Feature) > radius/10 || h.Accuracy == geo.AccuracyIndicative:
			sc = ScopeApproximate
		}
		out[i] = scoped{h, sc}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if a, b := scopeRank[out[i].scope], scopeRank[out[j].scope]; a != b {
			return a < b
		}
		return out[i].DistanceM < out[j].DistanceM
	})
	return out
}

func isArea(g orb.Geometry) bool {
	switch g.(type) {
	case orb.Polygon, orb.MultiPolygon:
		return true
	}
	return false
}

// uncertainty is how far a feature's position may be off, in metres, as its
// placement rule states it (uncertainty_m); 0 where none is stated.
func uncertainty(f geo.Feature) float64 {
	switch v := f.Extra["uncertainty_m"].(type) {
	case float64:
		return v
	case int:
		return float64(v)
	case json.Number:
		n, _ := v.Float64()
		return n
	}
	return 0
}

// planLayers lists the layers that are not base map.
func (s *Server) planLayers(r *http.Request) ([]string, error) {
	layers, err := s.store.Layers(r.Context())
	if err != nil {
		return nil, err
	}
	ids := []string{}
	for _, l := range layers {
		if !l.Base {
			ids = append(ids, l.ID)
		}
	}
	return ids, nil
}

// limitAndLayers reads the limit and layers parameters nearby and search share.
func (s *Server) limitAndLayers(r *http.Request, p params, def, most int) (int, []string, error) {
	limit, err := p.integer("limit", def, 1, most, true)
	if err != nil {
		return 0, nil, err
	}
	known, err := s.knownLayers(r)
	if err != nil {
		return 0, nil, err
	}
	layers, err := layerList(p, known)
	return limit, layers, err
}

func (s *Server) search(w http.ResponseWriter, r *http.Request) error {
	p, err := readParams(r.URL.Query(), "q", "layers", "limit", "f")
	if err != nil {
		return err
	}
	text := strings.TrimSpace(p.get("q"))
	switch {
	case text == "":
		return errBadParam("q is required: a name in Chinese, English or pinyin, e.g. ?q=阳逻 or ?q=yangluo")
	case utf8.RuneCountInString(text) > MaxQueryLen:
		return errBadParam("q must be at most 100 characters")
	}
	q := geo.SearchQuery{Text: text}
	if q.Limit, q.Layers, err = s.limitAndLayers(r, p, DefaultSearch, MaxSearch); err != nil {
		return err
	}
	if q.Layers == nil {
		layers, err := s.store.Layers(r.Context())
		if err != nil {
			return err
		}
		q.Layers = geo.SearchLayers(layers)
	}
	hits, err := s.store.Search(r.Context(), q)
	if err != nil {
		return err
	}
	places, err := s.store.SearchPlaces(r.Context(), q)
	if err != nil {
		return err
	}
	fc := geojson.NewFeatureCollection()
	if fc.Features, err = s.served(r.Context(), hits); err != nil {
		return err
	}
	// The gazetteer's places go in a member of their own, so a client that
	// reads features sees the plan elements it always did.
	ps := make([]*geojson.Feature, len(places))
	for i, p := range places {
		ps[i] = geojson.NewFeature(p.Point)
		ps[i].ID = p.ID
		ps[i].Properties = geojson.Properties{"id": p.ID, "name_zh": p.NameZH, "name_en": p.NameEN,
			"kind": p.Kind, "district": p.District, "source": p.Source}
	}
	fc.ExtraMembers = geojson.Properties{"places": ps}
	return writeJSON(w, r, http.StatusOK, typeGeoJSON, fc)
}

func (s *Server) targets(w http.ResponseWriter, r *http.Request) error {
	if _, err := readParams(r.URL.Query(), "f"); err != nil {
		return err
	}
	ts, err := s.store.Targets(r.Context())
	if err != nil {
		return err
	}
	if ts == nil {
		ts = []geo.PlanTarget{}
	}
	return writeJSON(w, r, http.StatusOK, typeJSON, map[string]any{"targets": ts})
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) error {
	return writeJSON(w, r, http.StatusOK, typeJSON, map[string]string{"status": "ok"})
}

// readyz answers 503 while the store cannot answer, so a load balancer
// sends traffic elsewhere until it recovers.
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) error {
	if err := s.storeReady(r.Context()); err != nil { // from state, never slow (web/ready.go)
		desc := "the data store is not reachable"
		if errors.Is(err, geo.ErrOutOfDate) {
			desc = outOfDate
		}
		w.Header().Set("Retry-After", "5")
		return writeJSON(w, r, http.StatusServiceUnavailable, typeJSON,
			map[string]any{"code": "ServiceUnavailable", "description": desc, "replicas": s.replicaStates()})
	}
	// Replicas are listed, not required: reads go to the primary without them.
	body := map[string]any{"status": "ready"}
	if rs := s.replicaStates(); rs != nil {
		body["replicas"] = rs
	}
	return writeJSON(w, r, http.StatusOK, typeJSON, body)
}
