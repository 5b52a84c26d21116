// Command planmap serves the spatial plan of Wuhan's 14th Five-Year Plan and
// 2035 Vision as OGC API – Features, vector tiles and a web map.
//
//	planmap [serve] [--addr :8080] [--data DIR]   serve (the default)
//	planmap check [DIR]                            validate a dataset
//	planmap load [--database-url URL] [DIR]        write a dataset to PostGIS
//	planmap migrate [--database-url URL]           bring the schema up to date
//	planmap token create|list|revoke               manage editing tokens
//	planmap gen DIR                                write a synthetic dataset
//	planmap export OUTDIR                          write the static edition
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"syscall"
	"time"

	"planmap/data"
	"planmap/data/synth"
	"planmap/geo"
	"planmap/geo/memstore"
	"planmap/tiles"
	"planmap/web"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run dispatches a subcommand and returns the process exit code.
func run(args []string, stdout, stderr io.Writer) int {
	cmd := "serve"
	if len(args) > 0 && len(args[0]) > 0 && args[0][0] != '-' {
		cmd, args = args[0], args[1:]
	}
	if cmd == "serve" && len(args) > 0 && (args[0] == "-h" || args[0] == "-help" || args[0] == "--help") {
		cmd = "help" // planmap --help: the commands, not serve's flags alone
	}
	var err error
	switch cmd {
	case "serve":
		err = serve(args, stderr)
	case "check":
		err = check(args, stdout)
	case "gen":
		err = gen(args, stdout)
	case "load":
		err = load(args, stdout, stderr)
	case "migrate":
		err = migrate(args, stdout)
	case "export":
		err = export(args, stdout, stderr)
	case "token":
		err = token(args, stdout)
	case "help":
		usage(stdout)
		return 0
	default:
		fmt.Fprintf(stderr, "planmap: unknown command %q\n", cmd)
		usage(stderr)
		return 2
	}
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "planmap %s: %v\n", cmd, err)
		if errors.Is(err, geo.ErrUnavailable) {
			return exitUnavailable
		}
		return 1
	}
	return 0
}

// exitUnavailable is the exit code of a command that could not reach its
// database: trying again later may succeed. Anything else that fails (an
// invalid dataset, a bad setting) exits 1: trying again will not help.
const exitUnavailable = 3

func usage(w io.Writer) {
	fmt.Fprint(w, `usage: planmap <command> [flags]

commands:
  serve   serve the plan over HTTP (the default)
  check   validate a dataset directory and list every problem
  load    validate a dataset and write it to PostGIS in one transaction
  migrate bring the PostGIS schema up to date
  token   create, list or revoke the bearer tokens planners edit with
  gen     write a synthetic dataset over the Wuhan extent (benchmarks)
  export  write the static edition: the web map, a PMTiles archive and GeoJSON, for any static host

Run 'planmap <command> --help' for the flags of a command; serve's flags
can also be set by environment variables (PLANMAP_ADDR, PLANMAP_DATA, ...).
Exit codes: 0 done, 1 failed (an invalid dataset, a bad setting), 2 unknown
command, 3 the database could not be reached (try again later).
`)
}

// logger makes the structured logger in the format asked for.
func logger(format string, w io.Writer) (*slog.Logger, error) {
	switch format {
	case "text":
		return slog.New(slog.NewTextHandler(w, nil)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, nil)), nil
	}
	return nil, fmt.Errorf("--log-format must be text or json, got %q", format)
}

// datasetFS is the dataset directory dir, or the embedded one when dir is empty.
func datasetFS(dir string) (fs.FS, error) {
	if dir == "" {
		return data.Embedded(), nil
	}
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return nil, fmt.Errorf("dataset %q is not a directory", dir)
	}
	return data.Dir(dir), nil
}

// parseDataset parses the flags of a command that names a dataset — its
// own, added by register, and --source-crs — and opens the directory given
// as its argument (none: the embedded dataset). register may return a check
// of the parsed flags and arguments.
func parseDataset(name, usage string, args []string, register func(*flag.FlagSet) func(*flag.FlagSet) error) (fs.FS, data.Option, error) {
	f := flag.NewFlagSet(name, flag.ContinueOnError)
	f.Usage = func() {
		fmt.Fprintln(f.Output(), "usage: "+usage)
		f.PrintDefaults()
	}
	var valid func(*flag.FlagSet) error
	if register != nil {
		valid = register(f)
	}
	crs := f.String("source-crs", "wgs84", "coordinate system of the dataset's geometries: wgs84 or gcj02 (converted to WGS84)")
	if _, err := parse(f, args); err != nil {
		return nil, nil, err
	}
	if valid != nil {
		if err := valid(f); err != nil {
			f.Usage()
			return nil, nil, err
		}
	}
	fsys, err := datasetFS(f.Arg(0))
	return fsys, data.SourceCRS(*crs), err
}

// dataset loads and checks the dataset in dir, or the embedded one.
func dataset(dir string) (*data.Dataset, error) {
	fsys, err := datasetFS(dir)
	if err != nil {
		return nil, err
	}
	return data.Load(fsys)
}

