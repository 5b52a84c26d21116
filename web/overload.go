package web

import (
	"context"
	"net/http"
	"runtime"
	"sync/atomic"
	"time"

	"planmap/geo"
)

// Overload protection. A few kinds of request cost far more memory and
// time than the rest: a page or feature of hundreds of thousands of
// coordinates (its JSON and gzip buffers are many times the geometry), a
// whole-layer download, a low-zoom tile built from scratch. Each takes one of
// a few heavy slots; when none frees up within heavyWait the request is
// answered 503 with Retry-After at once, so a burst costs at most the slots'
// memory, not one body per client.

const (
	// HeavyCoordinates is the size, in coordinates plus features, from which
	// the features of one response make it heavy.
	HeavyCoordinates = 100_000
	// heavyTileZoom: an uncached tile below this zoom is heavy (it draws a
	// large share of every layer).
	heavyTileZoom = 10
	// heavyWait is how long a heavy request waits for a slot before a 503.
	heavyWait = 250 * time.Millisecond
)

// errBusy answers a heavy request that found no slot.
var errBusy = &apiError{http.StatusServiceUnavailable, "ServiceUnavailable",
	"planmap is busy with other large requests; try again shortly"}

// gate is a counting semaphore with a short wait.
type gate struct {
	slots    chan struct{}
	shed     atomic.Int64 // requests answered errBusy
	admitted atomic.Int64
}

func newGate(n int) *gate {
	if n <= 0 {
		n = max(2, runtime.GOMAXPROCS(0))
	}
	return &gate{slots: make(chan struct{}, n)}
}

// enter takes a slot, waiting at most heavyWait; release gives it back.
func (g *gate) enter(ctx context.Context) (release func(), err error) {
	select {
	case g.slots <- struct{}{}:
	default:
		t := time.NewTimer(heavyWait)
		defer t.Stop()
		select {
		case g.slots <- struct{}{}:
		case <-t.C:
			g.shed.Add(1)
			return nil, errBusy
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	g.admitted.Add(1)
	var once atomic.Bool
	return func() {
		if once.CompareAndSwap(false, true) {
			<-g.slots
		}
	}, nil
}

// heldSlot is where handle keeps a slot taken on the request's behalf, to
// give it back when the response is written.
type heldSlot struct{ release func() }

type heldSlotKey struct{}

// heavyFeatures takes a heavy slot for the rest of the request when the
// features to be served are large.
func (s *Server) heavyFeatures(ctx context.Context, fs []geo.Feature) error {
	size := len(fs)
	for _, f := range fs {
		if size += geo.VertexCount(f.Geometry); size >= HeavyCoordinates {
			break
		}
	}
	if size < HeavyCoordinates {
		return nil
	}
	held, ok := ctx.Value(heldSlotKey{}).(*heldSlot)
	if !ok || held.release != nil { // outside handle, or a slot held already
		return nil
	}
	release, err := s.heavy.enter(ctx)
	if err != nil {
		return err
	}
	held.release = release
	return nil
}
