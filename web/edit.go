package web

// OGC API – Features Part 4 (create, replace, update, delete) with bearer
// tokens, and the trail: a feature's history and the change feed. Only a
// store that is a geo.Editor (PostGIS) takes edits; the embedded store
// answers 405 and says why.

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/gorilla/mux"

	"planmap/data"
	"planmap/geo"
)

// Limits of editing.
const (
	MaxEditBody   = 5 << 20 // one feature's GeoJSON
	MaxReasonLen  = 500
	ReasonHeader  = "Planmap-Reason" // why a change is made; UTF-8 may be %-encoded
	maxAuthFails  = 10               // failed authentications a client may make per authWindow
	authWindow    = time.Minute
	MaxChangesLim = 1000
)

// part4 are the conformance classes of OGC API – Features Part 4 (draft)
// that a store taking edits adds.
var part4 = []string{
	"http://www.opengis.net/spec/ogcapi-features-4/1.0/conf/create-replace-delete",
	"http://www.opengis.net/spec/ogcapi-features-4/1.0/conf/update",
	"http://www.opengis.net/spec/ogcapi-features-4/1.0/conf/features",
}

// conformsTo lists the conformance classes of this server's store.
func (s *Server) conformsTo() []string {
	all := slices.Concat(conformance, filterConformance, tilesConformance)
	if _, ok := s.store.(geo.Editor); ok {
		all = append(all, part4...)
	}
	return all
}

func (s *Server) editRoutes() {
	r := s.router
	items := "/ogc/collections/{collection}/items"
	r.Handle(items, s.handleEdit(s.createItem)).Methods(http.MethodPost)
	r.Handle(items+"/{feature}", s.handleEdit(s.replaceItem)).Methods(http.MethodPut)
	r.Handle(items+"/{feature}", s.handleEdit(s.patchItem)).Methods(http.MethodPatch)
	r.Handle(items+"/{feature}", s.handleEdit(s.deleteItem)).Methods(http.MethodDelete)
	r.Handle(items+"/{feature}/restore", s.handleEdit(s.restoreItem)).Methods(http.MethodPost)
	r.Handle(items+"/{feature}/history", s.handle(s.itemHistory)).Methods(http.MethodGet, http.MethodHead)
	r.Handle("/api/changes", s.handle(s.changes)).Methods(http.MethodGet, http.MethodHead)
	r.Handle("/api/me", s.handleEdit(s.me)).Methods(http.MethodGet)
	r.Handle("/ogc/collections/{collection}/history", s.handle(s.trail("layer", "collection"))).Methods(http.MethodGet, http.MethodHead)
	r.Handle("/api/targets/{target}/history", s.handle(s.trail("target", "target"))).Methods(http.MethodGet, http.MethodHead)
	s.monitorRoutes() // web/monitor.go
	s.metaRoutes()    // web/meta.go
}

// handleEdit is handle for a request that writes: it checks the query,
// authenticates before it reads a byte of the body, and then hands the
// handler the token.
func (s *Server) handleEdit(h func(http.ResponseWriter, *http.Request, geo.Token) error) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), s.opts.Timeout)
		defer cancel()
		r = r.WithContext(ctx)
		defer func() {
			if v := recover(); v != nil {
				s.opts.Log.Error("panic", "id", requestID(r), "path", r.URL.Path, "panic", v)
				s.writeError(w, r, errors.New("panic"))
			}
		}()
		err := checkQuery(r.URL.RawQuery)
		var tok geo.Token
		if err == nil {
			tok, err = s.authenticate(w, r)
		}
		if err == nil {
			r.Body = http.MaxBytesReader(w, r.Body, MaxEditBody)
			err = h(w, r, tok)
		}
		if err != nil {
			s.writeError(w, r, editError(err))
		}
	})
}

// me says who a token's holder is, their role and the layers they may edit,
// so that the web map offers editing only to those who may.
func (s *Server) me(w http.ResponseWriter, r *http.Request, tok geo.Token) error {
	w.Header().Set("Cache-Control", "no-store")
	layers := tok.Layers
	if layers == nil {
		layers = []string{}
	}
	return writeJSON(w, r, http.StatusOK, typeJSON, map[string]any{"name": tok.Name, "role": tok.Role, "layers": layers})
}

