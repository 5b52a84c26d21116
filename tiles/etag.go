package tiles

import "strings"

// NoneMatch reports whether an If-None-Match header value matches etag, in
// which case a GET should be answered 304. It uses the weak comparison RFC
// 9110 §13.1.2 prescribes for If-None-Match (W/ prefixes ignored), accepts
// lists and "*", and treats a malformed header as not matching so the client
// simply gets the full tile.
func NoneMatch(header, etag string) bool {
	header = strings.TrimSpace(header)
	if header == "" || etag == "" {
		return false
	}
	if header == "*" {
		return true
	}
	want := opaque(etag)
	for s := header; ; {
		s = strings.TrimLeft(s, " \t,")
		if s == "" {
			return false
		}
		s = strings.TrimPrefix(s, "W/")
		if s == "" || s[0] != '"' {
			return false
		}
		end := strings.IndexByte(s[1:], '"')
		if end < 0 {
			return false
		}
		tag := s[:end+2]
		if tag == want {
			return true
		}
		s = s[end+2:]
		s = strings.TrimLeft(s, " \t")
		if s != "" && s[0] != ',' {
			return false
		}
	}
}

// opaque strips a weak prefix so both sides compare as opaque tags.
func opaque(tag string) string { return strings.TrimPrefix(tag, "W/") }
