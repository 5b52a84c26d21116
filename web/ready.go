package web

import (
	"context"
	"net/http"
	"sync"
	"time"
)

// readyWait is the longest /readyz waits for a fresh answer from the store;
// past it, it answers from the last one. A load balancer asks often and
// briefly: a pool busy with slow queries must not make readiness slow too.
const readyWait = 300 * time.Millisecond

// readyFirstWait bounds the wait for the first answer, within the 2–5 s
// that load balancers commonly give a health check.
const readyFirstWait = 2 * time.Second

// readiness is the store's state as the last probe found it. One probe runs
// at a time, in the background, under the request deadline.
type readiness struct {
	mu      sync.Mutex
	running chan struct{} // closed when the probe in flight ends; nil when none is
	err     error         // the last probe's answer
	at      time.Time     // when it came; zero before the first
}

// errStarting is the state before any probe has answered.
var errStarting = &apiError{http.StatusServiceUnavailable, "ServiceUnavailable", "the data store has not answered yet"}

// storeReady probes the store (or joins the probe in flight) and answers
// with its result if it comes within readyWait, else with the last state.
// Before any probe has answered there is no last state to give, so the
// first waits up to readyFirstWait: a busy moment at start (a reload
// parsing on every core) is not reported as a store that cannot answer.
func (s *Server) storeReady(ctx context.Context) error {
	rd := &s.ready
	rd.mu.Lock()
	wait := readyWait
	if rd.at.IsZero() {
		wait = readyFirstWait
	}
	done := rd.running
	if done == nil {
		done = make(chan struct{})
		rd.running = done
		go func() {
			pctx, cancel := context.WithTimeout(context.Background(), s.opts.Timeout)
			err := s.store.Ping(pctx)
			cancel()
			rd.mu.Lock()
			rd.err, rd.at, rd.running = err, time.Now(), nil
			rd.mu.Unlock()
			close(done)
		}()
	}
	rd.mu.Unlock()
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case <-done:
	case <-t.C:
	case <-ctx.Done():
	}
	rd.mu.Lock()
	defer rd.mu.Unlock()
	if rd.at.IsZero() {
		return errStarting
	}
	return rd.err
}
