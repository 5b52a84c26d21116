package tiles

import (
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"slices"

	"github.com/paulmach/orb"
	"google.golang.org/protobuf/encoding/protowire"
)

// tileWriter writes the features the encoder keeps as an MVT 2.1 tile,
// through the protobuf project's wire-format library. It replaced orb's
// generic mvt.Marshal, which spent most of a dense tile's time (profiled) on
// a properties map per feature, on hashing every value as an interface, and
// in its generated code on an allocation per value. Here keys and string
// values are interned in string-keyed maps and messages are appended to
// reused buffers. The output is byte for byte what mvt.Marshal writes for
// the same features (TestWriterMatchesOrb), orb staying the reference.
type tileWriter struct {
	out []byte // finished layers; a new slice per tile, owned by the caller

	// The current layer, reused from layer to layer and tile to tile.
	name   string
	feats  []byte // encoded features (Layer field 2)
	keys   []string
	values []byte            // encoded values (Layer field 4)
	nvals  uint32            // values written
	keyIdx map[string]uint32 // index into keys
	strIdx map[string]uint32 // string values: their index
	anyIdx map[any]uint32    // every other value, keyed as orb keys them

	tags, geom []uint32 // the current feature's
}

// MVT message fields (vector_tile.proto 2.1).
const (
	tileLayers = 3

	layerName, layerFeatures, layerKeys, layerValues, layerExtent, layerVersion = 1, 2, 3, 4, 5, 15

	featureID, featureTags, featureType, featureGeometry = 1, 2, 3, 4

	valueString, valueFloat, valueDouble, valueUint, valueSint, valueBool = 1, 2, 3, 5, 6, 7

	geomPoint, geomLine, geomPolygon = 1, 2, 3
)

func (w *tileWriter) reset() { w.out = nil }

func (w *tileWriter) beginLayer(name string) {
	w.name = name
	w.feats, w.keys, w.values, w.nvals = w.feats[:0], w.keys[:0], w.values[:0], 0
	if w.keyIdx == nil {
		w.keyIdx, w.strIdx = map[string]uint32{}, map[string]uint32{}
	}
	clear(w.keyIdx)
	clear(w.strIdx)
	clear(w.anyIdx)
}

// endLayer adds the current layer to the tile.
func (w *tileWriter) endLayer(version, extent uint32) {
	size := fieldLen(layerName, len(w.name)) + len(w.feats) + len(w.values) +
		protowire.SizeTag(layerExtent) + protowire.SizeVarint(uint64(extent)) +
		protowire.SizeTag(layerVersion) + protowire.SizeVarint(uint64(version))
	for _, k := range w.keys {
		size += fieldLen(layerKeys, len(k))
	}
	b := protowire.AppendTag(w.out, tileLayers, protowire.BytesType)
	b = protowire.AppendVarint(b, uint64(size))
	b = appendString(b, layerName, w.name)
	b = append(b, w.feats...)
	for _, k := range w.keys {
		b = appendString(b, layerKeys, k)
	}
	b = append(b, w.values...)
	b = appendVarintField(b, layerExtent, uint64(extent))
	w.out = appendVarintField(b, layerVersion, uint64(version))
}

// bytes is the tile; nil when no layer has features.
func (w *tileWriter) bytes() ([]byte, error) { return w.out, nil }

// feature adds one feature whose geometry is already in integer tile
// coordinates, without the properties named in drop.
func (w *tileWriter) feature(id uint64, props Props, drop []string, g orb.Geometry) error {
	gtype, err := w.geometry(g)
	if err != nil {
		return err
	}
	return w.write(id, props, drop, gtype)
}

// point adds a single-point feature; an orb.Geometry would box the point.
func (w *tileWriter) point(id uint64, props Props, drop []string, p orb.Point) error {
	c := cursor{buf: w.geom[:0]}
	c.moveTo(p)
	w.geom = c.buf
	return w.write(id, props, drop, geomPoint)
}

