// Package postgis is the production store: the plan in PostgreSQL/PostGIS,
// reached through a pgx connection pool. Schema migrations are embedded;
// Load writes a dataset in one transaction and keeps every earlier version
// of a feature in feature_history.
package postgis

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"golang.org/x/sync/singleflight"

	"planmap/geo"
)

// DefaultStatementTimeout bounds every statement unless Options say otherwise.
const DefaultStatementTimeout = 5 * time.Second

// Options tune a Store.
type Options struct {
	// MaxConns caps the pool; 0 keeps pgxpool's default (max(4, CPUs)).
	MaxConns int32
	// StatementTimeout is set as statement_timeout on every connection;
	// 0 means DefaultStatementTimeout, negative means none.
	StatementTimeout time.Duration
	// Migrate applies pending migrations in Open. It needs the database,
	// so Open fails when the database is down; without it Open never does.
	Migrate bool
	// ReadURLs are streaming replicas that reads go to while they are up and
	// caught up (replicas.go); the URL given to Open stays the primary.
	ReadURLs []string
	// TileMemoryFeatures: tiles are built in Go, and the matches of pages
	// of items in a box found, from a copy of the features kept in memory
	// while the database holds at most this many (tilemirror.go,
	// memorypage.go); 0: the database always does both.
	TileMemoryFeatures int
	// Log receives what the store does in the background (the tiles' copy
	// in memory); nil: nothing is logged.
	Log *slog.Logger
}

// Store is a geo.Store on PostGIS. It is safe for concurrent use.
type Store struct {
	pool     *router // reads to a fit replica, the rest to the primary (replicas.go)
	versions versionWatch
	counts   countCache
	// layerScans works out the layers of a data version once however many
	// requests ask at once: the extents are a scan of every feature (2 s for
	// 550,000), and the first requests after a start or a load all ask.
	layerScans singleflight.Group
	scans      atomic.Int64 // layer scans run, for tests
	mirror     tileMirror
	log        *slog.Logger
}

var _ geo.Store = (*Store)(nil)

// Open makes a store for the database at url. It does not connect unless
// opts.Migrate is set: the store starts while the database is down and
// answers once it is back, without reopening.
func Open(ctx context.Context, url string, opts Options) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("postgis: %w", err)
	}
	if opts.MaxConns > 0 {
		cfg.MaxConns = opts.MaxConns
	}
	timeout := opts.StatementTimeout
	if timeout == 0 {
		timeout = DefaultStatementTimeout
	}
	if timeout > 0 {
		cfg.ConnConfig.RuntimeParams["statement_timeout"] = strconv.FormatInt(timeout.Milliseconds(), 10)
	}
	// planmap's queries are many and short: compiling one with JIT costs more
	// (50-80 ms for a big tile) than running it, and throughput comes from
	// concurrent requests, not from workers inside one query.
	cfg.ConnConfig.RuntimeParams["jit"] = "off"
	cfg.ConnConfig.RuntimeParams["max_parallel_workers_per_gather"] = "0"
	if cfg.ConnConfig.ConnectTimeout == 0 {
		cfg.ConnConfig.ConnectTimeout = 5 * time.Second
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgis: %w", err)
	}
	s := &Store{log: opts.Log}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	s.mirror.init(opts.TileMemoryFeatures)
	s.pool = &router{primary: pool, want: s.versions.number}
	// Replicas take the primary's settings: pool size, timeouts, JIT off.
	err = s.pool.openReplicas(ctx, opts.ReadURLs, func(rc *pgxpool.Config) {
		rc.MaxConns = cfg.MaxConns
		for k, v := range cfg.ConnConfig.RuntimeParams {
			rc.ConnConfig.RuntimeParams[k] = v
		}
		if rc.ConnConfig.ConnectTimeout == 0 {
			rc.ConnConfig.ConnectTimeout = cfg.ConnConfig.ConnectTimeout
		}
	})
	if err != nil {
		s.pool.Close()
		return nil, err
	}
	if opts.Migrate {
		if err := s.Migrate(ctx); err != nil {
			pool.Close()
			return nil, err
		}
	}
	s.watch(cfg.ConnConfig.Copy())
	return s, nil
}

