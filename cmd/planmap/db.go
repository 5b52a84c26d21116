package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/schollz/progressbar/v3"

	"planmap/geo"
	"planmap/geo/postgis"
)

// dbFlags are the database settings load, migrate and serve share.
type dbFlags struct {
	url        string
	maxConns   int
	timeout    time.Duration
	wait       time.Duration // how long to retry a database that does not accept connections yet
	readURLs   []string      // streaming replicas for reads
	tileMemory int           // serve: most features whose tiles are built from a copy in memory
	log        *slog.Logger  // serve: where the store reports its background work
}

// defaultTileMemory copies up to a million features (about 600 MB) for
// tiles: the plan itself is a few thousand.
const defaultTileMemory = 1_000_000

func (d *dbFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&d.url, "database-url", "",
		"PostgreSQL URL, e.g. postgres://user@host/planmap (env PLANMAP_DATABASE_URL or DATABASE_URL); empty: the embedded store")
	fs.IntVar(&d.maxConns, "db-max-conns", 0, "most database connections; 0: max(4, CPUs) (env PLANMAP_DB_MAX_CONNS)")
	fs.DurationVar(&d.timeout, "db-statement-timeout", postgis.DefaultStatementTimeout,
		"statement_timeout of every query (env PLANMAP_DB_STATEMENT_TIMEOUT)")
	fs.Func("database-read-url", "a streaming replica for reads; repeatable, or several comma-separated (env PLANMAP_DATABASE_READ_URLS)",
		func(v string) error {
			for _, u := range strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ' ' }) {
				if !strings.HasPrefix(u, "postgres://") && !strings.HasPrefix(u, "postgresql://") {
					return fmt.Errorf("%q is not a postgres:// URL", u)
				}
				d.readURLs = append(d.readURLs, u)
			}
			return nil
		})
	fs.DurationVar(&d.wait, "db-wait", 0,
		"with migrations (load, migrate, --migrate): retry a database that does not accept connections yet for this long (env PLANMAP_DB_WAIT)")
}

func (d *dbFlags) open(ctx context.Context, migrate bool) (*postgis.Store, error) {
	if d.url == "" {
		return nil, fmt.Errorf("no database: give --database-url or set DATABASE_URL")
	}
	opts := postgis.Options{MaxConns: int32(d.maxConns), StatementTimeout: d.timeout, Migrate: migrate, ReadURLs: d.readURLs,
		TileMemoryFeatures: d.tileMemory, Log: d.log}
	// A database that is still starting (a container brought up beside
	// planmap) is waited for; any other error is an answer.
	deadline := time.Now().Add(d.wait)
	for {
		s, err := postgis.Open(ctx, d.url, opts)
		if err == nil || !errors.Is(err, geo.ErrUnavailable) || time.Now().After(deadline) {
			return s, err
		}
		fmt.Fprintf(os.Stderr, "planmap: waiting for the database (%v)\n", err)
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(time.Second):
		}
	}
}

func migrate(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	var db dbFlags
	db.register(fs)
	if _, err := parse(fs, args); err != nil {
		return err
	}
	s, err := db.open(context.Background(), true)
	if err != nil {
		return err
	}
	defer s.Close()
	fmt.Fprintln(stdout, "database schema is up to date")
	return nil
}

