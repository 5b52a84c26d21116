package postgis_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"planmap/geo/postgis"
)

// TestSearchKeyRowsAsSQL wants the keys a load works out itself to be, row
// for row, those of search_key_rows (migration 0022), which the trigger
// writes for every other insert.
func TestSearchKeyRowsAsSQL(t *testing.T) {
	s := open(t)
	long := "t" + strings.Repeat("é", 1000) // 2,001 bytes: kept
	for _, search := range []string{
		"",
		"t合成要素16479\nphechengyaosu16479\nihcys16479\ntsynthetic 16479\npsynthetic16479",
		"tline 2 (north)\npline2north\ntline 2 (north)",
		"tab-cd ef.gh/ij  k\tl",
		"t中文abc中def 9x\ni中\nt\np\n\ntx",
		"ta  b\nt.a.b\ntaa aa",
		long, long + "é", long[:1999] + "x.y", long[:1999] + "xyz",
	} {
		var want []string
		err := s.Pool().QueryRow(context.Background(),
			"SELECT coalesce(array_agg(form::text || key), '{}') FROM search_key_rows($1)", search).Scan(&want)
		if err != nil {
			t.Fatal(err)
		}
		got := postgis.SearchKeyRows(search)
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("keys of %.60q:\n got %q\nwant %q", search, got, want)
		}
	}
}

// TestFirstKeysInOrder: a first load copies every key of every feature,
// sorted in blocks and merged, in key order (COLLATE "C": by bytes), so
// that the keys of a range lie together on disk.
func TestFirstKeysInOrder(t *testing.T) {
	var search, want []string
	for i := range 3000 {
		s := postgis.SearchText(fmt.Sprintf("泵站%d号", i*7919%5000), fmt.Sprintf("Pump station %d", i))
		search = append(search, s)
		want = append(want, postgis.SearchKeyRows(s)...)
	}
	byKey := func(a, b string) int { return strings.Compare(a[1:], b[1:]) }
	for _, block := range []int{1, 7, 500, 1 << 20} {
		got := postgis.FirstKeys(search, block)
		if !slices.IsSortedFunc(got, byKey) {
			t.Errorf("blocks of %d: the keys are not in key order", block)
		}
		slices.Sort(got)
		w := slices.Clone(want)
		slices.Sort(w)
		if !slices.Equal(got, w) {
			t.Errorf("blocks of %d: %d keys, want the %d of the features", block, len(got), len(w))
		}
	}
}
