package postgis

import (
	"fmt"
	"time"

	"planmap/geo"
)

// SetAsideHook lets tests fail the build of a first load's search keys
// aside.
func SetAsideHook(h func() error) { asideHook = h }

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

// SetKeyBlock changes how many search keys a first load sorts together and
// returns the old number.
func SetKeyBlock(n int) int {
	old := keyBlock
	keyBlock = n
	return old
}

// FirstKeys gives the search keys a first load copies for features with
// these search columns, sorted in blocks of block keys, in the order it
// copies them, each as the form followed by the key.
func FirstKeys(search []string, block int) []string {
	defer SetKeyBlock(SetKeyBlock(block))
	k := newFirstKeys()
	for i, s := range search {
		k.add(geo.Feature{ID: fmt.Sprint("f", i), Layer: "l", Kind: "k"}, s)
	}
	k.sort()
	var out []string
	for next := k.inOrder(); ; {
		key, ok := next()
		if !ok {
			return out
		}
		out = append(out, string([]byte{key.form})+k.key(key))
	}
}

// SearchText is the search column of a feature with these names.
func SearchText(names ...string) string { return searchText(names) }

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
