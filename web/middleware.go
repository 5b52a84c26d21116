package web

import (
	"context"
	"encoding/binary"
	"encoding/hex"
	"math/rand/v2"
	"net/http"
	"strconv"
	"time"

	"github.com/gorilla/mux"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"planmap/geo"
)

// metrics are the server's Prometheus instruments, on a registry of its own
// so that several servers (tests) never collide.
type metrics struct {
	registry *prometheus.Registry
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	// The tile route's instruments by status, looked up once: tiles are
	// most requests, and a label lookup hashes the labels each time.
	tileCounts  map[int]prometheus.Counter
	tileLatency prometheus.Observer
}

// count records one request.
func (m *metrics) count(route string, status int, d time.Duration) {
	if c := m.tileCounts[status]; c != nil && route == tileRoute {
		c.Inc()
		m.tileLatency.Observe(d.Seconds())
		return
	}
	m.requests.WithLabelValues(route, strconv.Itoa(status)).Inc()
	m.latency.WithLabelValues(route).Observe(d.Seconds())
}

// pooled is implemented by stores that hold a connection pool.
type pooled interface{ PoolStats() geo.PoolStats }

// tileCopied is implemented by stores that may build tiles from a copy of
// their data in memory.
type tileCopied interface{ TileCopyStats() geo.TileCopyStats }

func (s *Server) newMetrics() *metrics {
	m := &metrics{registry: prometheus.NewRegistry()}
	m.requests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "planmap_http_requests_total", Help: "HTTP requests by route and status code.",
	}, []string{"route", "code"})
	m.latency = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "planmap_http_request_duration_seconds", Help: "HTTP request latency by route.",
		Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
	}, []string{"route"})
	cache := func(name, help string, kind prometheus.ValueType, v func() float64) prometheus.Collector {
		return newFunc(prometheus.NewDesc(name, help, nil, nil), kind, v)
	}
	m.tileCounts = map[int]prometheus.Counter{}
	for _, code := range []int{http.StatusOK, http.StatusNoContent, http.StatusNotModified} {
		m.tileCounts[code] = m.requests.WithLabelValues(tileRoute, strconv.Itoa(code))
	}
	m.tileLatency = m.latency.WithLabelValues(tileRoute)
	m.registry.MustRegister(m.requests, m.latency,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		cache("planmap_tile_cache_hits_total", "Tiles served from the cache.", prometheus.CounterValue,
			func() float64 { return float64(s.cache.Stats().Hits) }),
		cache("planmap_tile_cache_misses_total", "Tiles built because the cache lacked them.", prometheus.CounterValue,
			func() float64 { return float64(s.cache.Stats().Misses) }),
		cache("planmap_tile_cache_bytes", "Bytes held by the tile cache.", prometheus.GaugeValue,
			func() float64 { return float64(s.cache.Stats().Bytes) }),
		cache("planmap_tile_cache_entries", "Tiles held by the tile cache.", prometheus.GaugeValue,
			func() float64 { return float64(s.cache.Stats().Entries) }),
		cache("planmap_heavy_in_flight", "Heavy requests (large answers, low-zoom tile builds) being served.", prometheus.GaugeValue,
			func() float64 { return float64(len(s.heavy.slots)) }),
		cache("planmap_heavy_slots", "Heavy requests served at once at most (--max-heavy).", prometheus.GaugeValue,
			func() float64 { return float64(cap(s.heavy.slots)) }),
		cache("planmap_heavy_rejected_total", "Heavy requests answered 503 because every slot stayed taken.", prometheus.CounterValue,
			func() float64 { return float64(s.heavy.shed.Load()) }),
	)
	if r, ok := s.store.(replicated); ok {
		m.registry.MustRegister(newReplicaCollector(r))
	}
	if c, ok := s.store.(tileCopied); ok {
		m.registry.MustRegister(
			cache("planmap_tile_copy_features", "Features in the copy in memory tiles are built from; 0: the database builds them.",
				prometheus.GaugeValue, func() float64 { return float64(c.TileCopyStats().Features) }),
			cache("planmap_tile_copies_total", "Copies made of what tiles draw, whole or of what changed.",
				prometheus.CounterValue, func() float64 { return float64(c.TileCopyStats().Copies) }),
			cache("planmap_tile_copy_seconds", "How long the last copy of what tiles draw took.",
				prometheus.GaugeValue, func() float64 { return c.TileCopyStats().Seconds }),
		)
	}
	if p, ok := s.store.(pooled); ok {
		m.registry.MustRegister(
			cache("planmap_db_pool_connections", "Open database connections.", prometheus.GaugeValue,
				func() float64 { return float64(p.PoolStats().Total) }),
			cache("planmap_db_pool_idle_connections", "Idle database connections.", prometheus.GaugeValue,
				func() float64 { return float64(p.PoolStats().Idle) }),
			cache("planmap_db_pool_in_use_connections", "Database connections in use.", prometheus.GaugeValue,
				func() float64 { return float64(p.PoolStats().InUse) }),
			cache("planmap_db_pool_max_connections", "Most database connections allowed.", prometheus.GaugeValue,
				func() float64 { return float64(p.PoolStats().Max) }),
			cache("planmap_db_pool_acquires_total", "Connections acquired from the pool.", prometheus.CounterValue,
				func() float64 { return float64(p.PoolStats().Acquires) }),
			cache("planmap_db_pool_waits_total", "Acquires that had to wait for a connection.", prometheus.CounterValue,
				func() float64 { return float64(p.PoolStats().Waits) }),
		)
	}
	return m
}

