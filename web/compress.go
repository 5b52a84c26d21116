package web

import (
	"bytes"
	"net/http"
	"strconv"
	"strings"

	"github.com/cespare/xxhash/v2"
	"github.com/klauspost/compress/gzhttp"
	"github.com/klauspost/compress/gzip"

	"planmap/tiles"
)

// gzipSuffix marks the entity tag of a gzipped body: RFC 9110 wants the
// gzipped and identity forms of a resource to carry different tags.
const gzipSuffix = "-gzip"

// compressible are the content types worth gzipping; tiles come gzipped
// already (Content-Encoding set), images are compressed by nature.
var compressible = []string{typeJSON, typeGeoJSON, typeOpenAPI, typeSchema, "text/", "application/javascript"}

// compress gzips responses of a kilobyte or more for clients that accept
// gzip, with Vary: Accept-Encoding and the gzip suffix on their ETag. A
// client revalidating a gzipped copy sends that suffix back: it is taken off
// before the handler compares tags, and put back on the 304.
func compress(next http.Handler) http.Handler {
	// Answers are built per request and mostly small: BestSpeed gzips a
	// page of 100 features (55 KB) in half the time of the default level,
	// for a tenth more bytes (4.7 KB against 4.3 KB).
	wrap, err := gzhttp.NewWrapper(gzhttp.MinSize(1024), gzhttp.SuffixETag(gzipSuffix), gzhttp.CompressionLevel(gzip.BestSpeed),
		gzhttp.ContentTypeFilter(func(ct string) bool {
			for _, p := range compressible {
				if strings.HasPrefix(ct, p) {
					return true
				}
			}
			return false
		}))
	if err != nil {
		panic("web: gzip options: " + err.Error()) // fixed options: a programming error
	}
	gz := wrap(next)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, ok := parseTilePath(r.URL.Path); ok {
			next.ServeHTTP(w, r) // gzipped once, when built (and errors are short)
			return
		}
		if inm := r.Header.Get("If-None-Match"); strings.Contains(inm, gzipSuffix+`"`) {
			r.Header.Set("If-None-Match", strings.ReplaceAll(inm, gzipSuffix+`"`, `"`))
			w = &suffix304{ResponseWriter: w}
		}
		gz.ServeHTTP(w, r)
	})
}

// suffix304 gives a 304 the tag of the gzipped copy the client revalidated.
type suffix304 struct{ http.ResponseWriter }

func (w *suffix304) WriteHeader(code int) {
	if tag := w.Header().Get("ETag"); code == http.StatusNotModified && strings.HasSuffix(tag, `"`) &&
		!strings.HasSuffix(tag, gzipSuffix+`"`) {
		w.Header().Set("ETag", strings.TrimSuffix(tag, `"`)+gzipSuffix+`"`)
	}
	w.ResponseWriter.WriteHeader(code)
}

// gzipped compresses a static file once, at the best level, so the web
// map's scripts are not compressed again on every request.
func gzipped(body []byte) []byte {
	var b bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&b, gzip.BestCompression)
	_, _ = zw.Write(body)
	_ = zw.Close()
	return b.Bytes()
}

// etagBytes is what an answer's tag is made from: its body less a trailing
// "timeStamp" member (a page of items says when it was generated, to the
// second), so that a page whose content has not changed keeps its tag and
// revalidates with a 304 a second later too.
func etagBytes(body []byte) []byte {
	const ts = `,"timeStamp":"`
	if i := bytes.LastIndex(body, []byte(ts)); i >= 0 && len(body)-i <= len(ts)+40 {
		return body[:i]
	}
	return body
}

// conditional answers 304 when the client already holds this body, and
// otherwise gives a JSON answer an ETag from its bytes and a Cache-Control
// that makes clients revalidate (the data can change at any edit). A
// handler that set its own ETag or Cache-Control keeps them.
func conditional(w http.ResponseWriter, r *http.Request, status int, body []byte) bool {
	h := w.Header()
	if status != http.StatusOK {
		if h.Get("Cache-Control") == "" {
			h.Set("Cache-Control", "no-store")
		}
		return false
	}
	if h.Get("Cache-Control") == "" {
		h.Set("Cache-Control", "no-cache")
	}
	if h.Get("ETag") == "" {
		// xxhash, not a cryptographic hash: a tag only tells versions of
		// one URL apart, and sha256 of a 55 KB page was 4 % of its time.
		tag := strconv.FormatUint(xxhash.Sum64(etagBytes(body)), 16)
		if v := h.Get(versionHeader); v != "" {
			tag = "v" + v + "-" + tag // an editable item's version leads, for If-Match (web/edit.go)
		}
		h.Set("ETag", `"`+tag+`"`)
	}
	h.Del(versionHeader)
	if tiles.NoneMatch(r.Header.Get("If-None-Match"), h.Get("ETag")) {
		w.WriteHeader(http.StatusNotModified)
		return true
	}
	return false
}
