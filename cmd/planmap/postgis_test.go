package main

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"planmap/data"
	"planmap/geo/postgis"
	"planmap/geo/postgis/pgtest"
	"planmap/web"
)

// TestMain lets the test binary act as planmap itself (PLANMAP_TEST_MAIN=1),
// so a test can kill a real load process half-way.
func TestMain(m *testing.M) {
	if os.Getenv("PLANMAP_TEST_MAIN") == "1" {
		os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
	}
	pgtest.Main(m)
}

// copyDataset writes the embedded dataset to a directory, to break a copy of it.
func copyDataset(t *testing.T) string {
	dir := t.TempDir()
	for _, name := range []string{"layers.json", "targets.json"} {
		b, _ := data.Embedded().(interface{ ReadFile(string) ([]byte, error) }).ReadFile(name)
		os.WriteFile(filepath.Join(dir, name), b, 0o644)
	}
	os.MkdirAll(filepath.Join(dir, "layers"), 0o755)
	entries, _ := os.ReadDir(filepath.Join("..", "..", "data", "layers"))
	for _, e := range entries {
		b, _ := os.ReadFile(filepath.Join("..", "..", "data", "layers", e.Name()))
		os.WriteFile(filepath.Join(dir, "layers", e.Name()), b, 0o644)
	}
	return dir
}

func count(t *testing.T, url string) (n int) {
	s, err := postgis.Open(context.Background(), url, postgis.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Pool().QueryRow(context.Background(), "SELECT count(*) FROM features").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestLoadCommand loads the plan, then refuses a copy with one broken
// feature, naming it, and leaves the database as it was.
func TestLoadCommand(t *testing.T) {
	url := pgtest.URL(t)
	var out, errb bytes.Buffer
	if code := run([]string{"load", "--embedded", "--database-url", url}, &out, &errb); code != 0 {
		t.Fatalf("load: exit %d: %s", code, errb.String())
	}
	ds, _ := data.Load(data.Embedded())
	if n := count(t, url); n != len(ds.Features) {
		t.Fatalf("%d features in the database, want %d", n, len(ds.Features))
	}
	if !strings.Contains(out.String(), "metro-stations") || !strings.Contains(out.String(), "total") {
		t.Errorf("no per-layer summary:\n%s", out.String())
	}
	dir := copyDataset(t)
	file := filepath.Join(dir, "layers", "pump-stations.geojson")
	b, _ := os.ReadFile(file)
	broken := strings.Replace(string(b), `"status":"planned"`, `"status":"someday"`, 1)
	if broken == string(b) {
		t.Fatal("found no planned pump station to break")
	}
	os.WriteFile(file, []byte(broken), 0o644)
	out.Reset()
	errb.Reset()
	if code := run([]string{"load", "--database-url", url, dir}, &out, &errb); code == 0 {
		t.Fatal("a broken dataset loaded")
	}
	if msg := errb.String(); !strings.Contains(msg, "layers/pump-stations.geojson") || !strings.Contains(msg, "someday") {
		t.Errorf("the error does not name the file and the problem:\n%s", msg)
	}
	if n := count(t, url); n != len(ds.Features) {
		t.Errorf("after a refused load: %d features, want %d", n, len(ds.Features))
	}
}

// TestServeRecovers serves from PostGIS, stops the database, and wants
// 503s until it is back, then answers again without a restart of planmap.
func TestServeRecovers(t *testing.T) {
	url := pgtest.URL(t)
	var out, errb bytes.Buffer
	if code := run([]string{"load", "--embedded", "--database-url", url}, &out, &errb); code != 0 {
		t.Fatalf("load: %s", errb.String())
	}
	db := dbFlags{url: url, timeout: 2 * time.Second}
	store, _, err := openStore(slog.New(slog.DiscardHandler), &db, "", origin{}, false)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	srv := httptest.NewServer(web.New(store, web.Options{Timeout: 3 * time.Second}))
	defer srv.Close()
	status := func(path string) (int, string) {
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var body map[string]any
		json.NewDecoder(resp.Body).Decode(&body)
		return resp.StatusCode, resp.Header.Get("Retry-After")
	}
	if code, _ := status("/readyz"); code != 200 {
		t.Fatalf("readyz %d with the database up", code)
	}
	pgtest.Stop(t)
	for _, p := range []string{"/readyz", "/ogc/collections/metro-stations/items?limit=5", "/tiles/plan/12/3348/1682.mvt"} {
		if code, retry := status(p); code != 503 || retry == "" {
			t.Errorf("%s with the database down: %d (Retry-After %q), want 503 with Retry-After", p, code, retry)
		}
	}
	pgtest.Start(t)
	deadline := time.Now().Add(20 * time.Second)
	for {
		if code, _ := status("/readyz"); code == 200 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("readyz did not recover after the database restarted")
		}
		time.Sleep(200 * time.Millisecond)
	}
	if code, _ := status("/ogc/collections/metro-stations/items?limit=5"); code != 200 {
		t.Errorf("items after recovery: %d", code)
	}
}

// TestLoadKilled kills a load process half-way through a large load and
// wants the database exactly as it was before.
func TestLoadKilled(t *testing.T) {
	url := pgtest.URL(t)
	var out, errb bytes.Buffer
	if code := run([]string{"load", "--embedded", "--database-url", url}, &out, &errb); code != 0 {
		t.Fatalf("load: %s", errb.String())
	}
	before := checksum(t, url)
	dir := t.TempDir()
	if code := run([]string{"gen", "--points", "300000", "--lines", "0", dir}, &out, &errb); code != 0 {
		t.Fatal(errb.String())
	}
	cmd := exec.Command(os.Args[0], "load", "--allow-removals", "--database-url", url, dir)
	cmd.Env = append(os.Environ(), "PLANMAP_TEST_MAIN=1")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Kill it once the database has seen the load begin.
	deadline := time.Now().Add(30 * time.Second)
	for !loadRunning(t, url) {
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatal("the load never started")
		}
		time.Sleep(20 * time.Millisecond)
	}
	time.Sleep(300 * time.Millisecond)
	cmd.Process.Kill()
	err := cmd.Wait()
	if err == nil {
		t.Fatal("the load finished before it could be killed; give it more data")
	}
	// The server notices the dead client and rolls back; wait for that.
	for loadRunning(t, url) && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	if after := checksum(t, url); after != before {
		t.Errorf("the database changed: %s before, %s after", before, after)
	}
}

