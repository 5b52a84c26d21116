package geo

import (
	"hash/fnv"

	"planmap/tiles"
)

// TileLayer is one layer to draw into a vector tile.
type TileLayer struct {
	ID      string
	MinZoom int
}

// TileRequest asks a store for one vector tile of some layers; each becomes
// an MVT layer named by its id.
type TileRequest struct {
	Tile    tiles.TileID
	Layers  []TileLayer
	Options tiles.Options
}

// TileFeatureID is a feature's numeric MVT id: a 53-bit hash of its string id,
// so that JavaScript numbers hold it exactly and both stores agree.
func TileFeatureID(id string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(id))
	v := h.Sum64() & (1<<53 - 1)
	if v == 0 {
		v = 1 // 0 means "no id" in MVT
	}
	return v
}

// TileProperties are the properties a tile carries for styling and popups;
// the long texts stay in the OGC API.
var TileProperties = []string{"id", "layer", "name_zh", "name_en", "kind", "status", "accuracy", "color"}

// TileProps returns a feature's tile properties.
func TileProps(f Feature) map[string]any {
	p := map[string]any{"id": f.ID, "layer": f.Layer, "name_zh": f.NameZH, "name_en": f.NameEN,
		"kind": f.Kind, "status": f.Status, "accuracy": f.Accuracy}
	if c, ok := f.Extra["color"].(string); ok && c != "" {
		p["color"] = c
	}
	return p
}
