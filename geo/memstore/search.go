package memstore

import (
	"bytes"
	"context"
	"slices"
	"sort"
	"sync"
	"unicode/utf8"

	"planmap/geo"
)

// nameIndex finds the items (features or places) whose search keys
// (geo.SearchKeys) a query matches, at the tier geo.NameQuery.Rank gives,
// without looking at the others: every key, and every suffix of a text key
// where a substring match may start, sorted, so that each kind of match is
// a prefix range found by binary search. Keys live in one byte arena and
// entries are 12 bytes, so 550,000 features cost about 100 MB.
type nameIndex struct {
	arena []byte
	text  []ikey // text keys and their suffixes
	latin []ikey // pinyin and initials keys
	pool  sync.Pool
}

type ikey struct {
	off  uint32
	item uint32
	n    uint16
	form byte // geo.KeyText, geo.KeyPinyin, geo.KeyInitials, or suffix for a text suffix
}

const suffix = 's'

func (x *nameIndex) key(k ikey) []byte { return x.arena[k.off : k.off+uint32(k.n)] }

// add indexes the names of item.
func (x *nameIndex) add(item int, names []string) {
	for _, k := range geo.SearchKeys(names...) {
		if len(k) > 1+0xffff {
			continue
		}
		off := uint32(len(x.arena))
		x.arena = append(x.arena, k[1:]...)
		e := ikey{off: off, item: uint32(item), n: uint16(len(k) - 1), form: k[0]}
		if e.form != geo.KeyText {
			x.latin = append(x.latin, e)
			continue
		}
		x.text = append(x.text, e)
		key := k[1:]
		for i := 1; i < len(key); i++ {
			if utf8.RuneStart(key[i]) && geo.SubstringStart(key, i) {
				x.text = append(x.text, ikey{off: off + uint32(i), item: uint32(item), n: e.n - uint16(i), form: suffix})
			}
		}
	}
}

func (x *nameIndex) sort() {
	for _, ks := range [][]ikey{x.text, x.latin} {
		slices.SortFunc(ks, func(a, b ikey) int { return bytes.Compare(x.key(a), x.key(b)) })
	}
	x.text, x.latin = slices.Clip(x.text), slices.Clip(x.latin)
}

// prefixed calls fn for each key of ks that starts with p.
func (x *nameIndex) prefixed(ks []ikey, p string, fn func(ikey, bool)) {
	i := sort.Search(len(ks), func(i int) bool { return string(x.key(ks[i])) >= p })
	for ; i < len(ks); i++ {
		k := x.key(ks[i])
		if len(k) < len(p) || string(k[:len(p)]) != p {
			return
		}
		fn(ks[i], len(k) == len(p))
	}
}

// match calls hit with each item that matches q other than by a typo, and
// its tier; an item may come more than once, at different tiers.
func (x *nameIndex) match(q geo.NameQuery, hit func(item uint32, tier int)) {
	x.prefixed(x.text, q.Text, func(k ikey, exact bool) {
		switch {
		case k.form == suffix:
			hit(k.item, geo.TierSubstring)
		case exact:
			hit(k.item, geo.TierExact)
		default:
			hit(k.item, geo.TierPrefix)
		}
	})
	if q.Pinyin == "" {
		return
	}
	x.prefixed(x.latin, q.Pinyin, func(k ikey, exact bool) {
		switch {
		case k.form == geo.KeyInitials && !q.Latin:
		case exact:
			hit(k.item, q.PinyinExact())
		default:
			hit(k.item, geo.TierPinyinPrefix)
		}
	})
}

// matchFuzzy calls hit with each item whose pinyin a typo of q begins,
// at geo.TierFuzzy, the last tier.
func (x *nameIndex) matchFuzzy(q geo.NameQuery, hit func(item uint32, tier int)) {
	if !q.Fuzzy() {
		return
	}
	for _, v := range q.Typos() {
		x.prefixed(x.latin, v, func(k ikey, _ bool) {
			if k.form == geo.KeyPinyin {
				hit(k.item, geo.TierFuzzy)
			}
		})
	}
}

// best collects each item's best tier in a dense array (a map took 10 ms
// for the 100,000 hits of a common prefix) and keeps the first limit items
// in (tier, precedence) order; precedence orders items of one tier.
type best struct {
	tier    []uint8 // 0 not seen, else tier+1
	touched []uint32
	pool    *sync.Pool
}

// newBest takes a cleared best for n items from the index's pool.
func (x *nameIndex) newBest(n int) *best {
	if b, ok := x.pool.Get().(*best); ok {
		return b
	}
	return &best{tier: make([]uint8, n), pool: &x.pool}
}

// done clears what the query touched and returns b for reuse.
func (b *best) done() {
	for _, i := range b.touched {
		b.tier[i] = 0
	}
	b.touched = b.touched[:0]
	b.pool.Put(b)
}

