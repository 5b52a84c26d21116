package pgtest_test

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"

	"planmap/geo/postgis/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

func TestURL(t *testing.T) {
	ctx := context.Background()
	for i := 0; i < 2; i++ {
		conn, err := pgx.Connect(ctx, pgtest.URL(t))
		if err != nil {
			t.Fatal(err)
		}
		var v string
		if err := conn.QueryRow(ctx, "SELECT postgis_lib_version()").Scan(&v); err != nil {
			t.Fatal(err)
		}
		t.Logf("database %s, PostGIS %s", conn.Config().Database, v)
		conn.Close(ctx)
	}
}