// write adds the feature whose geometry is in w.geom.
func (w *tileWriter) write(id uint64, props Props, drop []string, gtype uint64) error {
	w.tags = w.tags[:0]
	for _, p := range props {
		if slices.Contains(drop, p.Key) {
			continue
		}
		vi, err := w.value(p.Value)
		if err != nil {
			return fmt.Errorf("property %s: %w", p.Key, err)
		}
		w.tags = append(w.tags, w.key(p.Key), vi)
	}
	tagsLen, geomLen := packedLen(w.tags), packedLen(w.geom)
	size := protowire.SizeTag(featureType) + 1
	if id != 0 {
		size += protowire.SizeTag(featureID) + protowire.SizeVarint(id)
	}
	if len(w.tags) > 0 {
		size += fieldLen(featureTags, tagsLen)
	}
	if len(w.geom) > 0 {
		size += fieldLen(featureGeometry, geomLen)
	}
	b := protowire.AppendTag(w.feats, layerFeatures, protowire.BytesType)
	b = protowire.AppendVarint(b, uint64(size))
	if id != 0 {
		b = appendVarintField(b, featureID, id)
	}
	b = appendPacked(b, featureTags, w.tags, tagsLen)
	b = appendVarintField(b, featureType, gtype)
	w.feats = appendPacked(b, featureGeometry, w.geom, geomLen)
	return nil
}

func (w *tileWriter) key(k string) uint32 {
	i, ok := w.keyIdx[k]
	if !ok {
		i = uint32(len(w.keys))
		w.keys = append(w.keys, k)
		w.keyIdx[k] = i
	}
	return i
}

// value interns a property value. Values that are not comparable go as their
// JSON text, as orb writes them.
func (w *tileWriter) value(v any) (uint32, error) {
	if s, ok := v.(string); ok {
		i, ok := w.strIdx[s]
		if !ok {
			w.values = protowire.AppendTag(w.values, layerValues, protowire.BytesType)
			w.values = protowire.AppendVarint(w.values, uint64(fieldLen(valueString, len(s))))
			w.values = appendString(w.values, valueString, s)
			i = w.nvals
			w.nvals++
			w.strIdx[s] = i
		}
		return i, nil
	}
	if !reflect.TypeOf(v).Comparable() {
		b, err := json.Marshal(v)
		if err != nil {
			return 0, fmt.Errorf("uncomparable: %T", v)
		}
		return w.value(string(b))
	}
	if i, ok := w.anyIdx[v]; ok {
		return i, nil
	}
	msg, err := valueMessage(v)
	if err != nil {
		return 0, err
	}
	if w.anyIdx == nil {
		w.anyIdx = map[any]uint32{}
	}
	i := w.addValue(msg)
	w.anyIdx[v] = i
	return i, nil
}

func (w *tileWriter) addValue(msg []byte) uint32 {
	w.values = protowire.AppendTag(w.values, layerValues, protowire.BytesType)
	w.values = protowire.AppendBytes(w.values, msg)
	w.nvals++
	return w.nvals - 1
}

// valueMessage encodes a non-string property, typed as orb types it.
func valueMessage(v any) ([]byte, error) {
	rv := reflect.ValueOf(v)
	switch t := v.(type) {
	case fmt.Stringer:
		return appendString(nil, valueString, t.String()), nil
	case bool:
		return appendVarintField(nil, valueBool, protowire.EncodeBool(t)), nil
	case float32:
		b := protowire.AppendTag(nil, valueFloat, protowire.Fixed32Type)
		return protowire.AppendFixed32(b, math.Float32bits(t)), nil
	case float64:
		b := protowire.AppendTag(nil, valueDouble, protowire.Fixed64Type)
		return protowire.AppendFixed64(b, math.Float64bits(t)), nil
	case int, int8, int16, int32, int64:
		return appendVarintField(nil, valueSint, protowire.EncodeZigZag(rv.Int())), nil
	case uint, uint8, uint16, uint32, uint64:
		return appendVarintField(nil, valueUint, rv.Uint()), nil
	}
	return nil, fmt.Errorf("unable to encode value of type %T: %v", v, v)
}