// editError turns the store's errors of editing into answers.
func editError(err error) error {
	switch {
	case errors.Is(err, geo.ErrConflict):
		return &apiError{http.StatusPreconditionFailed, "PreconditionFailed",
			"the feature has changed since you read it (its ETag is no longer the one in If-Match): read it again, reapply your change and send it with the new ETag"}
	case errors.Is(err, geo.ErrExists):
		return &apiError{http.StatusConflict, "Conflict", "a feature with this id exists already; replace it with PUT"}
	case errors.Is(err, geo.ErrReadOnly):
		return &apiError{http.StatusMethodNotAllowed, "ReadOnly",
			"this planmap serves through a read-only database role; edits need a planmap whose role may write features"}
	}
	return err
}

// authFailureLog counts failed authentications by client address, so that
// guessing tokens is slow: past maxAuthFails in authWindow a client gets 429.
type authFailureLog struct {
	mu   sync.Mutex
	seen map[string][]time.Time
}

func (l *authFailureLog) recent(ip string, now time.Time) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	keep := l.seen[ip][:0]
	for _, t := range l.seen[ip] {
		if now.Sub(t) < authWindow {
			keep = append(keep, t)
		}
	}
	if len(keep) == 0 {
		delete(l.seen, ip)
	} else {
		l.seen[ip] = keep
	}
	return len(keep)
}

func (l *authFailureLog) add(ip string, now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.seen == nil || len(l.seen) > 100000 { // a flood of addresses: forget them rather than grow
		l.seen = map[string][]time.Time{}
	}
	l.seen[ip] = append(l.seen[ip], now)
}

func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// authenticate finds the request's bearer token. Tokens travel only in the
// Authorization header: one in the URL is refused (URLs end up in logs and
// histories). Failures are logged with the client's address, never the token.
func (s *Server) authenticate(w http.ResponseWriter, r *http.Request) (geo.Token, error) {
	auth, ok := s.store.(geo.Authenticator)
	if _, edits := s.store.(geo.Editor); !ok || !edits {
		w.Header().Set("Allow", "GET, HEAD")
		return geo.Token{}, &apiError{http.StatusMethodNotAllowed, "ReadOnly",
			"this planmap serves the embedded dataset, which is read-only; edits go to a planmap serving PostGIS"}
	}
	q := r.URL.Query()
	for _, k := range []string{"token", "access_token", "api_key", "key"} {
		if q.Has(k) {
			return geo.Token{}, errBadParam("a token is never accepted in a URL; send it as Authorization: Bearer <token>")
		}
	}
	ip, now := clientIP(r), time.Now()
	if s.authFailures.recent(ip, now) >= maxAuthFails {
		w.Header().Set("Retry-After", strconv.Itoa(int(authWindow.Seconds())))
		return geo.Token{}, &apiError{http.StatusTooManyRequests, "TooManyRequests", "too many failed authentications; wait a minute"}
	}
	fail := func(why string) (geo.Token, error) {
		s.authFailures.add(ip, now)
		s.opts.Log.Warn("authentication failed", "id", requestID(r), "client", ip, "method", r.Method, "path", r.URL.Path, "why", why)
		w.Header().Set("WWW-Authenticate", `Bearer realm="planmap"`)
		return geo.Token{}, &apiError{http.StatusUnauthorized, "Unauthorized", "editing needs a valid token: Authorization: Bearer <token> (" + why + ")"}
	}
	h := r.Header.Get("Authorization")
	if h == "" {
		w.Header().Set("WWW-Authenticate", `Bearer realm="planmap"`)
		return geo.Token{}, &apiError{http.StatusUnauthorized, "Unauthorized", "editing needs a token: Authorization: Bearer <token>"}
	}
	scheme, token, _ := strings.Cut(h, " ")
	if !strings.EqualFold(scheme, "Bearer") || token == "" {
		return fail("not a bearer token")
	}
	sum := sha256.Sum256([]byte(strings.TrimSpace(token)))
	tok, err := auth.Authenticate(r.Context(), sum[:])
	if errors.Is(err, geo.ErrNotFound) {
		return fail("unknown, revoked or expired token")
	}
	return tok, err
}

// mayEdit refuses a token that may not edit layer.
func mayEdit(tok geo.Token, layer string) error {
	if tok.MayEdit(layer) {
		return nil
	}
	if tok.Role == geo.RoleViewer {
		return &apiError{http.StatusForbidden, "Forbidden", "this token may read but not edit"}
	}
	return &apiError{http.StatusForbidden, "Forbidden", fmt.Sprintf("this token may not edit layer %q", layer)}
}

