package geo

import (
	"cmp"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/mozillazg/go-pinyin"
	"github.com/paulmach/orb"
)

// Normalize folds a name for matching: full-width ASCII to half-width,
// lower case, runs of space to one. Both stores match on this form.
func Normalize(s string) string {
	var b strings.Builder
	space := false
	for _, r := range strings.TrimSpace(s) {
		switch {
		case r >= 0xFF01 && r <= 0xFF5E:
			r -= 0xFEE0
		case r == 0x3000:
			r = ' '
		}
		if unicode.IsSpace(r) {
			if !space {
				b.WriteByte(' ')
			}
			space = true
			continue
		}
		space = false
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

// placeReadings are the readings a place name takes where the pinyin
// dictionary's first reading is another: 长江 is cháng, 黄陂 is pí, 蔡甸 diàn.
var placeReadings = map[rune]string{'长': "chang", '陂': "pi", '甸': "dian", '蔡': "cai", '厦': "xia", '重': "chong", '乐': "le"}

var pinyinArgs = pinyin.NewArgs() // toneless, first reading

// syllables spells s as words: each Han character as its toneless pinyin
// syllable (with placeReadings), each run of Latin letters or digits as one
// word; everything else separates words.
func syllables(s string) (words []string, han bool) {
	var run strings.Builder
	flush := func() {
		if run.Len() > 0 {
			words = append(words, run.String())
			run.Reset()
		}
	}
	for _, r := range s {
		switch {
		case unicode.Is(unicode.Han, r):
			flush()
			han = true
			if p := reading(r); p != "" {
				words = append(words, p)
			}
		case r < utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			run.WriteRune(unicode.ToLower(r))
		default:
			flush()
		}
	}
	flush()
	return words, han
}

// readings remembers each Han character's syllable (or "" for none):
// go-pinyin styles every lookup with regular expressions, which cost a load
// of 200,000 names two seconds; a name set has a few thousand characters.
var readings sync.Map

// reading is r's toneless syllable, placeReadings first.
func reading(r rune) string {
	if p, ok := readings.Load(r); ok {
		return p.(string)
	}
	p, ok := placeReadings[r]
	if !ok {
		if ps := pinyin.SinglePinyin(r, pinyinArgs); len(ps) > 0 {
			p = ps[0]
		}
	}
	readings.Store(r, p)
	return p
}

// Pinyin is the compact Latin key of a name: Han characters as toneless
// pinyin, Latin letters and digits as they are, nothing else: 光谷 and 光古
// are both "guanggu", "Guang Gu" too.
func Pinyin(s string) string {
	w, _ := syllables(s)
	return strings.Join(w, "")
}

// Initials is the first letters of a Han name's syllables (光谷副城 "ggfc"),
// with numbers kept whole; "" for a name without Han.
func Initials(s string) string {
	w, han := syllables(s)
	if !han {
		return ""
	}
	var b strings.Builder
	for _, x := range w {
		if x[0] >= '0' && x[0] <= '9' {
			b.WriteString(x)
		} else {
			b.WriteByte(x[0])
		}
	}
	return b.String()
}

// Search keys are the forms a name is matched on, one per line in the
// PostGIS search column: "t" the normalised text, "p" its pinyin key, "i" its initials.
const (
	KeyText     = 't'
	KeyPinyin   = 'p'
	KeyInitials = 'i'
)

// SearchKeys lists the keys of names, each its form's letter then the key,
// without repeats. Both stores match on these and nothing else.
func SearchKeys(names ...string) []string {
	var keys []string
	add := func(form byte, k string) {
		if k != "" && !slices.Contains(keys, string(form)+k) {
			keys = append(keys, string(form)+k)
		}
	}
	for _, n := range names {
		n = Normalize(n)
		add(KeyText, n)
		add(KeyPinyin, Pinyin(n))
		add(KeyInitials, Initials(n))
	}
	return keys
}

// SearchNames lists the names of a feature that search matches: Chinese,
// English and the plan's own spelling where it differs; aliases come from
// the dataset (Alias) and are added by the store.
func SearchNames(f Feature) []string {
	names := []string{f.NameZH, f.NameEN}
	if s, ok := f.Extra["name_plan"].(string); ok && s != "" {
		names = append(names, s)
	}
	return names
}

// Alias is another name of a plan feature or a place — a short or common
// name, or a common English form — with where it comes from.
type Alias struct {
	Name   string `json:"name"`
	Target string `json:"target"` // a feature's or a place's id
	Source string `json:"source"`
}

// Place is a real place of the gazetteer (a road, a station, a landmark, a
// lake, a river), searchable so that a resident can ask what is planned near it.
type Place struct {
	ID       string
	NameZH   string
	NameEN   string
	Kind     string
	District string
	Source   string
	Point    orb.Point
}

// Match tiers, best first. Exact beats prefix, as typed or in pinyin; a
// name typed as it is written beats the same in pinyin.
const (
	TierExact        = iota // the name as typed
	TierPinyinExact         // the name in pinyin or its initials, or a homophone (光古 for 光谷)
	TierPrefix              // the name starts with the query
	TierPinyinPrefix        // the name's pinyin or initials start with the query's pinyin
	TierSubstring           // the name contains the query
	TierFuzzy               // a Latin query of four or more letters one edit from the start of a pinyin or English name
	NoMatch          = -1
)

// NameQuery is a search text prepared once for matching many names.
type NameQuery struct {
	Text   string // normalised
	Pinyin string // compact pinyin key
	Latin  bool   // no Han in the text: initials and typos are tried
}

// NewNameQuery prepares a search text; ok is false when nothing in it can match.
func NewNameQuery(s string) (NameQuery, bool) {
	q := NameQuery{Text: Normalize(s)}
	q.Pinyin = Pinyin(q.Text)
	w, han := syllables(q.Text)
	q.Latin = !han && len(w) > 0
	return q, q.Text != ""
}

// PinyinExact is the tier of a name whose pinyin or initials are the query's:
// for a Latin query that is the name as typed (tianhejichang is 天河机场 as
// much as a station's English name Tianhejichang is); for a Han query a homophone.
func (q NameQuery) PinyinExact() int {
	if q.Latin {
		return TierExact
	}
	return TierPinyinExact
}

// Fuzzy reports whether typos are tried: Latin queries of four or more letters.
func (q NameQuery) Fuzzy() bool { return q.Latin && len(q.Pinyin) >= 4 }

// Rank is the best tier at which q matches any of keys (from SearchKeys), or NoMatch.
func (q NameQuery) Rank(keys []string) int {
	best := NoMatch
	better := func(t int) {
		if best == NoMatch || t < best {
			best = t
		}
	}
	for _, k := range keys {
		if k == "" {
			continue
		}
		form, key := k[0], k[1:]
		switch form {
		case KeyText:
			switch {
			case key == q.Text:
				better(TierExact)
			case strings.HasPrefix(key, q.Text):
				better(TierPrefix)
			case containsAtStart(key, q.Text):
				better(TierSubstring)
			}
		case KeyPinyin, KeyInitials:
			if q.Pinyin == "" || form == KeyInitials && !q.Latin {
				continue
			}
			switch {
			case key == q.Pinyin:
				better(q.PinyinExact())
			case strings.HasPrefix(key, q.Pinyin):
				better(TierPinyinPrefix)
			case form == KeyPinyin && q.Fuzzy() && fuzzyPrefix(q.Pinyin, key):
				better(TierFuzzy)
			}
		}
	}
	return best
}

// containsAtStart reports whether key holds q at a word's start: where a Han
// character or other non-Latin rune begins, or after one. "阳逻" is in
// "新阳逻码头" and "port" in "yangluo port", but "angluo" is in neither.
func containsAtStart(key, q string) bool {
	for i := 1; i < len(key); i++ {
		if utf8.RuneStart(key[i]) && SubstringStart(key, i) && strings.HasPrefix(key[i:], q) {
			return true
		}
	}
	return false
}

// SubstringStart reports whether a substring match may start at byte i>0 of
// key: at a rune that is not a Latin letter or digit, or after one, and not at a space.
func SubstringStart(key string, i int) bool {
	r, _ := utf8.DecodeRuneInString(key[i:])
	prev, _ := utf8.DecodeLastRuneInString(key[:i])
	return r != ' ' && (!alnum(r) || !alnum(prev))
}

func alnum(r rune) bool { return r < utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r)) }

