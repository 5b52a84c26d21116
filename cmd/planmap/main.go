// Command planmap serves the spatial plan of Wuhan's 14th Five-Year Plan and
// 2035 Vision as OGC API – Features, vector tiles and a web map.
//
//	planmap [serve] [--addr :8080] [--data DIR]   serve (the default)
//	planmap check [DIR]                            validate a dataset
//	planmap load [--database-url URL] [DIR]        write a dataset to PostGIS
//	planmap migrate [--database-url URL]           bring the schema up to date
//	planmap gen DIR                                write a synthetic dataset
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
	"os"
	"os/signal"
	"strconv"
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
		fmt.Fprintln(stderr, "planmap:", err)
		return 1
	}
	return 0
}

func usage(w io.Writer) {
	fmt.Fprint(w, `usage: planmap <command> [flags]

commands:
  serve   serve the plan over HTTP (the default)
  check   validate a dataset directory and list every problem
  load    validate a dataset and write it to PostGIS in one transaction
  migrate bring the PostGIS schema up to date
  gen     write a synthetic dataset over the Wuhan extent (benchmarks)

Run 'planmap <command> --help' for the flags of a command.
`)
}

// env returns the environment variable or def.
func env(name, def string) string {
	if v, ok := os.LookupEnv(name); ok && v != "" {
		return v
	}
	return def
}

// envInt returns the environment variable as an integer, or def.
func envInt(name string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil {
		return n
	}
	return def
}