// funcCollector reports one value read at scrape time.
type funcCollector struct {
	desc *prometheus.Desc
	kind prometheus.ValueType
	v    func() float64
}

func newFunc(d *prometheus.Desc, kind prometheus.ValueType, v func() float64) prometheus.Collector {
	return &funcCollector{d, kind, v}
}

func (c *funcCollector) Describe(ch chan<- *prometheus.Desc) { ch <- c.desc }
func (c *funcCollector) Collect(ch chan<- prometheus.Metric) {
	ch <- prometheus.MustNewConstMetric(c.desc, c.kind, c.v())
}

func (s *Server) metricsHandler() http.Handler {
	return promhttp.HandlerFor(s.metrics.registry, promhttp.HandlerOpts{})
}

// recorder remembers the status and size of a response.
type recorder struct {
	http.ResponseWriter
	status int
	bytes  int
	route  string // the matched route's template, set by nameRoute
}

func (r *recorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	n, err := r.ResponseWriter.Write(b)
	r.bytes += n
	return n, err
}

// observe wraps the router: a request id, CORS, metrics by route and a log line.
func (s *Server) observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id := r.Header.Get("X-Request-Id")
		if !validRequestID(id) {
			id = newRequestID()
		}
		w.Header()["X-Request-Id"] = []string{id}
		r = r.WithContext(context.WithValue(r.Context(), reqInfoKey{}, &reqInfo{id: id}))
		s.cors(w, r)
		rec := &recorder{ResponseWriter: w}
		if r.Method == http.MethodOptions {
			rec.WriteHeader(http.StatusNoContent)
		} else {
			next.ServeHTTP(rec, r)
		}
		if rec.status == 0 {
			rec.status = http.StatusOK
		}
		route := rec.route
		if route == "" {
			route = "other"
		}
		d := time.Since(start)
		s.metrics.count(route, rec.status, d)
		if s.opts.AccessLog {
			s.opts.Log.Info("request", "id", id, "method", r.Method, "route", route, "path", r.URL.Path,
				"status", rec.status, "bytes", rec.bytes, "ms", float64(d.Microseconds())/1000)
		}
	})
}

// nameRoute is router middleware: it tells the recorder which route matched,
// so metrics are labelled by route template without matching twice.
func nameRoute(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if rec, ok := w.(*recorder); ok {
			if route := mux.CurrentRoute(r); route != nil {
				if t, err := route.GetPathTemplate(); err == nil {
					rec.route = t
				} else {
					rec.route = route.GetName() // a route matched by a function (tiles)
				}
			}
		}
		next.ServeHTTP(w, r)
	})
}

func (s *Server) cors(w http.ResponseWriter, r *http.Request) {
	if s.opts.CORSOrigin == "" {
		return
	}
	h := w.Header()
	h.Set("Access-Control-Allow-Origin", s.opts.CORSOrigin)
	if s.opts.CORSOrigin != "*" {
		h.Add("Vary", "Origin")
	}
	if r.Method == http.MethodOptions {
		h.Set("Access-Control-Allow-Methods", "GET, HEAD, OPTIONS")
		h.Set("Access-Control-Allow-Headers", "Accept, If-None-Match, Range, Content-Type")
		h.Set("Access-Control-Max-Age", "86400")
	}
	h.Set("Access-Control-Expose-Headers", "ETag, Content-Crs, X-Request-Id")
}

// reqInfo is what observe and the front door know of a request, in one
// context value: each value added makes a copy of the request.
type reqInfo struct {
	id   string    // for log lines
	link *linkBase // set by the front door
}

type reqInfoKey struct{}

// requestID is the id observe gave the request, for log lines.
func requestID(r *http.Request) string {
	if info, ok := r.Context().Value(reqInfoKey{}).(*reqInfo); ok {
		return info.id
	}
	return ""
}

func validRequestID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for _, c := range id {
		if !(c == '-' || c == '_' || c == '.' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
			return false
		}
	}
	return true
}

func newRequestID() string {
	// Unique, not secret: the runtime's generator, with no system call.
	var b [16]byte
	return string(hex.AppendEncode(b[:0], binary.BigEndian.AppendUint64(nil, rand.Uint64())))
}
