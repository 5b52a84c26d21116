// Command overview asks one or two planmap servers on this machine for every
// tile of a tileset from z0 to a zoom, over the tileset's bounds, and prints
// for each tile its status, time, size on the wire and features per layer,
// side by side: the embedded store's overview tiles against PostGIS's, say.
//
//	go run ./bench/overview -a http://127.0.0.1:18092 -b http://127.0.0.1:18090 -maxzoom 8
package main

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"

	"planmap/tiles"
)

type result struct {
	status int
	dur    time.Duration
	wire   int            // bytes as sent (gzip)
	raw    int            // bytes unpacked
	counts map[string]int // features per layer
	err    string
}

func main() {
	a := flag.String("a", "", "first server (loopback)")
	b := flag.String("b", "", "second server (loopback), optional")
	tileset := flag.String("tileset", "plan", "tileset")
	minZoom := flag.Int("minzoom", 0, "first zoom")
	maxZoom := flag.Int("maxzoom", 8, "last zoom")
	flag.Parse()
	servers := []string{*a}
	if *b != "" {
		servers = append(servers, *b)
	}
	for _, s := range servers {
		u, err := url.Parse(s)
		if err != nil || !loopback(u.Hostname()) {
			fail("refusing %q: loopback only", s)
		}
	}
	bound := bounds(servers[0], *tileset)
	client := &http.Client{Timeout: 60 * time.Second}
	worst := make([]time.Duration, len(servers))
	fails := make([]int, len(servers))
	largest, asked := make([]int, len(servers)), make([]int, len(servers))
	fmt.Printf("%-12s", "tile")
	for i := range servers {
		fmt.Printf(" | %-3s %8s %8s %8s  %s", "st", "ms", "wire KB", "raw KB", fmt.Sprintf("features (%c)", 'a'+i))
	}
	fmt.Println()
	for z := *minZoom; z <= *maxZoom; z++ {
		for t := range tiles.Covering(bound, uint32(z)).All() {
			fmt.Printf("%-12s", t.String())
			for i, s := range servers {
				r := get(client, fmt.Sprintf("%s/tiles/%s/%d/%d/%d.mvt", s, *tileset, t.Z, t.X, t.Y))
				worst[i] = max(worst[i], r.dur)
				largest[i] = max(largest[i], r.raw)
				asked[i]++
				if r.status != http.StatusOK && r.status != http.StatusNoContent {
					fails[i]++
				}
				fmt.Printf(" | %-3d %8.0f %8.1f %8.1f  %s", r.status, float64(r.dur.Microseconds())/1000,
					float64(r.wire)/1024, float64(r.raw)/1024, counts(r))
			}
			fmt.Println()
		}
	}
	for i, s := range servers {
		fmt.Printf("%c %s: %d tiles, slowest %v, largest %.1f KB unpacked, %d tiles neither 200 nor 204\n",
			'a'+i, s, asked[i], worst[i].Round(time.Millisecond), float64(largest[i])/1024, fails[i])
	}
}

func counts(r result) string {
	if r.err != "" {
		return r.err
	}
	var names []string
	for n := range r.counts {
		names = append(names, n)
	}
	slices.Sort(names)
	var out []string
	for _, n := range names {
		out = append(out, fmt.Sprintf("%s=%d", n, r.counts[n]))
	}
	return strings.Join(out, " ")
}

func get(c *http.Client, u string) result {
	req, _ := http.NewRequest(http.MethodGet, u, nil)
	req.Header.Set("Accept-Encoding", "gzip")
	start := time.Now()
	resp, err := c.Do(req)
	if err != nil {
		return result{dur: time.Since(start), err: err.Error()}
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	r := result{status: resp.StatusCode, dur: time.Since(start), wire: len(body)}
	if err != nil {
		r.err = err.Error()
		return r
	}
	if resp.StatusCode != http.StatusOK {
		r.err = strings.TrimSpace(string(body))
		if len(r.err) > 100 {
			r.err = r.err[:100]
		}
		return r
	}
	if resp.Header.Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(bytes.NewReader(body))
		if err == nil {
			body, err = io.ReadAll(zr)
		}
		if err != nil {
			r.err = err.Error()
			return r
		}
	}
	r.raw = len(body)
	layers, err := mvt.Unmarshal(body)
	if err != nil {
		r.err = err.Error()
		return r
	}
	r.counts = map[string]int{}
	for _, l := range layers {
		r.counts[l.Name] = len(l.Features)
	}
	return r
}

// bounds reads the tileset's bounds from its TileJSON.
func bounds(server, tileset string) orb.Bound {
	resp, err := http.Get(server + "/tiles/" + tileset + ".json")
	if err != nil {
		fail("%v", err)
	}
	defer resp.Body.Close()
	var tj struct{ Bounds [4]float64 }
	if err := json.NewDecoder(resp.Body).Decode(&tj); err != nil {
		fail("tilejson: %v", err)
	}
	return orb.Bound{Min: orb.Point{tj.Bounds[0], tj.Bounds[1]}, Max: orb.Point{tj.Bounds[2], tj.Bounds[3]}}
}

func loopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func fail(f string, args ...any) {
	fmt.Fprintf(os.Stderr, "overview: "+f+"\n", args...)
	os.Exit(1)
}
