// Package web is planmap's HTTP face: OGC API – Features, nearby, search,
// targets and health, over any geo.Store.
package web

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/netip"
	"sync/atomic"
	"time"

	"github.com/gorilla/mux"
	"github.com/klauspost/compress/gzip"

	"planmap/geo"
	"planmap/tiles"
)

// Media types served.
const (
	typeJSON    = "application/json"
	typeGeoJSON = "application/geo+json"
	typeOpenAPI = "application/vnd.oai.openapi+json;version=3.0"
	typeHTML    = "text/html"
	typeSchema  = "application/schema+json"
)

// SourcesPath is where the dataset's sources document is served.
const SourcesPath = "/data/SOURCES.md"

// Options tune the server.
type Options struct {
	Title            string
	Timeout          time.Duration // per-request deadline passed to the store
	Log              *slog.Logger
	Sources          []byte        // the dataset's sources and licences (SOURCES.md), served at SourcesPath; nil for none
	PlanText         []byte        // the plan's full text, served as HTML at PlanPath; nil for none
	Tiles            tiles.Options // MVT encoding: buffer, caps
	TileCacheBytes   int64         // in-memory tile cache size; 0 disables it
	TileGzipLevel    int           // of built tiles, 1-9; 0: CachedGzipLevel with a cache, tiles.GzipLevel without
	TileCacheControl string        // Cache-Control of tiles
	CORSOrigin       string        // Access-Control-Allow-Origin; "" turns CORS off
	AccessLog        bool          // log every request
	Basemap          *Basemap      // drawn beneath the plan by the web map; nil for the offline base map only
	MaxHeavy         int           // heavy requests served at once (web/overload.go); 0: max(2, CPUs)

	// The front door (web/frontdoor.go): which hosts links may name.
	PublicURL      string         // base URL of every link (ParsePublicURL); "" = from the request
	AllowedHosts   []string       // host names requests may name; empty or "*" = any
	TrustedProxies []netip.Prefix // peers whose Forwarded / X-Forwarded-* headers are believed
}

// Server serves a store over HTTP.
type Server struct {
	store      geo.Store
	opts       Options
	router     *mux.Router
	cache      *tiles.Cache
	tileFormat string                    // a hash of the encoder settings, part of every tile's ETag
	gzipLevel  int                       // of the tiles built
	tileCC     []string                  // the tiles' configured Cache-Control, as a header value
	lastTV     atomic.Pointer[[2]string] // tileVersion of the latest data version asked
	metrics    *metrics
	handler    http.Handler
	door       frontDoor
	heavy      *gate
	ready      readiness
	// authFailures counts failed authentications by client (web/edit.go).
	authFailures authFailureLog
}

// CachedGzipLevel compresses the tiles a cache keeps: built once and sent
// many times, they are worth more CPU than the default level, though not
// BestCompression's. On the synthetic points (bench/gzlevels) level 8 is
// 4-7 % smaller than the default for 2-9 ms more a build at z10-z12; level
// 9 is 8-9 % smaller but takes 15-19 ms more a z12 tile and 60-84 ms more a
// z10 one, two to four times what building it takes the embedded store.
const CachedGzipLevel = 8

// New builds the HTTP handler for a store.
func New(store geo.Store, opts Options) *Server {
	if opts.Title == "" {
		opts.Title = "planmap — 武汉市“十四五”规划和2035年远景目标 空间要素"
	}
	if opts.Timeout == 0 {
		opts.Timeout = 10 * time.Second
	}
	if opts.Log == nil {
		opts.Log = slog.Default()
	}
	if opts.TileCacheControl == "" {
		opts.TileCacheControl = "public, max-age=300"
	}
	s := &Server{store: store, opts: opts, router: mux.NewRouter(), cache: tiles.NewCache(opts.TileCacheBytes),
		door: newFrontDoor(opts), heavy: newGate(opts.MaxHeavy), gzipLevel: tiles.GzipLevel,
		tileCC: []string{opts.TileCacheControl}}
	switch {
	case opts.TileGzipLevel >= gzip.BestSpeed && opts.TileGzipLevel <= gzip.BestCompression:
		s.gzipLevel = opts.TileGzipLevel
	case opts.TileCacheBytes > 0:
		s.gzipLevel = CachedGzipLevel
	}
	s.tileFormat = hash(fmt.Sprintf("%+v gzip %d", opts.Tiles, s.gzipLevel))
	s.metrics = s.newMetrics()
	s.routes()
	s.handler = compress(s.observe(s.frontDoor(http.HandlerFunc(s.dispatch))))
	return s
}

