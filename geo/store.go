package geo

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sort"
	"strconv"
	"time"

	"github.com/paulmach/orb"
)

// Errors a Store returns; the web layer maps them to HTTP statuses.
var (
	ErrNotFound    = errors.New("not found")
	ErrUnavailable = errors.New("store unavailable")
	// ErrOutOfDate: the database's schema is older than this planmap's
	// (planmap migrate brings it up to date). It is also ErrUnavailable.
	ErrOutOfDate = fmt.Errorf("database schema out of date: %w", ErrUnavailable)
)

// TimeRange is a closed interval; a zero end is open.
type TimeRange struct {
	Start, End time.Time
}

// Contains reports whether t lies in the range.
func (r TimeRange) Contains(t time.Time) bool {
	return (r.Start.IsZero() || !t.Before(r.Start)) && (r.End.IsZero() || !t.After(r.End))
}

// Filterable lists the properties a query may filter on by equality.
var Filterable = []string{"status", "kind", "district", "accuracy"}

// Query selects features of one layer.
type Query struct {
	BBox   *orb.Bound        // intersects, WGS84
	Time   *TimeRange        // features the plan has in place within it (InPlan)
	Props  map[string]string // equality on Filterable properties
	TileID uint64            // the feature with this MVT id (Store.TileIDs); 0: any
	Filter *Expr             // a CQL2 filter CheckFilter accepted; nil: none
	Sort   []SortKey         // order of the answer, then by id; nil: by id
	Limit  int
	Offset int
	// After pages by key: only features whose id sorts after it (byte
	// order) are returned, Offset counting from there; Matched still counts
	// every match. Empty: from the start. Not used with Sort.
	After string
}

// SortKey orders features by a queryable (not the geometry) as items serves
// it: text by code point, numbers by value, false before true; nulls last
// in either direction, as PostgreSQL orders them ascending.
type SortKey struct {
	Name string
	Desc bool
}

// Page is one page of a query's answer with the exact count of all matches.
type Page struct {
	Features []Feature
	Matched  int
}

// NearbyQuery asks for features within Radius metres of a point.
type NearbyQuery struct {
	Center orb.Point
	Radius float64 // metres
	Layers []string
	Limit  int
}

// Near is a feature with its geodesic distance from the query point.
type Near struct {
	Feature
	DistanceM float64
}

// SearchQuery asks for features whose Chinese or English name matches Text.
type SearchQuery struct {
	Text   string
	Layers []string
	Limit  int
}

// Store is where the plan's features live. The embedded memstore and the
// PostGIS store implement it; one contract suite defines its behaviour.
type Store interface {
	// Layers lists layers in display order, with Bounds, Count and Updated filled in.
	Layers(ctx context.Context) ([]Layer, error)
	// Features answers a query on one layer, ordered by id; ErrNotFound for an unknown layer.
	Features(ctx context.Context, layer string, q Query) (Page, error)
	// Feature returns one feature of a layer, or ErrNotFound.
	Feature(ctx context.Context, layer, id string) (Feature, error)
	// Schema lists the properties of a layer's features: every key any of
	// them has, with the JSON type of its values (NewSchema); ErrNotFound
	// for an unknown layer. It follows the data as Version does.
	Schema(ctx context.Context, layer string) ([]Property, error)
	// Nearby lists features nearest first, with distance to the nearest point of the geometry.
	Nearby(ctx context.Context, q NearbyQuery) ([]Near, error)
	// Search ranks the features whose names or aliases match, as Query.Rank
	// and CompareHits define: exact, prefix, substring, in pinyin, typos.
	Search(ctx context.Context, q SearchQuery) ([]Feature, error)
	// SearchPlaces ranks the gazetteer's places likewise (ComparePlaces);
	// SearchQuery.Layers does not apply.
	SearchPlaces(ctx context.Context, q SearchQuery) ([]Place, error)
	// Tile builds one vector tile (MVT bytes, not compressed); nil when empty.
	Tile(ctx context.Context, req TileRequest) ([]byte, error)
	// TileIDs maps the MVT id of each of a layer's features to its id. The
	// store assigns MVT ids: small integers, close together for features
	// close together (a tile's ids then compress), each kept by its feature
	// for as long as it exists. ErrNotFound for an unknown layer.
	TileIDs(ctx context.Context, layer string) (map[uint64]string, error)
	// Version names the data's current state; it changes whenever any feature
	// does, so caches keyed by it never serve stale tiles.
	Version(ctx context.Context) (string, error)
	// Targets lists the plan-wide targets.
	Targets(ctx context.Context) ([]PlanTarget, error)
	// Ping reports whether the store can answer.
	Ping(ctx context.Context) error
	// Close releases resources.
	Close() error
}

// PoolStats is what a store with a connection pool reports for /metrics.
type PoolStats struct {
	Total, Idle, InUse, Max int32
	Acquires, Waits         int64
}

// TileCopyStats is what a store that builds tiles from a copy of its data
// in memory reports for /metrics.
type TileCopyStats struct {
	Features int64   // in the copy tiles are built from; 0: the database builds them
	Copies   int64   // copies made, whole or of what changed
	Seconds  float64 // how long the last copy took
}

// PropString returns a filterable property of a feature as a string.
func PropString(f Feature, name string) string {
	switch name {
	case "status":
		return f.Status
	case "kind":
		return f.Kind
	case "district":
		return f.District
	case "accuracy":
		return f.Accuracy
	}
	return ""
}

// SortNear orders nearby hits nearest first, then by id, so answers are stable.
func SortNear(n []Near) {
	sort.Slice(n, func(i, j int) bool {
		if n[i].DistanceM != n[j].DistanceM {
			return n[i].DistanceM < n[j].DistanceM
		}
		return n[i].ID < n[j].ID
	})
}

// PlanYear is the year by which the plan has a feature in place, from its
// plan_year property (a number, or digits as text); 0 when it has none.
func PlanYear(f Feature) int {
	switch v := f.Extra["plan_year"].(type) {
	case float64:
		if v == math.Trunc(v) && v > 0 && v < 10000 {
			return int(v)
		}
	case int:
		if v > 0 && v < 10000 {
			return v
		}
	case string:
		if n, err := strconv.Atoi(v); err == nil && n > 0 && n < 10000 && len(v) <= 4 {
			return n
		}
	}
	return 0
}

// LatestPlanYear turns a time filter into the plan years it admits: a
// feature is in place from the end of its plan year (from always for the
// base year) and stays, so it matches a range whose end is on or after
// that. 0 means any year (an open end).
func LatestPlanYear(r TimeRange) int {
	if r.End.IsZero() {
		return 0
	}
	y := r.End.UTC().Year()
	if r.End.UTC().Before(time.Date(y, 12, 31, 0, 0, 0, 0, time.UTC)) {
		y--
	}
	return max(y, BaseYear)
}

// InPlan reports whether a feature is in place within a time filter.
func InPlan(f Feature, r TimeRange) bool {
	y := PlanYear(f)
	latest := LatestPlanYear(r)
	return y != 0 && (latest == 0 || y <= latest)
}

// ReplicaStats is what a store with read replicas reports of each.
type ReplicaStats struct {
	Name   string        // host:port/database
	Up     bool          // its last check answered
	Fit    bool          // up and caught up: reads go to it
	Lag    time.Duration // time since its last replayed transaction, while behind the primary
	Behind int64         // data versions behind the primary
	Reads  int64         // reads it has been given
}