// envDuration returns the environment variable as a duration, or def.
func envDuration(name string, def time.Duration) time.Duration {
	if d, err := time.ParseDuration(os.Getenv(name)); err == nil {
		return d
	}
	return def
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
// as its argument (none: the embedded dataset).
func parseDataset(name, usage string, args []string, register func(*flag.FlagSet)) (fs.FS, data.Option, error) {
	f := flag.NewFlagSet(name, flag.ContinueOnError)
	f.Usage = func() {
		fmt.Fprintln(f.Output(), "usage: "+usage+"  (default: the embedded dataset)")
		f.PrintDefaults()
	}
	if register != nil {
		register(f)
	}
	crs := f.String("source-crs", "wgs84", "coordinate system of the dataset's geometries: wgs84 or gcj02 (converted to WGS84)")
	if err := f.Parse(args); err != nil {
		return nil, nil, err
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
	fsys, crs, err := parseDataset("check", "planmap check [--source-crs wgs84|gcj02] [DIR]", args, nil)
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
		fmt.Fprintln(fs.Output(), "usage: planmap gen [--points N] [--lines N] [--polygons N] [--seed N] DIR")
		fs.PrintDefaults()
	}
	var n synth.Sizes
	fs.IntVar(&n.Points, "points", 500000, "random points")
	fs.IntVar(&n.Lines, "lines", 50000, "short random lines")
	fs.IntVar(&n.Polygons, "polygons", 0, "small rectangles")
	seed := fs.Uint64("seed", 1, "random seed; the same seed writes the same files")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 || n.Points < 0 || n.Lines < 0 || n.Polygons < 0 {
		fs.Usage()
		return fmt.Errorf("gen needs one output directory and non-negative sizes")
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
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	addr := fs.String("addr", env("PLANMAP_ADDR", ":8080"), "listen address (env PLANMAP_ADDR)")
	dir := fs.String("data", env("PLANMAP_DATA", ""), "dataset directory instead of the embedded one (env PLANMAP_DATA)")
	cacheMB := fs.Int("tile-cache-mb", envInt("PLANMAP_TILE_CACHE_MB", 256), "in-memory tile cache in MB, 0 to disable (env PLANMAP_TILE_CACHE_MB)")
	buffer := fs.Int("tile-buffer", envInt("PLANMAP_TILE_BUFFER", tiles.DefaultBuffer), "MVT buffer in tile units of 4096 (env PLANMAP_TILE_BUFFER)")
	cacheControl := fs.String("tile-cache-control", env("PLANMAP_TILE_CACHE_CONTROL", "public, max-age=300"), "Cache-Control of tiles (env PLANMAP_TILE_CACHE_CONTROL)")
	cors := fs.String("cors-origin", env("PLANMAP_CORS_ORIGIN", "*"), `Access-Control-Allow-Origin, "" for no CORS (env PLANMAP_CORS_ORIGIN)`)
	accessLog := fs.Bool("access-log", env("PLANMAP_ACCESS_LOG", "false") == "true", "log every request (env PLANMAP_ACCESS_LOG=true)")
	logFormat := fs.String("log-format", env("PLANMAP_LOG_FORMAT", "text"), "log format: text or json (env PLANMAP_LOG_FORMAT)")
	timeout := fs.Duration("timeout", envDuration("PLANMAP_TIMEOUT", 10*time.Second), "deadline of one request, passed to the store (env PLANMAP_TIMEOUT)")
	migrateFirst := fs.Bool("migrate", env("PLANMAP_MIGRATE", "false") == "true", "with a database: apply schema migrations first (env PLANMAP_MIGRATE=true)")
	basemap := fs.String("basemap", env("PLANMAP_BASEMAP", ""), "map drawn beneath the plan: none, tianditu-vec, tianditu-img (key in env "+web.TiandituKeyEnv+"), an XYZ template or a MapLibre style URL (env PLANMAP_BASEMAP)")
	basemapCredit := fs.String("basemap-attribution", env("PLANMAP_BASEMAP_ATTRIBUTION", ""), "credit of the basemap, e.g. its 审图号 (env PLANMAP_BASEMAP_ATTRIBUTION)")
	var db dbFlags
	db.register(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	log, err := logger(*logFormat, stderr)
	if err != nil {
		return err
	}
	bm, err := web.ParseBasemap(*basemap, *basemapCredit, os.Getenv)
	if err != nil {
		return err
	}
	store, desc, err := openStore(&db, *dir, *migrateFirst)
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
	opts := web.Options{Log: log, Sources: sources, PlanText: data.PlanText(), TileCacheBytes: int64(*cacheMB) << 20,
		TileCacheControl: *cacheControl, Tiles: tiles.Options{Buffer: *buffer},
		CORSOrigin: *cors, AccessLog: *accessLog, Timeout: *timeout, Basemap: bm}
	srv := httpServer(web.New(store, opts))
	log.Info("planmap serving", "url", "http://"+displayAddr(ln.Addr()), "store", desc, "basemap", bm.Describe())
	for _, w := range bm.Warnings() {
		log.Warn("basemap: " + w)
	}
	if err := pingSoon(store); errors.Is(err, geo.ErrOutOfDate) {
		log.Error("the database schema is older than this planmap: run planmap migrate, or serve with --migrate", "err", err)
	}
	return serveUntilSignal(srv, ln, log)
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

// openStore opens PostGIS when a database URL is given, else the embedded
// store. PostGIS starts even while the database is down: /readyz says so.
func openStore(db *dbFlags, dir string, migrate bool) (geo.Store, string, error) {
	if db.url != "" {
		s, err := db.open(context.Background(), migrate)
		if err != nil {
			return nil, "", err
		}
		return s, "postgis", nil
	}
	ds, err := dataset(dir)
	if err != nil {
		return nil, "", err
	}
	return memstore.New(ds), fmt.Sprintf("embedded (%d layers, %d features)", len(ds.Layers), len(ds.Features)), nil
}

// httpServer bounds every phase of a connection: a slow or endless client
// is cut off rather than holding a goroutine and a socket.
func httpServer(h http.Handler) *http.Server {
	return &http.Server{Handler: h,
		ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second,
		WriteTimeout: 60 * time.Second, IdleTimeout: 120 * time.Second,
		MaxHeaderBytes: MaxHeaderBytes}
}

// displayAddr is an address a person can open in a browser.
func displayAddr(a net.Addr) string {
	host, port, err := net.SplitHostPort(a.String())
	if err != nil || host == "" || host == "::" || host == "0.0.0.0" {
		host = "localhost"
	}
	return net.JoinHostPort(host, port)
}

// serveUntilSignal serves until SIGINT or SIGTERM, then lets in-flight requests finish.
func serveUntilSignal(srv *http.Server, ln net.Listener, log *slog.Logger) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
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
