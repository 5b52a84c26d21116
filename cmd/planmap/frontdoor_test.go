package main

import (
	"bytes"
	"strings"
	"testing"
)

// A bad front-door flag stops serve with an error that names it, before
// anything listens.
func TestFrontDoorFlags(t *testing.T) {
	for _, c := range [][]string{
		{"--trusted-proxies", "10.0.0.0/33"}, {"--public-url", "ftp://plan.example.org"},
		{"--allowed-hosts", "https://plan.example.org"}, {"--max-heavy", "-1"}, {"--database-read-url", "mysql://replica"},
	} {
		var stderr bytes.Buffer
		if code := run(append([]string{"serve", "--addr", "127.0.0.1:0"}, c...), &stderr, &stderr); code != 1 ||
			!strings.Contains(stderr.String(), strings.TrimLeft(c[0], "-")) || !strings.Contains(stderr.String(), c[1]) {
			t.Errorf("serve %v: exit %d, %q; want 1 and an error naming the flag and value", c, code, stderr.String())
		}
	}
}
