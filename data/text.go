package data

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// A dataset is UTF-8 JSON (RFC 8259). Go's JSON decoders would quietly turn
// bytes that are not UTF-8 into U+FFFD, so that 汉阳 saved as GBK is stored
// as "���", and reject a byte order mark as "expected a JSON object": both
// are found here and named for what they are.

var bom = []byte{0xEF, 0xBB, 0xBF}

const bomProblem = "starts with a UTF-8 byte order mark (BOM), which JSON does not allow: save the file as UTF-8 without BOM"

// notUTF8 is the error of a file with a byte that is not UTF-8.
type notUTF8 struct{ offset int64 }

func (e *notUTF8) Error() string {
	return fmt.Sprintf("is not UTF-8 text: byte %d starts no UTF-8 character (was the file saved as GBK or Latin-1?)", e.offset)
}

// textProblem names what keeps b, a whole small file, from being JSON text
// by its encoding, or "".
func textProblem(b []byte) string {
	if bytes.HasPrefix(b, bom) {
		return bomProblem
	}
	if !utf8.Valid(b) {
		return (&notUTF8{invalidAt(b, 0)}).Error()
	}
	return ""
}

// invalidAt is the offset (counting from base) of the first byte of b that
// begins no valid UTF-8 character, or -1.
func invalidAt(b []byte, base int64) int64 {
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n <= 1 {
			return base + int64(i)
		}
		i += n
	}
	return -1
}

// utf8Reader passes a stream through and fails with *notUTF8 at its first
// byte that is not UTF-8, so a layer of half a million features is checked
// as it is decoded rather than read twice. A character split between two
// reads is checked once both halves are in.
type utf8Reader struct {
	r    io.Reader
	off  int64  // bytes passed before this read
	tail []byte // the start of a character the last read ended inside
	bad  *notUTF8
}

// Read fails with *notUTF8, kept in u.bad too: a JSON decoder may report a
// reader's error as a syntax error of its own.
func (u *utf8Reader) Read(p []byte) (int, error) {
	if u.bad != nil {
		return 0, u.bad
	}
	n, err := u.read(p)
	if e, ok := err.(*notUTF8); ok {
		u.bad = e
	}
	return n, err
}

func (u *utf8Reader) read(p []byte) (int, error) {
	n, err := u.r.Read(p)
	b := p[:n]
	i := 0
	// Finish the character the last read began.
	for len(u.tail) > 0 && i < len(b) && !utf8.FullRune(u.tail) {
		u.tail = append(u.tail, b[i])
		i++
	}
	if len(u.tail) > 0 && utf8.FullRune(u.tail) {
		if r, size := utf8.DecodeRune(u.tail); r == utf8.RuneError && size <= 1 {
			return 0, &notUTF8{u.off - int64(len(u.tail)-i)}
		}
		u.tail = u.tail[:0]
	}
	// Hold back a character this read ends inside.
	j := len(b)
	for k := len(b) - 1; k >= i && k >= len(b)-utf8.UTFMax; k-- {
		if utf8.RuneStart(b[k]) {
			if !utf8.FullRune(b[k:]) {
				j = k
			}
			break
		}
	}
	if !utf8.Valid(b[i:j]) {
		return 0, &notUTF8{invalidAt(b[i:j], u.off+int64(i))}
	}
	u.tail = append(u.tail, b[j:]...)
	u.off += int64(n)
	if err == io.EOF && len(u.tail) > 0 {
		return 0, &notUTF8{u.off - int64(len(u.tail))}
	}
	return n, err
}

// nulText names the layer texts (name, value pairs) that hold a NUL, which
// PostgreSQL cannot store.
func nulText(fields ...string) []string {
	var out []string
	for i := 0; i+1 < len(fields); i += 2 {
		if strings.ContainsRune(fields[i+1], 0) {
			out = append(out, fields[i]+" contains a NUL character (U+0000), which PostgreSQL cannot store")
		}
	}
	return out
}
