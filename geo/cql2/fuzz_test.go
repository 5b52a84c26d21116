package cql2

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

func seeds(f *testing.F, glob string) {
	paths, _ := filepath.Glob(glob)
	for _, p := range paths {
		b, _ := os.ReadFile(p)
		f.Add(string(b))
	}
}

// FuzzText: the text parser never panics, and what it reads survives being
// written as CQL2 JSON and read back.
func FuzzText(f *testing.F) {
	seeds(f, "testdata/examples/text/*.txt")
	f.Fuzz(func(t *testing.T, s string) {
		e, err := ParseText(s)
		if err != nil {
			if _, ok := err.(*SyntaxError); !ok {
				t.Fatalf("%q: error %T", s, err)
			}
			return
		}
		j, err := JSON(e)
		if err != nil {
			return // a NaN or infinite number has no JSON
		}
		back, err := ParseJSON(string(j))
		if err != nil || !reflect.DeepEqual(e, back) {
			t.Fatalf("%q: written as %s, read back %v", s, j, err)
		}
	})
}

// FuzzJSON: the JSON parser never panics and errs only with a SyntaxError.
func FuzzJSON(f *testing.F) {
	seeds(f, "testdata/examples/json/*.json")
	f.Fuzz(func(t *testing.T, s string) {
		if _, err := ParseJSON(s); err != nil {
			if _, ok := err.(*SyntaxError); !ok {
				t.Fatalf("%q: error %T", s, err)
			}
		}
	})
}
