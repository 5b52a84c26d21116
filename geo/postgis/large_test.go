package postgis_test

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"planmap/data"
	"planmap/geo"
	"planmap/geo/postgis"
)

// TestLoadLarge measures loading many synthetic points (validation
// included). It runs only with PLANMAP_BENCH_LOAD=1; PLANMAP_BENCH_N sets
// the size (500000 by default). Run it under /usr/bin/time -v for peak RSS.
func TestLoadLarge(t *testing.T) {
	if os.Getenv("PLANMAP_BENCH_LOAD") != "1" {
		t.Skip("set PLANMAP_BENCH_LOAD=1 to measure a large load")
	}
	n := 500000
	if v, err := strconv.Atoi(os.Getenv("PLANMAP_BENCH_N")); err == nil {
		n = v
	}
	s := open(t)
	ctx := context.Background()
	start := time.Now()
	ds := synth(n, 1)
	t.Logf("generated %d points in %v", n, time.Since(start))

	start = time.Now()
	data.Check(ds)
	t.Logf("data.Check alone: %v", time.Since(start).Round(time.Millisecond))
	timed := func(what string, ds *data.Dataset) {
		start := time.Now()
		var stages []string
		last := start
		postgis.SetLoadHook(func(stage string) error {
			stages = append(stages, fmt.Sprintf("%s %v", stage, time.Since(last).Round(time.Millisecond)))
			last = time.Now()
			return nil
		})
		defer postgis.SetLoadHook(nil)
		sum, err := postgis.Load(ctx, s, ds, nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: %v, %+v\n\tstages: %s", what, time.Since(start).Round(time.Millisecond), sum.Total(), strings.Join(stages, ", "))
	}
	timed("first load", ds)
	timed("same again", ds)
	for i := 0; i < len(ds.Features); i += 100 {
		ds.Features[i].Status = geo.StatusUnderConstruction
	}
	ds.Features = ds.Features[:len(ds.Features)-1000]
	timed("1% changed, 1000 removed", ds)
	t.Logf("peak RSS of the test process: %s", peakRSS())
}

func peakRSS() string {
	b, _ := os.ReadFile("/proc/self/status")
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "VmHWM:") {
			return strings.TrimSpace(strings.TrimPrefix(line, "VmHWM:"))
		}
	}
	return "unknown"
}
