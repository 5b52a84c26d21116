package geo

import (
	"math"
	"math/rand/v2"
	"testing"
)

// targetsJSON must write what encoding/json writes (jsonText) for any
// targets: awkward text, every float range, empty and set fields.
func TestTargetsJSONMatchesEncodingJSON(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	texts := []string{"", "容量", `quo"te`, `back\slash`, "<b>&amp;</b>", "line\nbreak\r\t\b\f", "\x00\x1f\x7f",
		"\u2028\u2029", "bad \xff utf-8", "m³/s", "emoji 🗺️"}
	floats := []float64{0, 83, -1.5, 1e-7, 2e21, 123456789.125, math.NaN(), math.Inf(1), 1e-6, 0.1}
	pick := func() string { return texts[rng.IntN(len(texts))] }
	for i := range 3000 {
		ts := make([]Target, rng.IntN(4))
		for j := range ts {
			ts[j] = Target{Metric: pick(), MetricEN: pick(), Comparator: pick(), Unit: pick(), Text: pick(), Quote: pick(),
				Year: rng.IntN(3) * 2035, PlanLine: rng.IntN(2) * rng.IntN(5000)}
			if rng.IntN(3) > 0 {
				v := floats[rng.IntN(len(floats))]
				ts[j].Value = &v
			}
		}
		if got, want := targetsJSON(ts), jsonText(ts); got != want {
			t.Fatalf("case %d:\n got %s\nwant %s", i, got, want)
		}
	}
}