// Pool exposes the connection pool, for tools that need SQL of their own.
func (s *Store) Pool() *pgxpool.Pool { return s.pool.primary }

// PoolStats reports the connection pool for /metrics.
func (s *Store) PoolStats() geo.PoolStats {
	st := s.pool.Stat()
	return geo.PoolStats{Total: st.TotalConns(), Idle: st.IdleConns(), InUse: st.AcquiredConns(),
		Max: st.MaxConns(), Acquires: st.AcquireCount(), Waits: st.EmptyAcquireCount()}
}

// pingTimeout bounds Ping: a store whose tables cannot be read within it
// (locked, overloaded) is not ready, whatever the request's own deadline.
const pingTimeout = 2 * time.Second

// Ping reports whether the database answers with the schema this planmap
// needs (geo.ErrOutOfDate when migrations are pending) and whether the
// tables requests read can be read now: a table locked by DDL makes it
// fail, so that /readyz is 503 whenever requests would be.
func (s *Store) Ping(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, pingTimeout)
	defer cancel()
	var have int
	err := s.pool.primary.QueryRow(ctx, `SELECT coalesce(max(version), 0) FROM schema_migrations`).Scan(&have)
	if err == nil && have >= latestMigration() {
		_, err = s.pool.primary.Exec(ctx, `SELECT (SELECT 1 FROM layers LIMIT 1), (SELECT 1 FROM features LIMIT 1),
			(SELECT 1 FROM tile_features LIMIT 1)`)
	}
	if err != nil {
		return wrap(ctx, err)
	}
	if need := latestMigration(); have < need {
		return fmt.Errorf("postgis: the schema is at version %d, this planmap needs %d (run planmap migrate): %w",
			have, need, geo.ErrOutOfDate)
	}
	return nil
}

// Close closes the pool.
func (s *Store) Close() error {
	s.versions.close()
	s.pool.Close()
	return nil
}

// wrap marks errors that mean "the database cannot answer now" with
// geo.ErrUnavailable, so the web layer answers 503 and clients retry.
// The caller's own cancellation is passed through as it is.
func wrap(ctx context.Context, err error) error {
	if err == nil {
		return nil
	}
	if ctx.Err() != nil {
		return fmt.Errorf("postgis: %w", ctx.Err())
	}
	if unavailable(err) {
		return fmt.Errorf("postgis: %w: %w", geo.ErrUnavailable, err)
	}
	if missingSchema(err) {
		return fmt.Errorf("postgis: %w: %w", geo.ErrOutOfDate, err)
	}
	return fmt.Errorf("postgis: %w", err)
}

// missingSchema reports an error from a table, column, function or type
// that planmap's migrations make and the database lacks.
func missingSchema(err error) bool {
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) {
		return false
	}
	switch pgErr.Code {
	case "42P01", "42703", "42883", "42704": // undefined table, column, function, object
		return true
	}
	return false
}

func unavailable(err error) bool {
	// Whatever keeps planmap from connecting (the server down, the database
	// not yet created, a password not yet set) is a store it cannot reach:
	// 503 and retry, not a 500.
	var connectErr *pgconn.ConnectError
	if errors.As(err, &connectErr) {
		return true
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch {
		case pgErr.Code == "3D000", // invalid catalog name: the database does not exist
			pgErr.Code[:2] == "28", // invalid authorization
			pgErr.Code[:2] == "08", // connection exception
			pgErr.Code[:2] == "57", // operator intervention: shutdown, statement timeout, starting up
			pgErr.Code[:2] == "53": // insufficient resources: too many connections, out of memory
			return true
		}
		return false
	}
	var netErr net.Error
	return errors.As(err, &netErr) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, context.DeadlineExceeded) || pgconn.SafeToRetry(err) || pgconn.Timeout(err)
}
