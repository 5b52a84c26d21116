package postgis_test

import (
	"context"
	"testing"

	"planmap/geo/postgis"
	"planmap/geo/storetest"
	"planmap/web"
	"planmap/web/hostile"
)

// TestHostile sends the hostile corpus to every endpoint over PostGIS: every
// answer clean, and the database unchanged afterwards, row for row.
func TestHostile(t *testing.T) {
	s := loaded(t, storetest.Fixture())
	h := web.New(s, web.Options{TileCacheBytes: 1 << 20, CORSOrigin: "*", AllowedHosts: []string{hostile.Host}})
	hostile.Run(t, h, sqlSnapshot(t, s))
}

// sqlSnapshot checksums every table planmap owns, row by row, plus the list
// of tables, so a dropped, added or altered table or row shows.
func sqlSnapshot(t *testing.T, s *postgis.Store) func() string {
	return func() string {
		var out string
		err := s.Pool().QueryRow(context.Background(), `SELECT concat_ws(' ',
			(SELECT md5(coalesce(string_agg(f::text, ',' ORDER BY f.id), '')) FROM features f),
			(SELECT md5(coalesce(string_agg(l::text, ',' ORDER BY l.id), '')) FROM layers l),
			(SELECT md5(coalesce(string_agg(x::text, ',' ORDER BY x.id), '')) FROM targets x),
			(SELECT md5(coalesce(string_agg(h::text, ',' ORDER BY h.serial), '')) FROM feature_history h),
			(SELECT count(*) FROM features), (SELECT count(*) FROM layers), (SELECT count(*) FROM targets),
			(SELECT count(*) FROM feature_history),
			(SELECT string_agg(schemaname || '.' || tablename, ',' ORDER BY schemaname, tablename)
			   FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')))`).Scan(&out)
		if err != nil {
			return "error: " + err.Error()
		}
		return out
	}
}