func (b *best) hit(item uint32, tier int) {
	switch t := b.tier[item]; {
	case t == 0:
		b.touched = append(b.touched, item)
		b.tier[item] = uint8(tier + 1)
	case int(t) > tier+1:
		b.tier[item] = uint8(tier + 1)
	}
}

// count is how many items keep has found so far.
func (b *best) count(keep func(uint32) bool) int {
	n := 0
	for _, i := range b.touched {
		if keep(i) {
			n++
		}
	}
	return n
}

func (b *best) top(limit int, prec []uint32, keep func(uint32) bool) []uint32 {
	type ranked struct{ tier, prec, item uint32 }
	less := func(a, c ranked) bool { return a.tier < c.tier || a.tier == c.tier && a.prec < c.prec }
	var out []ranked
	for _, item := range b.touched {
		r := ranked{uint32(b.tier[item]), prec[item], item}
		if len(out) == limit && !less(r, out[len(out)-1]) || !keep(item) {
			continue
		}
		i := sort.Search(len(out), func(i int) bool { return less(r, out[i]) })
		if len(out) < limit {
			out = append(out, ranked{})
		}
		copy(out[i+1:], out[i:])
		out[i] = r
	}
	items := make([]uint32, len(out))
	for i, r := range out {
		items[i] = r.item
	}
	return items
}

// searchIndex is the store's search state, built once in New.
type searchIndex struct {
	features  nameIndex
	feats     []*geo.Feature
	featPrec  []uint32 // each feature's place in geo.CompareHits order within a tier
	places    nameIndex
	placeList []geo.Place
	placePrec []uint32
}

func newSearchIndex(layers []geo.Layer, byLayer map[string][]*geo.Feature, places []geo.Place, aliases map[string][]string) *searchIndex {
	x := &searchIndex{placeList: slices.Clone(places)}
	var hits []geo.Hit
	for _, l := range layers {
		for _, f := range byLayer[l.ID] {
			x.features.add(len(x.feats), append(geo.SearchNames(*f), aliases[f.ID]...))
			x.feats = append(x.feats, f)
			hits = append(hits, geo.Hit{Feature: geo.Feature{ID: f.ID, NameZH: f.NameZH, Kind: f.Kind}, Order: l.Order})
		}
	}
	x.featPrec = precedence(len(hits), func(a, b int) int { return geo.CompareHits(hits[a], hits[b]) })
	x.features.sort()
	for i, p := range x.placeList {
		x.places.add(i, append([]string{p.NameZH, p.NameEN}, aliases[p.ID]...))
	}
	x.placePrec = precedence(len(places), func(a, b int) int {
		return geo.ComparePlaces(geo.PlaceHit{Place: places[a]}, geo.PlaceHit{Place: places[b]})
	})
	x.places.sort()
	return x
}

// precedence numbers n items in the order cmp gives them.
func precedence(n int, cmp func(a, b int) int) []uint32 {
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, cmp)
	prec := make([]uint32, n)
	for p, i := range order {
		prec[i] = uint32(p)
	}
	return prec
}

// Search ranks the features whose names or aliases match (geo.NameQuery.Rank).
func (s *Store) Search(ctx context.Context, q geo.SearchQuery) ([]geo.Feature, error) {
	nq, ok := geo.NewNameQuery(q.Text)
	if !ok || q.Limit <= 0 {
		return nil, nil
	}
	keep := func(i uint32) bool { return len(q.Layers) == 0 || slices.Contains(q.Layers, s.names.feats[i].Layer) }
	b := s.names.features.newBest(len(s.names.feats))
	defer b.done()
	s.names.features.match(nq, b.hit)
	if b.count(keep) == 0 { // typos only when nothing else matches
		s.names.features.matchFuzzy(nq, b.hit)
	}
	items := b.top(q.Limit, s.names.featPrec, keep)
	out := make([]geo.Feature, len(items))
	for i, it := range items {
		out[i] = *s.names.feats[it]
	}
	return out, nil
}

// SearchPlaces ranks the gazetteer's places likewise.
func (s *Store) SearchPlaces(ctx context.Context, q geo.SearchQuery) ([]geo.Place, error) {
	nq, ok := geo.NewNameQuery(q.Text)
	if !ok || q.Limit <= 0 {
		return nil, nil
	}
	b := s.names.places.newBest(len(s.names.placeList))
	defer b.done()
	s.names.places.match(nq, b.hit)
	if len(b.touched) == 0 {
		s.names.places.matchFuzzy(nq, b.hit)
	}
	items := b.top(q.Limit, s.names.placePrec, func(uint32) bool { return true })
	out := make([]geo.Place, len(items))
	for i, it := range items {
		out[i] = s.names.placeList[it]
	}
	return out, nil
}
