package tiles

import (
	"container/list"
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/singleflight"
)

// Key builds the cache key of a tile. The data version is part of it so an
// edit to the plan never serves a stale tile: bump the version and old keys
// simply age out. Fields are joined by the ASCII unit separator, which cannot
// occur in tileset names or versions, so distinct triples never collide.
func Key(tileset, version string, t TileID) string {
	b := make([]byte, 0, len(tileset)+len(version)+26)
	b = append(b, tileset...)
	b = append(b, 0x1f)
	b = append(b, version...)
	b = append(b, 0x1f)
	return string(t.appendTo(b))
}

// entryOverhead approximates the memory an entry costs besides its bytes
// (list element, map slot, string headers), so that a cache full of empty
// tiles is still bounded.
const entryOverhead = 128

// CacheStats is a snapshot for metrics.
type CacheStats struct {
	Hits, Misses, Evictions uint64
	Bytes                   int64 // data, keys and overhead of the held entries
	Entries                 int
}

// Cache is an in-memory LRU of encoded tiles bounded by bytes, not entries,
// because tiles range from empty to MaxBytes. Concurrent misses on one key
// build the tile once. It is process-local on purpose: planmap instances
// share nothing, and versioned keys make stale entries harmless.
type Cache struct {
	maxBytes int64

	mu      sync.Mutex
	ll      *list.List // front = most recently used
	items   map[string]*list.Element
	bytes   int64
	flights singleflight.Group
	failed  map[string]failure // recent build errors, by key

	// FailFor is how long a failed build's error is answered again without
	// building (default DefaultFailFor; negative: never). A tile that takes
	// the whole deadline to fail would otherwise be built anew by every
	// client that opens the map there, each holding a database connection.
	FailFor time.Duration
	now     func() time.Time

	hits, misses, evictions atomic.Uint64
}

// DefaultFailFor is Cache.FailFor's default: short, so that a tile whose
// build failed for a passing reason (a busy database) is soon tried again.
const DefaultFailFor = 2 * time.Second

type failure struct {
	err   error
	until time.Time
}

type cacheEntry struct {
	key  string
	data []byte // nil for an empty tile
	size int64
}

// NewCache makes a cache holding at most maxBytes; maxBytes ≤ 0 disables
// storing (GetOrBuild still deduplicates concurrent builds).
func NewCache(maxBytes int64) *Cache {
	return &Cache{maxBytes: maxBytes, ll: list.New(), items: make(map[string]*list.Element),
		failed: make(map[string]failure), FailFor: DefaultFailFor, now: time.Now}
}

// Get returns a cached tile; ok is false on a miss. An empty tile is
// (nil, true). It does not count towards Stats, GetOrBuild does.
func (c *Cache) Get(key string) (data []byte, ok bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, found := c.items[key]; found {
		c.ll.MoveToFront(el)
		return el.Value.(*cacheEntry).data, true
	}
	return nil, false
}

// Add stores a tile, replacing any entry of the same key, and evicts least
// recently used entries to stay within the byte bound. A tile larger than
// the whole cache is not stored.
func (c *Cache) Add(key string, data []byte) {
	size := int64(len(data)+len(key)) + entryOverhead
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, found := c.items[key]; found {
		c.bytes -= el.Value.(*cacheEntry).size
		c.ll.Remove(el)
		delete(c.items, key)
	}
	if size > c.maxBytes {
		return
	}
	c.items[key] = c.ll.PushFront(&cacheEntry{key: key, data: data, size: size})
	c.bytes += size
	for c.bytes > c.maxBytes {
		el := c.ll.Back()
		ent := el.Value.(*cacheEntry)
		c.ll.Remove(el)
		delete(c.items, ent.key)
		c.bytes -= ent.size
		c.evictions.Add(1)
	}
}

// GetOrBuild returns the cached tile for key or builds, stores and returns
// it. Concurrent callers missing the same key share one build (singleflight),
// so a burst of requests for a new tile costs one encode. hit reports a
// cache hit. Build errors are returned to every waiter and answered again,
// without building, for FailFor (but a build cancelled by its caller is
// not remembered). If ctx
// ends while waiting for another caller's build, GetOrBuild returns ctx.Err()
// and the build goes on for the others. The returned bytes are shared: do not
// modify them.
func (c *Cache) GetOrBuild(ctx context.Context, key string, build func() ([]byte, error)) (data []byte, hit bool, err error) {
	if data, ok := c.Get(key); ok {
		c.hits.Add(1)
		return data, true, nil
	}
	c.misses.Add(1)
	if err := c.failure(key); err != nil {
		return nil, false, err
	}
	ch := c.flights.DoChan(key, func() (v any, err error) {
		// A build that finished between our Get and DoChan has stored it.
		if data, ok := c.Get(key); ok {
			return data, nil
		}
		// DoChan runs fn where a panic would kill the process; one bad
		// tile must only fail its requests.
		defer func() {
			if p := recover(); p != nil {
				v, err = nil, fmt.Errorf("tiles: building %q panicked: %v", key, p)
			}
			if err != nil {
				c.fail(key, err)
			}
		}()
		data, err := build()
		if err != nil {
			return nil, err
		}
		c.Add(key, data)
		return data, nil
	})
	select {
	case r := <-ch:
		if r.Err != nil {
			return nil, false, r.Err
		}
		data, _ := r.Val.([]byte)
		return data, false, nil
	case <-ctx.Done():
		return nil, false, ctx.Err()
	}
}

// failure returns the error of a build of key that failed less than FailFor ago.
func (c *Cache) failure(key string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	f, ok := c.failed[key]
	if !ok {
		return nil
	}
	if c.now().After(f.until) {
		delete(c.failed, key)
		return nil
	}
	return f.err
}

// fail remembers a failed build, unless its caller cancelled it.
func (c *Cache) fail(key string, err error) {
	if c.FailFor <= 0 || errors.Is(err, context.Canceled) {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.now()
	if len(c.failed) >= maxFailures {
		for k, f := range c.failed {
			if now.After(f.until) {
				delete(c.failed, k)
			}
		}
		if len(c.failed) >= maxFailures {
			return
		}
	}
	c.failed[key] = failure{err: err, until: now.Add(c.FailFor)}
}

// maxFailures bounds the failures remembered at once.
const maxFailures = 4096

// Stats returns counters and current size.
func (c *Cache) Stats() CacheStats {
	c.mu.Lock()
	n, b := len(c.items), c.bytes
	c.mu.Unlock()
	return CacheStats{
		Hits:      c.hits.Load(),
		Misses:    c.misses.Load(),
		Evictions: c.evictions.Load(),
		Bytes:     b,
		Entries:   n,
	}
}
