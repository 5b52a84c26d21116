package main

import (
	"bytes"
	"strings"
	"testing"
)

// A bad --basemap (or PLANMAP_BASEMAP) stops serve before it listens, with a
// message that names the setting; a Tianditu preset without its key too.
func TestServeBasemapFlag(t *testing.T) {
	t.Setenv("PLANMAP_TIANDITU_KEY", "")
	for args, want := range map[string]string{
		"--basemap tianditu":     "--basemap",
		"--basemap tianditu-vec": "PLANMAP_TIANDITU_KEY",
	} {
		var out, errb bytes.Buffer
		code := run(append([]string{"serve", "--addr", "127.0.0.1:0"}, strings.Fields(args)...), &out, &errb)
		if code == 0 || !strings.Contains(errb.String(), want) {
			t.Errorf("serve %s: exit %d, %q; want an error naming %s", args, code, errb.String(), want)
		}
	}
	t.Setenv("PLANMAP_BASEMAP", "not-a-basemap")
	var out, errb bytes.Buffer
	if code := run([]string{"serve", "--addr", "127.0.0.1:0"}, &out, &errb); code == 0 || !strings.Contains(errb.String(), "not-a-basemap") {
		t.Errorf("PLANMAP_BASEMAP=not-a-basemap: exit %d, %q", code, errb.String())
	}
}
