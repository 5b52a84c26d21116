package postgis

import (
	"context"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"planmap/geo"
)

// Search keys of rows written outside planmap (migration 0018): such a row
// is marked search_stale, and every planmap serve recomputes the keys of
// stale rows whenever the data changes, with the same searchText that loads
// and edits use, so the keys are computed in one place.

// refreshBatch is how many stale rows one round reads and rewrites.
const refreshBatch = 1000

// RefreshSearch recomputes the search keys of every stale row and returns
// how many it wrote. A row renamed again meanwhile is left for the next
// round (refresh_search checks its names).
func (s *Store) RefreshSearch(ctx context.Context) (int, error) {
	total := 0
	for {
		rows, err := s.pool.Query(ctx, `SELECT f.id, f.name_zh, f.name_en, coalesce(f.extra->>'name_plan', ''),
			coalesce((SELECT array_agg(a.name ORDER BY a.position) FROM aliases a WHERE a.target = f.id), '{}')
			FROM features f WHERE f.search_stale ORDER BY f.id LIMIT $1`, refreshBatch)
		if err != nil {
			return total, wrap(ctx, err)
		}
		var ids, names, keys []string
		var f geo.Feature
		var plan string
		var aliases []string
		_, err = pgx.ForEachRow(rows, []any{&f.ID, &f.NameZH, &f.NameEN, &plan, &aliases}, func() error {
			f.Extra = nil
			if plan != "" {
				f.Extra = map[string]any{"name_plan": plan}
			}
			ids = append(ids, f.ID)
			names = append(names, strings.Join([]string{f.NameZH, f.NameEN, plan}, "\n"))
			keys = append(keys, searchText(append(geo.SearchNames(f), aliases...)))
			return nil
		})
		if err != nil || len(ids) == 0 {
			return total, wrap(ctx, err)
		}
		var n int
		if err := s.pool.primary.QueryRow(ctx, "SELECT refresh_search($1, $2, $3)", ids, names, keys).Scan(&n); err != nil {
			return total, wrap(ctx, err)
		}
		total += n
		if n == 0 || len(ids) < refreshBatch {
			return total, nil // the rest were renamed meanwhile: their change will call again
		}
	}
}

// refreshSearchLoop recomputes stale keys whenever poke says the data may
// have changed, until ctx ends. A failure (the database down) waits for the
// next change, or a minute.
func (s *Store) refreshSearchLoop(ctx context.Context, poke <-chan struct{}) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-poke:
		case <-time.After(time.Minute):
		}
		_, _ = s.RefreshSearch(ctx)
	}
}
