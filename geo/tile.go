package geo

import (
	"crypto/md5"
	"encoding/binary"
	"math"

	"planmap/tiles"
)

// TileLayer is one layer to draw into a vector tile.
type TileLayer struct {
	ID      string
	MinZoom int
	Dense   bool // goes without Options.DenseDrop (tiles.Dense)
}

// TileRequest asks a store for one vector tile of some layers; each becomes
// an MVT layer named by its id.
type TileRequest struct {
	Tile    tiles.TileID
	Layers  []TileLayer
	Options tiles.Options
}

// TileRank is a feature's rank in overview tiles (tiles.Feature.Rank): the
// first 52 bits of the MD5 of its string id, which PostGIS computes the same
// (tile_rank, tile_features.rank), so both stores thin points alike. Never 0.
// (A feature's MVT id is another number, which its store assigns: see
// Store.TileIDs.)
func TileRank(id string) uint64 {
	sum := md5.Sum([]byte(id))
	v := binary.BigEndian.Uint64(sum[:8]) >> 12
	return max(v, 1)
}

// TileProperties are the properties a tile carries for styling and popups;
// the long texts stay in the OGC API, and the layer is the MVT layer's name.
var TileProperties = []string{"id", "name_zh", "name_en", "kind", "status", "accuracy", "color",
	"district", "plan_year", "uncertainty_m"}

// TileDenseDrop are the tile properties dense layers go without
// (tiles.Options.DenseDrop): the names, used only for labels that could not
// be placed anyway, and the string id, which a map gets from the MVT feature
// id (OGC items?tile_id=) when a feature is clicked. What styling needs stays.
var TileDenseDrop = []string{"id", "name_zh", "name_en"}

// TileProps returns a feature's tile properties.
func TileProps(f Feature) map[string]any {
	p := map[string]any{"id": f.ID, "name_zh": f.NameZH, "name_en": f.NameEN,
		"kind": f.Kind, "status": f.Status, "accuracy": f.Accuracy}
	if c, ok := f.Extra["color"].(string); ok && c != "" {
		p["color"] = c
	}
	// The district filter, the plan timeline and the uncertainty circles of
	// the web map read these; a feature without them leaves them out.
	if f.District != "" {
		p["district"] = f.District
	}
	if y := PlanYear(f); y != 0 {
		p["plan_year"] = y
	}
	if u, ok := f.Extra["uncertainty_m"].(float64); ok && u > 0 && !math.IsInf(u, 0) {
		p["uncertainty_m"] = u
	}
	return p
}
