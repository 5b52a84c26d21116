package web

// Admins edit a layer's metadata and the plan's targets (JSON merge patch,
// If-Match on the trail's version); every change lands in the trail.

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"

	"github.com/gorilla/mux"

	"planmap/data"
	"planmap/geo"
)

func (s *Server) metaRoutes() {
	s.router.Handle("/ogc/collections/{collection}", s.handleEdit(s.patchLayer)).Methods(http.MethodPatch)
	s.router.Handle("/api/targets/{target}", s.handle(s.target)).Methods(http.MethodGet, http.MethodHead)
	s.router.Handle("/api/targets/{target}", s.handleEdit(s.patchTarget)).Methods(http.MethodPatch)
}

// setMetaTag puts a target's trail version in its ETag (a target's body is
// its row and nothing else, so the version names it). A layer's version is
// the last of its history: its collection's body also follows its features.
func (s *Server) setMetaTag(w http.ResponseWriter, r *http.Request, kind, id string) {
	if m, ok := s.store.(geo.MetaEditor); ok {
		if v, err := m.MetaVersion(r.Context(), kind, id); err == nil {
			w.Header().Set(versionHeader, strconv.Itoa(v))
		}
	}
}

// findTarget is the target with the id in the path.
func (s *Server) findTarget(r *http.Request) (geo.PlanTarget, error) {
	id := mux.Vars(r)["target"]
	ts, err := s.store.Targets(r.Context())
	if err != nil {
		return geo.PlanTarget{}, err
	}
	for _, t := range ts {
		if t.ID == id {
			return t, nil
		}
	}
	return geo.PlanTarget{}, errNotFound(fmt.Sprintf("no target %q; see /api/targets", clip(id)))
}

// target is one plan target, with its version as ETag where it has one.
func (s *Server) target(w http.ResponseWriter, r *http.Request) error {
	if _, err := readParams(r.URL.Query(), "f"); err != nil {
		return err
	}
	s.setMetaTag(w, r, "target", mux.Vars(r)["target"]) // before the read: a change in between fails safe
	t, err := s.findTarget(r)
	if err != nil {
		return err
	}
	return writeJSON(w, r, http.StatusOK, typeJSON, t)
}

// metaEdit checks what every metadata edit needs: an admin's token, a store
// that takes it, a reason and If-Match.
func (s *Server) metaEdit(r *http.Request, tok geo.Token) (geo.MetaEditor, geo.Edit, int, error) {
	if _, err := readParams(r.URL.Query(), "f"); err != nil {
		return nil, geo.Edit{}, 0, err
	}
	m, ok := s.store.(geo.MetaEditor)
	if !ok {
		return nil, geo.Edit{}, 0, &apiError{http.StatusMethodNotAllowed, "ReadOnly", "this store's layers and targets are read-only"}
	}
	if tok.Role != geo.RoleAdmin {
		return nil, geo.Edit{}, 0, &apiError{http.StatusForbidden, "Forbidden", "only an admin edits layers and targets"}
	}
	e, err := editOf(r, tok)
	if err != nil {
		return nil, e, 0, err
	}
	v, err := ifMatch(r)
	return m, e, v, err
}

// patched applies the request's JSON merge patch to v (a struct), in place.
func patched(r *http.Request, v any) error {
	patch, err := io.ReadAll(r.Body)
	if err != nil {
		return errBadParam("the body could not be read")
	}
	var p any
	if err := json.Unmarshal(patch, &p); err != nil {
		return errBadParam("the body is not JSON: " + clip(err.Error()))
	}
	doc, err := json.Marshal(v)
	if err != nil {
		return err
	}
	var d any
	if err := json.Unmarshal(doc, &d); err != nil {
		return err
	}
	merged, err := json.Marshal(mergePatch(d, p))
	if err != nil {
		return err
	}
	dec := json.NewDecoder(bytesReader(merged))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return errBadParam("the patched document does not fit: " + clip(err.Error()))
	}
	return nil
}

func (s *Server) patchLayer(w http.ResponseWriter, r *http.Request, tok geo.Token) error {
	m, e, v, err := s.metaEdit(r, tok)
	if err != nil {
		return err
	}
	l, err := s.layer(r)
	if err != nil {
		return err
	}
	next := l
	if err := patched(r, &next); err != nil {
		return err
	}
	if next.ID != l.ID || next.GeometryType != l.GeometryType {
		return errBadParam("a layer's id and geometry_type never change")
	}
	if p := data.CheckLayer(next); p != "" {
		return &apiError{http.StatusBadRequest, "InvalidLayer", fmt.Sprintf("layer %q: %s", l.ID, p)}
	}
	nv, err := m.UpdateLayer(r.Context(), next, v, e)
	if errors.Is(err, geo.ErrNotFound) {
		return errNotFound(fmt.Sprintf("no collection %q", l.ID))
	}
	if err != nil {
		return editError(err)
	}
	w.Header().Set("ETag", etag(nv))
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) patchTarget(w http.ResponseWriter, r *http.Request, tok geo.Token) error {
	m, e, v, err := s.metaEdit(r, tok)
	if err != nil {
		return err
	}
	t, err := s.findTarget(r)
	if err != nil {
		return err
	}
	next := t
	if err := patched(r, &next); err != nil {
		return err
	}
	if next.ID != t.ID {
		return errBadParam("a target's id never changes")
	}
	if err := next.Check(); err != nil {
		return &apiError{http.StatusBadRequest, "InvalidTarget", fmt.Sprintf("target %q: %v", t.ID, err)}
	}
	if next.Feature != "" {
		if _, err := s.store.Feature(r.Context(), next.Layer, next.Feature); err != nil {
			return &apiError{http.StatusBadRequest, "InvalidTarget", fmt.Sprintf("target %q links to unknown feature %q", t.ID, clip(next.Feature))}
		}
	}
	nv, err := m.UpdateTarget(r.Context(), next, v, e)
	if errors.Is(err, geo.ErrNotFound) {
		return errNotFound(fmt.Sprintf("no target %q", t.ID))
	}
	if err != nil {
		return editError(err)
	}
	w.Header().Set("ETag", etag(nv))
	w.WriteHeader(http.StatusNoContent)
	return nil
}