// fuzzyPrefix reports whether some prefix of key is within one edit
// (insertion, deletion, substitution or swap of neighbours) of q.
func fuzzyPrefix(q, key string) bool {
	for n := len(q) - 1; n <= len(q)+1; n++ {
		if n > 0 && n <= len(key) && oneEdit(q, key[:n]) {
			return true
		}
	}
	return false
}

// oneEdit reports whether a and b (ASCII) are at most one edit apart.
func oneEdit(a, b string) bool {
	if len(a) > len(b) {
		a, b = b, a
	}
	i := 0
	for i < len(a) && a[i] == b[i] {
		i++
	}
	switch len(b) - len(a) {
	case 0:
		if i == len(a) || a[i+1:] == b[i+1:] {
			return true
		}
		return i+1 < len(a) && a[i] == b[i+1] && a[i+1] == b[i] && a[i+2:] == b[i+2:]
	case 1:
		return a[i:] == b[i+1:]
	}
	return false
}

// Typos lists the strings one edit from the query's pinyin key (a letter
// left out, changed, added or swapped with its neighbour), sorted: a name
// matches at TierFuzzy when its pinyin key begins with one of them, so a
// store finds typos as prefixes of its sorted keys.
func (q NameQuery) Typos() []string { return q.TyposWithin(len(q.Pinyin)) }

