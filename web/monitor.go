package web

// Indicator monitoring: each plan target with its 2020 baseline, the
// values observed since and its goal, assessed by geo.Assess; editors
// record observations.

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"strings"

	"github.com/gorilla/mux"

	"planmap/geo"
)

func (s *Server) monitorRoutes() {
	s.router.Handle("/api/monitoring", s.handle(s.monitoring)).Methods(http.MethodGet, http.MethodHead)
	s.router.Handle("/api/targets/{target}/observations", s.handleEdit(s.recordObservation)).Methods(http.MethodPost)
}

// monitoringRule is the rule geo.Assess applies, as the API states it.
const monitoringRule = "A target's progress due by the latest observed year is the straight line from its 2020 baseline to its goal in its year. " +
	"on_track: the goal is met, or the progress due is made; at_risk: at least 80 % of the progress due is made; off_track: less. " +
	"The direction is the goal's (up if it lies above the baseline or the comparator is ≥ or >, down if below or ≤ or <). " +
	"no_data: the target has no figure, or no 2020 observation, or none after 2020."

func (s *Server) monitoring(w http.ResponseWriter, r *http.Request) error {
	if _, err := readParams(r.URL.Query(), "f"); err != nil {
		return err
	}
	ts, err := s.store.Targets(r.Context())
	if err != nil {
		return err
	}
	var obs []geo.Observation
	if m, ok := s.store.(geo.Monitor); ok {
		if obs, err = m.Observations(r.Context()); err != nil {
			return err
		}
	}
	out := make([]map[string]any, 0, len(ts))
	for _, t := range ts {
		status, expected := geo.Assess(t, obs)
		var mine []geo.Observation
		var baseline any
		for _, o := range obs {
			if o.Target != t.ID {
				continue
			}
			mine = append(mine, o)
			if o.Year == geo.BaseYear {
				baseline = o
			}
		}
		if mine == nil {
			mine = []geo.Observation{}
		}
		var exp any
		if !math.IsNaN(expected) {
			exp = expected
		}
		out = append(out, map[string]any{"id": t.ID, "group": t.Group, "metric": t.Metric, "metric_en": t.MetricEN,
			"comparator": t.Comparator, "goal": t.Value, "unit": t.Unit, "text": t.Text, "year": t.Year,
			"feature": t.Feature, "layer": t.Layer, "baseline": baseline, "observations": mine,
			"status": status, "expected": exp})
	}
	return writeJSON(w, r, http.StatusOK, typeJSON, map[string]any{"rule": monitoringRule, "targets": out})
}

// recordObservation records a target's value for a year: an admin, or an
// editor granted the layer the target is linked to.
func (s *Server) recordObservation(w http.ResponseWriter, r *http.Request, tok geo.Token) error {
	if _, err := readParams(r.URL.Query(), "f"); err != nil {
		return err
	}
	m, ok := s.store.(geo.Monitor)
	if !ok {
		return &apiError{http.StatusMethodNotAllowed, "ReadOnly", "this store keeps no observations"}
	}
	id := mux.Vars(r)["target"]
	ts, err := s.store.Targets(r.Context())
	if err != nil {
		return err
	}
	var target *geo.PlanTarget
	for i := range ts {
		if ts[i].ID == id {
			target = &ts[i]
		}
	}
	if target == nil {
		return errNotFound(fmt.Sprintf("no target %q", clip(id)))
	}
	if tok.Role != geo.RoleAdmin && (target.Layer == "" || !tok.MayEdit(target.Layer)) {
		return &apiError{http.StatusForbidden, "Forbidden", "observations of this target are recorded by an admin or an editor of its layer"}
	}
	e, err := editOf(r, tok)
	if err != nil {
		return err
	}
	b, err := io.ReadAll(r.Body)
	if err != nil {
		return errBadParam("the body could not be read")
	}
	var in struct {
		Year   *int     `json:"year"`
		Value  *float64 `json:"value"`
		Source string   `json:"source"`
		Note   string   `json:"note"`
	}
	if err := json.Unmarshal(b, &in); err != nil {
		return errBadParam("the body is not JSON {year, value, source, note}: " + clip(err.Error()))
	}
	var probs []string
	if in.Year == nil || *in.Year < 2000 || *in.Year > 2100 {
		probs = append(probs, "year must be a year from 2000 to 2100")
	}
	if in.Value == nil {
		probs = append(probs, "value must be a number")
	}
	if strings.TrimSpace(in.Source) == "" {
		probs = append(probs, "source must name where the value comes from")
	}
	if len(probs) > 0 {
		return errBadParam("the observation has problems: " + strings.Join(probs, "; "))
	}
	o := geo.Observation{Target: id, Year: *in.Year, Value: *in.Value, Source: strings.TrimSpace(in.Source), Note: in.Note}
	if err := m.RecordObservation(r.Context(), o, e); err != nil {
		if errors.Is(err, geo.ErrNotFound) {
			return errNotFound(fmt.Sprintf("no target %q", clip(id)))
		}
		return editError(err)
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
