package web_test

import (
	"testing"

	"planmap/geo/memstore"
	"planmap/geo/storetest"
	"planmap/web"
	"planmap/web/hostile"
)

// TestHostile sends the hostile corpus to every endpoint over the embedded store.
func TestHostile(t *testing.T) {
	store := memstore.New(storetest.Fixture())
	h := web.New(store, web.Options{TileCacheBytes: 1 << 20, CORSOrigin: "*", AllowedHosts: []string{hostile.Host}})
	hostile.Run(t, h, hostile.Snapshot(store))
}
