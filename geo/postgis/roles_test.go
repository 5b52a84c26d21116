package postgis_test

import (
	"context"
	"errors"
	"net/url"
	"os"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"planmap/data"
	"planmap/geo"
	"planmap/geo/postgis"
	"planmap/geo/postgis/pgtest"
	"planmap/geo/storetest"
)

// withRoles makes a fresh database, runs deploy/postgres/roles.sql on it as
// the superuser (as docker-compose's db does on its first start), and
// returns its URL for planmap_owner, planmap_reader and planmap_editor.
func withRoles(t testing.TB) (owner, reader, editor string) {
	t.Helper()
	ctx := context.Background()
	super := pgtest.URL(t)
	sql, err := os.ReadFile("../../deploy/postgres/roles.sql")
	if err != nil {
		t.Fatal(err)
	}
	conn, err := pgx.Connect(ctx, super)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "SELECT set_config('planmap.owner_password', 'owner-secret', false), "+
		"set_config('planmap.reader_password', 'reader-secret', false), set_config('planmap.editor_password', 'editor-secret', false)"); err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Exec(ctx, string(sql)); err != nil {
		t.Fatalf("roles.sql: %v", err)
	}
	as := func(role, password string) string {
		u, err := url.Parse(super)
		if err != nil {
			t.Fatal(err)
		}
		u.User = url.UserPassword(role, password)
		return u.String()
	}
	return as("planmap_owner", "owner-secret"), as("planmap_reader", "reader-secret"), as("planmap_editor", "editor-secret")
}

// TestSelectOnlyRole: planmap serves the whole contract through a role that
// may only SELECT (the owner migrated and loaded), and that role can change
// nothing. The loads are bulk loads, whose search keys are built aside in
// a table of the owner's that takes search_keys' place and grants.
func TestSelectOnlyRole(t *testing.T) {
	ctx := context.Background()
	defer postgis.SetBulkRows(postgis.SetBulkRows(100))
	storetest.Run(t, func(t *testing.T, ds *data.Dataset) geo.Store {
		ownerURL, readerURL, _ := withRoles(t)
		owner, err := postgis.Open(ctx, ownerURL, postgis.Options{Migrate: true})
		if err != nil {
			t.Fatal(err)
		}
		defer owner.Close()
		if _, err := postgis.Load(ctx, owner, ds, nil); err != nil {
			t.Fatal(err)
		}
		reader, err := postgis.Open(ctx, readerURL, postgis.Options{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { reader.Close() })
		return reader
	})

	ownerURL, readerURL, editorURL := withRoles(t)
	owner, err := postgis.Open(ctx, ownerURL, postgis.Options{Migrate: true})
	if err != nil {
		t.Fatal(err)
	}
	defer owner.Close()
	if _, err := postgis.Load(ctx, owner, storetest.Fixture(), nil); err != nil {
		t.Fatal(err)
	}
	reader, err := postgis.Open(ctx, readerURL, postgis.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer reader.Close()
	if err := reader.Ping(ctx); err != nil {
		t.Fatalf("the reader cannot serve: %v", err)
	}
	for _, sql := range []string{
		"UPDATE features SET name_zh = 'x'", "DELETE FROM features", "TRUNCATE features",
		"INSERT INTO layers (id, position, title_zh, title_en, theme, geometry_type, sort_order) VALUES ('x', 0, 'x', 'x', 'x', 'Point', 0)",
		"DELETE FROM targets", "DELETE FROM feature_history", "UPDATE data_version SET version = 0",
		"DROP TABLE features", "CREATE TABLE mine (a int)", "ALTER TABLE features DROP CONSTRAINT features_known_status",
	} {
		_, err := reader.Pool().Exec(ctx, sql)
		var pgErr *pgconn.PgError
		if !errors.As(err, &pgErr) || (pgErr.Code != "42501" && pgErr.Code != "42P01") {
			t.Errorf("%s as the reader: %v, want permission denied", sql, err)
		}
	}
	if _, err := postgis.Load(ctx, reader, storetest.Fixture(), nil); err == nil {
		t.Error("the reader loaded a dataset")
	}
	f, err := reader.Feature(ctx, storetest.LayerPoints, "yangluo")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := reader.ReplaceFeature(ctx, f, 1, geo.Edit{Author: "x", Reason: "x"}); !errors.Is(err, geo.ErrReadOnly) {
		t.Errorf("an edit through the reader: %v, want ErrReadOnly", err)
	}

	// The editor role edits features, and through them (by the owner's
	// triggers) the trail and tiles, but nothing else.
	editor, err := postgis.Open(ctx, editorURL, postgis.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer editor.Close()
	f.NameZH = "阳逻（编辑）"
	if v, err := editor.ReplaceFeature(ctx, f, 1, geo.Edit{Author: "王工", Reason: "改名"}); err != nil || v != 2 {
		t.Fatalf("an edit through the editor role: %d, %v", v, err)
	}
	if vs, err := editor.History(ctx, storetest.LayerPoints, "yangluo"); err != nil || len(vs) != 2 || vs[1].Author != "王工" {
		t.Errorf("the editor's edit in the trail: %+v, %v", vs, err)
	}
	for _, sql := range []string{
		"DELETE FROM changes", "UPDATE changes SET author = 'someone else'",
		"INSERT INTO changes (kind, item_id, version, op, author) VALUES ('feature', 'x', 1, 'insert', 'forged')",
		"DELETE FROM feature_history", "UPDATE tokens SET role = 'admin'", "DELETE FROM layers", "DELETE FROM targets",
		"UPDATE tile_features SET name_zh = 'x'", "DROP TABLE features",
	} {
		_, err := editor.Pool().Exec(ctx, sql)
		var pgErr *pgconn.PgError
		if !errors.As(err, &pgErr) || pgErr.Code != "42501" {
			t.Errorf("%s as the editor: %v, want permission denied", sql, err)
		}
	}
}
