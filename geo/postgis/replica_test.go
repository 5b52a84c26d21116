package postgis_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"planmap/data"
	"planmap/geo/postgis"
	"planmap/geo/postgis/pgtest"
	"planmap/geo/storetest"
	"planmap/web"
)

// renamed is the fixture with line-a named name.
func renamed(name string) *data.Dataset {
	ds := storetest.Fixture()
	for i := range ds.Features {
		if ds.Features[i].ID == "line-a" {
			ds.Features[i].NameZH = name
		}
	}
	return ds
}

// TestReadReplica runs two planmap instances that read from a real
// streaming replica (pg_basebackup, a hot standby on loopback) and write
// through the primary. A change on the primary reaches both instances'
// items, tiles and search; while the replica falls behind (replay paused)
// reads go to the primary and still see the change at once; when it goes
// away they go on answering from the primary.
func TestReadReplica(t *testing.T) {
	ctx := context.Background()
	primaryURL := pgtest.URL(t)
	writer, err := postgis.Open(ctx, primaryURL, postgis.Options{Migrate: true})
	if err != nil {
		t.Fatal(err)
	}
	defer writer.Close()
	if _, err := postgis.Load(ctx, writer, renamed("一号线"), nil); err != nil {
		t.Fatal(err)
	}
	replicaURL, stopReplica := pgtest.Standby(t, primaryURL)

	type instance struct {
		store *postgis.Store
		srv   *httptest.Server
	}
	var insts []instance
	for range 2 {
		s, err := postgis.Open(ctx, primaryURL, postgis.Options{ReadURLs: []string{replicaURL}})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		srv := httptest.NewServer(web.New(s, web.Options{TileCacheBytes: 1 << 20}))
		defer srv.Close()
		insts = append(insts, instance{s, srv})
	}
	get := func(u string) (int, []byte) { return httpGet(t, u) }
	fit := func(s *postgis.Store) bool {
		st := s.ReplicaStats()
		return len(st) == 1 && st[0].Fit
	}
	// sees asks an instance for line-a by id, by search and in its tile.
	sees := func(base, name string) (bool, string) {
		code, b := get(base + "/ogc/collections/" + storetest.LayerLines + "/items/line-a")
		if code != 200 || !strings.Contains(string(b), name) {
			return false, "items: " + string(b[:min(len(b), 200)])
		}
		code, b = get(base + "/api/search?q=" + url.QueryEscape(name))
		if code != 200 || !strings.Contains(string(b), `"line-a"`) {
			return false, "search: " + string(b[:min(len(b), 200)])
		}
		code, b = get(base + "/tiles/plan/10/837/420.mvt") // Go's client unzips it
		if code != 200 || !strings.Contains(string(b), name) {
			return false, "tile 10/837/420 lacks the name"
		}
		return true, ""
	}
	waitAll := func(what, name string, within time.Duration) {
		t.Helper()
		deadline := time.Now().Add(within)
		for _, in := range insts {
			for {
				ok, why := sees(in.srv.URL, name)
				if ok {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("%s: %s not seen within %s: %s", what, name, within, why)
				}
				time.Sleep(100 * time.Millisecond)
			}
		}
	}

	// Both instances read from the replica once it has caught up.
	deadline := time.Now().Add(30 * time.Second)
	for !fit(insts[0].store) || !fit(insts[1].store) {
		if time.Now().After(deadline) {
			t.Fatalf("the replica never became fit: %+v %+v", insts[0].store.ReplicaStats(), insts[1].store.ReplicaStats())
		}
		time.Sleep(100 * time.Millisecond)
	}
	waitAll("before any change", "一号线", 10*time.Second)
	for i, in := range insts {
		if st := in.store.ReplicaStats(); st[0].Reads == 0 {
			t.Errorf("instance %d sent no read to the replica: %+v", i, st)
		}
	}

	// A change on the primary reaches both, through the replica.
	if _, err := postgis.Load(ctx, writer, renamed("复制测试线"), nil); err != nil {
		t.Fatal(err)
	}
	waitAll("a change on the primary", "复制测试线", 20*time.Second)

	// The replica falls behind: replay paused, a further change. Reads go to
	// the primary, so both instances see it as soon as its notice comes.
	conn, err := pgx.Connect(ctx, replicaURL)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Exec(ctx, "SELECT pg_wal_replay_pause()"); err != nil {
		t.Fatal(err)
	}
	if _, err := postgis.Load(ctx, writer, renamed("落后测试线"), nil); err != nil {
		t.Fatal(err)
	}
	waitAll("a change while the replica is paused", "落后测试线", 5*time.Second)
	deadline = time.Now().Add(10 * time.Second)
	for fit(insts[0].store) {
		if time.Now().After(deadline) {
			t.Fatalf("a paused replica is still fit: %+v", insts[0].store.ReplicaStats())
		}
		time.Sleep(100 * time.Millisecond)
	}
	if st := insts[0].store.ReplicaStats()[0]; st.Behind == 0 || !st.Up {
		t.Errorf("a paused replica: %+v, want up and behind", st)
	}
	_, metrics := get(insts[0].srv.URL + "/metrics")
	for _, m := range []string{"planmap_db_replica_lag_seconds{replica=", "planmap_db_replica_behind_versions{replica=", "planmap_db_replica_fit{replica="} {
		if !strings.Contains(string(metrics), m) {
			t.Errorf("/metrics lacks %s", m)
		}
	}
	code, ready := get(insts[0].srv.URL + "/readyz")
	var rz struct {
		Status   string
		Replicas []struct {
			Name      string
			Up        bool
			ReadsHere bool `json:"reads_here"`
		}
	}
	if err := json.Unmarshal(ready, &rz); err != nil || code != 200 || len(rz.Replicas) != 1 || !rz.Replicas[0].Up || rz.Replicas[0].ReadsHere {
		t.Errorf("readyz with a paused replica: %d %s", code, ready)
	}
	if _, err := conn.Exec(ctx, "SELECT pg_wal_replay_resume()"); err != nil {
		t.Fatal(err)
	}
	conn.Close(ctx)
	deadline = time.Now().Add(20 * time.Second)
	for !fit(insts[0].store) {
		if time.Now().After(deadline) {
			t.Fatalf("the replica did not catch up after replay resumed: %+v", insts[0].store.ReplicaStats())
		}
		time.Sleep(100 * time.Millisecond)
	}

	// The replica goes away: every answer still a 200, from the primary.
	stopReplica()
	for range 5 {
		for i, in := range insts {
			if ok, why := sees(in.srv.URL, "落后测试线"); !ok {
				t.Errorf("instance %d with the replica gone: %s", i, why)
			}
		}
	}
	if st := insts[0].store.ReplicaStats()[0]; st.Up {
		t.Errorf("a stopped replica is reported up: %+v", st)
	}
}

// httpGet asks for u and returns the status and body.
func httpGet(t *testing.T, u string) (int, []byte) {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}
