package postgis

import (
	"container/heap"
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
// of a first load). A key is kept as where it lies in its feature's search
// column, 16 bytes, in blocks that are sorted each and merged as they are
// copied: no array is grown by doubling or sorted whole.
type firstKeys struct {
	feats  []keyFeature
	blocks [][]searchKey
	names  []string       // layers and kinds, which many features share
	index  map[string]int // into names
	sorted chan struct{}
	aside  *keysAside // when not nil, the keys are being written aside
}

// keyFeature is what search_keys repeats of a feature beside each key.
type keyFeature struct {
	id, search  string
	namelen     int32
	layer, kind uint32 // into firstKeys.names
}

// searchKey is search[start:end] of feature feat, with its form.
type searchKey struct {
	feat, start, end uint32
	form             byte
}

// keyBlock is how many keys a block holds (a variable so that tests can
// merge many blocks of small data).
var keyBlock = 1 << 16

func newFirstKeys() *firstKeys {
	return &firstKeys{index: map[string]int{}, sorted: make(chan struct{})}
}

// add takes the keys of one copied feature and its search column.
func (k *firstKeys) add(f geo.Feature, search string) {
	i := uint32(len(k.feats))
	k.feats = append(k.feats, keyFeature{id: f.ID, search: search, layer: k.name(f.Layer), kind: k.name(f.Kind),
		namelen: int32(utf8.RuneCountInString(f.NameZH))})
	eachSearchKey(search, func(form byte, start, end int) {
		if n := len(k.blocks); n == 0 || len(k.blocks[n-1]) == keyBlock {
			k.blocks = append(k.blocks, make([]searchKey, 0, keyBlock))
		}
		b := &k.blocks[len(k.blocks)-1]
		*b = append(*b, searchKey{feat: i, start: uint32(start), end: uint32(end), form: form})
	})
}

func (k *firstKeys) name(s string) uint32 {
	i, ok := k.index[s]
	if !ok {
		i = len(k.names)
		k.index[s] = i
		k.names = append(k.names, s)
	}
	return uint32(i)
}

func (k *firstKeys) key(s searchKey) string { return k.feats[s.feat].search[s.start:s.end] }

// sort orders each block as the B-tree does (COLLATE "C": by bytes), in a
// goroutine of its own; copy waits for it.
func (k *firstKeys) sort() {
	go func() {
		defer close(k.sorted)
		for _, b := range k.blocks {
			slices.SortFunc(b, func(x, y searchKey) int { return strings.Compare(k.key(x), k.key(y)) })
		}
	}()
}

// write puts the keys into search_keys: those built aside, or a copy.
func (k *firstKeys) write(ctx context.Context, tx pgx.Tx) error {
	if k.aside != nil {
		if built, err := k.aside.place(ctx, tx); built || err != nil {
			return err
		}
	}
	return k.copy(ctx, tx, "search_keys")
}

// builtAside tells whether the keys are built aside (loadaside.go).
func (k *firstKeys) builtAside() bool { return k != nil && k.aside != nil }

// copy writes the keys into table (search_keys or one shaped like it) in
// key order.
func (k *firstKeys) copy(ctx context.Context, tx pgx.Tx, table string) error {
	next := k.inOrder()
	_, err := tx.CopyFrom(ctx, pgx.Identifier{table}, []string{"key", "form", "id", "layer", "kind", "namelen"},
		pgx.CopyFromFunc(func() ([]any, error) {
			key, ok := next()
			if !ok {
				return nil, nil
			}
			f := &k.feats[key.feat]
			return []any{k.key(key), key.form, f.id, k.names[f.layer], k.names[f.kind], f.namelen}, nil
		}))
	return err
}

// inOrder waits for sort and then merges the sorted blocks: each call
// gives the next key in key order, false after the last.
func (k *firstKeys) inOrder() func() (searchKey, bool) {
	<-k.sorted
	h := &keyHeap{k: k}
	for _, b := range k.blocks {
		if len(b) > 0 {
			h.blocks = append(h.blocks, b)
		}
	}
	heap.Init(h)
	return func() (searchKey, bool) {
		if h.Len() == 0 {
			return searchKey{}, false
		}
		key := h.blocks[0][0]
		if h.blocks[0] = h.blocks[0][1:]; len(h.blocks[0]) == 0 {
			heap.Pop(h)
		} else {
			heap.Fix(h, 0)
		}
		return key, true
	}
}

// keyHeap holds the rest of each sorted block, the block with the least
// next key first.
type keyHeap struct {
	k      *firstKeys
	blocks [][]searchKey
}

func (h *keyHeap) Len() int { return len(h.blocks) }
func (h *keyHeap) Less(i, j int) bool {
	return h.k.key(h.blocks[i][0]) < h.k.key(h.blocks[j][0])
}
func (h *keyHeap) Swap(i, j int) { h.blocks[i], h.blocks[j] = h.blocks[j], h.blocks[i] }
func (h *keyHeap) Push(x any)    { h.blocks = append(h.blocks, x.([]searchKey)) }
func (h *keyHeap) Pop() any {
	b := h.blocks[len(h.blocks)-1]
	h.blocks = h.blocks[:len(h.blocks)-1]
	return b
}

// eachSearchKey yields the rows search_key_rows (migration 0022) makes of a
// search column, each as its form and where its key lies in search: every
// line longer than its form and at most 2,001 bytes, and for a text line
// ("t") an "s" key for each start past the first character where
// geo.SubstringStart allows a match; no row twice. A load works them out
// here, beside parsing, rather than in the database (migration 0024).
func eachSearchKey(search string, yield func(form byte, start, end int)) {
	type row struct {
		form byte
		key  string
	}
	var seen []row
	add := func(form byte, start, end int) {
		r := row{form, search[start:end]}
		if !slices.Contains(seen, r) {
			seen = append(seen, r)
			yield(form, start, end)
		}
	}
	for at := 0; at <= len(search); {
		end := strings.IndexByte(search[at:], '\n')
		if end < 0 {
			end = len(search)
		} else {
			end += at
		}
		line := search[at:end]
		if len(line) <= 2001 && utf8.RuneCountInString(line) >= 2 {
			add(line[0], at+1, end)
			if line[0] == geo.KeyText {
				key := line[1:]
				_, first := utf8.DecodeRuneInString(key)
				for i := range key[first:] {
					if geo.SubstringStart(key, first+i) {
						add('s', at+1+first+i, end)
					}
				}
			}
		}
		at = end + 1
	}
}

// searchKeyRows lists eachSearchKey's rows as the form followed by the key.
func searchKeyRows(search string) []string {
	var out []string
	eachSearchKey(search, func(form byte, start, end int) { out = append(out, string([]byte{form})+search[start:end]) })
	return out
}
