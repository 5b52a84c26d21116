// Command gzlevels fetches random tiles of the plan tileset from a planmap
// server on this machine, unpacked, at z10, z12 and z14 over the Wuhan
// extent (-tileset, default plan), and gzips them at several levels with the compressor planmap uses:
// the size each level sends and the CPU it costs a tile.
//
//	go run ./bench/gzlevels -url http://127.0.0.1:8080
package main

import (
	"bytes"
	stdgzip "compress/gzip"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"time"

	"github.com/klauspost/compress/gzip"
	"github.com/paulmach/orb"

	"planmap/tiles"
)

func main() {
	base := flag.String("url", "http://127.0.0.1:8080", "planmap base URL (loopback only)")
	tileset := flag.String("tileset", "plan", "tileset")
	flag.Parse()
	if u, err := url.Parse(*base); err != nil || !loopback(u.Hostname()) {
		fmt.Fprintf(os.Stderr, "gzlevels: refusing %q: loopback only\n", *base)
		os.Exit(1)
	}
	r := rand.New(rand.NewPCG(1, 2))
	for _, z := range []uint32{10, 12, 14} {
		var raws [][]byte
		for len(raws) < 40 {
			p := orb.Point{113.7 + r.Float64()*1.35, 30.0 + r.Float64()*1.35}
			var t tiles.TileID
			for tt := range tiles.Covering(orb.Bound{Min: p, Max: p}, z).All() {
				t = tt
			}
			resp, err := http.Get(fmt.Sprintf("%s/tiles/%s/%d/%d/%d.mvt", *base, *tileset, t.Z, t.X, t.Y))
			if err != nil {
				panic(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if len(b) > 0 {
				raws = append(raws, b)
			}
		}
		raw := 0
		for _, b := range raws {
			raw += len(b)
		}
		for _, lvl := range []int{gzip.BestSpeed, 4, gzip.DefaultCompression, 7, 8, gzip.BestCompression} {
			size := 0
			start := time.Now()
			const reps = 5
			for i := 0; i < reps; i++ {
				size = 0
				for _, b := range raws {
					var buf bytes.Buffer
					zw, _ := gzip.NewWriterLevel(&buf, lvl)
					zw.Write(b)
					zw.Close()
					size += buf.Len()
				}
			}
			per := time.Since(start) / time.Duration(reps*len(raws))
			fmt.Printf("z%d level %2d: mean raw %6.1f KB gz %6.1f KB (%.1f%%), %v per tile\n", z, lvl, float64(raw)/1024/float64(len(raws)), float64(size)/1024/float64(len(raws)), 100*float64(size)/float64(raw), per)
		}
		// The standard library's compressor, for comparison.
		for _, lvl := range []int{stdgzip.DefaultCompression, stdgzip.BestCompression} {
			size := 0
			start := time.Now()
			for _, b := range raws {
				var buf bytes.Buffer
				zw, _ := stdgzip.NewWriterLevel(&buf, lvl)
				zw.Write(b)
				zw.Close()
				size += buf.Len()
			}
			per := time.Since(start) / time.Duration(len(raws))
			fmt.Printf("z%d std level %2d: gz %6.1f KB, %v per tile\n", z, lvl, float64(size)/1024/float64(len(raws)), per)
		}
	}
}

func loopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
