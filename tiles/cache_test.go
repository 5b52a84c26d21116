package tiles

import (
	"bytes"
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestKey(t *testing.T) {
	id := TileID{14, 13358, 6746}
	k := Key("plan", "v1", id)
	if k == Key("plan", "v2", id) {
		t.Fatal("key must include the version")
	}
	if k == Key("metro", "v1", id) || k == Key("plan", "v1", TileID{14, 13358, 6747}) {
		t.Fatal("key must include tileset and tile")
	}
	if Key("a", "bc", id) == Key("ab", "c", id) {
		t.Fatal("fields must not run together")
	}
}

func TestCacheEvictsByBytes(t *testing.T) {
	tile := func(n int) []byte { return bytes.Repeat([]byte{1}, n) }
	// Room for about three 1000-byte tiles with their overhead.
	c := NewCache(3 * (1000 + 1 + entryOverhead))
	c.Add("a", tile(1000))
	c.Add("b", tile(1000))
	c.Add("c", tile(1000))
	if _, ok := c.Get("a"); !ok { // a is now most recently used
		t.Fatal("a missing")
	}
	c.Add("d", tile(1000)) // evicts b, the least recently used
	if _, ok := c.Get("b"); ok {
		t.Fatal("b should have been evicted")
	}
	for _, k := range []string{"a", "c", "d"} {
		if _, ok := c.Get(k); !ok {
			t.Fatalf("%s evicted", k)
		}
	}
	s := c.Stats()
	if s.Entries != 3 || s.Bytes != 3*(1000+1+entryOverhead) || s.Evictions != 1 {
		t.Fatalf("stats %+v", s)
	}
	// A big tile pushes out several small ones.
	c.Add("e", tile(2500))
	if s := c.Stats(); s.Entries != 1 || s.Bytes > 3*(1000+1+entryOverhead) {
		t.Fatalf("after big tile: %+v", s)
	}
	// A tile bigger than the whole cache is not stored and evicts nothing.
	c.Add("huge", tile(10000))
	if _, ok := c.Get("huge"); ok {
		t.Fatal("oversized tile stored")
	}
	if _, ok := c.Get("e"); !ok {
		t.Fatal("oversized tile evicted others")
	}
	// Replacing a key accounts for the old size.
	c.Add("e", tile(10))
	if s := c.Stats(); s.Bytes != 10+1+entryOverhead {
		t.Fatalf("replace: %+v", s)
	}
}

func TestCacheEmptyTilesAreCached(t *testing.T) {
	c := NewCache(1 << 20)
	var builds atomic.Int32
	build := func() ([]byte, error) { builds.Add(1); return nil, nil }
	for i := range 3 {
		data, hit, err := c.GetOrBuild(context.Background(), "k", build)
		if err != nil || data != nil || hit != (i > 0) {
			t.Fatalf("call %d: %v %v %v", i, data, hit, err)
		}
	}
	if builds.Load() != 1 {
		t.Fatalf("empty tile built %d times", builds.Load())
	}
	if s := c.Stats(); s.Hits != 2 || s.Misses != 1 || s.Entries != 1 || s.Bytes != 1+entryOverhead {
		t.Fatalf("stats %+v", s)
	}
}

func TestCacheSingleflight(t *testing.T) {
	c := NewCache(1 << 20)
	var builds atomic.Int32
	release := make(chan struct{})
	build := func() ([]byte, error) {
		builds.Add(1)
		<-release // hold the build until every goroutine is waiting on it
		return []byte("tile"), nil
	}
	var wg sync.WaitGroup
	var started sync.WaitGroup
	errs := make(chan error, 100)
	for range 100 {
		wg.Add(1)
		started.Add(1)
		go func() {
			defer wg.Done()
			started.Done()
			data, _, err := c.GetOrBuild(context.Background(), "k", build)
			if err == nil && string(data) != "tile" {
				err = errors.New("wrong data " + string(data))
			}
			errs <- err
		}()
	}
	started.Wait()
	time.Sleep(20 * time.Millisecond) // let them reach the flight
	close(release)
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if n := builds.Load(); n != 1 {
		t.Fatalf("build ran %d times for 100 concurrent misses", n)
	}
	if _, hit, _ := c.GetOrBuild(context.Background(), "k", build); !hit {
		t.Fatal("second round should hit")
	}
}

func TestCacheErrorsAndPanicsAreNotCached(t *testing.T) {
	c := NewCache(1 << 20)
	c.FailFor = -1
	boom := errors.New("boom")
	if _, _, err := c.GetOrBuild(context.Background(), "k", func() ([]byte, error) { return nil, boom }); !errors.Is(err, boom) {
		t.Fatal(err)
	}
	if _, _, err := c.GetOrBuild(context.Background(), "k", func() ([]byte, error) { panic("bad tile") }); err == nil {
		t.Fatal("panic not turned into an error")
	}
	data, hit, err := c.GetOrBuild(context.Background(), "k", func() ([]byte, error) { return []byte("ok"), nil })
	if err != nil || hit || string(data) != "ok" {
		t.Fatalf("after errors: %q %v %v", data, hit, err)
	}
}

func TestCacheContextCancelWhileWaiting(t *testing.T) {
	c := NewCache(1 << 20)
	release := make(chan struct{})
	go c.GetOrBuild(context.Background(), "k", func() ([]byte, error) { <-release; return []byte("x"), nil })
	time.Sleep(10 * time.Millisecond)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	_, _, err := c.GetOrBuild(ctx, "k", func() ([]byte, error) { t.Error("second build"); return nil, nil })
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("got %v", err)
	}
	close(release)
}

func TestCacheDisabled(t *testing.T) {
	c := NewCache(0)
	var builds atomic.Int32
	for range 2 {
		c.GetOrBuild(context.Background(), "k", func() ([]byte, error) { builds.Add(1); return []byte("x"), nil })
	}
	if builds.Load() != 2 || c.Stats().Entries != 0 {
		t.Fatal("a zero-size cache must not store")
	}
}

// A failed build is answered again for FailFor without building, then tried
// anew; a build its caller cancelled is not remembered.
func TestCacheRemembersFailuresBriefly(t *testing.T) {
	c := NewCache(1 << 20)
	now := time.Unix(1000, 0)
	c.now = func() time.Time { return now }
	boom := errors.New("boom")
	var builds atomic.Int32
	fail := func() ([]byte, error) { builds.Add(1); return nil, boom }
	for range 5 {
		if _, _, err := c.GetOrBuild(context.Background(), "k", fail); !errors.Is(err, boom) {
			t.Fatal(err)
		}
	}
	if n := builds.Load(); n != 1 {
		t.Fatalf("%d builds within FailFor, want 1", n)
	}
	now = now.Add(DefaultFailFor + time.Millisecond)
	data, _, err := c.GetOrBuild(context.Background(), "k", func() ([]byte, error) { return []byte("ok"), nil })
	if err != nil || string(data) != "ok" {
		t.Fatalf("after FailFor: %q %v", data, err)
	}
	cancelled := func() ([]byte, error) { builds.Add(1); return nil, context.Canceled }
	for range 2 {
		c.GetOrBuild(context.Background(), "c", cancelled)
	}
	if n := builds.Load(); n != 3 {
		t.Fatalf("a cancelled build was remembered (%d builds)", n)
	}
}
