package main

import (
	"flag"
	"fmt"
	"os"
)

// envVars names the environment variables that set a flag, the first set
// one winning. A flag given on the command line beats them all.
var envVars = map[string][]string{
	"addr":                 {"PLANMAP_ADDR"},
	"data":                 {"PLANMAP_DATA"},
	"tile-cache-mb":        {"PLANMAP_TILE_CACHE_MB"},
	"tile-buffer":          {"PLANMAP_TILE_BUFFER"},
	"tile-cache-control":   {"PLANMAP_TILE_CACHE_CONTROL"},
	"cors-origin":          {"PLANMAP_CORS_ORIGIN"},
	"access-log":           {"PLANMAP_ACCESS_LOG"},
	"log-format":           {"PLANMAP_LOG_FORMAT"},
	"timeout":              {"PLANMAP_TIMEOUT"},
	"migrate":              {"PLANMAP_MIGRATE"},
	"database-url":         {"PLANMAP_DATABASE_URL", "DATABASE_URL"},
	"db-max-conns":         {"PLANMAP_DB_MAX_CONNS"},
	"db-statement-timeout": {"PLANMAP_DB_STATEMENT_TIMEOUT"},
	"basemap":              {"PLANMAP_BASEMAP"},
	"basemap-attribution":  {"PLANMAP_BASEMAP_ATTRIBUTION"},
	"public-url":           {"PLANMAP_PUBLIC_URL"},
	"allowed-hosts":        {"PLANMAP_ALLOWED_HOSTS"},
	"trusted-proxies":      {"PLANMAP_TRUSTED_PROXIES"},
	"max-heavy":            {"PLANMAP_MAX_HEAVY"},
	"database-read-url":    {"PLANMAP_DATABASE_READ_URLS"},
	"db-wait":              {"PLANMAP_DB_WAIT"},
	"max-zoom":             {"PLANMAP_EXPORT_MAX_ZOOM"},
	"tile-memory-features": {"PLANMAP_TILE_MEMORY_FEATURES"},
}

// origin says where a flag's value came from: "flag", the name of an
// environment variable, or "" for the default.
type origin map[string]string

// parse parses args, then sets every flag not given there from its
// environment variable through the flag's own parser, so that a value a
// flag would refuse (PLANMAP_TIMEOUT=10, PLANMAP_TILE_CACHE_MB=lots) stops
// the start as the flag would, and one it takes (PLANMAP_ACCESS_LOG=1) is
// taken alike. An empty variable counts as unset.
func parse(fs *flag.FlagSet, args []string) (origin, error) {
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	from := origin{}
	fs.Visit(func(f *flag.Flag) { from[f.Name] = "flag" })
	var err error
	fs.VisitAll(func(f *flag.Flag) {
		if from[f.Name] != "" || err != nil {
			return
		}
		for _, name := range envVars[f.Name] {
			v := os.Getenv(name)
			if v == "" {
				continue
			}
			if e := fs.Set(f.Name, v); e != nil {
				err = fmt.Errorf("environment variable %s=%q is not a valid --%s: %v", name, v, f.Name, e)
			}
			from[f.Name] = name
			return
		}
	})
	return from, err
}
