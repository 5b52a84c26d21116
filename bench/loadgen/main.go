// Command loadgen sends bounded load to a planmap server on this machine and
// reports throughput and latency. It refuses any address that is not
// loopback: it is a benchmark, not a stress tool for other people's servers.
//
//	go run ./bench/loadgen -url http://127.0.0.1:8080 -mode tiles -tileset plan -z 12 -c 16 -d 20s
//	go run ./bench/loadgen -mode trivial -c 16 -d 10s   # a fixed 20 KB body, the ceiling of this machine
//	go run ./bench/loadgen -mode mix -c 64 -d 60s       # tiles, items, nearby and search
//	go run ./bench/loadgen -mode url -template 'http://127.0.0.1:7800/t/{z}/{x}/{y}.pbf' -z 12   # any server's tiles
//	go run ./bench/loadgen -mode url -template 'http://127.0.0.1:9000/items?bbox={bbox}&limit=100' -identity
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"maps"
	"math"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/paulmach/orb/encoding/mvt"
)

// Wuhan extent, as planmap gen writes it.
const minLon, maxLon, minLat, maxLat = 113.68, 115.08, 29.97, 31.37

func main() {
	base := flag.String("url", "http://127.0.0.1:8080", "planmap base URL (loopback only)")
	mode := flag.String("mode", "tiles", "tiles, url, mix or trivial")
	template := flag.String("template", "", "url mode: a URL in which {z}/{x}/{y} become a random tile of zoom -z and {bbox} a random box of -bbox degrees")
	bboxDeg := flag.Float64("bbox", 0.05, "url mode: the side of {bbox}, in degrees")
	identity := flag.Bool("identity", false, "ask for uncompressed bodies (no Accept-Encoding)")
	seed := flag.Uint64("seed", 0, "seed of the random requests: runs with the same seed ask the same sequence")
	tileset := flag.String("tileset", "plan", "tileset for tiles mode")
	z := flag.Int("z", 12, "zoom for tiles mode")
	set := flag.Int("set", 0, "draw tiles from a fixed set of this many (0: any tile; a warm-up pass requests each once first)")
	conns := flag.Int("c", 16, "concurrent connections")
	dur := flag.Duration("d", 20*time.Second, "duration (at most 5 minutes)")
	layer := flag.String("layer", "metro-stations", "collection for items requests in mix mode")
	serve := flag.String("serve-trivial", "", "only serve the trivial fixed body on this loopback address, until killed")
	list := flag.Bool("list", false, "url mode: print the URLs of the fixed set of -set tiles and exit, so that servers can be compared tile by tile")
	keys := flag.Bool("keys", false, "url mode: print the property names the features of the fixed set of -set tiles carry, comma-separated, and exit")
	flag.Parse()
	if *serve != "" {
		serveTrivial(*serve)
		return
	}
	if *list || *keys {
		var urls []string
		for _, t := range fixedSet(*z, *set) {
			urls = append(urls, strings.NewReplacer("{z}", strconv.Itoa(*z), "{x}", strconv.Itoa(t[0]), "{y}", strconv.Itoa(t[1])).Replace(*template))
		}
		if *keys {
			fmt.Println(strings.Join(propertyKeys(urls), ","))
		} else {
			fmt.Println(strings.Join(urls, "\n"))
		}
		return
	}
	urlSet := false
	flag.Visit(func(f *flag.Flag) { urlSet = urlSet || f.Name == "url" })
	if *dur > 5*time.Minute || *conns < 1 || *conns > 512 {
		fail("duration at most 5m, connections 1..512")
	}
	if *mode == "url" {
		*base = *template
	}
	if *mode == "trivial" && !urlSet {
		*base = trivialServer() // in this process; -serve-trivial runs one on its own
	}
	u, err := url.Parse(*base)
	if err != nil || !loopback(u.Hostname()) {
		fail("refusing %q: loadgen only targets loopback addresses", *base)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	var next func(*rand.Rand) string
	switch *mode {
	case "tiles":
		next = tiles(*base, *tileset, *z, *set, rng)
	case "url":
		next = fromTemplate(*template, *z, *set, *bboxDeg)
	case "mix":
		next = mix(*base, *tileset, *layer)
	case "trivial":
		next = func(*rand.Rand) string { return *base + "/" }
	default:
		fail("unknown mode %q", *mode)
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: *conns, MaxConnsPerHost: *conns, DisableCompression: true}}
	acceptGzip = !*identity
	if *set > 0 && *mode == "tiles" {
		warm(client, *base, *tileset, *z, *set)
	}
	r := run(client, next, *conns, *dur, *seed)
	label := fmt.Sprintf("%s %s z%d set=%d c=%d d=%s", *mode, *tileset, *z, *set, *conns, *dur)
	if *mode == "trivial" {
		label = fmt.Sprintf("trivial %s c=%d d=%s", *base, *conns, *dur)
	}
	if *mode == "url" {
		label = fmt.Sprintf("%s z%d c=%d d=%s identity=%t", *template, *z, *conns, *dur, *identity)
	}
	r.print(label)
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "loadgen: "+format+"\n", args...)
	os.Exit(2)
}

func loopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// tileXY is the tile of zoom z holding lon/lat.
func tileXY(lon, lat float64, z int) (int, int) {
	n := math.Exp2(float64(z))
	x := int((lon + 180) / 360 * n)
	r := lat * math.Pi / 180
	y := int((1 - math.Log(math.Tan(r)+1/math.Cos(r))/math.Pi) / 2 * n)
	return x, y
}

func randomTile(rng *rand.Rand, z int) (int, int) {
	return tileXY(minLon+rng.Float64()*(maxLon-minLon), minLat+rng.Float64()*(maxLat-minLat), z)
}

// fixedSet is the first n distinct random tiles of a seeded sequence.
func fixedSet(z, n int) [][2]int {
	rng := rand.New(rand.NewPCG(7, 7))
	seen := map[[2]int]bool{}
	x0, y1 := tileXY(minLon, minLat, z)
	x1, y0 := tileXY(maxLon, maxLat, z)
	n = min(n, (x1-x0+1)*(y1-y0+1))
	var out [][2]int
	for len(out) < n {
		x, y := randomTile(rng, z)
		if !seen[[2]int{x, y}] {
			seen[[2]int{x, y}] = true
			out = append(out, [2]int{x, y})
		}
	}
	return out
}

func tiles(base, tileset string, z, set int, _ *rand.Rand) func(*rand.Rand) string {
	if set > 0 {
		fixed := fixedSet(z, set)
		return func(rng *rand.Rand) string {
			t := fixed[rng.IntN(len(fixed))]
			return fmt.Sprintf("%s/tiles/%s/%d/%d/%d.mvt", base, tileset, z, t[0], t[1])
		}
	}
	return func(rng *rand.Rand) string {
		x, y := randomTile(rng, z)
		return fmt.Sprintf("%s/tiles/%s/%d/%d/%d.mvt", base, tileset, z, x, y)
	}
}

// fromTemplate fills a URL template with a random tile of zoom z ({z},
// {x}, {y}) and a random box of side deg ({bbox}), both over the Wuhan
// extent, so that any server's tiles or items can be asked alike.
func fromTemplate(template string, z, set int, deg float64) func(*rand.Rand) string {
	var fixed [][2]int
	if set > 0 {
		fixed = fixedSet(z, set)
	}
	return func(rng *rand.Rand) string {
		x, y := randomTile(rng, z)
		if fixed != nil {
			t := fixed[rng.IntN(len(fixed))]
			x, y = t[0], t[1]
		}
		lon := minLon + rng.Float64()*(maxLon-minLon-deg)
		lat := minLat + rng.Float64()*(maxLat-minLat-deg)
		return strings.NewReplacer("{z}", strconv.Itoa(z), "{x}", strconv.Itoa(x), "{y}", strconv.Itoa(y),
			"{bbox}", fmt.Sprintf("%.5f,%.5f,%.5f,%.5f", lon, lat, lon+deg, lat+deg)).Replace(template)
	}
}

func warm(c *http.Client, base, tileset string, z, set int) {
	for _, t := range fixedSet(z, set) {
		get(c, fmt.Sprintf("%s/tiles/%s/%d/%d/%d.mvt", base, tileset, z, t[0], t[1]))
	}
}

// mix is a realistic blend: mostly tiles, then items by bbox, nearby and search.
func mix(base, tileset, layer string) func(*rand.Rand) string {
	words := []string{"阳逻", "光谷", "地铁", "泵站", "长江", "Yangluo", "Metro", "Port", "东湖", "新区"}
	return func(rng *rand.Rand) string {
		lon, lat := minLon+rng.Float64()*(maxLon-minLon), minLat+rng.Float64()*(maxLat-minLat)
		switch p := rng.IntN(100); {
		case p < 60:
			z := 10 + rng.IntN(5)
			x, y := tileXY(lon, lat, z)
			return fmt.Sprintf("%s/tiles/%s/%d/%d/%d.mvt", base, tileset, z, x, y)
		case p < 75:
			return fmt.Sprintf("%s/ogc/collections/%s/items?bbox=%.4f,%.4f,%.4f,%.4f&limit=100", base, layer, lon, lat, lon+0.05, lat+0.05)
		case p < 90:
			return fmt.Sprintf("%s/api/nearby?lon=%.5f&lat=%.5f&radius=3000&limit=50", base, lon, lat)
		default:
			return base + "/api/search?q=" + url.QueryEscape(words[rng.IntN(len(words))])
		}
	}
}

