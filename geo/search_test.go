package geo

import "testing"

func TestPinyin(t *testing.T) {
	for in, want := range map[string]string{
		"长江": "changjiang", "黄陂区": "huangpiqu", "蔡甸": "caidian", "洪山": "hongshan", "光古": "guanggu",
		"Guang Gu": "guanggu", "光gu": "guanggu", "2号线": "2haoxian", "—": "",
	} {
		if got := Pinyin(in); got != want {
			t.Errorf("Pinyin(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]string{"光谷副城": "ggfc", "天河机场": "thjc", "地铁2号线": "dt2hx", "Yangluo": ""} {
		if got := Initials(in); got != want {
			t.Errorf("Initials(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestOneEdit(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want bool
	}{{"guanggu", "guanggu", true}, {"guangu", "guanggu", true}, {"guanggu", "guangu", true}, {"guangu", "guangv", true},
		{"yanglou", "yangluo", true}, {"airprot", "airport", true}, {"guang", "gunag", true},
		{"guang", "gnuag", false}, {"abcd", "abef", false}, {"abc", "abcde", false}, {"ab", "ba", true}} {
		if got := oneEdit(c.a, c.b); got != c.want {
			t.Errorf("oneEdit(%q, %q) = %v", c.a, c.b, got)
		}
	}
}

func TestRank(t *testing.T) {
	keys := SearchKeys("光谷副城", "Optics Valley Sub-city", "光谷")
	for q, want := range map[string]int{
		"光谷副城": TierExact, "光谷": TierExact, "guanggu": TierExact, "guang gu": TierExact,
		"GuangGu": TierExact, "gg": TierExact, "光古": TierPinyinExact, "光gu": TierPinyinExact,
		"光谷副": TierPrefix, "optics": TierPrefix, "ggf": TierPinyinPrefix, "guanggufu": TierPinyinPrefix,
		"副城": TierSubstring, "guangu": TierFuzzy, "optcs valley": TierFuzzy, "gu": TierPinyinPrefix,
		"guangzhou": NoMatch, "gnu": NoMatch, "光": TierPrefix, "gnag": NoMatch,
	} {
		nq, _ := NewNameQuery(q)
		if got := nq.Rank(keys); got != want {
			t.Errorf("rank of %q = %d, want %d", q, got, want)
		}
	}
	// every name within one edit contains one of the probes unchanged
	nq, _ := NewNameQuery("guangu")
	for _, typo := range []string{"guanggu", "guangu", "gaungu", "guangux", "uangu", "guanguu"} {
		found := false
		for _, p := range nq.FuzzyProbes() {
			found = found || len(p) > 0 && contains(typo, p)
		}
		if !found {
			t.Errorf("no probe of %v in %q", nq.FuzzyProbes(), typo)
		}
	}
}

func contains(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}

func TestSubstringAtStart(t *testing.T) {
	for _, c := range []struct {
		key, q string
		want   bool
	}{{"新阳逻码头", "阳逻", true}, {"yangluo port", "port", true}, {"yangluo port", "angluo", false},
		{"地铁2号线", "号线", true}, {"synthetic 123456", "23456", false}, {"光谷gu", "gu", true}} {
		if got := containsAtStart(c.key, c.q); got != c.want {
			t.Errorf("containsAtStart(%q, %q) = %v", c.key, c.q, got)
		}
	}
}
