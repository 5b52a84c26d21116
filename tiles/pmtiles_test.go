package tiles

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"testing"
)

// The specification's own examples of Hilbert tile ids.
func TestPMTileID(t *testing.T) {
	for _, c := range []struct {
		t  TileID
		id uint64
	}{{TileID{0, 0, 0}, 0}, {TileID{1, 0, 0}, 1}, {TileID{1, 0, 1}, 2}, {TileID{1, 1, 1}, 3}, {TileID{1, 1, 0}, 4},
		{TileID{2, 0, 0}, 5}, {TileID{12, 3423, 1763}, 19078479}} {
		if got := PMTileID(c.t); got != c.id {
			t.Errorf("PMTileID(%v) = %d, want %d", c.t, got, c.id)
		}
	}
	// Every tile of a zoom has its own id, inside the zoom's range.
	seen := map[uint64]bool{}
	for x := uint32(0); x < 16; x++ {
		for y := uint32(0); y < 16; y++ {
			id := PMTileID(TileID{4, x, y})
			if id < 85 || id >= 341 || seen[id] {
				t.Fatalf("4/%d/%d: id %d", x, y, id)
			}
			seen[id] = true
		}
	}
}

// pmRead is a minimal PMTiles reader: the header's fields and every tile.
func pmRead(t *testing.T, b []byte) (map[string]uint64, map[uint64][]byte, map[string]any) {
	t.Helper()
	if string(b[:7]) != "PMTiles" || b[7] != 3 {
		t.Fatalf("not a PMTiles v3 archive: %q", b[:8])
	}
	u := func(at int) uint64 { return binary.LittleEndian.Uint64(b[at:]) }
	h := map[string]uint64{"root": u(8), "rootLen": u(16), "meta": u(24), "metaLen": u(32), "leaves": u(40),
		"leavesLen": u(48), "data": u(56), "dataLen": u(64), "addressed": u(72), "entries": u(80), "contents": u(88),
		"clustered": uint64(b[96]), "internal": uint64(b[97]), "tileComp": uint64(b[98]), "type": uint64(b[99]),
		"minz": uint64(b[100]), "maxz": uint64(b[101])}
	gunzip := func(p []byte) []byte {
		zr, err := gzip.NewReader(bytes.NewReader(p))
		if err != nil {
			t.Fatal(err)
		}
		out, err := io.ReadAll(zr)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	tiles := map[uint64][]byte{}
	var dir func(p []byte)
	dir = func(p []byte) {
		r := bytes.NewReader(gunzip(p))
		n, _ := binary.ReadUvarint(r)
		ids, runs, lens, offs := make([]uint64, n), make([]uint64, n), make([]uint64, n), make([]uint64, n)
		last := uint64(0)
		for i := range ids {
			d, _ := binary.ReadUvarint(r)
			last += d
			ids[i] = last
		}
		for i := range runs {
			runs[i], _ = binary.ReadUvarint(r)
		}
		for i := range lens {
			lens[i], _ = binary.ReadUvarint(r)
		}
		for i := range offs {
			v, _ := binary.ReadUvarint(r)
			if v == 0 && i > 0 {
				offs[i] = offs[i-1] + lens[i-1]
			} else {
				offs[i] = v - 1
			}
		}
		for i := range ids {
			if runs[i] == 0 {
				dir(b[h["leaves"]+offs[i] : h["leaves"]+offs[i]+lens[i]])
				continue
			}
			for k := uint64(0); k < runs[i]; k++ {
				tiles[ids[i]+k] = b[h["data"]+offs[i] : h["data"]+offs[i]+lens[i]]
			}
		}
	}
	if h["root"]+h["rootLen"] > 16384 {
		t.Errorf("root directory ends at %d, past the first 16 KB", h["root"]+h["rootLen"])
	}
	dir(b[h["root"] : h["root"]+h["rootLen"]])
	var meta map[string]any
	if err := json.Unmarshal(gunzip(b[h["meta"]:h["meta"]+h["metaLen"]]), &meta); err != nil {
		t.Fatal(err)
	}
	return h, tiles, meta
}

func TestWritePMTiles(t *testing.T) {
	for _, n := range []int{1, 300, 40000} { // 40,000 tiles need leaf directories
		var in []PMTile
		want := map[uint64][]byte{}
		for i := 0; len(in) < n; i++ {
			z := uint32(14)
			tl := TileID{z, 13000 + uint32(i%200), 6000 + uint32(i/200)}
			data := []byte(fmt.Sprintf("tile %d", i))
			if i%7 == 0 {
				data = []byte("the same sea") // stored once
			}
			in = append(in, PMTile{tl, data})
			want[PMTileID(tl)] = data
		}
		var b bytes.Buffer
		meta := PMTilesMeta{MinZoom: 0, MaxZoom: 14, Bounds: [4]float64{113.7, 29.9, 115.1, 31.4},
			Center: [3]float64{114.3, 30.6, 10}, Metadata: map[string]any{"name": "plan"}}
		if err := WritePMTiles(&b, in, meta); err != nil {
			t.Fatal(err)
		}
		h, got, m := pmRead(t, b.Bytes())
		if len(got) != n || h["addressed"] != uint64(n) || h["maxz"] != 14 || h["clustered"] != 1 || h["tileComp"] != 2 || h["type"] != 1 {
			t.Errorf("%d tiles: read %d, header %v", n, len(got), h)
		}
		if n > 7 && h["contents"] >= uint64(n) {
			t.Errorf("%d tiles: %d contents, the repeated tile was not stored once", n, h["contents"])
		}
		if n == 40000 && h["leavesLen"] == 0 {
			t.Errorf("40,000 tiles without leaf directories")
		}
		for id, d := range want {
			if !bytes.Equal(got[id], d) {
				t.Fatalf("%d tiles: tile %d reads %q, want %q", n, id, got[id], d)
			}
		}
		if m["name"] != "plan" {
			t.Errorf("metadata %v", m)
		}
	}
	if err := WritePMTiles(io.Discard, []PMTile{{TileID{1, 0, 0}, nil}, {TileID{1, 0, 0}, nil}}, PMTilesMeta{}); err == nil {
		t.Error("a tile given twice was accepted")
	}
}