// acceptGzip: requests say Accept-Encoding: gzip (-identity turns it off).
var acceptGzip = true

func get(c *http.Client, u string) (int, int64, error) {
	return getCtx(context.Background(), c, u)
}

func getCtx(ctx context.Context, c *http.Client, u string) (int, int64, error) {
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if acceptGzip {
		req.Header.Set("Accept-Encoding", "gzip") // as browsers do; the body is not unpacked
	}
	resp, err := c.Do(req)
	if err != nil {
		return 0, 0, err
	}
	n, err := io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode, n, err
}

type result struct {
	lat       []time.Duration
	errors    int64
	status    map[int]int64
	bytes     int64
	maxBytes  int64
	elapsed   time.Duration
	completed int64
}

func run(c *http.Client, next func(*rand.Rand) string, conns int, d time.Duration, seed0 uint64) *result {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	// A request still running at twice the duration is cut, not counted:
	// a slow server (a tile of every point) must not hold a run for minutes.
	hard, cancelHard := context.WithTimeout(context.Background(), 2*d)
	defer cancelHard()
	var mu sync.Mutex
	res := &result{status: map[int]int64{}}
	var bytes, maxBytes, errs atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for i := 0; i < conns; i++ {
		wg.Add(1)
		go func(seed uint64) {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(seed, 99+seed0))
			var lat []time.Duration
			status := map[int]int64{}
			for ctx.Err() == nil {
				t := time.Now()
				code, n, err := getCtx(hard, c, next(rng))
				if err != nil {
					if hard.Err() == nil {
						errs.Add(1)
					}
					continue
				}
				lat = append(lat, time.Since(t))
				status[code]++
				bytes.Add(n)
				for m := maxBytes.Load(); n > m && !maxBytes.CompareAndSwap(m, n); m = maxBytes.Load() {
				}
			}
			mu.Lock()
			res.lat = append(res.lat, lat...)
			for k, v := range status {
				res.status[k] += v
			}
			mu.Unlock()
		}(uint64(i))
	}
	wg.Wait()
	res.elapsed = time.Since(start)
	res.errors, res.bytes, res.maxBytes = errs.Load(), bytes.Load(), maxBytes.Load()
	res.completed = int64(len(res.lat))
	return res
}

func (r *result) print(label string) {
	slices.Sort(r.lat)
	pct := func(p float64) time.Duration {
		if len(r.lat) == 0 {
			return 0
		}
		return r.lat[min(len(r.lat)-1, int(p*float64(len(r.lat))))]
	}
	rate := float64(r.completed) / r.elapsed.Seconds()
	fmt.Printf("%s: %d requests in %.1fs = %.0f req/s; p50 %s p99 %s; errors %d; status %v; mean body %.1f KB, max %.1f KB\n",
		label, r.completed, r.elapsed.Seconds(), rate, pct(0.50).Round(10*time.Microsecond), pct(0.99).Round(10*time.Microsecond),
		r.errors, r.status, float64(r.bytes)/math.Max(1, float64(r.completed))/1024, float64(r.maxBytes)/1024)
}

// trivial answers every request with the same 20 KB body: the most this
// machine can serve, to compare planmap's cached tiles against.
func trivial() http.Handler {
	body := make([]byte, 20<<10)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Write(body)
	})
}

// trivialServer runs trivial inside this process and returns its URL.
func trivialServer() string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fail("%v", err)
	}
	go http.Serve(ln, trivial())
	return "http://" + ln.Addr().String()
}

// serveTrivial runs the trivial server as a process of its own, as planmap
// runs: the fair ceiling for planmap's cached tiles.
func serveTrivial(addr string) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil || !loopback(host) {
		fail("refusing %q: the trivial server listens on loopback only", addr)
	}
	fail("%v", http.ListenAndServe(addr, trivial()))
}

// propertyKeys are the property names the features of the tiles at urls
// carry, sorted: what another server's tiles must carry to hold the same.
func propertyKeys(urls []string) []string {
	seen := map[string]bool{}
	for _, u := range urls {
		resp, err := http.Get(u)
		if err != nil {
			fail("%s: %v", u, err)
		}
		b, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil || resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusNoContent {
			fail("%s: %d %v", u, resp.StatusCode, err)
		}
		layers, err := mvt.Unmarshal(b) // net/http unpacks a gzipped tile
		if err != nil {
			fail("%s: %v", u, err)
		}
		for _, l := range layers {
			for _, f := range l.Features {
				for k := range f.Properties {
					seen[k] = true
				}
			}
		}
	}
	return slices.Sorted(maps.Keys(seen))
}
