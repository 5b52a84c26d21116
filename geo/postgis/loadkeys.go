package postgis

import (
	"context"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"

	"planmap/geo"
)

// firstKeys gathers the search keys of a first load — the table is empty,
// so every feature it copies is an insert — as the features are copied,
// sorts them in Go while the database writes the features, and copies them
// into search_keys in key order. The database then neither unnests nor
// sorts millions of rows (that sort, spilled to disk, was the largest step
// of a first load). A key is a slice of its feature's search column, so the
// keys cost about 24 bytes each beside it.
type firstKeys struct {
	feats  []keyFeature
	keys   []searchKey
	intern map[string]string
	sorted chan struct{}
}

// keyFeature is what search_keys repeats of a feature beside each key.
type keyFeature struct {
	id, layer, kind string
	namelen         int32
}

type searchKey struct {
	key  string
	feat int32
	form byte
}

func newFirstKeys() *firstKeys {
	return &firstKeys{intern: map[string]string{}, sorted: make(chan struct{})}
}

// add takes the keys of one copied feature and its search column.
func (k *firstKeys) add(f geo.Feature, search string) {
	i := int32(len(k.feats))
	k.feats = append(k.feats, keyFeature{id: f.ID, layer: k.once(f.Layer), kind: k.once(f.Kind),
		namelen: int32(utf8.RuneCountInString(f.NameZH))})
	eachSearchKey(search, func(form byte, key string) {
		k.keys = append(k.keys, searchKey{key: key, feat: i, form: form})
	})
}

// once keeps one copy of the few layer and kind names many features share.
func (k *firstKeys) once(s string) string {
	if v, ok := k.intern[s]; ok {
		return v
	}
	k.intern[s] = s
	return s
}

// sort orders the keys as the B-tree does (COLLATE "C": by bytes), in a
// goroutine of its own; copy waits for it.
func (k *firstKeys) sort() {
	go func() {
		defer close(k.sorted)
		slices.SortFunc(k.keys, func(a, b searchKey) int { return strings.Compare(a.key, b.key) })
	}()
}

// copy writes the sorted keys into search_keys.
func (k *firstKeys) copy(ctx context.Context, tx pgx.Tx) error {
	<-k.sorted
	i := 0
	_, err := tx.CopyFrom(ctx, pgx.Identifier{"search_keys"}, []string{"key", "form", "id", "layer", "kind", "namelen"},
		pgx.CopyFromFunc(func() ([]any, error) {
			if i == len(k.keys) {
				return nil, nil
			}
			key := k.keys[i]
			f := &k.feats[key.feat]
			i++
			return []any{key.key, key.form, f.id, f.layer, f.kind, f.namelen}, nil
		}))
	return err
}

// eachSearchKey yields the rows search_key_rows (migration 0022) makes of a
// search column, each as its form and key: every line longer than its form
// and at most 2,001 bytes, and for a text line ("t") an "s" key for each
// start past the first character where geo.SubstringStart allows a match;
// no row twice. A load works them out here, beside parsing, rather than in
// the database (migration 0024).
func eachSearchKey(search string, yield func(form byte, key string)) {
	type row struct {
		form byte
		key  string
	}
	var seen []row
	add := func(form byte, key string) {
		r := row{form, key}
		if !slices.Contains(seen, r) {
			seen = append(seen, r)
			yield(form, key)
		}
	}
	for line := range strings.SplitSeq(search, "\n") {
		if len(line) > 2001 || utf8.RuneCountInString(line) < 2 {
			continue
		}
		add(line[0], line[1:])
		if line[0] != geo.KeyText {
			continue
		}
		key := line[1:]
		_, first := utf8.DecodeRuneInString(key)
		for i := range key[first:] {
			if geo.SubstringStart(key, first+i) {
				add('s', key[first+i:])
			}
		}
	}
}

// searchKeyRows lists eachSearchKey's rows as the form followed by the key.
func searchKeyRows(search string) []string {
	var out []string
	eachSearchKey(search, func(form byte, key string) { out = append(out, string([]byte{form})+key) })
	return out
}