func (s *Server) routes() {
	r := s.router
	r.StrictSlash(false)
	r.Use(nameRoute)
	get := func(path string, h func(http.ResponseWriter, *http.Request) error) {
		r.Handle(path, s.handle(h)).Methods(http.MethodGet, http.MethodHead)
	}
	// Tiles first, matched without a regexp: the router tries routes in
	// order, and tiles are most of the requests a map makes.
	r.MatcherFunc(matchTile).Methods(http.MethodGet, http.MethodHead).Handler(s.handle(s.tile)).Name(tileRoute)
	get("/ogc", s.landing)
	get("/ogc/", s.landing)
	get("/ogc/conformance", s.conformance)
	get("/ogc/api", s.openapi)
	get("/ogc/collections", s.collections)
	get("/ogc/collections/{collection}", s.collection)
	get("/ogc/collections/{collection}/schema", s.schema)
	get("/ogc/collections/{collection}/queryables", s.queryables)
	get("/ogc/collections/{collection}/items", s.items)
	get("/ogc/collections/{collection}/items/{feature}", s.item)
	get("/ogc/tileMatrixSets", s.tileMatrixSets)
	get("/ogc/tileMatrixSets/{tms}", s.tileMatrixSetDef)
	for _, set := range []string{"/ogc", "/ogc/collections/{collection}"} {
		get(set+"/tiles", s.ogcTilesets(vectorTiles))
		get(set+"/tiles/{tms}", s.ogcTilesetMeta(vectorTiles))
		get(set+"/tiles/{tms}/{z}/{row}/{col}", s.ogcTile)
		get(set+"/map/tiles", s.ogcTilesets(mapTiles))
		get(set+"/map/tiles/{tms}", s.ogcTilesetMeta(mapTiles))
		get(set+"/map/tiles/{tms}/{z}/{row}/{col}", s.ogcMapTile)
	}
	get("/api/nearby", s.nearby)
	get("/api/search", s.search)
	get("/api/targets", s.targets)
	get("/api/stats", s.stats) // the planner tools: web/download.go
	get("/download/{layer:[a-z0-9-]+}.geojson", s.downloadGeoJSON)
	get("/download/{layer:[a-z0-9-]+}.csv", s.downloadCSV)
	get("/api/basemap", s.basemap)
	get("/tiles", s.tileList)
	get("/tiles/{tileset:[a-z0-9-]+}.json", s.tileJSON)
	if s.opts.Sources != nil {
		r.Handle(SourcesPath, s.noBody(newAsset(s.opts.Sources, "text/markdown; charset=utf-8", "no-cache"))).
			Methods(http.MethodGet, http.MethodHead)
	}
	s.planRoute()
	get("/healthz", s.healthz)
	get("/readyz", s.readyz)
	r.Handle("/metrics", s.noBody(s.metricsHandler())).Methods(http.MethodGet)
	s.editRoutes()    // Part 4 and the trail: web/edit.go
	s.staticRoutes(r) // the web map: / and /static/… (web/static.go)
	r.NotFoundHandler = s.handle(func(w http.ResponseWriter, r *http.Request) error {
		return errNotFound("no resource at " + clip(r.URL.Path))
	})
	r.MethodNotAllowedHandler = s.handle(func(w http.ResponseWriter, r *http.Request) error {
		w.Header().Set("Allow", "GET, HEAD")
		return &apiError{http.StatusMethodNotAllowed, "MethodNotAllowed", clip(r.Method) + " is not allowed here; use GET"}
	})
}

