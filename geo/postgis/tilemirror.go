package postgis

import (
	"context"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb/encoding/wkb"

	"planmap/geo"
	"planmap/geo/tileindex"
	"planmap/tiles"
)

// tileMirror keeps in memory what the database's tiles draw (tile_features
// with each feature's geometry), so that a tile is built in Go, as the
// embedded store builds it, without a query: the database's work per tile
// was most of an uncached tile's cost. It follows the listened data version:
// each change starts a new copy, read in one snapshot with the version it
// holds, and a tile asked for meanwhile waits for it (a few seconds for half
// a million features), so that one version's tiles are always the same
// bytes, as their tags promise. Tiles are built by the database while the
// version is not listened, when the database holds more features than the
// limit, and for a version whose copy failed, until one succeeds.
type tileMirror struct {
	limit   int // most features copied; 0: no copy
	cur     atomic.Pointer[mirrored]
	poke    chan struct{}
	builds  atomic.Int64 // copies made, for tests
	updates atomic.Int64 // of them, those made from the one before and what changed
	pages   atomic.Int64 // feature pages answered from a copy (memoryPage), for tests
}

// mirrored is one copy. index is nil when the version held more features
// than the limit or the copy failed; next is closed when a later copy (or
// failure) takes its place.
type mirrored struct {
	version  int64
	index    *tileindex.Index[*copied]
	failed   bool
	features int64         // in index
	took     time.Duration // to make it
	next     chan struct{}
}

// init sets the limit, with no copy yet.
func (m *tileMirror) init(limit int) {
	m.limit, m.poke = limit, make(chan struct{}, 1)
	m.cur.Store(&mirrored{version: -1, next: make(chan struct{})})
}

// publish puts a copy in place and wakes the tiles waiting for it.
func (m *tileMirror) publish(c *mirrored) {
	c.next = make(chan struct{})
	close(m.cur.Swap(c).next)
}

