package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"planmap/geo"
	"planmap/geo/memstore"
	"planmap/geo/storetest"
	"planmap/web"
	"planmap/web/hostile"
)

// slowStore answers Features, Nearby and Search only when its context ends,
// and records the deadline it was given.
type slowStore struct {
	*memstore.Store
	deadline chan time.Duration
}

func (s slowStore) wait(ctx context.Context) error {
	d, ok := ctx.Deadline()
	if !ok {
		s.deadline <- -1
	} else {
		s.deadline <- time.Until(d)
	}
	<-ctx.Done()
	return ctx.Err()
}

func (s slowStore) Features(ctx context.Context, layer string, q geo.Query) (geo.Page, error) {
	return geo.Page{}, s.wait(ctx)
}

func (s slowStore) Nearby(ctx context.Context, q geo.NearbyQuery) ([]geo.Near, error) {
	return nil, s.wait(ctx)
}

func (s slowStore) Search(ctx context.Context, q geo.SearchQuery) ([]geo.Feature, error) {
	return nil, s.wait(ctx)
}

// TestDeadlineReachesStore checks the per-request deadline is passed down to
// the store and that a store that runs out of time gives a clean 503.
func TestDeadlineReachesStore(t *testing.T) {
	const timeout = 50 * time.Millisecond
	s := slowStore{memstore.New(storetest.Fixture()), make(chan time.Duration, 1)}
	h := web.New(s, web.Options{Timeout: timeout})
	for _, target := range []string{"/ogc/collections/points/items", "/api/nearby?lon=114.4&lat=30.5", "/api/search?q=a"} {
		start := time.Now()
		w := hostile.Do(h, http.MethodGet, target)
		took := time.Since(start)
		d := <-s.deadline
		if d <= 0 || d > timeout {
			t.Errorf("%s: the store got deadline %v, want within %v", target, d, timeout)
		}
		if took > 20*timeout {
			t.Errorf("%s: took %v with a %v deadline", target, took, timeout)
		}
		var e struct{ Code string }
		if w.Code != 503 || w.Header().Get("Retry-After") == "" || json.Unmarshal(w.Body.Bytes(), &e) != nil || e.Code == "" {
			t.Errorf("%s: %d %v %s, want 503 with Retry-After and a JSON error", target, w.Code, w.Header(), w.Body.Bytes())
		}
	}
}