// dispatch serves tiles itself (serveTileFast) and leaves the rest to the
// router, whose matching copies the request twice.
func (s *Server) dispatch(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		if p, ok := parseTilePath(r.URL.Path); ok {
			s.serveTileFast(w, r, p)
			return
		}
	}
	s.router.ServeHTTP(w, r)
}

// ServeHTTP serves a request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.handler.ServeHTTP(w, r)
}

// handle turns a handler that returns an error into an http.Handler that
// answers errors as JSON and never leaks internals.
func (s *Server) handle(h func(http.ResponseWriter, *http.Request) error) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), s.opts.Timeout)
		defer cancel()
		held := &heldSlot{} // a heavy slot taken for this request (web/overload.go)
		ctx = context.WithValue(ctx, heldSlotKey{}, held)
		defer func() {
			if held.release != nil {
				held.release()
			}
		}()
		defer func() {
			if v := recover(); v != nil {
				s.opts.Log.Error("panic", "id", requestID(r), "path", r.URL.Path, "panic", v)
				s.writeError(w, r, errors.New("panic"))
			}
		}()
		if err := checkRequest(w, r); err != nil {
			s.writeError(w, r, err)
			return
		}
		if err := h(w, r.WithContext(ctx)); err != nil {
			s.writeError(w, r, err)
		}
	})
}

// noBody refuses a request body for a handler outside handle (/metrics).
func (s *Server) noBody(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := checkBody(w, r); err != nil {
			s.writeError(w, r, err)
			return
		}
		h.ServeHTTP(w, r)
	})
}

// apiError is an error with its HTTP status and OGC exception code.
type apiError struct {
	Status int
	Code   string
	Desc   string
}

func (e *apiError) Error() string { return e.Desc }

func errBadParam(format string) *apiError {
	return &apiError{http.StatusBadRequest, "InvalidParameterValue", format}
}

// outOfDate tells an operator what to do about a database behind the binary.
const outOfDate = "the database schema is older than this planmap: run planmap migrate (or serve with --migrate)"

func errNotFound(desc string) *apiError {
	return &apiError{http.StatusNotFound, "NotFound", desc}
}

func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	var ae *apiError
	switch {
	case errors.Is(err, errBusy):
		w.Header().Set("Retry-After", "2")
		ae = errBusy
	case errors.As(err, &ae):
	case errors.Is(err, geo.ErrNotFound):
		ae = errNotFound("not found")
	case errors.Is(err, geo.ErrOutOfDate):
		w.Header().Set("Retry-After", "60") // serve logged it at start: no line per request
		ae = &apiError{http.StatusServiceUnavailable, "ServiceUnavailable", outOfDate}
	case errors.Is(err, geo.ErrUnavailable), errors.Is(err, context.DeadlineExceeded):
		w.Header().Set("Retry-After", "5")
		ae = &apiError{http.StatusServiceUnavailable, "ServiceUnavailable", "the data store is unavailable or too slow; try again shortly"}
	case errors.Is(err, context.Canceled):
		return // the client went away
	default:
		s.opts.Log.Error("request failed", "id", requestID(r), "path", r.URL.Path, "err", err)
		ae = &apiError{http.StatusInternalServerError, "InternalError", "internal error"}
	}
	w.Header().Del("ETag")
	writeJSON(w, r, ae.Status, typeJSON, map[string]any{"code": ae.Code, "description": ae.Desc,
		"status": ae.Status, "title": http.StatusText(ae.Status), "detail": ae.Desc}) // OGC and RFC 9457 members
}

func writeJSON(w http.ResponseWriter, r *http.Request, status int, contentType string, v any) error {
	var b []byte
	var err error
	if fc, ok := v.(featureCollection); ok {
		b, err = marshalCollection(fc) // the same bytes, without reflection (geojsonenc.go)
	} else {
		b, err = json.Marshal(v)
	}
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", contentType)
	if conditional(w, r, status, b) {
		return nil
	}
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		_, _ = w.Write(b)
	}
	return nil
}