// index returns the copy to build a tile of data version v from, waiting
// for it when it is being made; nil when the database builds the tile.
func (m *tileMirror) index(ctx context.Context, v int64) (*tileindex.Index[*copied], error) {
	if m.limit <= 0 || v < 0 {
		return nil, nil
	}
	for {
		c := m.cur.Load()
		if c.version >= v { // newer: the listened version lags a notice behind
			return c.index, nil
		}
		m.wake()
		select {
		case <-c.next:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

// TileCopyStats reports the copy tiles are built from, for /metrics.
func (s *Store) TileCopyStats() geo.TileCopyStats {
	c := s.mirror.cur.Load()
	return geo.TileCopyStats{Features: c.features, Copies: s.mirror.builds.Load(), Seconds: c.took.Seconds()}
}

// wake asks for a copy of the current version without waiting for it.
func (m *tileMirror) wake() {
	if m.limit <= 0 {
		return
	}
	select {
	case m.poke <- struct{}{}:
	default:
	}
}

// mirrorLoop copies the tiles' data whenever the listened version is newer
// than the copy, until ctx ends. A failed copy is tried again a second
// later; a copy overtaken by a change while it was read is made again.
func (s *Store) mirrorLoop(ctx context.Context) {
	st := &copyState{}
	for {
		select {
		case <-ctx.Done():
			return
		case <-s.mirror.poke:
		}
		for ctx.Err() == nil {
			v := s.versions.number()
			if c := s.mirror.cur.Load(); v < 0 || (c.version >= v && !c.failed) {
				break
			}
			if err := s.copyTiles(ctx, st); err != nil && ctx.Err() == nil {
				s.log.Warn("postgis: tiles built by the database until a copy in memory succeeds", "err", err)
				s.mirror.publish(&mirrored{version: v, failed: true})
				select {
				case <-ctx.Done():
				case <-time.After(time.Second):
				}
			}
		}
	}
}

// copyState is what mirrorLoop keeps of the copy in place, so that the next
// one reads only what changed: each feature's entry and database version
// by MVT id (features keep their MVT id through updates, and an update
// moves the version), and one boxed copy of each value features share.
type copyState struct {
	have   map[int64]*copied // nil: no copy to start from
	shared map[string]any
	gen    uint32 // the round of copyChanges, marking what it saw
}

// copied is one feature of the copy, with its id, layer and database
// version; the index holds these.
type copied struct {
	id, layer string
	version   int32
	seen      uint32
	f         tiles.Feature
}

// tile is what a tile draws of a feature of the copy.
func (c *copied) tile() tiles.Feature { return c.f }

// copyRows are the tile rows of features with their versions, for copyTiles.
const copyRows = `SELECT t.layer, f.version, t.tile_id, t.rank, t.id, t.name_zh, t.name_en, t.kind, t.status, t.accuracy,
	t.color, t.district, t.plan_year, t.uncertainty_m, ST_AsBinary(f.geom)
	FROM tile_features t JOIN features f ON f.id = t.id`

// copyTimeout bounds each statement of a copy; a copy that takes longer
// fails, and tiles are built by the database until the next one succeeds.
const copyTimeout = 2 * time.Minute

// copyPause, when a test sets it, makes each copy take at least that long.
var copyPause time.Duration

// copyTiles brings the copy up to the database's current version in one
// snapshot: by the features that changed when they are few, else by reading
// every feature a tile may draw, in MVT id order (the database numbers
// features along a space-filling curve, so a tile's features lie near each
// other in memory too). It then swaps the new copy in.
func (s *Store) copyTiles(ctx context.Context, st *copyState) error {
	t0 := time.Now()
	tx, err := s.pool.primary.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return wrap(ctx, err)
	}
	defer tx.Rollback(context.Background())
	// The copy is no request: a whole one reads every feature, longer than
	// a request's statement may take (a million features, about 7 s), and
	// under load longer still. It is bounded by copyTimeout instead.
	if err := exec(ctx, tx, "SET LOCAL statement_timeout = "+strconv.FormatInt(copyTimeout.Milliseconds(), 10)); err != nil {
		return wrap(ctx, err)
	}
	if copyPause > 0 {
		if err := exec(ctx, tx, "SELECT pg_sleep($1)", copyPause.Seconds()); err != nil {
			return wrap(ctx, err)
		}
	}
	var v, n int64
	if err := tx.QueryRow(ctx, `SELECT (SELECT version FROM data_version), (SELECT count(*) FROM tile_features)`).Scan(&v, &n); err != nil {
		return wrap(ctx, err)
	}
	if n > int64(s.mirror.limit) {
		st.have = nil
		s.mirror.publish(&mirrored{version: v})
		return nil
	}
	how := "changes"
	x, read, err := s.copyChanges(ctx, tx, st, int(n))
	if err == nil && x == nil {
		how = "whole"
		x, read, err = s.copyAll(ctx, tx, st)
	} else if x != nil {
		s.mirror.updates.Add(1)
	}
	if err != nil {
		return wrap(ctx, err)
	}
	s.mirror.builds.Add(1) // counted before anyone can see it
	s.mirror.publish(&mirrored{version: v, index: x, features: n, took: time.Since(t0)})
	s.log.Info("postgis: tiles built from a copy in memory", "version", v, "features", n, "copied", how,
		"read", read, "took", time.Since(t0).Round(time.Millisecond))
	return nil
}

// readCopies reads the rows of copyRows that where selects.
func readCopies(ctx context.Context, tx pgx.Tx, shared map[string]any, where string, args ...any) ([]*copied, error) {
	rows, err := tx.Query(ctx, copyRows+" "+where, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*copied
	for rows.Next() {
		c, err := scanTileRow(rows, shared)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// copyAll reads every feature into a new copy and returns it with the
// number of features read.
func (s *Store) copyAll(ctx context.Context, tx pgx.Tx, st *copyState) (*tileindex.Index[*copied], int, error) {
	shared := map[string]any{}
	all, err := readCopies(ctx, tx, shared, `ORDER BY t.tile_id`)
	if err != nil {
		return nil, 0, err
	}
	x := tileindex.New((*copied).tile)
	have := make(map[int64]*copied, len(all))
	for _, c := range all {
		x.Insert(c.layer, c.f.Geometry.Bound(), c)
		have[int64(c.f.ID)] = c
	}
	st.have, st.shared = have, shared
	return x, len(all), nil
}

// copyChanges makes the new copy from the one in place and the features
// whose MVT id or version it does not hold, when there is a copy in place
// and at most a quarter of the features changed; else it returns nil. The
// copy in place stays as it was for its readers (tileindex.Clone).
func (s *Store) copyChanges(ctx context.Context, tx pgx.Tx, st *copyState, n int) (*tileindex.Index[*copied], int, error) {
	cur := s.mirror.cur.Load()
	if st.have == nil || cur.index == nil {
		return nil, 0, nil
	}
	st.gen++
	rows, err := tx.Query(ctx, `SELECT tile_id, version FROM features WHERE geom IS NOT NULL`)
	if err != nil {
		return nil, 0, err
	}
	var changed, gone []int64
	var id int64
	var version int32
	_, err = pgx.ForEachRow(rows, []any{&id, &version}, func() error {
		if c := st.have[id]; c != nil {
			c.seen = st.gen
			if c.version == version {
				return nil
			}
		}
		changed = append(changed, id)
		return nil
	})
	if err != nil {
		return nil, 0, err
	}
	for id, c := range st.have {
		if c.seen != st.gen {
			gone = append(gone, id)
		}
	}
	if len(changed)+len(gone) > n/4 {
		return nil, 0, nil
	}
	fresh, err := readCopies(ctx, tx, st.shared, `WHERE f.tile_id = ANY($1)`, changed)
	if err != nil {
		return nil, 0, err
	}
	// Read in full: now the copy changes, and nothing can fail.
	x := cur.index.Clone()
	for _, id := range gone {
		c := st.have[id]
		x.Delete(c.layer, c.f.Geometry.Bound(), c)
		delete(st.have, id)
	}
	for _, c := range fresh {
		if old := st.have[int64(c.f.ID)]; old != nil {
			x.Delete(old.layer, old.f.Geometry.Bound(), old)
		}
		x.Insert(c.layer, c.f.Geometry.Bound(), c)
		st.have[int64(c.f.ID)] = c
	}
	return x, len(fresh) + len(gone), nil
}

// scanTileRow reads one row of copyTiles into a feature with the properties
// ST_AsMVT would write of it (every value not NULL), sorted by key. The
// values features repeat (kind, status, district...) are shared, one copy
// each; ids and names are each feature's own, as read.
func scanTileRow(rows pgx.Rows, shared map[string]any) (*copied, error) {
	var (
		version                                           int32
		layer, id, nameZH, nameEN, kind, status, accuracy string
		color, district                                   *string
		year                                              *int32
		uncertainty                                       *float64
		tileID, rank                                      int64
		geom                                              []byte
	)
	if err := rows.Scan(&layer, &version, &tileID, &rank, &id, &nameZH, &nameEN, &kind, &status, &accuracy,
		&color, &district, &year, &uncertainty, &geom); err != nil {
		return nil, err
	}
	g, err := wkb.Unmarshal(geom)
	if err != nil {
		return nil, err
	}
	one := func(s string) any {
		if v, ok := shared[s]; ok {
			return v
		}
		shared[s] = s
		return shared[s]
	}
	n := 7 // the properties never NULL
	for _, null := range []bool{color == nil, district == nil, year == nil, uncertainty == nil} {
		if !null {
			n++
		}
	}
	p := make(tiles.Props, 0, n)
	p = append(p, tiles.Prop{Key: "accuracy", Value: one(accuracy)})
	if color != nil {
		p = append(p, tiles.Prop{Key: "color", Value: one(*color)})
	}
	if district != nil {
		p = append(p, tiles.Prop{Key: "district", Value: one(*district)})
	}
	p = append(p, tiles.Prop{Key: "id", Value: id}, tiles.Prop{Key: "kind", Value: one(kind)},
		tiles.Prop{Key: "name_en", Value: nameEN}, tiles.Prop{Key: "name_zh", Value: nameZH})
	if year != nil {
		p = append(p, tiles.Prop{Key: "plan_year", Value: int(*year)})
	}
	p = append(p, tiles.Prop{Key: "status", Value: one(status)})
	if uncertainty != nil {
		p = append(p, tiles.Prop{Key: "uncertainty_m", Value: *uncertainty})
	}
	return &copied{id: id, layer: one(layer).(string), version: version,
		f: tiles.Feature{ID: uint64(tileID), Rank: uint64(rank), Geometry: g, Properties: p}}, nil
}