// editOf reads who and why of a change: the token's holder and the
// Planmap-Reason header, which every change needs.
func editOf(r *http.Request, tok geo.Token) (geo.Edit, error) {
	raw := r.Header.Get(ReasonHeader)
	reason, err := url.PathUnescape(raw)
	reason = strings.TrimSpace(reason)
	switch {
	case err != nil:
		return geo.Edit{}, errBadParam(ReasonHeader + " has an invalid %-escape")
	case reason == "":
		return geo.Edit{}, errBadParam("every change needs a reason: send it in the " + ReasonHeader + " header (UTF-8, %-encoded if not ASCII)")
	case len([]rune(reason)) > MaxReasonLen:
		return geo.Edit{}, errBadParam(fmt.Sprintf("%s is longer than %d characters", ReasonHeader, MaxReasonLen))
	}
	return geo.Edit{Author: tok.Name, Reason: reason}, nil
}

// etag is a feature version's entity tag.
func etag(version int) string { return `"v` + strconv.Itoa(version) + `"` }

// ifMatch reads the version If-Match names; 428 when there is none.
func ifMatch(r *http.Request) (int, error) {
	h := strings.TrimSpace(r.Header.Get("If-Match"))
	if h == "" {
		return 0, &apiError{http.StatusPreconditionRequired, "PreconditionRequired",
			"send If-Match with the ETag of the feature as you read it, so that no one else's change is overwritten"}
	}
	tag := strings.TrimSuffix(strings.TrimSuffix(h, `"`), gzipSuffix) // the gzipped form's tag names the same version
	tag, _, _ = strings.Cut(tag, "-")                                 // "v3-<hash>" from a read, "v3" from a write
	v, err := strconv.Atoi(strings.TrimPrefix(tag, `"v`))
	if err != nil || !strings.HasPrefix(tag, `"v`) || v < 1 {
		return 0, &apiError{http.StatusPreconditionFailed, "PreconditionFailed", "If-Match is not an ETag of a feature of this collection"}
	}
	return v, nil
}

// versionHeader carries an item's version from its handler to conditional,
// which makes the ETag "v<version>-<hash of the body>": the body's hash, as
// every JSON answer's, so that a 304 is never stale (an item's body also
// follows its layer's schema and the request's host), and the version, which
// is all If-Match is read for. It never leaves the server.
const versionHeader = "X-Planmap-Version"

// setVersionTag gives an item its version in its ETag, on a store that has versions.
func (s *Server) setVersionTag(w http.ResponseWriter, r *http.Request, layer, id string) {
	if ed, ok := s.store.(geo.Editor); ok {
		if v, err := ed.FeatureVersion(r.Context(), layer, id); err == nil {
			w.Header().Set(versionHeader, strconv.Itoa(v))
		}
	}
}

func bytesReader(b []byte) io.Reader { return bytes.NewReader(b) }

// readFeature reads the request body as one GeoJSON feature of layer.
// Arrays and objects may come as JSON or as the JSON text items serves them
// as (where the stored feature, cur, has an array or object); null
// properties are absent ones.
func readFeature(r *http.Request, layer string, cur *geo.Feature) (geo.Feature, error) {
	b, err := io.ReadAll(r.Body)
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return geo.Feature{}, &apiError{http.StatusRequestEntityTooLarge, "PayloadTooLarge", fmt.Sprintf("a feature is at most %d bytes", MaxEditBody)}
		}
		return geo.Feature{}, err
	}
	return parseFeature(b, layer, cur)
}

