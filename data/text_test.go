package data

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/fstest"
	"testing/iotest"
	"unicode/utf8"

	"github.com/paulmach/orb/geojson"
)

// TestEncodingProblems: a layer file or layers.json that is not UTF-8 JSON
// text is rejected by name, with the file and what to do, never read as
// "���" or reported as "expected a JSON object".
func TestEncodingProblems(t *testing.T) {
	gbk := []byte{0xBA, 0xBA, 0xD1, 0xF4} // 汉阳 in GBK
	cases := []struct {
		name, file string
		edit       func([]byte) []byte
		want       string
	}{
		{"BOM in a layer", LayerFile("ports"), func(b []byte) []byte { return append(append([]byte{}, bom...), b...) }, "byte order mark"},
		{"BOM in layers.json", "layers.json", func(b []byte) []byte { return append(append([]byte{}, bom...), b...) }, "byte order mark"},
		{"GBK in a layer", LayerFile("ports"), func(b []byte) []byte {
			return bytes.Replace(b, []byte("汉南"), gbk, 1)
		}, "is not UTF-8 text: byte"},
		{"GBK in layers.json", "layers.json", func(b []byte) []byte {
			return bytes.Replace(b, []byte("港口"), gbk, 1)
		}, "is not UTF-8 text: byte"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			fsys := broken(t, "ports", "port-hannan", func(*geojson.Feature, *geojson.FeatureCollection) {}).(fstest.MapFS)
			before := fsys[c.file].Data
			fsys[c.file] = &fstest.MapFile{Data: c.edit(before)}
			if bytes.Equal(before, fsys[c.file].Data) {
				t.Fatal("the edit changed nothing")
			}
			_, err := Load(fsys)
			var inv *Invalid
			if !errors.As(err, &inv) {
				t.Fatalf("Load gave %v, want *Invalid", err)
			}
			if msg := err.Error(); !strings.Contains(msg, c.file+": ") || !strings.Contains(msg, c.want) {
				t.Errorf("error should name %s and say %q:\n%s", c.file, c.want, msg)
			}
		})
	}
}

// TestUTF8Reader: every byte offset of a bad byte is found, whether a read
// ends inside a character or not.
func TestUTF8Reader(t *testing.T) {
	text := []byte(strings.Repeat("武汉 wuhan ", 50))
	if _, err := io.ReadAll(&utf8Reader{r: iotest.OneByteReader(bytes.NewReader(text))}); err != nil {
		t.Fatalf("valid text, byte by byte: %v", err)
	}
	for _, bad := range []int{0, 1, 2, 3, 7, 100, len(text) - 1} {
		b := bytes.Clone(text)
		b[bad] = 0xFF
		want := bad // the start of the character the bad byte breaks
		for !utf8.RuneStart(text[want]) {
			want--
		}
		for name, r := range map[string]io.Reader{"whole": bytes.NewReader(b), "byte by byte": iotest.OneByteReader(bytes.NewReader(b)),
			"halves": iotest.HalfReader(bytes.NewReader(b))} {
			_, err := io.ReadAll(&utf8Reader{r: r})
			var e *notUTF8
			if !errors.As(err, &e) || e.offset != int64(want) {
				t.Errorf("0xFF at %d, %s: %v, want byte %d", bad, name, err, want)
			}
		}
	}
	// A file that ends inside a character.
	if _, err := io.ReadAll(&utf8Reader{r: bytes.NewReader(text[:len(text)-9])}); err == nil {
		t.Error("a file cut inside 汉 passed")
	}
}
