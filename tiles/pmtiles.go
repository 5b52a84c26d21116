package tiles

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"slices"
)

// PMTiles v3 writing (https://github.com/protomaps/PMTiles/blob/main/spec/v3/spec.md):
// one file holding a whole tileset, read by clients with HTTP range requests,
// so a tileset can be served by any static host, object store or CDN.
//
// It is written here, in a few dozen lines, rather than with
// github.com/protomaps/go-pmtiles, whose package also holds its cloud
// readers and MBTiles converter: importing it linked the AWS, Azure and
// SQLite clients into planmap (a 30 MB binary became 67 MB). Interoperability
// is tested with the reader the web map uses (the pmtiles npm package).

// PMTile is one tile of an archive: its coordinates and its gzipped MVT.
type PMTile struct {
	ID   TileID
	Data []byte
}

// PMTilesMeta describes an archive: its zooms, extent and JSON metadata
// (TileJSON's fields: name, vector_layers, attribution, …).
type PMTilesMeta struct {
	MinZoom, MaxZoom int
	Bounds           [4]float64 // west, south, east, north
	Center           [3]float64 // lon, lat, zoom
	Metadata         map[string]any
}

const (
	pmHeaderLen   = 127
	pmRootMax     = 16384 - pmHeaderLen // the header and root directory fit the first 16 KB a client reads
	pmGzip        = 2
	pmMVT         = 1
	pmLeafEntries = 4096
)

// pmEntry is a directory entry: a run of tile ids with one content, or (run
// length 0) a pointer to a leaf directory.
type pmEntry struct {
	id, offset uint64
	length     uint32
	run        uint32
}

// PMTileID is the Hilbert-curve tile id of the PMTiles specification.
func PMTileID(t TileID) uint64 {
	z, x, y := uint64(t.Z), uint64(t.X), uint64(t.Y)
	acc := (uint64(1)<<(2*z) - 1) / 3 // tiles of all lower zooms
	for s := uint64(1) << z >> 1; s > 0; s >>= 1 {
		rx, ry := boolBit(x&s != 0), boolBit(y&s != 0)
		acc += s * s * ((3 * rx) ^ ry)
		if ry == 0 { // rotate the quadrant
			if rx == 1 {
				x, y = s-1-x%s, s-1-y%s
			}
			x, y = y, x
		}
	}
	return acc
}

func boolBit(b bool) uint64 {
	if b {
		return 1
	}
	return 0
}

