package hostile

import (
	"net/http"
	"strings"
	"testing"
)

// TestCheck makes sure the checker itself catches what it is for.
func TestCheck(t *testing.T) {
	j := http.Header{"Content-Type": {"application/json"}}
	ok := `{"code":"InvalidParameterValue","description":"bad"}`
	cases := []struct {
		target, method string
		status         int
		h              http.Header
		body           string
		bad            bool
	}{
		{"/a", "GET", 400, j, ok, false},
		{"/a", "GET", 200, j, `{"a":1}`, false},
		{"/a", "GET", 500, j, ok, true},
		{"/a", "GET", 503, j, ok, true},
		{"/a", "GET", 400, http.Header{"Content-Type": {"text/plain"}}, "bad", true},
		{"/a", "GET", 400, j, `{"code":"x"}`, true},
		{"/a", "GET", 200, j, `{"a":`, true},
		{"/a", "GET", 400, j, `{"code":"x","description":"goroutine 1 [running]"}`, true},
		{"/a", "GET", 400, j, `{"code":"x","description":"at /work/planmap/web/ogc.go:12"}`, true},
		{"/a", "GET", 400, j, `{"code":"x","description":"ERROR: syntax error at or near \"SELECT\" (SQLSTATE 42601)"}`, true},
		{"/a", "GET", 400, j, `{"code":"x","description":"pgx: conn closed"}`, true},
		// An echo of the client's own text is not a leak.
		{"/a?q=SELECT", "GET", 400, j, `{"code":"x","description":"unknown layer \"SELECT\""}`, false},
		{"/a?q=%2Fwork%2F", "GET", 400, j, `{"code":"x","description":"unknown layer \"/work/\""}`, false},
		{"/a?DROP%20TABLE=%", "GET", 400, j, `{"code":"x","description":"parameter \"DROP TABLE\" has an invalid %-escape"}`, false},
		{"/a?x=%", "GET", 400, j, `{"code":"x","description":"parameter \"DROP TABLE\" has an invalid %-escape"}`, true},
		{"/a", "GET", 301, http.Header{"Location": {"//evil.example"}}, "", true},
		{"/a", "GET", 301, http.Header{"Location": {"/ogc"}}, "", false},
	}
	for _, c := range cases {
		msg := Check(c.method, c.target, c.status, c.h, []byte(c.body))
		if (msg != "") != c.bad {
			t.Errorf("%s %d %s: Check says %q, want bad=%v", c.target, c.status, c.body, msg, c.bad)
		}
	}
	if !strings.Contains(Check("GET", "/", 500, j, []byte(ok)), "500") {
		t.Error("a 500 is not named")
	}
}
