package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"net/http"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/gorilla/mux"

	"planmap/tiles"
)

// The web map: index.html, app.js, style.css, icons and the vendored
// MapLibre GL JS (see README, "Updating MapLibre"), all in the binary so the
// page needs nothing from outside the server.
//
//go:embed static
var staticFiles embed.FS

// staticTypes are the content types of the files the web map uses; a file
// with another extension is not served.
var staticTypes = map[string]string{
	".html": "text/html; charset=utf-8",
	".js":   "text/javascript; charset=utf-8",
	".mjs":  "text/javascript; charset=utf-8",
	".css":  "text/css; charset=utf-8",
	".svg":  "image/svg+xml",
	".png":  "image/png",
	".json": "application/json",
	".txt":  "text/plain; charset=utf-8",
	"":      "text/plain; charset=utf-8", // VERSION
}

// asset is one embedded file, ready to serve.
type asset struct {
	body  []byte
	gz    []byte // body gzipped, for a text file of a kilobyte or more; nil otherwise
	ctype string
	etag  string
	cache string
	csp   string // the page's Content-Security-Policy (pageCSP)
}

func newAsset(body []byte, ctype, cache string) asset {
	sum := sha256.Sum256(body)
	a := asset{body: body, ctype: ctype, etag: `"` + hex.EncodeToString(sum[:8]) + `"`, cache: cache}
	if len(body) >= 1024 && ctype != "image/png" {
		a.gz = gzipped(body)
	}
	return a
}

// assets maps URL paths (/static/…, and / for index.html) to files.
var assets = loadAssets()

func loadAssets() map[string]asset {
	out := map[string]asset{}
	err := fs.WalkDir(staticFiles, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		ctype, ok := staticTypes[path.Ext(p)]
		if !ok {
			return nil
		}
		b, err := staticFiles.ReadFile(p)
		if err != nil {
			return err
		}
		// The app's own files are revalidated on every load (a 304 when unchanged);
		// the vendored library changes only with a planmap release.
		cache := "no-cache"
		if strings.HasPrefix(p, "static/vendor/") {
			cache = "public, max-age=86400"
		}
		out["/"+p] = newAsset(b, ctype, cache)
		return nil
	})
	if err != nil {
		panic("web: reading embedded static files: " + err.Error())
	}
	out["/"] = out["/static/index.html"]
	return out
}

// staticRoutes serves the web map at / and its files under /static/.
func (s *Server) staticRoutes(r *mux.Router) {
	csp := pageCSP(s.opts.Basemap)
	// A GET with a body is refused, as everywhere else.
	h := s.noBody(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { serveAsset(w, r, csp) }))
	r.Handle("/", h).Methods(http.MethodGet, http.MethodHead)
	r.PathPrefix("/static/").Handler(h).Methods(http.MethodGet, http.MethodHead)
}

func serveAsset(w http.ResponseWriter, r *http.Request, csp string) {
	a, ok := assets[r.URL.Path]
	if !ok {
		w.Header().Set("Content-Type", typeJSON)
		w.WriteHeader(http.StatusNotFound)
		if r.Method != http.MethodHead {
			_, _ = w.Write([]byte(`{"code":"NotFound","description":"no web map file at this path"}`))
		}
		return
	}
	if a.ctype == staticTypes[".html"] {
		a.csp = csp
	}
	a.ServeHTTP(w, r)
}

// ServeHTTP sends the file, or a 304 to a client that has it.
func (a asset) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Type", a.ctype)
	h.Set("Cache-Control", a.cache)
	h.Set("ETag", a.etag)
	h.Set("X-Content-Type-Options", "nosniff")
	if a.csp != "" {
		// The page loads nothing from elsewhere but the basemap; say so to the browser too.
		h.Set("Content-Security-Policy", a.csp)
	}
	h.Add("Vary", "Accept-Encoding")
	if tiles.NoneMatch(r.Header.Get("If-None-Match"), a.etag) {
		w.WriteHeader(http.StatusNotModified) // compress() took off and puts back any gzip suffix
		return
	}
	body := a.body
	if a.gz != nil && acceptsGzip(r) {
		// Sent as it was compressed at start; compress() leaves an encoded body alone.
		body = a.gz
		h.Set("Content-Encoding", "gzip")
		h.Set("ETag", strings.TrimSuffix(a.etag, `"`)+gzipSuffix+`"`)
	}
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(body))
}

// StaticPaths lists the URL paths of the web map's files (/static/…), for
// the static edition (planmap export), which copies them.
func StaticPaths() []string {
	var out []string
	for p := range assets {
		if strings.HasPrefix(p, "/static/") {
			out = append(out, p)
		}
	}
	slices.Sort(out)
	return out
}