// TyposWithin lists the Typos whose edit is at byte n or before, which are
// those that begin with no more of the pinyin key than its first n bytes: if
// no key begins with the first n+1, no other typo can begin a key.
func (q NameQuery) TyposWithin(n int) []string {
	const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789" // what a pinyin key is made of
	p := q.Pinyin
	out := make([]string, 0, len(p)*(2*len(alphabet)+2)+len(alphabet))
	for i := 0; i <= min(n, len(p)); i++ {
		for _, c := range []byte(alphabet) {
			out = append(out, p[:i]+string(c)+p[i:])
			if i < len(p) && c != p[i] {
				out = append(out, p[:i]+string(c)+p[i+1:])
			}
		}
		if i < len(p) {
			out = append(out, p[:i]+p[i+1:])
		}
		if i+1 < len(p) && p[i] != p[i+1] {
			out = append(out, p[:i]+string(p[i+1])+string(p[i])+p[i+2:])
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// FuzzyProbes are two pieces of a fuzzy query one of which every name
// within one edit of it contains unchanged, so a store can find candidates
// by substring before ranking them.
func (q NameQuery) FuzzyProbes() []string {
	h := len(q.Pinyin) / 2
	return []string{q.Pinyin[:h], q.Pinyin[h+1:]}
}

// PlaceLayers are the base map's layers of roads and stations: the gazetteer
// holds the same places (SearchPlaces), so a search for features leaves them
// out unless asked, and they are not listed as plan elements.
var PlaceLayers = []string{"base-roads", "base-rail-stations"}

// SearchLayers lists the layers a search for features looks in by default:
// all but PlaceLayers.
func SearchLayers(layers []Layer) []string {
	ids := []string{}
	for _, l := range layers {
		if !slices.Contains(PlaceLayers, l.ID) {
			ids = append(ids, l.ID)
		}
	}
	return ids
}

// Hit is a feature that matched, with what orders it among the others.
type Hit struct {
	Feature
	Tier  int
	Order int // the layer's display order
}

// Yields reports whether a feature gives way to another of the same tier: a
// metro station is named after the place it serves, so the place's own plan
// element comes first.
func Yields(f Feature) bool { return f.Kind == YieldingKind }

// YieldingKind is the kind of feature that Yields.
const YieldingKind = "metro_station"

// CompareHits orders hits: tier, then a metro station after the rest, then
// shorter Chinese name, then layer order, then id.
func CompareHits(a, b Hit) int {
	return cmp.Or(cmp.Compare(a.Tier, b.Tier), compareBool(Yields(a.Feature), Yields(b.Feature)),
		cmp.Compare(utf8.RuneCountInString(a.NameZH), utf8.RuneCountInString(b.NameZH)),
		cmp.Compare(a.Order, b.Order), strings.Compare(a.ID, b.ID))
}

// PlaceHit is a place that matched.
type PlaceHit struct {
	Place
	Tier int
}

// ComparePlaces orders place hits: tier, shorter Chinese name, id.
func ComparePlaces(a, b PlaceHit) int {
	return cmp.Or(cmp.Compare(a.Tier, b.Tier),
		cmp.Compare(utf8.RuneCountInString(a.NameZH), utf8.RuneCountInString(b.NameZH)), strings.Compare(a.ID, b.ID))
}

func compareBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return 1
	}
	return -1
}
