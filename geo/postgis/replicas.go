package postgis

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"planmap/geo"
)

// Read replicas. Queries that only read go to a streaming replica that is
// up and has replayed at least the data version the primary announced last
// (versionWatch), so nothing older than the primary's current state is read
// and cached under its version, and a process sees its own writes. Writes,
// transactions, migrations and change notices stay on the primary. A replica
// that falls behind is skipped until it catches up; one that goes away is
// skipped until its next health check answers, and a query that finds it
// gone is asked again of the primary. With no replica fit, the primary reads.

// replicaCheck is how often each replica's state is read.
const replicaCheck = time.Second

// replica is one read-only connection pool and what its checks found.
type replica struct {
	name    string // host:port/database, for metrics
	pool    *pgxpool.Pool
	up      atomic.Bool
	version atomic.Int64 // the data version it has replayed
	lagMs   atomic.Int64 // time since its last replayed transaction, while behind
	reads   atomic.Int64
}

// router is what the store queries: reads go to a fit replica, all else to
// the primary. Its methods are those of pgxpool.Pool the store uses.
type router struct {
	primary  *pgxpool.Pool
	replicas []*replica
	next     atomic.Uint32
	want     func() int64 // the primary's data version as last announced; -1 unknown
	stop     context.CancelFunc
	done     sync.WaitGroup
}

// pick chooses where a read goes, round robin over the fit replicas.
func (r *router) pick() (*pgxpool.Pool, *replica) {
	if len(r.replicas) == 0 {
		return r.primary, nil
	}
	want := r.want()
	if want < 0 {
		return r.primary, nil // not listening to the primary: a replica's age cannot be told
	}
	start := int(r.next.Add(1))
	for i := range r.replicas {
		rp := r.replicas[(start+i)%len(r.replicas)]
		if rp.up.Load() && rp.version.Load() >= want {
			rp.reads.Add(1)
			return rp.pool, rp
		}
	}
	return r.primary, nil
}

// failover reports whether a read that failed on a replica should be asked
// again of the primary: the replica is gone (and is marked so), or the
// query was a write after all.
func (r *router) failover(rp *replica, err error) bool {
	if rp == nil || err == nil {
		return false
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "25006" { // read_only_sql_transaction
		return true
	}
	if unavailable(err) && !errors.Is(err, context.DeadlineExceeded) && !errors.Is(err, context.Canceled) {
		rp.up.Store(false)
		return true
	}
	return false
}

func (r *router) Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error) {
	p, rp := r.pick()
	rows, err := p.Query(ctx, sql, args...)
	if r.failover(rp, err) {
		return r.primary.Query(ctx, sql, args...)
	}
	if rp != nil && err == nil {
		return &routedRows{Rows: rows, r: r, rp: rp, ctx: ctx, sql: sql, args: args}, nil
	}
	return rows, err
}

// routedRows asks the primary again when a replica's connection turns out
// dead on the first row (an idle connection it closed while going away).
type routedRows struct {
	pgx.Rows
	r       *router
	rp      *replica
	ctx     context.Context
	sql     string
	args    []any
	started bool
}

func (q *routedRows) Next() bool {
	if q.started {
		return q.Rows.Next()
	}
	q.started = true
	if q.Rows.Next() {
		return true
	}
	if q.r.failover(q.rp, q.Rows.Err()) {
		if rows, err := q.r.primary.Query(q.ctx, q.sql, q.args...); err == nil {
			q.Rows.Close()
			q.Rows = rows
			return rows.Next()
		}
	}
	return false
}

func (r *router) QueryRow(ctx context.Context, sql string, args ...any) pgx.Row {
	return routedRow{r, ctx, sql, args}
}

type routedRow struct {
	r    *router
	ctx  context.Context
	sql  string
	args []any
}

func (q routedRow) Scan(dest ...any) error {
	p, rp := q.r.pick()
	err := p.QueryRow(q.ctx, q.sql, q.args...).Scan(dest...)
	if q.r.failover(rp, err) {
		return q.r.primary.QueryRow(q.ctx, q.sql, q.args...).Scan(dest...)
	}
	return err
}