// MVT geometry commands (spec 4.3).
const (
	cmdMoveTo    = 1
	cmdLineTo    = 2
	cmdClosePath = 7
)

// geometry writes g's command stream into w.geom and returns its MVT type.
// Rings are closed; the closing vertex is implied by ClosePath, not written.
func (w *tileWriter) geometry(g orb.Geometry) (uint64, error) {
	c := cursor{buf: w.geom[:0]}
	defer func() { w.geom = c.buf }()
	switch g := g.(type) {
	case orb.Point:
		c.moveTo(g)
		return geomPoint, nil
	case orb.MultiPoint:
		c.buf = append(c.buf, command(cmdMoveTo, len(g)))
		c.points(g)
		return geomPoint, nil
	case orb.LineString:
		c.line(g)
		return geomLine, nil
	case orb.MultiLineString:
		for _, ls := range g {
			c.line(ls)
		}
		return geomLine, nil
	case orb.Polygon:
		c.rings(g)
		return geomPolygon, nil
	case orb.MultiPolygon:
		for _, p := range g {
			c.rings(p)
		}
		return geomPolygon, nil
	}
	return 0, fmt.Errorf("geometry type not supported: %T", g)
}

func command(id, count int) uint32 { return uint32(count)<<3 | uint32(id) }

// cursor writes zigzag-encoded vertex deltas from the previous vertex.
type cursor struct {
	x, y int32
	buf  []uint32
}

func (c *cursor) points(ps []orb.Point) {
	for _, p := range ps {
		x, y := int32(p[0]), int32(p[1])
		dx, dy := x-c.x, y-c.y
		c.x, c.y = x, y
		c.buf = append(c.buf, uint32((dx<<1)^(dx>>31)), uint32((dy<<1)^(dy>>31)))
	}
}

func (c *cursor) moveTo(p orb.Point) {
	c.buf = append(c.buf, command(cmdMoveTo, 1))
	c.points([]orb.Point{p})
}

func (c *cursor) line(ls orb.LineString) {
	c.moveTo(ls[0])
	c.buf = append(c.buf, command(cmdLineTo, len(ls)-1))
	c.points(ls[1:])
}

func (c *cursor) rings(p orb.Polygon) {
	for _, r := range p {
		if r.Closed() {
			r = r[:len(r)-1]
		}
		c.moveTo(r[0])
		c.buf = append(c.buf, command(cmdLineTo, len(r)-1))
		c.points(r[1:])
		c.buf = append(c.buf, command(cmdClosePath, 1))
	}
}

// Wire-format helpers over protowire.

// fieldLen is the size of a length-delimited field holding n bytes.
func fieldLen(num protowire.Number, n int) int {
	return protowire.SizeTag(num) + protowire.SizeBytes(n)
}

func appendString(b []byte, num protowire.Number, s string) []byte {
	b = protowire.AppendTag(b, num, protowire.BytesType)
	return protowire.AppendString(b, s)
}

func appendVarintField(b []byte, num protowire.Number, v uint64) []byte {
	b = protowire.AppendTag(b, num, protowire.VarintType)
	return protowire.AppendVarint(b, v)
}

// packedLen is the size of vs as packed varints.
func packedLen(vs []uint32) int {
	n := 0
	for _, v := range vs {
		n += protowire.SizeVarint(uint64(v))
	}
	return n
}

// appendPacked writes vs as a packed repeated field of size n; nothing when
// vs is empty, as proto2 writes an empty repeated field.
func appendPacked(b []byte, num protowire.Number, vs []uint32, n int) []byte {
	if len(vs) == 0 {
		return b
	}
	b = protowire.AppendTag(b, num, protowire.BytesType)
	b = protowire.AppendVarint(b, uint64(n))
	for _, v := range vs {
		b = protowire.AppendVarint(b, uint64(v))
	}
	return b
}
