package web_test

import (
	"bytes"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"

	"planmap/web"
)

// A response's header and body leave in one system call when the body is
// written by writeBody on a connection of web.Listener, whatever its size;
// a plain Write of a body over the 4 KB connection buffer takes two.
func TestBodyInOneWrite(t *testing.T) {
	body := make([]byte, 40<<10)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range body {
		body[i] = byte(rng.Uint32())
	}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n, _ := strconv.Atoi(r.URL.Query().Get("n"))
		if r.URL.Query().Has("plain") {
			w.Header().Set("Content-Length", strconv.Itoa(n))
			_, _ = w.Write(body[:n])
			return
		}
		web.WriteBody(w, r, body[:n])
	}))
	ln, writes := web.CountingListener(srv.Listener)
	srv.Listener = ln
	srv.Config.ConnContext = web.ConnContext
	srv.Start()
	defer srv.Close()

	for _, c := range []struct {
		query  string
		method string
		writes int64
	}{
		{"n=40960", "GET", 1},
		{"n=100", "GET", 1},
		{"n=4090", "GET", 1}, // the rest after the buffer's flush: written from the buffer as the response ends
		{"n=3900", "GET", 1}, // the whole response fits the buffer
		{"n=12000", "GET", 1},
		{"n=40960", "HEAD", 1},
		{"n=40960&plain", "GET", 2},
	} {
		before := writes()
		req, _ := http.NewRequest(c.method, srv.URL+"/?"+c.query, nil)
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		n, _ := strconv.Atoi(req.URL.Query().Get("n"))
		want := body[:n]
		if c.method == "HEAD" {
			want = nil
		}
		if resp.StatusCode != 200 || !bytes.Equal(got, want) || resp.ContentLength != int64(n) {
			t.Fatalf("%s %s: status %d, %d bytes (Content-Length %d), want %d bytes as written", c.method, c.query, resp.StatusCode, len(got), resp.ContentLength, n)
		}
		if w := writes() - before; w != c.writes {
			t.Errorf("%s %s: %d writes, want %d", c.method, c.query, w, c.writes)
		}
	}
}
