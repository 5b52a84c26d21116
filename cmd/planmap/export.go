package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"planmap/data"
	"planmap/web"
	"planmap/web/edition"
)

// export writes the static edition: the web map and the plan as files
// (web/edition).
func export(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("export", flag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: planmap export [--data DIR | --database-url URL] [--max-zoom N] [--public-url URL] OUTDIR")
		fs.PrintDefaults()
	}
	dir := fs.String("data", "", "dataset directory instead of the embedded one (env PLANMAP_DATA)")
	maxZoom := fs.Int("max-zoom", 14, fmt.Sprintf("deepest zoom in the PMTiles archive, 0–%d; the map overzooms beyond it (env PLANMAP_EXPORT_MAX_ZOOM)", web.MaxZoom))
	public := fs.String("public-url", "", "where the edition will be published, for the links inside its JSON (env PLANMAP_PUBLIC_URL; default http://localhost)")
	var db dbFlags
	db.register(fs)
	from, err := parse(fs, args)
	if err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return fmt.Errorf("export needs one output directory")
	}
	if *maxZoom < 0 || *maxZoom > web.MaxZoom {
		return fmt.Errorf("--max-zoom must be 0–%d, got %d", web.MaxZoom, *maxZoom)
	}
	if *public != "" {
		u, err := web.ParsePublicURL(*public)
		if err != nil {
			return fmt.Errorf("--public-url: %w", err)
		}
		*public = u
	}
	store, desc, err := openStore(slog.New(slog.NewTextHandler(stderr, nil)), &db, *dir, from, false)
	if err != nil {
		return err
	}
	defer store.Close()
	sources, err := sourcesDoc(*dir)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	start := time.Now()
	sum, err := edition.Write(ctx, store, fs.Arg(0), edition.Options{MaxZoom: *maxZoom, PublicURL: *public,
		Sources: sources, PlanText: data.PlanText(), Workers: 2})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "exported %s: %d layers, %d features, %d tiles to zoom %d (%.1f MB archive) in %s to %s\n",
		desc, sum.Layers, sum.Features, sum.Tiles, *maxZoom, float64(sum.ArchiveBytes)/(1<<20),
		time.Since(start).Round(time.Millisecond), fs.Arg(0))
	return nil
}
