package geo

import (
	"sort"
	"strings"
	"unicode"
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

// SearchNames lists the names of a feature that search matches: Chinese,
// English and the plan's own spelling where it differs.
func SearchNames(f Feature) []string {
	names := []string{f.NameZH, f.NameEN}
	if s, ok := f.Extra["name_plan"].(string); ok && s != "" {
		names = append(names, s)
	}
	return names
}

// Match ranks how well query q (normalised) matches a feature's names:
// 0 exact, 1 prefix, 2 substring, -1 no match.
func Match(q string, f Feature) int {
	best := -1
	for _, n := range SearchNames(f) {
		n = Normalize(n)
		rank := -1
		switch {
		case n == "":
		case n == q:
			rank = 0
		case strings.HasPrefix(n, q):
			rank = 1
		case strings.Contains(n, q):
			rank = 2
		}
		if rank >= 0 && (best < 0 || rank < best) {
			best = rank
		}
	}
	return best
}

// Ranked is a search hit with its rank, for ordering.
type Ranked struct {
	Feature
	Rank  int
	Order int // the layer's display order
}

// SortRanked orders search hits: rank, then shorter Chinese name, then layer order, then id.
func SortRanked(hits []Ranked) {
	sort.Slice(hits, func(i, j int) bool {
		a, b := hits[i], hits[j]
		if a.Rank != b.Rank {
			return a.Rank < b.Rank
		}
		if la, lb := len([]rune(a.NameZH)), len([]rune(b.NameZH)); la != lb {
			return la < lb
		}
		if a.Order != b.Order {
			return a.Order < b.Order
		}
		return a.ID < b.ID
	})
}
