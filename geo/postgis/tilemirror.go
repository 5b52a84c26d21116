package postgis

import (
	"context"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb/encoding/wkb"

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
	limit  int // most features copied; 0: no copy
	cur    atomic.Pointer[mirrored]
	poke   chan struct{}
	builds atomic.Int64 // copies made, for tests
}

// mirrored is one copy. index is nil when the version held more features
// than the limit or the copy failed; next is closed when a later copy (or
// failure) takes its place.
type mirrored struct {
	version int64
	index   *tileindex.Index[tiles.Feature]
	failed  bool
	next    chan struct{}
}

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
func (m *tileMirror) index(ctx context.Context, v int64) (*tileindex.Index[tiles.Feature], error) {
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
			if err := s.copyTiles(ctx); err != nil && ctx.Err() == nil {
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

// copyTiles reads every feature a tile may draw, in MVT id order (the
// database numbers features along a space-filling curve, so a tile's
// features lie near each other in memory too), with the tile properties
// tile_features holds, and swaps the copy in.
func (s *Store) copyTiles(ctx context.Context) error {
	t0 := time.Now()
	tx, err := s.pool.primary.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return wrap(ctx, err)
	}
	defer tx.Rollback(context.Background())
	var v, n int64
	if err := tx.QueryRow(ctx, `SELECT (SELECT version FROM data_version), (SELECT count(*) FROM tile_features)`).Scan(&v, &n); err != nil {
		return wrap(ctx, err)
	}
	if n > int64(s.mirror.limit) {
		s.mirror.publish(&mirrored{version: v})
		return nil
	}
	rows, err := tx.Query(ctx, `SELECT t.layer, t.tile_id, t.rank, t.id, t.name_zh, t.name_en, t.kind, t.status, t.accuracy,
		t.color, t.district, t.plan_year, t.uncertainty_m, ST_AsBinary(f.geom)
		FROM tile_features t JOIN features f ON f.id = t.id ORDER BY t.tile_id`)
	if err != nil {
		return wrap(ctx, err)
	}
	defer rows.Close()
	x := tileindex.New(func(f tiles.Feature) tiles.Feature { return f })
	shared := map[string]any{}
	for rows.Next() {
		layer, f, err := scanTileRow(rows, shared)
		if err != nil {
			return err
		}
		x.Insert(layer, f.Geometry.Bound(), f)
	}
	if err := rows.Err(); err != nil {
		return wrap(ctx, err)
	}
	s.mirror.publish(&mirrored{version: v, index: x})
	s.mirror.builds.Add(1)
	s.log.Info("postgis: tiles built from a copy in memory", "version", v, "features", n, "took", time.Since(t0).Round(time.Millisecond))
	return nil
}

// scanTileRow reads one row of copyTiles into a feature with the properties
// ST_AsMVT would write of it (every value not NULL), sorted by key. The
// values features repeat (kind, status, district...) are shared, one copy
// each; ids and names are each feature's own, as read.
func scanTileRow(rows pgx.Rows, shared map[string]any) (string, tiles.Feature, error) {
	var (
		layer, id, nameZH, nameEN, kind, status, accuracy string
		color, district                                   *string
		year                                              *int32
		uncertainty                                       *float64
		tileID, rank                                      int64
		geom                                              []byte
	)
	if err := rows.Scan(&layer, &tileID, &rank, &id, &nameZH, &nameEN, &kind, &status, &accuracy,
		&color, &district, &year, &uncertainty, &geom); err != nil {
		return "", tiles.Feature{}, err
	}
	g, err := wkb.Unmarshal(geom)
	if err != nil {
		return "", tiles.Feature{}, err
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
	return one(layer).(string), tiles.Feature{ID: uint64(tileID), Rank: uint64(rank), Geometry: g, Properties: p}, nil
}
