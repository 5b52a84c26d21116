package pgtest

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// Standby starts a streaming replica of the throwaway cluster on this
// machine (pg_basebackup, then a hot standby on a Unix socket in its own
// directory, as the cluster listens) and returns the URL of dbURL's
// database on it. Stop stops it (a replica gone away); it is
// removed when the test ends. It skips the test when an external database
// is in use.
func Standby(t testing.TB, dbURL string) (standbyURL string, stop func()) {
	t.Helper()
	primary := own(t)
	sb := &cluster{bin: primary.bin, cred: primary.cred}
	var err error
	if sb.dir, err = os.MkdirTemp("", "planmap-pg-"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(sb.remove)
	_ = os.WriteFile(filepath.Join(sb.dir, "owner.pid"), []byte(strconv.Itoa(os.Getpid())), 0o644)
	if sb.cred != nil {
		if err := os.Chown(sb.dir, int(sb.cred.Uid), int(sb.cred.Gid)); err != nil {
			t.Fatal(err)
		}
	}
	// -R writes standby.signal and the primary's conninfo; -X stream copies
	// the WAL the backup needs alongside it.
	if err := sb.run("pg_basebackup", "-h", primary.dir, "-U", "postgres",
		"-D", sb.data(), "-R", "-X", "stream", "-c", "fast"); err != nil {
		t.Fatalf("pgtest: pg_basebackup: %v", err)
	}
	conf := fmt.Sprintf("\nlisten_addresses = ''\nunix_socket_directories = '%s'\nhot_standby = on\n", sb.dir)
	f, err := os.OpenFile(filepath.Join(sb.data(), "postgresql.conf"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	_, err = f.WriteString(conf)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	if err := sb.start(); err != nil {
		t.Fatalf("pgtest: standby: %v", err)
	}
	u, err := url.Parse(dbURL)
	if err != nil {
		t.Fatal(err)
	}
	standbyURL = sb.url(strings.TrimPrefix(u.Path, "/"))
	// Wait until it accepts queries in recovery.
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	for {
		conn, err := pgx.Connect(ctx, standbyURL)
		if err == nil {
			var rec bool
			err = conn.QueryRow(ctx, "SELECT pg_is_in_recovery()").Scan(&rec)
			conn.Close(ctx)
			if err == nil && rec {
				break
			}
		}
		if ctx.Err() != nil {
			t.Fatalf("pgtest: standby never answered: %v", err)
		}
		time.Sleep(100 * time.Millisecond)
	}
	return standbyURL, func() {
		mu.Lock()
		defer mu.Unlock()
		_ = sb.stop()
	}
}