// loadRunning reports whether another session is inside a load (it holds the load lock).
func loadRunning(t *testing.T, url string) bool {
	s, err := postgis.Open(context.Background(), url, postgis.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var n int
	err = s.Pool().QueryRow(context.Background(),
		"SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND state <> 'idle' AND query ILIKE '%load_features%'").Scan(&n)
	if err != nil {
		t.Fatal(err)
	}
	return n > 0
}

func checksum(t *testing.T, url string) string {
	s, err := postgis.Open(context.Background(), url, postgis.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var sum string
	err = s.Pool().QueryRow(context.Background(), `SELECT
		(SELECT md5(coalesce(string_agg(f::text, ',' ORDER BY id), '')) FROM features f) || '/' ||
		(SELECT count(*) FROM layers) || '/' || (SELECT count(*) FROM targets) || '/' ||
		(SELECT count(*) FROM feature_history)`).Scan(&sum)
	if err != nil {
		t.Fatal(err)
	}
	return sum
}

// TestServeMissingDatabase: a database that does not exist (not created
// yet, or a typo) is logged at start and answered 503 with Retry-After,
// as a server that is down is, not 500.
func TestServeMissingDatabase(t *testing.T) {
	u, err := url.Parse(pgtest.URL(t))
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/planmap_no_such_database"
	base, log := startServe(t, "--database-url", u.String())
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(log.String(), "the database does not answer") && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	if !strings.Contains(log.String(), `database \"planmap_no_such_database\" does not exist`) {
		t.Errorf("the log does not say the database is missing:\n%s", log)
	}
	for _, p := range []string{"/readyz", "/ogc/collections", "/tiles/plan/12/3348/1682.mvt"} {
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

// TestCheckAndLoadAgree: a dataset with a NUL in a name, bytes that are not
// UTF-8 or a byte order mark fails check and load alike: the same problem
// lines, exit 1 (invalid data, not the database's fault), and the database
// unchanged.
func TestCheckAndLoadAgree(t *testing.T) {
	url := pgtest.URL(t)
	cases := map[string]func([]byte) []byte{
		"NUL": func(b []byte) []byte { return bytes.Replace(b, []byte(`"name_zh":"`), []byte(`"name_zh":"\u0000`), 1) },
		"GBK": func(b []byte) []byte { return bytes.Replace(b, []byte("港"), []byte{0xB8, 0xDB}, 1) },
		"BOM": func(b []byte) []byte { return append([]byte{0xEF, 0xBB, 0xBF}, b...) },
	}
	for name, edit := range cases {
		t.Run(name, func(t *testing.T) {
			dir := copyDataset(t)
			file := filepath.Join(dir, "layers", "ports.geojson")
			b, _ := os.ReadFile(file)
			os.WriteFile(file, edit(b), 0o644)
			var out, checkErr, loadErr bytes.Buffer
			checkCode := run([]string{"check", dir}, &out, &checkErr)
			loadCode := run([]string{"load", "--database-url", url, dir}, &out, &loadErr)
			problems := func(s string) string { // the lines naming files, without the command's prefix
				var keep []string
				for _, l := range strings.Split(s, "\n") {
					if strings.Contains(l, "layers/ports.geojson") {
						keep = append(keep, strings.TrimSpace(l))
					}
				}
				return strings.Join(keep, "\n")
			}
			if checkCode != 1 || loadCode != 1 || problems(checkErr.String()) == "" || problems(checkErr.String()) != problems(loadErr.String()) {
				t.Errorf("check (exit %d):\n%s\nload (exit %d):\n%s", checkCode, checkErr.String(), loadCode, loadErr.String())
			}
			if n := count(t, url); n != 0 {
				t.Errorf("a refused load wrote %d features", n)
			}
		})
	}
}

// TestLoadGuardCommand: load names its dataset, refuses an emptied layer
// and says what would go, shows a dry run and changes nothing, and
// --if-empty loads only into an empty database.
func TestLoadGuardCommand(t *testing.T) {
	url := pgtest.URL(t)
	var out, errb bytes.Buffer
	runLoad := func(args ...string) int {
		out.Reset()
		errb.Reset()
		return run(append([]string{"load", "--database-url", url}, args...), &out, &errb)
	}
	dir := copyDataset(t)
	for _, args := range [][]string{nil, {"--embedded", dir}} {
		if code := runLoad(args...); code == 0 || !strings.Contains(errb.String(), "--embedded") {
			t.Errorf("load %v: exit %d, %q; want a refusal that names --embedded", args, code, errb.String())
		}
	}
	if code := runLoad("--if-empty", "--embedded"); code != 0 || count(t, url) == 0 {
		t.Fatalf("first load with --if-empty: exit %d, %s", code, errb.String())
	}
	before := checksum(t, url)
	if code := runLoad("--if-empty", "--embedded"); code != 0 || !strings.Contains(out.String(), "nothing loaded") {
		t.Errorf("--if-empty on a loaded database: exit %d, %q", code, out.String())
	}
	empty := []byte(`{"type":"FeatureCollection","features":[]}`)
	pumps := filepath.Join(dir, "layers", "pump-stations.geojson")
	b, _ := os.ReadFile(pumps)
	os.WriteFile(pumps, empty, 0o644)
	// Targets link to pump stations: the dataset is invalid, and says so
	// (not "store unavailable", as a problem found during COPY once did).
	if code := runLoad("--allow-removals", dir); code == 0 || !strings.Contains(errb.String(), "links to unknown feature") ||
		strings.Contains(errb.String(), "unavailable") {
		t.Errorf("emptied pump stations: exit %d, %s", code, errb.String())
	}
	os.WriteFile(pumps, b, 0o644)
	os.WriteFile(filepath.Join(dir, "layers", "hospitals.geojson"), empty, 0o644)
	if code := runLoad(dir); code == 0 {
		t.Fatal("a dataset with an emptied layer loaded")
	}
	if msg := out.String() + errb.String(); !strings.Contains(msg, "hospitals/") || !strings.Contains(msg, "--allow-removals") ||
		!strings.Contains(msg, "layers removed or left without features: hospitals") {
		t.Errorf("the refusal does not list what would go:\n%s", msg)
	}
	if code := runLoad("--dry-run", "--allow-removals", dir); code != 0 || !strings.Contains(out.String(), "dry run: the database is unchanged") ||
		!strings.Contains(out.String(), "features removed:") {
		t.Errorf("dry run: exit %d\n%s%s", code, out.String(), errb.String())
	}
	if after := checksum(t, url); after != before {
		t.Errorf("refused loads and a dry run changed the database")
	}
	os.WriteFile(filepath.Join(dir, "layers.json"), []byte(`[]`), 0o644)
	for _, cmd := range [][]string{{"check", dir}, {"load", "--allow-removals", "--database-url", url, dir}} {
		out.Reset()
		errb.Reset()
		if code := run(cmd, &out, &errb); code == 0 || !strings.Contains(errb.String(), "layers.json: lists no layers") {
			t.Errorf("%s of an empty layers.json: exit %d, %q", cmd[0], code, errb.String())
		}
	}
	if after := checksum(t, url); after != before {
		t.Errorf("an empty dataset changed the database")
	}
	if code := runLoad("--allow-removals", copyDataset(t)); code != 0 {
		t.Errorf("a full copy: exit %d, %s", code, errb.String())
	}
}

// TestTokenCommand: create shows a token once and keeps only its hash,
// list shows no secret, revoke ends it; bad arguments are refused.
func TestTokenCommand(t *testing.T) {
	url := pgtest.URL(t)
	var out, errb bytes.Buffer
	if code := run([]string{"load", "--embedded", "--database-url", url}, &out, &errb); code != 0 {
		t.Fatalf("load: %s", errb.String())
	}
	tok := func(args ...string) (int, string) {
		out.Reset()
		errb.Reset()
		code := run(append(append([]string{"token"}, args...), "--database-url", url), &out, &errb)
		return code, out.String() + errb.String()
	}
	for _, bad := range [][]string{{"create", "--role", "editor", "--layers", "pump-stations"}, {"create", "--name", "x", "--role", "god"},
		{"create", "--name", "x", "--role", "editor"}, {"create", "--name", "x", "--role", "editor", "--layers", "nowhere"}, {"revoke"}, {"frobnicate"}} {
		if code, msg := tok(bad...); code == 0 {
			t.Errorf("token %v: exit 0: %s", bad, msg)
		}
	}
	code, msg := tok("create", "--name", "王工", "--role", "editor", "--layers", "pump-stations,metro-stations", "--expires", "24h")
	if code != 0 {
		t.Fatalf("create: %s", msg)
	}
	fields := strings.Fields(msg)
	if len(fields) < 6 || !strings.HasPrefix(fields[5], "pm_") {
		t.Fatalf("create printed %q", msg)
	}
	id, secret := fields[1], fields[5]
	s, err := postgis.Open(context.Background(), url, postgis.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var stored int
	s.Pool().QueryRow(context.Background(), "SELECT count(*) FROM tokens WHERE hash = $1", postgis.TokenHash(secret)).Scan(&stored)
	if stored != 1 {
		t.Errorf("the token's hash is not stored")
	}
	var leaked bool
	s.Pool().QueryRow(context.Background(), "SELECT bool_or(t::text LIKE '%' || $1 || '%') FROM tokens t", secret[3:]).Scan(&leaked)
	if leaked {
		t.Errorf("the tokens table holds the token itself")
	}
	if code, msg := tok("list"); code != 0 || !strings.Contains(msg, id) || !strings.Contains(msg, "pump-stations,metro-stations") || strings.Contains(msg, secret) {
		t.Errorf("list: %d %s", code, msg)
	}
	if code, msg := tok("revoke", id); code != 0 {
		t.Errorf("revoke: %s", msg)
	}
	if code, msg := tok("list"); !strings.Contains(msg, "revoked") {
		t.Errorf("list after revoke: %d %s", code, msg)
	}
	if code, _ := tok("revoke", id); code == 0 {
		t.Error("revoking twice passed")
	}
}
