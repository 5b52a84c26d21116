package data

import (
	"regexp"
	"strings"
)

// primaryURL matches the sites planmap accepts as a primary source for a
// feature's place: governments, official news organisations, Wikidata.
// Mirror, SEO and aggregator sites that repost news are not evidence.
var primaryURL = regexp.MustCompile(`^https?://([a-z0-9-]+\.)*(gov\.cn|wikidata\.org|xinhuanet\.com|news\.cn|people\.com\.cn|chinanews\.com\.cn|cnr\.cn|cctv\.com|hubeidaily\.net|cnhubei\.com|cjn\.cn|cnhan\.com)(/|$)`)

// NonPrimaryURLs lists the URLs in a text that are not on a primary source's site.
func NonPrimaryURLs(text string) []string {
	var out []string
	for _, u := range strings.Fields(text) {
		if strings.HasPrefix(u, "http") && !primaryURL.MatchString(u) {
			out = append(out, u)
		}
	}
	return out
}
