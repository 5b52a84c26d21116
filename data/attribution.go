package data

import (
	"bufio"
	"bytes"
	"strings"
	"sync"
)

// Attribution is the credit line the map shows, read from the list under
// "attribution:" in SOURCES.md so that the licences have one home.
var Attribution = sync.OnceValue(func() string {
	b, err := embedded.ReadFile("SOURCES.md")
	if err != nil {
		return ""
	}
	var lines []string
	in := false
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "attribution:":
			in = true
		case in && strings.HasPrefix(line, "- "):
			lines = append(lines, strings.TrimPrefix(line, "- "))
		case in:
			return strings.Join(lines, " | ")
		}
	}
	return strings.Join(lines, " | ")
})
