package postgis

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// keysAside builds the search keys of a bulk first load beside the load:
// on a connection of its own, in a table of its own (search_keys_next,
// shaped like search_keys, with the same indexes), while the load's
// transaction writes the features on the other. Copying 5 million keys
// and indexing them took a third of a first load of 550,000 features, all
// of it after the features in one backend; beside them it runs on a
// second core. The load's transaction then puts the table in place of
// search_keys (place), so the keys still come with the features in one
// commit: a load that fails leaves search_keys as it was, and the built
// table is dropped (close).
type keysAside struct {
	pool   *pgxpool.Pool
	cancel context.CancelFunc
	done   chan error // the build's outcome; nil until started
	err    error      // the outcome, once wait has read it
	waited bool
	placed bool // renamed to search_keys by the load's transaction
}

// asideHook, when set by a test, runs as a build begins; an error fails
// the build there.
var asideHook func() error

// asideTable is where the keys are built; loads take turns (lockLoad),
// so one name serves, and a build first drops what a crashed one left.
const (
	asideTable = "search_keys_next"
	dropAside  = "DROP TABLE IF EXISTS " + asideTable
)

// start begins the build of keys' rows into asideTable.
func (a *keysAside) start(ctx context.Context, keys *firstKeys) {
	ctx, a.cancel = context.WithCancel(ctx)
	a.done = make(chan error, 1)
	go func() { a.done <- a.build(ctx, keys) }()
}

// build makes asideTable, copies the keys in key order, makes the indexes
// search_keys has (named with _next, renamed by place) and commits. A
// connection outside the pool: the load holds one of the pool's, and a
// pool of one would otherwise wait for itself.
func (a *keysAside) build(ctx context.Context, keys *firstKeys) error {
	if asideHook != nil {
		if err := asideHook(); err != nil {
			return err
		}
	}
	conn, err := pgx.ConnectConfig(ctx, a.pool.Config().ConnConfig.Copy())
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	return pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
		// The load waits for the build, which PostgreSQL cannot see: a
		// lock the build waits a minute for fails it instead (the load
		// then copies the keys), so a wait on the load's own locks cannot
		// hang both.
		if err := exec(ctx, tx, `SET LOCAL statement_timeout = 0; SET LOCAL lock_timeout = '1min';
			SET LOCAL maintenance_work_mem = '256MB';
			`+dropAside+`;
			CREATE TABLE `+asideTable+` (LIKE search_keys INCLUDING ALL EXCLUDING INDEXES)`); err != nil {
			return err
		}
		if err := keys.copy(ctx, tx, asideTable); err != nil {
			return err
		}
		return exec(ctx, tx, `DO $$
DECLARE i record;
BEGIN
    FOR i IN SELECT c.relname AS name, pg_get_indexdef(c.oid) AS def
             FROM pg_index x JOIN pg_class c ON c.oid = x.indexrelid WHERE x.indrelid = 'search_keys'::regclass LOOP
        EXECUTE replace(replace(i.def, ' INDEX ' || quote_ident(i.name) || ' ON ', ' INDEX ' || quote_ident(i.name || '_next') || ' ON '),
            ' ON public.search_keys ', ' ON public.`+asideTable+` ');
    END LOOP;
END $$;
ANALYZE `+asideTable)
	})
}

// placeSQL swaps the built table in for search_keys, within the load's
// transaction: keys that others wrote meanwhile (none, in a first load)
// move over, the owner and grants of search_keys carry over, and the
// indexes take their names.
const placeSQL = `LOCK TABLE search_keys IN ACCESS EXCLUSIVE MODE;
INSERT INTO ` + asideTable + ` SELECT * FROM search_keys;
DO $$
DECLARE
    old oid := 'search_keys'::regclass;
    r record;
BEGIN
    FOR r IN SELECT a.privilege_type AS priv, CASE a.grantee WHEN 0 THEN 'PUBLIC' ELSE a.grantee::regrole::text END AS who
             FROM pg_class c, aclexplode(c.relacl) a WHERE c.oid = old AND a.grantee <> c.relowner LOOP
        EXECUTE format('GRANT %s ON ` + asideTable + ` TO %s', r.priv, r.who);
    END LOOP;
    IF (SELECT relowner FROM pg_class WHERE oid = old) <> (SELECT relowner FROM pg_class WHERE oid = '` + asideTable + `'::regclass) THEN
        EXECUTE format('ALTER TABLE ` + asideTable + ` OWNER TO %s', (SELECT relowner::regrole::text FROM pg_class WHERE oid = old));
    END IF;
    DROP TABLE search_keys;
    ALTER TABLE ` + asideTable + ` RENAME TO search_keys;
    FOR r IN SELECT c.relname AS name FROM pg_index x JOIN pg_class c ON c.oid = x.indexrelid
             WHERE x.indrelid = 'search_keys'::regclass AND c.relname LIKE '%\_next' LOOP
        EXECUTE format('ALTER INDEX %I RENAME TO %I', r.name, left(r.name, -5));
    END LOOP;
END $$`

// wait waits for the build to end (a cancelled load's context ends it)
// and gives its outcome.
func (a *keysAside) wait() error {
	if !a.waited {
		a.err, a.waited = <-a.done, true
	}
	return a.err
}

// place waits for the build and puts its table in place of search_keys.
// A build that failed (a database at max_connections refuses the second
// connection) leaves the keys to be copied by the load itself (built
// false), which then fails where the build did, if it does.
func (a *keysAside) place(ctx context.Context, tx pgx.Tx) (built bool, err error) {
	if a.wait() != nil {
		return false, nil
	}
	if err := exec(ctx, tx, placeSQL); err != nil {
		return false, err
	}
	a.placed = true
	return true, nil
}

// tidy drops, in the load's transaction, the keys a load killed after
// building them left aside, unless this load builds its own (whose build
// drops them first, and would wait on this transaction's drop meanwhile).
// No other load runs (lockLoad), and a killed load's build never commits.
func (a *keysAside) tidy(ctx context.Context, tx pgx.Tx) error {
	if a.done != nil {
		return nil
	}
	return exec(ctx, tx, dropAside)
}

// close ends the build, once the load has committed or failed (loadErr):
// a build still running is cancelled, and its table dropped unless the
// committed load put it in place.
func (a *keysAside) close(loadErr error) {
	if a.done == nil {
		return
	}
	a.cancel()
	_ = a.wait()
	if a.placed && loadErr == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	_, _ = a.pool.Exec(ctx, dropAside)
}