func parseFeature(b []byte, layer string, cur *geo.Feature) (geo.Feature, error) {
	// A NUL or bytes that are not UTF-8 PostgreSQL's text cannot hold (and
	// Go's JSON would pass on, or replace): named, as load names them.
	if !utf8.Valid(b) {
		return geo.Feature{}, errBadParam("the body is not UTF-8")
	}
	if bytes.Contains(b, []byte(`\u0000`)) {
		return geo.Feature{}, errBadParam("the body holds a NUL character (\\u0000)")
	}
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(b, &doc); err != nil {
		return geo.Feature{}, errBadParam("the body is not a GeoJSON Feature: " + clip(err.Error()))
	}
	var props map[string]any
	if raw, ok := doc["properties"]; ok {
		if err := json.Unmarshal(raw, &props); err != nil {
			return geo.Feature{}, errBadParam("properties is not a JSON object")
		}
	}
	if l, ok := props["layer"]; ok && l != nil && l != layer {
		return geo.Feature{}, errBadParam(fmt.Sprintf("the feature says layer %v but is sent to collection %q", l, layer))
	}
	for k, v := range props {
		if v == nil {
			delete(props, k)
			continue
		}
		text, isText := v.(string)
		if !isText {
			continue
		}
		var wasJSON bool
		if k == "targets" {
			wasJSON = true
		} else if cur != nil {
			t := geo.ValueType(cur.Extra[k])
			wasJSON = t == geo.TypeArray || t == geo.TypeObject
		}
		var parsed any
		if wasJSON && json.Unmarshal([]byte(text), &parsed) == nil {
			props[k] = parsed
		}
	}
	raw, err := json.Marshal(props)
	if err != nil {
		return geo.Feature{}, err
	}
	doc["properties"] = raw
	if b, err = json.Marshal(doc); err != nil {
		return geo.Feature{}, err
	}
	f, err := data.ParseFeature(b, layer) // read as planmap load reads a dataset's features
	if err != nil {
		return f, errBadParam(err.Error())
	}
	if f.Updated.IsZero() {
		f.Updated = time.Now().UTC().Truncate(time.Second)
	}
	return f, nil
}

// validate checks an edited feature as planmap load checks a dataset's and
// names every problem.
func (s *Server) validate(ctx context.Context, f geo.Feature) error {
	layers, err := s.store.Layers(ctx)
	if err != nil {
		return err
	}
	probs := data.CheckFeature(layers, f)
	if len(probs) == 0 {
		return nil
	}
	msgs := make([]string, len(probs))
	for i, p := range probs {
		msgs[i] = p.Msg
	}
	return &apiError{http.StatusBadRequest, "InvalidFeature", fmt.Sprintf("the feature has %d problem(s): %s", len(probs), strings.Join(msgs, "; "))}
}

// editTarget is the layer an edit writes to, if the token may edit it;
// params are the query parameters the edit takes.
func (s *Server) editTarget(r *http.Request, tok geo.Token, params ...string) (geo.Layer, geo.Editor, error) {
	if _, err := readParams(r.URL.Query(), append(params, "f")...); err != nil {
		return geo.Layer{}, nil, err
	}
	l, err := s.layer(r)
	if err != nil {
		return l, nil, err
	}
	if err := mayEdit(tok, l.ID); err != nil {
		return l, nil, err
	}
	return l, s.store.(geo.Editor), nil
}

func (s *Server) createItem(w http.ResponseWriter, r *http.Request, tok geo.Token) error {
	l, ed, err := s.editTarget(r, tok)
	if err != nil {
		return err
	}
	e, err := editOf(r, tok)
	if err != nil {
		return err
	}
	f, err := readFeature(r, l.ID, nil)
	if err != nil {
		return err
	}
	if err := s.validate(r.Context(), f); err != nil {
		return err
	}
	v, err := ed.CreateFeature(r.Context(), f, e)
	if err != nil {
		return err
	}
	w.Header().Set("Location", baseURL(r)+"/ogc/collections/"+l.ID+"/items/"+url.PathEscape(f.ID))
	w.Header().Set("ETag", etag(v))
	w.WriteHeader(http.StatusCreated)
	return nil
}

func (s *Server) replaceItem(w http.ResponseWriter, r *http.Request, tok geo.Token) error {
	return s.write(w, r, tok, func(cur geo.Feature) (geo.Feature, error) {
		return readFeature(r, cur.Layer, &cur)
	})
}

// patchItem applies a JSON merge patch (RFC 7396) to the feature as GeoJSON:
// {"properties": {"status": "under_construction"}} changes the status alone,
// a null removes a property, "geometry" replaces the geometry.
func (s *Server) patchItem(w http.ResponseWriter, r *http.Request, tok geo.Token) error {
	return s.write(w, r, tok, func(cur geo.Feature) (geo.Feature, error) {
		patch, err := io.ReadAll(r.Body)
		if err != nil {
			return cur, errBadParam("the body could not be read")
		}
		var p any
		if err := json.Unmarshal(patch, &p); err != nil {
			return cur, errBadParam("the body is not JSON: " + clip(err.Error()))
		}
		doc, err := json.Marshal(cur.GeoJSON())
		if err != nil {
			return cur, err
		}
		var d any
		if err := json.Unmarshal(doc, &d); err != nil {
			return cur, err
		}
		merged, err := json.Marshal(mergePatch(d, p))
		if err != nil {
			return cur, err
		}
		return parseFeature(merged, cur.Layer, &cur)
	})
}

