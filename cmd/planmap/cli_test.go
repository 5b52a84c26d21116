package main

import (
	"bytes"
	"context"
	"flag"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a log that a server goroutine writes while the test reads.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// startServe runs planmap serve on a port of its own choosing until the
// test ends, and returns its base URL and its log.
func startServe(t *testing.T, args ...string) (string, *syncBuffer) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	log := &syncBuffer{}
	addr := make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		done <- serveUntil(ctx, append([]string{"--addr", "127.0.0.1:0"}, args...), log, func(a string) { addr <- a })
	}()
	t.Cleanup(func() {
		cancel()
		<-done
	})
	select {
	case a := <-addr:
		return "http://" + a, log
	case err := <-done:
		t.Fatalf("serve stopped: %v\n%s", err, log)
	case <-time.After(30 * time.Second):
		t.Fatalf("serve did not listen\n%s", log)
	}
	return "", nil
}

// TestHelpListsCommands: planmap --help names every command.
func TestHelpListsCommands(t *testing.T) {
	for _, arg := range []string{"--help", "-h", "help"} {
		var out, errb bytes.Buffer
		if code := run([]string{arg}, &out, &errb); code != 0 {
			t.Errorf("planmap %s: exit %d", arg, code)
		}
		for _, cmd := range []string{"serve", "check", "load", "migrate", "gen", "export", "token"} {
			if !strings.Contains(out.String(), "\n  "+cmd+" ") {
				t.Errorf("planmap %s does not list %s:\n%s", arg, cmd, out.String())
			}
		}
	}
}

// TestGenRefusesDataset: planmap gen into a directory that holds a dataset
// (planmap gen data would replace the plan's layers.json) is refused and
// changes nothing; --force writes over it.
func TestGenRefusesDataset(t *testing.T) {
	dir := t.TempDir()
	layers := filepath.Join(dir, "layers.json")
	os.WriteFile(layers, []byte(`[]`), 0o644)
	var out, errb bytes.Buffer
	args := []string{"gen", "--points", "10", "--lines", "2", dir}
	if code := run(args, &out, &errb); code != 1 || !strings.Contains(errb.String(), "planmap gen: "+dir+" is not empty") {
		t.Errorf("gen into a dataset: exit %d, %q", code, errb.String())
	}
	if b, _ := os.ReadFile(layers); string(b) != `[]` {
		t.Errorf("a refused gen changed layers.json: %.60s", b)
	}
	if code := run(append([]string{"gen", "--force"}, args[1:]...), &out, &errb); code != 0 {
		t.Fatalf("gen --force: exit %d, %s", code, errb.String())
	}
	if b, _ := os.ReadFile(layers); string(b) == `[]` {
		t.Error("gen --force left layers.json as it was")
	}
	if code := run([]string{"gen", "--points", "10", "--lines", "2", filepath.Join(dir, "new")}, &out, &errb); code != 0 {
		t.Errorf("gen into a new directory: exit %d, %s", code, errb.String())
	}
}

// TestEnvValues: an environment variable goes through its flag's own parser:
// what the flag refuses stops the start with a message naming the variable,
// what it takes is taken (PLANMAP_ACCESS_LOG=1 as true), and a flag on the
// command line beats the variable.
func TestEnvValues(t *testing.T) {
	for name, value := range map[string]string{"PLANMAP_TIMEOUT": "10", "PLANMAP_TILE_CACHE_MB": "lots",
		"PLANMAP_ACCESS_LOG": "yes please", "PLANMAP_DB_MAX_CONNS": "4.5", "PLANMAP_LOG_FORMAT": "xml"} {
		t.Run(name, func(t *testing.T) {
			t.Setenv(name, value)
			var out, errb bytes.Buffer
			if code := run([]string{"serve", "--addr", "127.0.0.1:0"}, &out, &errb); code != 1 || !strings.Contains(errb.String(), "planmap serve: ") ||
				(name != "PLANMAP_LOG_FORMAT" && !strings.Contains(errb.String(), name)) {
				t.Errorf("%s=%s: exit %d, %q", name, value, code, errb.String())
			}
		})
	}
	t.Setenv("PLANMAP_ACCESS_LOG", "1")
	t.Setenv("PLANMAP_TIMEOUT", "3s")
	fs := flag.NewFlagSet("t", flag.ContinueOnError)
	accessLog := fs.Bool("access-log", false, "")
	timeout := fs.Duration("timeout", time.Second, "")
	from, err := parse(fs, []string{"--timeout", "7s"})
	if err != nil || !*accessLog || *timeout != 7*time.Second || from["access-log"] != "PLANMAP_ACCESS_LOG" || from["timeout"] != "flag" {
		t.Errorf("access log %v, timeout %v, from %v, err %v; want true from PLANMAP_ACCESS_LOG, 7s from the flag", *accessLog, *timeout, from, err)
	}
}

// TestStoreChoice: a generic DATABASE_URL does not take over from a dataset
// given by --data (and the log says so), planmap's own database setting
// beside a dataset is an error, and the log names the store served.
func TestStoreChoice(t *testing.T) {
	dir := t.TempDir()
	var out, errb bytes.Buffer
	if code := run([]string{"gen", "--points", "10", "--lines", "2", dir}, &out, &errb); code != 0 {
		t.Fatal(errb.String())
	}
	t.Setenv("DATABASE_URL", "postgres://planmap@db.invalid/other")
	base, log := startServe(t, "--data", dir)
	if !strings.Contains(log.String(), "DATABASE_URL is set, but the dataset given is served") ||
		!strings.Contains(log.String(), "in memory: dataset "+dir+" (from --data)") {
		t.Errorf("the log does not say which store is served and why:\n%s", log)
	}
	if resp, err := http.Get(base + "/ogc/collections/synthetic-points"); err != nil || resp.StatusCode != 200 {
		t.Errorf("the dataset is not served: %v %v", resp, err)
	}
	t.Setenv("PLANMAP_DATABASE_URL", "postgres://planmap@db.invalid/planmap")
	errb.Reset()
	if code := run([]string{"serve", "--addr", "127.0.0.1:0", "--data", dir}, &out, &errb); code != 1 ||
		!strings.Contains(errb.String(), "both a dataset (--data) and a database (PLANMAP_DATABASE_URL) are given") {
		t.Errorf("a dataset and PLANMAP_DATABASE_URL: exit %d, %q", code, errb.String())
	}
}

// TestServeUnreachableDatabase: a database that does not answer is logged
// at start, with what planmap does about it, and requests get 503.
func TestServeUnreachableDatabase(t *testing.T) {
	// Nothing listens on port 1, and no password is sent there.
	base, log := startServe(t, "--database-url", "postgres://planmap:secret@127.0.0.1:1/planmap?connect_timeout=2")
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(log.String(), "the database does not answer") && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	if !strings.Contains(log.String(), "the database does not answer") || !strings.Contains(log.String(), "127.0.0.1:1") {
		t.Errorf("no log line for the unreachable database:\n%s", log)
	}
	if strings.Contains(log.String(), "secret") {
		t.Errorf("the log shows the password:\n%s", log)
	}
	for _, p := range []string{"/readyz", "/ogc/collections"} {
		resp, err := http.Get(base + p)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 503 || resp.Header.Get("Retry-After") == "" {
			t.Errorf("%s: %d (Retry-After %q), want 503 with Retry-After", p, resp.StatusCode, resp.Header.Get("Retry-After"))
		}
	}
}