// SendBatch sends a batch of reads; a batch the replica could not answer is
// sent again to the primary (its callbacks only fill in results).
func (r *router) SendBatch(ctx context.Context, b *pgx.Batch) pgx.BatchResults {
	p, rp := r.pick()
	return &routedBatch{BatchResults: p.SendBatch(ctx, b), r: r, rp: rp, ctx: ctx, b: b}
}

type routedBatch struct {
	pgx.BatchResults
	r   *router
	rp  *replica
	ctx context.Context
	b   *pgx.Batch
}

func (b *routedBatch) Close() error {
	err := b.BatchResults.Close()
	if b.r.failover(b.rp, err) {
		return b.r.primary.SendBatch(b.ctx, b.b).Close()
	}
	return err
}

// Writes and transactions: the primary.
func (r *router) Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error) {
	return r.primary.Exec(ctx, sql, args...)
}
func (r *router) Begin(ctx context.Context) (pgx.Tx, error) { return r.primary.Begin(ctx) }
func (r *router) BeginTx(ctx context.Context, o pgx.TxOptions) (pgx.Tx, error) {
	return r.primary.BeginTx(ctx, o)
}
func (r *router) Acquire(ctx context.Context) (*pgxpool.Conn, error) { return r.primary.Acquire(ctx) }
func (r *router) Stat() *pgxpool.Stat                                { return r.primary.Stat() }

func (r *router) Close() {
	if r.stop != nil {
		r.stop()
		r.done.Wait()
	}
	for _, rp := range r.replicas {
		rp.pool.Close()
	}
	r.primary.Close()
}

// openReplicas makes a pool for each read URL, with the primary's settings,
// and starts checking each one.
func (r *router) openReplicas(ctx context.Context, urls []string, configure func(*pgxpool.Config)) error {
	for _, u := range urls {
		cfg, err := pgxpool.ParseConfig(u)
		if err != nil {
			return fmt.Errorf("postgis: read URL: %w", err)
		}
		configure(cfg)
		pool, err := pgxpool.NewWithConfig(ctx, cfg)
		if err != nil {
			return fmt.Errorf("postgis: read URL: %w", err)
		}
		c := cfg.ConnConfig
		r.replicas = append(r.replicas, &replica{name: c.Host + ":" + strconv.Itoa(int(c.Port)) + "/" + c.Database, pool: pool})
	}
	if len(r.replicas) == 0 {
		return nil
	}
	cctx, cancel := context.WithCancel(context.Background())
	r.stop = cancel
	for _, rp := range r.replicas {
		r.done.Add(1)
		go func() {
			defer r.done.Done()
			for {
				r.check(cctx, rp)
				select {
				case <-cctx.Done():
					return
				case <-time.After(replicaCheck):
				}
			}
		}()
	}
	return nil
}

// check reads a replica's data version and replay lag.
func (r *router) check(ctx context.Context, rp *replica) {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	var v int64
	var lag float64
	err := rp.pool.QueryRow(ctx, `SELECT (SELECT version FROM data_version),
		coalesce(extract(epoch FROM now() - pg_last_xact_replay_timestamp()), 0)::float8`).Scan(&v, &lag)
	if err != nil {
		rp.up.Store(false)
		return
	}
	rp.version.Store(v)
	if want := r.want(); want >= 0 && v >= want {
		lag = 0 // caught up: the time since the last change is no lag
	}
	rp.lagMs.Store(int64(math.Round(lag * 1000)))
	rp.up.Store(true)
}

// ReplicaStats reports each read replica, for /readyz and /metrics.
func (s *Store) ReplicaStats() []geo.ReplicaStats {
	out := make([]geo.ReplicaStats, len(s.pool.replicas))
	want := s.pool.want()
	for i, rp := range s.pool.replicas {
		v := rp.version.Load()
		out[i] = geo.ReplicaStats{Name: rp.name, Up: rp.up.Load(), Lag: time.Duration(rp.lagMs.Load()) * time.Millisecond,
			Behind: max(0, want-v), Reads: rp.reads.Load()}
		if want >= 0 {
			out[i].Fit = out[i].Up && v >= want
		}
	}
	return out
}