func mergePatch(doc, patch any) any {
	p, ok := patch.(map[string]any)
	if !ok {
		return patch
	}
	d, ok := doc.(map[string]any)
	if !ok {
		d = map[string]any{}
	}
	for k, v := range p {
		if v == nil {
			delete(d, k)
		} else {
			d[k] = mergePatch(d[k], v)
		}
	}
	return d
}

// write replaces a feature with what change makes of it, if If-Match still
// names its version.
func (s *Server) write(w http.ResponseWriter, r *http.Request, tok geo.Token, change func(cur geo.Feature) (geo.Feature, error)) error {
	q, err := s.versionedEdit(r, tok)
	if err != nil {
		return err
	}
	l, ed, id, e, v := q.layer, q.ed, q.id, q.edit, q.version
	cur, err := s.current(r.Context(), l.ID, id)
	if err != nil {
		return err
	}
	f, err := change(cur)
	if err != nil {
		return err
	}
	if f.ID != id {
		return errBadParam(fmt.Sprintf("the body's id %q is not the URL's %q; a feature's id never changes", clip(f.ID), clip(id)))
	}
	if err := s.validate(r.Context(), f); err != nil {
		return err
	}
	nv, err := ed.ReplaceFeature(r.Context(), f, v, e)
	if err != nil {
		return err
	}
	w.Header().Set("ETag", etag(nv))
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) current(ctx context.Context, layer, id string) (geo.Feature, error) {
	if !geo.ValidID(id) {
		return geo.Feature{}, errNotFound(fmt.Sprintf("no feature %q in collection %q", clip(id), layer))
	}
	f, err := s.store.Feature(ctx, layer, id)
	if errors.Is(err, geo.ErrNotFound) {
		return f, errNotFound(fmt.Sprintf("no feature %q in collection %q", clip(id), layer))
	}
	return f, err
}

// versioned is an edit of one feature at a stated version (If-Match).
type versioned struct {
	layer   geo.Layer
	ed      geo.Editor
	id      string
	edit    geo.Edit
	version int
}

// versionedEdit reads what replacing and deleting a feature both need: the
// layer the token may edit, the feature's id, the reason and If-Match.
func (s *Server) versionedEdit(r *http.Request, tok geo.Token) (versioned, error) {
	var q versioned
	var err error
	if q.layer, q.ed, err = s.editTarget(r, tok); err != nil {
		return q, err
	}
	q.id = mux.Vars(r)["feature"]
	if q.edit, err = editOf(r, tok); err != nil {
		return q, err
	}
	q.version, err = ifMatch(r)
	return q, err
}

