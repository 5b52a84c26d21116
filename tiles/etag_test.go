package tiles

import "testing"

func TestNoneMatch(t *testing.T) {
	tag := `"0123456789abcdef0123456789abcdef"`
	cases := []struct {
		header string
		want   bool
	}{
		{tag, true},
		{"W/" + tag, true}, // weak comparison for If-None-Match
		{`"other", ` + tag, true},
		{`"other",W/` + tag + ` , "x"`, true},
		{`  *  `, true},
		{"", false},
		{`"other"`, false},
		{`"0123456789abcdef0123456789abcdeF"`, false}, // opaque tags compare byte for byte
		{`0123456789abcdef0123456789abcdef`, false},   // unquoted is malformed
		{`"a,b", ` + tag, true},                       // comma inside a tag
		{`"a,b"`, false},
		{`"unterminated`, false},
		{`"x" junk ` + tag, false},
		{`W/`, false},
		{`,,, ` + tag, true},
	}
	for _, c := range cases {
		if got := NoneMatch(c.header, tag); got != c.want {
			t.Errorf("NoneMatch(%q) = %v, want %v", c.header, got, c.want)
		}
	}
	if !NoneMatch(tag, "W/"+tag) {
		t.Error("our own weak tag should match too")
	}
	if NoneMatch(tag, "") {
		t.Error("no current tag matches nothing")
	}
}
