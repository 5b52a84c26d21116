package postgis

import (
	"context"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"planmap/geo"
)

// versionWatch keeps the data version in memory: a dedicated connection
// LISTENs on planmap_data, where every change announces the new version
// when it commits. While that connection is down the version is read from
// the database on every call, so it is never stale, only slower.
type versionWatch struct {
	mu       sync.Mutex
	version  string // "" while not listening
	layers   []geo.Layer
	layersV  string                    // version the cached layers belong to
	schemas  map[string][]geo.Property // by layer
	schemasV string                    // version the cached schemas belong to
	stop     context.CancelFunc
	done     chan struct{}
	poke     chan struct{} // the data changed: recompute stale search keys (searchstale.go)
}

// pokeSearch wakes the search refresher without waiting for it.
func (w *versionWatch) pokeSearch() {
	select {
	case w.poke <- struct{}{}:
	default:
	}
}

// watch starts listening in the background until Close.
func (s *Store) watch(cfg *pgx.ConnConfig) {
	ctx, cancel := context.WithCancel(context.Background())
	s.versions.stop, s.versions.done = cancel, make(chan struct{})
	s.versions.poke = make(chan struct{}, 1)
	refresher, mirror := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(refresher)
		s.refreshSearchLoop(ctx, s.versions.poke)
	}()
	go func() {
		defer close(mirror)
		s.mirrorLoop(ctx)
	}()
	go func() {
		defer func() { <-refresher; <-mirror }()
		defer close(s.versions.done)
		for backoff := 100 * time.Millisecond; ctx.Err() == nil; backoff = min(backoff*2, 5*time.Second) {
			if s.listen(ctx, cfg) {
				backoff = 100 * time.Millisecond
			}
			s.versions.set("")
			select {
			case <-ctx.Done():
			case <-time.After(backoff):
			}
		}
	}()
}

// listen holds one LISTEN connection until it fails; it reports whether it
// got as far as listening.
func (s *Store) listen(ctx context.Context, cfg *pgx.ConnConfig) bool {
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return false
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(ctx, "LISTEN planmap_data"); err != nil {
		return false
	}
	// Read the version only after LISTEN, so no change can fall between.
	var v int64
	if err := conn.QueryRow(ctx, "SELECT version FROM data_version").Scan(&v); err != nil {
		return false
	}
	s.versions.set(strconv.FormatInt(v, 10))
	s.versions.pokeSearch()
	s.mirror.wake()
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return true
		}
		if v, err := strconv.ParseInt(n.Payload, 10, 64); err == nil {
			s.versions.advance(v)
		}
		s.versions.pokeSearch()
		s.mirror.wake()
	}
}

// advance moves a listened version forward only: this process's own writes
// set it at commit, and their notice may come after later ones.
func (w *versionWatch) advance(v int64) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if cur, err := strconv.ParseInt(w.version, 10, 64); err == nil && v > cur {
		w.version = strconv.FormatInt(v, 10)
	}
}

// refresh reads the version after this process changed the data, so its own
// next request already sees the change.
func (s *Store) refresh(ctx context.Context) {
	var v int64
	if err := s.pool.primary.QueryRow(ctx, "SELECT version FROM data_version").Scan(&v); err == nil {
		s.versions.advance(v)
		s.mirror.wake()
	}
}

func (w *versionWatch) set(v string) {
	w.mu.Lock()
	w.version = v
	w.mu.Unlock()
}

// number is the listened version as a number, -1 while not listening.
func (w *versionWatch) number() int64 {
	v, err := strconv.ParseInt(w.get(), 10, 64)
	if err != nil {
		return -1
	}
	return v
}

func (w *versionWatch) get() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.version
}

func (w *versionWatch) close() {
	if w.stop != nil {
		w.stop()
		<-w.done
	}
}

// Version names the data's current state: the database's change counter.
func (s *Store) Version(ctx context.Context) (string, error) {
	if v := s.versions.get(); v != "" {
		return "pg-" + v, nil
	}
	var v int64
	if err := s.pool.primary.QueryRow(ctx, "SELECT version FROM data_version").Scan(&v); err != nil {
		return "", wrap(ctx, err)
	}
	return "pg-" + strconv.FormatInt(v, 10), nil
}

// cachedLayers returns the layers computed for this version, if any.
func (w *versionWatch) cachedLayers(version string) ([]geo.Layer, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.layersV == version && w.layers != nil {
		return slices.Clone(w.layers), true
	}
	return nil, false
}

func (w *versionWatch) keepLayers(version string, layers []geo.Layer) {
	w.mu.Lock()
	w.layers, w.layersV = slices.Clone(layers), version
	w.mu.Unlock()
}

// cachedSchema returns a layer's schema computed for this version, if any.
func (w *versionWatch) cachedSchema(version, layer string) ([]geo.Property, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.schemasV != version {
		return nil, false
	}
	schema, ok := w.schemas[layer]
	return slices.Clone(schema), ok
}

func (w *versionWatch) keepSchema(version, layer string, schema []geo.Property) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.schemasV != version {
		w.schemas, w.schemasV = map[string][]geo.Property{}, version
	}
	w.schemas[layer] = slices.Clone(schema)
}