func (s *Server) deleteItem(w http.ResponseWriter, r *http.Request, tok geo.Token) error {
	q, err := s.versionedEdit(r, tok)
	if err != nil {
		return err
	}
	l, ed, id, e, v := q.layer, q.ed, q.id, q.edit, q.version
	if _, err := s.current(r.Context(), l.ID, id); err != nil {
		return err
	}
	if err := ed.DeleteFeature(r.Context(), l.ID, id, v, e); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// restoreItem writes an earlier version back (?version=N) as a new
// version; If-Match is needed while the feature exists, not after a delete.
func (s *Server) restoreItem(w http.ResponseWriter, r *http.Request, tok geo.Token) error {
	l, ed, err := s.editTarget(r, tok, "version")
	if err != nil {
		return err
	}
	id := mux.Vars(r)["feature"]
	want, err := strconv.Atoi(r.URL.Query().Get("version"))
	if err != nil || want < 1 {
		return errBadParam("restore needs version, the number of a version the history lists")
	}
	e, err := editOf(r, tok)
	if err != nil {
		return err
	}
	v := 0
	if _, err := ed.FeatureVersion(r.Context(), l.ID, id); err == nil {
		if v, err = ifMatch(r); err != nil {
			return err
		}
	}
	nv, err := ed.RestoreFeature(r.Context(), l.ID, id, want, v, e)
	if errors.Is(err, geo.ErrNotFound) {
		return errNotFound(fmt.Sprintf("feature %q of collection %q has no version %d to restore", clip(id), l.ID, want))
	}
	if err != nil {
		return err
	}
	w.Header().Set("ETag", etag(nv))
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// itemHistory lists every version of a feature with who, when and why,
// each with the feature as that version had it.
func (s *Server) itemHistory(w http.ResponseWriter, r *http.Request) error {
	if _, err := readParams(r.URL.Query(), "f"); err != nil {
		return err
	}
	l, err := s.layerOnly(r)
	if err != nil {
		return err
	}
	ed, ok := s.store.(geo.Editor)
	id := mux.Vars(r)["feature"]
	if !ok {
		return &apiError{http.StatusNotFound, "NotFound", "the embedded dataset keeps no history; a planmap serving PostGIS does"}
	}
	if !geo.ValidID(id) {
		return errNotFound(fmt.Sprintf("no feature %q in collection %q", clip(id), l.ID))
	}
	vs, err := ed.History(r.Context(), l.ID, id)
	if errors.Is(err, geo.ErrNotFound) {
		return errNotFound(fmt.Sprintf("feature %q of collection %q has no history", clip(id), l.ID))
	}
	if err != nil {
		return err
	}
	out := make([]map[string]any, len(vs))
	for i, v := range vs {
		var f any
		if v.Feature != nil {
			f = featureJSON(v.Feature.GeoJSON(), nil)
		}
		out[i] = map[string]any{"version": v.Version, "op": v.Op, "at": v.At.Format(time.RFC3339Nano),
			"author": v.Author, "reason": v.Reason, "feature": f}
	}
	return writeJSON(w, r, http.StatusOK, typeJSON, map[string]any{"id": id, "collection": l.ID, "versions": out})
}

// trail lists the versions of a layer or a target, each with who, when,
// why and the row as the change left it.
func (s *Server) trail(kind, param string) func(http.ResponseWriter, *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		if _, err := readParams(r.URL.Query(), "f"); err != nil {
			return err
		}
		ed, ok := s.store.(geo.Editor)
		if !ok {
			return &apiError{http.StatusNotFound, "NotFound", "the embedded dataset keeps no history; a planmap serving PostGIS does"}
		}
		id := mux.Vars(r)[param]
		if !geo.ValidID(id) {
			return errNotFound(fmt.Sprintf("no %s %q", kind, clip(id)))
		}
		cs, err := ed.Trail(r.Context(), kind, id)
		if errors.Is(err, geo.ErrNotFound) {
			return errNotFound(fmt.Sprintf("%s %q has no history", kind, clip(id)))
		}
		if err != nil {
			return err
		}
		return writeJSON(w, r, http.StatusOK, typeJSON, map[string]any{"kind": kind, "id": id, "versions": cs})
	}
}

// changes is the change feed: every change to every feature after since (a
// serial from an earlier answer's next, or an RFC 3339 time), oldest first.
func (s *Server) changes(w http.ResponseWriter, r *http.Request) error {
	p, err := readParams(r.URL.Query(), "since", "limit", "f")
	if err != nil {
		return err
	}
	ed, ok := s.store.(geo.Editor)
	if !ok {
		return &apiError{http.StatusNotFound, "NotFound", "the embedded dataset keeps no changes; a planmap serving PostGIS does"}
	}
	limit := 100
	if v := p.v.Get("limit"); v != "" {
		if limit, err = strconv.Atoi(v); err != nil || limit < 1 {
			return errBadParam("limit must be a positive integer")
		}
		limit = min(limit, MaxChangesLim)
	}
	var since int64
	if v := p.v.Get("since"); v != "" {
		if since, err = strconv.ParseInt(v, 10, 64); err != nil {
			t, terr := time.Parse(time.RFC3339, v)
			if terr != nil {
				return errBadParam("since must be a serial from an earlier answer or an RFC 3339 time such as 2025-01-01T00:00:00Z")
			}
			since, err = ed.ChangesSince(r.Context(), t)
			if err != nil {
				return err
			}
		}
	}
	cs, err := ed.Changes(r.Context(), since, limit)
	if err != nil {
		return err
	}
	next := since
	if len(cs) > 0 {
		next = cs[len(cs)-1].Serial
	}
	return writeJSON(w, r, http.StatusOK, typeJSON, map[string]any{"changes": cs, "next": next})
}

// addEditing declares Part 4's operations, the history and the change feed
// in the OpenAPI document of a store that takes edits.
func addEditing(doc obj, layers []geo.Layer) {
	paths := doc["paths"].(obj)
	errs := obj{}
	for _, code := range []string{"400", "401", "403", "404", "409", "412", "428", "429"} {
		errs[code] = obj{"$ref": "#/components/responses/Error"}
	}
	reasonParam := param(ReasonHeader, "header", "Why the change is made (UTF-8, %-encoded if not ASCII); kept in the trail.", true,
		obj{"type": "string", "maxLength": MaxReasonLen * 4})
	ifMatchParam := param("If-Match", "header", "The ETag of the feature as read.", true, obj{"type": "string"})
	op := func(summary, mediaType string, status string, params ...obj) obj {
		o := obj{"summary": summary, "security": []obj{{"bearer": []string{}}}, "parameters": append([]obj{reasonParam}, params...)}
		resp := obj{status: obj{"description": "Done; ETag names the new version"}}
		for k, v := range errs {
			resp[k] = v
		}
		o["responses"] = resp
		if mediaType != "" {
			o["requestBody"] = obj{"required": true, "content": obj{mediaType: obj{"schema": obj{"type": "object"}}}}
		}
		return o
	}
	add := func(items string, withCollection bool) {
		var c []obj
		if withCollection {
			c = []obj{ref("collectionId")}
		}
		if p, ok := paths[items].(obj); ok {
			p["post"] = op("Create a feature", typeGeoJSON, "201", c...)
		}
		if p, ok := paths[items+"/{featureId}"].(obj); ok {
			fc := append(append([]obj{}, c...), ref("featureId"), ifMatchParam)
			p["put"] = op("Replace a feature", typeGeoJSON, "204", fc...)
			p["patch"] = op("Update a feature (JSON merge patch)", "application/merge-patch+json", "204", fc...)
			p["delete"] = op("Delete a feature", "", "204", fc...)
		}
		fc := append(append([]obj{}, c...), ref("featureId"))
		paths[items+"/{featureId}/restore"] = obj{"post": op("Write an earlier version back as a new one", "", "204",
			append(fc, param("version", "query", "The version to restore.", true, obj{"type": "integer", "minimum": 1}))...)}
		paths[items+"/{featureId}/history"] = get("Every version of a feature, with who, when and why", typeJSON, fc)
	}
	add("/collections/{collectionId}/items", true)
	for _, l := range layers {
		add("/collections/"+l.ID+"/items", false)
	}
	paths["/collections/{collectionId}/history"] = get("Every version of a layer", typeJSON, []obj{ref("collectionId")})
	root := obj{"servers": []obj{{"url": strings.TrimSuffix(doc["servers"].([]obj)[0]["url"].(string), "/ogc")}}}
	paths["/api/me"] = get("The token's holder, role and the layers it may edit (needs Authorization: Bearer)", typeJSON, nil, root)
	paths["/api/changes"] = get("The change feed: every change after since", typeJSON, []obj{
		param("since", "query", "A serial (next of an earlier answer) or an RFC 3339 time.", false, obj{"type": "string"}),
		param("limit", "query", "Most changes.", false, obj{"type": "integer", "minimum": 1, "maximum": MaxChangesLim, "default": 100}),
	}, root)
	targetID := param("targetId", "path", "A target's id.", true, obj{"type": "string"})
	paths["/api/targets/{targetId}/history"] = get("Every version of a target", typeJSON, []obj{targetID}, root)
	target := get("One target; ETag names its version", typeJSON, []obj{targetID}, root)
	target["patch"] = op("Update a target (JSON merge patch; admins)", "application/merge-patch+json", "204", targetID, ifMatchParam)
	paths["/api/targets/{targetId}"] = target
	paths["/api/targets/{targetId}/observations"] = obj{"servers": root["servers"],
		"post": op("Record a target's observed value for a year: {year, value, source, note}", typeJSON, "204", targetID)}
	if p, ok := paths["/collections/{collectionId}"].(obj); ok {
		p["patch"] = op("Update a layer's metadata (JSON merge patch; admins); If-Match: the last version of its history",
			"application/merge-patch+json", "204", ref("collectionId"), ifMatchParam)
	}
	doc["components"].(obj)["securitySchemes"] = obj{"bearer": obj{"type": "http", "scheme": "bearer",
		"description": "A token from planmap token create; editors edit the layers granted, admins every layer."}}
}
