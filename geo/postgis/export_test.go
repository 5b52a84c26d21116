package postgis

import "time"

// SetLoadHook lets tests fail a load after a given stage.
func SetLoadHook(h func(stage string) error) { loadHook = h }

// SetBulkRows changes the bulk-load threshold and returns the old one.
func SetBulkRows(n int) int {
	old := bulkRows
	bulkRows = n
	return old
}

// SearchKeyRows is the loader's own search_key_rows.
var SearchKeyRows = searchKeyRows

// TrailVersions lists the trail of feature $1 in layer $2 with each version.
const TrailVersions = trailVersions

// LayerScans is how many times the store has worked out its layers.
func (s *Store) LayerScans() int64 { return s.scans.Load() }

// LockLoad is the advisory lock key of loads.
const LockLoad = lockLoad

// TileCopies is how many copies of the tiles' data the store has made.
func (s *Store) TileCopies() int64 { return s.mirror.builds.Load() }

// TileCopyUpdates is how many of them were made from the copy before.
func (s *Store) TileCopyUpdates() int64 { return s.mirror.updates.Load() }

// MemoryPages is how many feature pages the store answered from its copy.
func (s *Store) MemoryPages() int64 { return s.mirror.pages.Load() }

// SetCopyPause makes each copy of the tiles' data take at least d.
func SetCopyPause(d time.Duration) { copyPause = d }

// CopiedVersion is the data version of the copy of the tiles' data in
// place (-1: none yet).
func (s *Store) CopiedVersion() int64 {
	if c := s.mirror.cur.Load(); c.index != nil {
		return c.version
	}
	return -1
}