// load validates a dataset and writes it to PostGIS in one transaction. It
// names its dataset (a directory, or --embedded: an upgrade must not quietly
// revert the database to the copy in the binary), refuses destructive loads
// without --allow-removals, and --dry-run shows the diff and writes nothing.
func load(args []string, stdout, stderr io.Writer) error {
	var db dbFlags
	var embedded, allow, dry, ifEmpty bool
	fsys, crs, err := parseDataset("load", "planmap load [--database-url URL] [--source-crs wgs84|gcj02] [--allow-removals] [--dry-run] [--if-empty] (DIR | --embedded)", args,
		func(f *flag.FlagSet) func(*flag.FlagSet) error {
			db.register(f)
			f.BoolVar(&embedded, "embedded", false, "load the dataset embedded in the binary (instead of DIR)")
			f.BoolVar(&allow, "allow-removals", false, fmt.Sprintf("allow removing more than %g %% of the features, a whole layer or a target", postgis.MaxRemovedShare*100))
			f.BoolVar(&dry, "dry-run", false, "print what the load would insert, update and remove, and change nothing")
			f.BoolVar(&ifEmpty, "if-empty", false, "load only into a database that holds no layer yet (first start), else do nothing")
			return func(f *flag.FlagSet) error {
				for _, a := range f.Args()[min(1, f.NArg()):] {
					if strings.HasPrefix(a, "-") {
						return fmt.Errorf("flags go before the directory: %q comes after it", a)
					}
				}
				if (f.NArg() == 1) == embedded || f.NArg() > 1 {
					return fmt.Errorf("load needs one dataset: a directory, or --embedded for the copy in the binary")
				}
				return nil
			}
		})
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	s, err := db.open(ctx, !dry)
	if err != nil {
		return err
	}
	defer s.Close()
	if ifEmpty {
		n, err := s.LayerCount(ctx)
		if err != nil {
			return err
		}
		if n > 0 {
			fmt.Fprintf(stdout, "the database already holds %d layers; nothing loaded (--if-empty)\n", n)
			return nil
		}
	}
	start := time.Now()
	sum, err := postgis.LoadDir(ctx, s, fsys, postgis.LoadOptions{Progress: progress(stderr), AllowRemovals: allow, DryRun: dry}, crs)
	var refused *postgis.Refused
	if errors.As(err, &refused) {
		printRemovals(stdout, refused.Summary.Removals)
	}
	if err != nil {
		return fmt.Errorf("%w\nthe database is unchanged", err)
	}
	if dry {
		printChanges(stdout, sum.Changes)
		printRemovals(stdout, sum.Removals)
	}
	printSummary(stdout, sum, time.Since(start))
	if dry {
		fmt.Fprintln(stdout, "dry run: the database is unchanged")
	}
	return nil
}

// listed is how many ids of one kind a listing names before it counts the rest.
const listed = 50

// printRemovals says what a load takes away.
func printRemovals(w io.Writer, r postgis.Removals) {
	if len(r.Layers) > 0 {
		fmt.Fprintf(w, "layers removed or left without features: %s\n", strings.Join(r.Layers, ", "))
	}
	if len(r.Targets) > 0 {
		fmt.Fprintf(w, "targets removed: %s\n", strings.Join(r.Targets, ", "))
	}
	if len(r.Features) > 0 {
		fmt.Fprintf(w, "features removed: %d of %d\n", len(r.Features), r.Held)
		printIDs(w, r.Features)
	}
}

// printChanges lists a dry run's inserts and updates (removals are
// printRemovals').
func printChanges(w io.Writer, changes []postgis.Change) {
	for _, op := range []string{"insert", "update"} {
		var of []postgis.Change
		for _, c := range changes {
			if c.Op == op {
				of = append(of, c)
			}
		}
		if len(of) > 0 {
			fmt.Fprintf(w, "features to %s: %d\n", op, len(of))
			printIDs(w, of)
		}
	}
}

func printIDs(w io.Writer, cs []postgis.Change) {
	for i, c := range cs {
		if i == listed {
			fmt.Fprintf(w, "  … and %d more\n", len(cs)-listed)
			break
		}
		fmt.Fprintf(w, "  %s/%s\n", c.Layer, c.ID)
	}
}

// progress draws a bar on a terminal and stays silent elsewhere (CI, pipes).
func progress(w io.Writer) func(done, total int) {
	f, ok := w.(*os.File)
	if !ok {
		return nil
	}
	if st, err := f.Stat(); err != nil || st.Mode()&os.ModeCharDevice == 0 {
		return nil
	}
	bar := progressbar.NewOptions(-1, progressbar.OptionSetWriter(w), progressbar.OptionSetDescription("loading features"),
		progressbar.OptionShowCount(), progressbar.OptionThrottle(100*time.Millisecond), progressbar.OptionClearOnFinish())
	return func(done, _ int) { _ = bar.Set(done) }
}

func printSummary(w io.Writer, sum postgis.Summary, took time.Duration) {
	names := make([]string, 0, len(sum.Layers))
	for name := range sum.Layers {
		names = append(names, name)
	}
	sort.Strings(names)
	fmt.Fprintf(w, "%-28s %9s %9s %9s %9s\n", "layer", "inserted", "updated", "removed", "unchanged")
	for _, name := range names {
		c := sum.Layers[name]
		fmt.Fprintf(w, "%-28s %9d %9d %9d %9d\n", name, c.Inserted, c.Updated, c.Removed, c.Unchanged)
	}
	t := sum.Total()
	fmt.Fprintf(w, "%-28s %9d %9d %9d %9d\nloaded in %s\n", "total", t.Inserted, t.Updated, t.Removed, t.Unchanged, took.Round(time.Millisecond))
}