func check(args []string, stdout io.Writer) error {
	fsys, crs, err := parseDataset("check", "planmap check [--source-crs wgs84|gcj02] [DIR]  (default: the embedded dataset)", args, nil)
	if err != nil {
		return err
	}
	n := 0
	ds, err := data.Scan(fsys, func(geo.Feature) error { n++; return nil }, crs)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "ok: %d layers, %d features, %d targets\n", len(ds.Layers), n, len(ds.Targets))
	return nil
}

func gen(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("gen", flag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: planmap gen [--points N] [--lines N] [--polygons N] [--seed N] [--force] DIR")
		fs.PrintDefaults()
	}
	var n synth.Sizes
	fs.IntVar(&n.Points, "points", 500000, "random points")
	fs.IntVar(&n.Lines, "lines", 50000, "short random lines")
	fs.IntVar(&n.Polygons, "polygons", 0, "small rectangles")
	seed := fs.Uint64("seed", 1, "random seed; the same seed writes the same files")
	force := fs.Bool("force", false, "write into a directory that is not empty, replacing its layers.json")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 || n.Points < 0 || n.Lines < 0 || n.Polygons < 0 {
		fs.Usage()
		return fmt.Errorf("gen needs one output directory and non-negative sizes")
	}
	// planmap gen data would replace the plan's own layers.json: refuse any
	// directory with something in it unless told.
	if entries, err := os.ReadDir(fs.Arg(0)); err == nil && len(entries) > 0 && !*force {
		return fmt.Errorf("%s is not empty (%s, ...): give an empty or new directory, or --force to write over it", fs.Arg(0), entries[0].Name())
	}
	if err := synth.Write(fs.Arg(0), n, *seed); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %d points, %d lines, %d polygons to %s\n", n.Points, n.Lines, n.Polygons, fs.Arg(0))
	return nil
}

// MaxHeaderBytes bounds a request's line and headers together (the URL
// included); Go's default is 1 MB, far more than any planmap request needs.
const MaxHeaderBytes = 64 << 10

func serve(args []string, stderr io.Writer) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return serveUntil(ctx, args, stderr, nil)
}

// serveUntil serves until ctx ends (SIGINT or SIGTERM), then lets in-flight
// requests finish; listening, if set, hears the address once it listens.
func serveUntil(ctx context.Context, args []string, stderr io.Writer, listening func(addr string)) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	addr := fs.String("addr", ":8080", "listen address (env PLANMAP_ADDR)")
	dir := fs.String("data", "", "dataset directory instead of the embedded one (env PLANMAP_DATA)")
	cacheMB := fs.Int("tile-cache-mb", 256, "in-memory tile cache in MB, 0 to disable (env PLANMAP_TILE_CACHE_MB)")
	buffer := fs.Int("tile-buffer", tiles.DefaultBuffer, "MVT buffer in tile units of 4096 (env PLANMAP_TILE_BUFFER)")
	cacheControl := fs.String("tile-cache-control", "public, max-age=300", "Cache-Control of tiles (env PLANMAP_TILE_CACHE_CONTROL)")
	cors := fs.String("cors-origin", "*", `Access-Control-Allow-Origin, "" for no CORS (env PLANMAP_CORS_ORIGIN)`)
	accessLog := fs.Bool("access-log", false, "log every request (env PLANMAP_ACCESS_LOG: true, false, 1 or 0)")
	logFormat := fs.String("log-format", "text", "log format: text or json (env PLANMAP_LOG_FORMAT)")
	timeout := fs.Duration("timeout", 10*time.Second, "deadline of one request, passed to the store, e.g. 10s (env PLANMAP_TIMEOUT)")
	maxHeavy := fs.Int("max-heavy", 0, "heavy requests (large answers, low-zoom tile builds) served at once, others get 503; 0: max(2, CPUs) (env PLANMAP_MAX_HEAVY)")
	migrateFirst := fs.Bool("migrate", false, "with a database: apply schema migrations first (env PLANMAP_MIGRATE)")
	basemap := fs.String("basemap", "", "map drawn beneath the plan: none, tianditu-vec, tianditu-img (key in env "+web.TiandituKeyEnv+"), an XYZ template or a MapLibre style URL (env PLANMAP_BASEMAP)")
	basemapCredit := fs.String("basemap-attribution", "", "credit of the basemap, e.g. its 审图号 (env PLANMAP_BASEMAP_ATTRIBUTION)")
	var db dbFlags
	db.register(fs)
	fs.IntVar(&db.tileMemory, "tile-memory-features", defaultTileMemory,
		"with a database: build tiles, and find the matches of pages of items in a box, in Go from a copy in memory while it holds at most this many features (about 600 bytes each); 0: the database does both (env PLANMAP_TILE_MEMORY_FEATURES)")
	var door doorFlags
	door.register(fs)
	from, err := parse(fs, args)
	if err != nil {
		return err
	}
	if *cacheMB < 0 || *timeout <= 0 {
		return fmt.Errorf("--tile-cache-mb must not be negative and --timeout must be positive")
	}
	var opts web.Options
	if err := door.apply(&opts); err != nil {
		return err
	}
	if db.tileMemory < 0 {
		return fmt.Errorf("--tile-memory-features must be 0 (off) or more, got %d", db.tileMemory)
	}
	if *maxHeavy < 0 {
		return fmt.Errorf("--max-heavy must be 0 (automatic) or more, got %d", *maxHeavy)
	}
	log, err := logger(*logFormat, stderr)
	if err != nil {
		return err
	}
	bm, err := web.ParseBasemap(*basemap, *basemapCredit, os.Getenv)
	if err != nil {
		return err
	}
	store, desc, err := openStore(log, &db, *dir, from, *migrateFirst)
	if err != nil {
		return err
	}
	sources, err := sourcesDoc(*dir)
	if err != nil {
		return err
	}
	defer store.Close()
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	opts.Log, opts.Sources, opts.PlanText, opts.TileCacheBytes = log, sources, data.PlanText(), int64(*cacheMB)<<20
	opts.TileCacheControl, opts.Tiles = *cacheControl, tiles.Options{Buffer: *buffer}
	opts.CORSOrigin, opts.AccessLog, opts.Timeout, opts.Basemap = *cors, *accessLog, *timeout, bm
	opts.MaxHeavy = *maxHeavy
	srv := httpServer(web.New(store, opts))
	log.Info("planmap serving", "url", "http://"+displayAddr(ln.Addr()), "store", desc, "basemap", bm.Describe())
	for _, w := range bm.Warnings() {
		log.Warn("basemap: " + w)
	}
	switch err := pingSoon(store); {
	case errors.Is(err, geo.ErrOutOfDate):
		log.Error("the database schema is older than this planmap: run planmap migrate, or serve with --migrate", "err", err)
	case err != nil:
		log.Error("the database does not answer: requests that need it get 503 with Retry-After until it does; planmap keeps trying", "err", err)
	}
	if listening != nil {
		listening(ln.Addr().String())
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(web.Listener(ln)) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	shutdown, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	return srv.Shutdown(shutdown)
}