// WritePMTiles writes tiles (gzipped MVT, any order; identical tiles are
// stored once) as a clustered PMTiles v3 archive.
func WritePMTiles(w io.Writer, tiles []PMTile, meta PMTilesMeta) error {
	type keyed struct {
		id   uint64
		data []byte
	}
	sorted := make([]keyed, len(tiles))
	for i, t := range tiles {
		sorted[i] = keyed{PMTileID(t.ID), t.Data}
	}
	slices.SortFunc(sorted, func(a, b keyed) int { return cmpU64(a.id, b.id) })
	var data bytes.Buffer
	var entries []pmEntry
	stored := map[string]uint64{} // content → offset in the tile data
	for i, t := range sorted {
		if i > 0 && t.id == sorted[i-1].id {
			return fmt.Errorf("pmtiles: tile %d given twice", t.id)
		}
		off, seen := stored[string(t.data)]
		if !seen {
			off = uint64(data.Len())
			stored[string(t.data)] = off
			data.Write(t.data)
		}
		// A run: the next tile id with the same content extends the last entry.
		if n := len(entries); n > 0 && seen && entries[n-1].offset == off &&
			entries[n-1].id+uint64(entries[n-1].run) == t.id {
			entries[n-1].run++
			continue
		}
		entries = append(entries, pmEntry{id: t.id, offset: off, length: uint32(len(t.data)), run: 1})
	}
	root, leaves, err := pmDirectories(entries)
	if err != nil {
		return err
	}
	metaJSON, err := json.Marshal(meta.Metadata)
	if err != nil {
		return err
	}
	metaGz := gzipBest(metaJSON)

	h := make([]byte, pmHeaderLen)
	copy(h, "PMTiles")
	h[7] = 3
	put := func(at int, v uint64) { binary.LittleEndian.PutUint64(h[at:], v) }
	off := uint64(pmHeaderLen)
	put(8, off) // root directory
	put(16, uint64(len(root)))
	off += uint64(len(root))
	put(24, off) // metadata
	put(32, uint64(len(metaGz)))
	off += uint64(len(metaGz))
	put(40, off) // leaf directories
	put(48, uint64(len(leaves)))
	off += uint64(len(leaves))
	put(56, off) // tile data
	put(64, uint64(data.Len()))
	put(72, uint64(len(sorted)))  // addressed tiles
	put(80, uint64(len(entries))) // tile entries
	put(88, uint64(len(stored)))  // distinct contents
	h[96] = 1                     // clustered: tile data in tile id order
	h[97], h[98], h[99] = pmGzip, pmGzip, pmMVT
	h[100], h[101] = uint8(meta.MinZoom), uint8(meta.MaxZoom)
	e7 := func(at int, deg float64) { binary.LittleEndian.PutUint32(h[at:], uint32(int32(math.Round(deg*1e7)))) }
	e7(102, meta.Bounds[0])
	e7(106, meta.Bounds[1])
	e7(110, meta.Bounds[2])
	e7(114, meta.Bounds[3])
	h[118] = uint8(meta.Center[2])
	e7(119, meta.Center[0])
	e7(123, meta.Center[1])
	for _, part := range [][]byte{h, root, metaGz, leaves, data.Bytes()} {
		if _, err := w.Write(part); err != nil {
			return err
		}
	}
	return nil
}

// pmDirectories serializes the entries as a root directory, split into
// leaf directories when the root alone would not fit the first 16 KB.
func pmDirectories(entries []pmEntry) (root, leaves []byte, err error) {
	if root = pmSerialize(entries); len(root) <= pmRootMax {
		return root, nil, nil
	}
	for size := pmLeafEntries; size <= len(entries)*2; size *= 2 {
		var ptrs []pmEntry
		var lv bytes.Buffer
		for i := 0; i < len(entries); i += size {
			leaf := pmSerialize(entries[i:min(i+size, len(entries))])
			ptrs = append(ptrs, pmEntry{id: entries[i].id, offset: uint64(lv.Len()), length: uint32(len(leaf))})
			lv.Write(leaf)
		}
		if root = pmSerialize(ptrs); len(root) <= pmRootMax {
			return root, lv.Bytes(), nil
		}
	}
	return nil, nil, fmt.Errorf("pmtiles: %d entries do not fit a two-level directory", len(entries))
}

// pmSerialize writes a directory: the count, then id deltas, run lengths,
// lengths and offsets (0: right after the previous entry), as varints, gzipped.
func pmSerialize(entries []pmEntry) []byte {
	var b []byte
	b = binary.AppendUvarint(b, uint64(len(entries)))
	last := uint64(0)
	for _, e := range entries {
		b = binary.AppendUvarint(b, e.id-last)
		last = e.id
	}
	for _, e := range entries {
		b = binary.AppendUvarint(b, uint64(e.run))
	}
	for _, e := range entries {
		b = binary.AppendUvarint(b, uint64(e.length))
	}
	for i, e := range entries {
		if i > 0 && e.offset == entries[i-1].offset+uint64(entries[i-1].length) {
			b = binary.AppendUvarint(b, 0)
		} else {
			b = binary.AppendUvarint(b, e.offset+1)
		}
	}
	return gzipBest(b)
}

func gzipBest(b []byte) []byte {
	var out bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&out, gzip.BestCompression)
	_, _ = zw.Write(b)
	_ = zw.Close()
	return out.Bytes()
}

func cmpU64(a, b uint64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
