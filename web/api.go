package web

import (
	"errors"
	"math"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/paulmach/orb"
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
	if q.Limit, q.Layers, err = s.limitAndLayers(r, p, DefaultNearby, MaxNearby); err != nil {
		return err
	}
	hits, err := s.store.Nearby(r.Context(), q)
	if err != nil {
		return err
	}
	fs := make([]geo.Feature, len(hits))
	for i, h := range hits {
		fs[i] = h.Feature
	}
	fc := geojson.NewFeatureCollection()
	if fc.Features, err = s.served(r.Context(), fs); err != nil {
		return err
	}
	for i, h := range hits {
		fc.Features[i].Properties["distance_m"] = math.Round(h.DistanceM*10) / 10
	}
	return writeJSON(w, r, http.StatusOK, typeGeoJSON, fc)
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
		return errBadParam("q is required: a Chinese or English name, e.g. ?q=阳逻")
	case utf8.RuneCountInString(text) > MaxQueryLen:
		return errBadParam("q must be at most 100 characters")
	}
	q := geo.SearchQuery{Text: text}
	if q.Limit, q.Layers, err = s.limitAndLayers(r, p, DefaultSearch, MaxSearch); err != nil {
		return err
	}
	hits, err := s.store.Search(r.Context(), q)
	if err != nil {
		return err
	}
	fc := geojson.NewFeatureCollection()
	if fc.Features, err = s.served(r.Context(), hits); err != nil {
		return err
	}
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
	if err := s.store.Ping(r.Context()); err != nil {
		desc := "the data store is not reachable"
		if errors.Is(err, geo.ErrOutOfDate) {
			desc = outOfDate
		}
		w.Header().Set("Retry-After", "5")
		return writeJSON(w, r, http.StatusServiceUnavailable, typeJSON,
			map[string]string{"code": "ServiceUnavailable", "description": desc})
	}
	return writeJSON(w, r, http.StatusOK, typeJSON, map[string]string{"status": "ready"})
}