// sourcesDoc reads the SOURCES.md of the dataset directory, or of the
// embedded dataset (which PostGIS holds after a plain planmap load); nil when
// the directory has none.
func sourcesDoc(dir string) ([]byte, error) {
	fsys, err := datasetFS(dir)
	if err != nil {
		return nil, err
	}
	b, err := fs.ReadFile(fsys, "SOURCES.md")
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	return b, err
}

// pingSoon asks the store once, briefly, whether it can answer; a database
// that is down is not an error here (/readyz reports it).
func pingSoon(s geo.Store) error {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	return s.Ping(ctx)
}

// openStore opens the store serve was asked for, and says which and why.
// A dataset named by --data or PLANMAP_DATA beats a database that only the
// generic DATABASE_URL names (a platform may set it for another program);
// naming both a dataset and planmap's own database setting is an error.
// PostGIS starts even while the database is down: /readyz says so.
func openStore(log *slog.Logger, db *dbFlags, dir string, from origin, migrate bool) (geo.Store, string, error) {
	if db.url != "" && dir != "" {
		if from["database-url"] != "DATABASE_URL" {
			return nil, "", fmt.Errorf("both a dataset (%s) and a database (%s) are given: serve one", describe(from, "data", "--data"), describe(from, "database-url", "--database-url"))
		}
		log.Warn("DATABASE_URL is set, but the dataset given is served, not the database", "data", dir)
		db.url = ""
	}
	if db.url != "" {
		db.log = log
		s, err := db.open(context.Background(), migrate)
		if err != nil {
			return nil, "", err
		}
		return s, fmt.Sprintf("postgis %s (from %s)", redact(db.url), describe(from, "database-url", "--database-url")), nil
	}
	ds, err := dataset(dir)
	if err != nil {
		return nil, "", err
	}
	what := "embedded dataset"
	if dir != "" {
		what = fmt.Sprintf("dataset %s (from %s)", dir, describe(from, "data", "--data"))
	}
	return memstore.New(ds), fmt.Sprintf("in memory: %s, %d layers, %d features", what, len(ds.Layers), len(ds.Features)), nil
}

// describe names where a flag's value came from.
func describe(from origin, name, flagName string) string {
	if v := from[name]; v != "" && v != "flag" {
		return v
	}
	return flagName
}

// redact drops the password from a database URL, for the log.
func redact(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		return "(a database URL)"
	}
	return p.Redacted()
}

// httpServer bounds every phase of a connection: a slow or endless client
// is cut off rather than holding a goroutine and a socket.
func httpServer(h http.Handler) *http.Server {
	return &http.Server{Handler: h,
		ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second,
		WriteTimeout: 60 * time.Second, IdleTimeout: 120 * time.Second,
		MaxHeaderBytes: MaxHeaderBytes, ConnContext: web.ConnContext}
}

// displayAddr is an address a person can open in a browser.
func displayAddr(a net.Addr) string {
	host, port, err := net.SplitHostPort(a.String())
	if err != nil || host == "" || host == "::" || host == "0.0.0.0" {
		host = "localhost"
	}
	return net.JoinHostPort(host, port)
}
