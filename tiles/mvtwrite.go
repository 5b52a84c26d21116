package tiles

import (
	"slices"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/geojson"
)

// tileWriter gathers the features the encoder keeps into orb's MVT layers
// and leaves the protobuf to orb's marshaller: MVT is a standard format, and
// a well-kept library writes it.
type tileWriter struct {
	layers mvt.Layers
	cur    *mvt.Layer
}

func (w *tileWriter) reset() { w.layers = w.layers[:0] }

func (w *tileWriter) beginLayer(name string) { w.cur = &mvt.Layer{Name: name} }

// endLayer adds the current layer to the tile.
func (w *tileWriter) endLayer(version, extent uint32) {
	w.cur.Version, w.cur.Extent = version, extent
	w.layers = append(w.layers, w.cur)
}

// feature adds one feature whose geometry is already in integer tile
// coordinates, without the properties named in drop.
func (w *tileWriter) feature(id uint64, props map[string]any, drop []string, g orb.Geometry) error {
	f := &geojson.Feature{Type: "Feature", Geometry: g, Properties: cleanProps(props, drop)}
	if id != 0 {
		f.ID = id
	}
	w.cur.Features = append(w.cur.Features, f)
	return nil
}

// bytes marshals the tile; nil when no layer has features.
func (w *tileWriter) bytes() ([]byte, error) {
	if len(w.layers) == 0 {
		return nil, nil
	}
	return mvt.Marshal(w.layers)
}

// cleanProps drops nil values (MVT has no null, and orb would send "null")
// and the keys in drop.
func cleanProps(p map[string]any, drop []string) geojson.Properties {
	out := make(geojson.Properties, len(p))
	for k, v := range p {
		if v != nil && !slices.Contains(drop, k) {
			out[k] = v
		}
	}
	return out
}
