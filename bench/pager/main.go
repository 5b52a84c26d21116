// Command pager follows an OGC API items response's next links from a first
// page to the last, as GDAL and QGIS page a layer, and reports what each
// page cost: the first, the median, the 99th percentile and the slowest of
// the rest, and the slowest over the first. Loopback only.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/url"
	"os"
	"slices"
	"time"
)

func main() {
	start := flag.String("url", "", "the first page (an items URL on loopback)")
	flag.Parse()
	if u, err := url.Parse(*start); err != nil || (u.Hostname() != "127.0.0.1" && u.Hostname() != "localhost") {
		log.Fatal("pager: -url must be a loopback URL")
	}
	var times []time.Duration
	features, matched := 0, 0
	for next := *start; next != ""; {
		t0 := time.Now()
		resp, err := http.Get(next)
		if err != nil {
			log.Fatal(err)
		}
		b, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil || resp.StatusCode != 200 {
			log.Fatalf("%s: %d %v %s", next, resp.StatusCode, err, b)
		}
		times = append(times, time.Since(t0))
		var page struct {
			Features      []json.RawMessage
			NumberMatched int
			Links         []struct{ Rel, Href string }
		}
		if err := json.Unmarshal(b, &page); err != nil {
			log.Fatal(err)
		}
		features += len(page.Features)
		matched = page.NumberMatched
		next = ""
		for _, l := range page.Links {
			if l.Rel == "next" {
				next = l.Href
			}
		}
	}
	mean := func(ds []time.Duration) time.Duration {
		var sum time.Duration
		for _, d := range ds {
			sum += d
		}
		return sum / time.Duration(max(1, len(ds)))
	}
	pct := max(1, len(times)/100)
	early, deep := mean(times[1:1+pct]), mean(times[len(times)-pct:])
	rest := slices.Clone(times[1:])
	slices.Sort(rest)
	ms := func(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000) }
	at := func(q float64) time.Duration { return rest[min(len(rest)-1, int(q*float64(len(rest))))] }
	fmt.Fprintf(os.Stdout, "pages %d, features %d of %d matched; first %s; later pages: median %s, p99 %s, slowest %s (%.2f× the first); last page %s\n",
		len(times), features, matched, ms(times[0]), ms(at(0.5)), ms(at(0.99)), ms(rest[len(rest)-1]),
		float64(rest[len(rest)-1])/float64(times[0]), ms(times[len(times)-1]))
	fmt.Fprintf(os.Stdout, "mean of the first 1%% of pages after the first: %s; of the deepest 1%%: %s\n", ms(early), ms(deep))
	if features != matched {
		log.Fatalf("pager: %d features returned, %d matched", features, matched)
	}
}
