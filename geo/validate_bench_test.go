package geo

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/paulmach/orb"
)

// noisyRing is a simple ring of n vertices around c, its radius jittered
// like a surveyed boundary.
func noisyRing(r *rand.Rand, n int, c orb.Point, radius float64) orb.Ring {
	ring := make(orb.Ring, 0, n+1)
	for i := range n {
		a := 2 * math.Pi * float64(i) / float64(n)
		d := radius * (1 + 0.05*math.Sin(7*a) + 0.002*r.Float64())
		ring = append(ring, orb.Point{c[0] + d*math.Cos(a), c[1] + d*math.Sin(a)})
	}
	return append(ring, ring[0])
}

// BenchmarkValidGeometry measures geometries of about 40,000 vertices.
func BenchmarkValidGeometry(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 1))
	wuhan := orb.Point{114.3, 30.6}

	// Islands: 100 parts of 400 vertices, apart.
	var islands orb.MultiPolygon
	for i := range 100 {
		c := orb.Point{wuhan[0] + float64(i%10)*0.1, wuhan[1] + float64(i/10)*0.1}
		islands = append(islands, orb.Polygon{noisyRing(r, 400, c, 0.04)})
	}
	// A checkerboard: 8,000 squares, each touching four others at corners.
	// Corners come from whole cell numbers, so that neighbours' coincide.
	var board orb.MultiPolygon
	at := func(x, y int) orb.Point { return orb.Point{wuhan[0] + float64(x)*0.001, wuhan[1] + float64(y)*0.001} }
	for i := range 8000 {
		y := i / 100
		x := 2*(i%100) + y%2
		board = append(board, orb.Polygon{{at(x, y), at(x+1, y), at(x+1, y+1), at(x, y+1), at(x, y)}})
	}
	// Lakes: a shell of 20,000 vertices with 1,000 holes of 20.
	lakes := orb.Polygon{noisyRing(r, 20000, wuhan, 0.5)}
	for i := range 1000 {
		c := orb.Point{wuhan[0] - 0.3 + float64(i%32)*0.02, wuhan[1] - 0.3 + float64(i/32)*0.02}
		lakes = append(lakes, noisyRing(r, 20, c, 0.005))
	}
	// A comb: 10,000 teeth, each nearly as wide as the whole, so that every
	// edge's x range overlaps half the others: the sweep's worst case.
	var comb orb.Ring
	const teeth = 10000
	for i := range teeth {
		y := wuhan[1] + float64(i)*1e-4
		comb = append(comb, orb.Point{wuhan[0], y}, orb.Point{wuhan[0] + 1, y}, orb.Point{wuhan[0] + 1, y + 0.5e-4}, orb.Point{wuhan[0] + 0.01, y + 0.5e-4})
	}
	comb = append(comb, orb.Point{wuhan[0], wuhan[1] + teeth*1e-4}, orb.Point{wuhan[0] - 0.01, wuhan[1] + teeth*1e-4}, orb.Point{wuhan[0] - 0.01, wuhan[1]}, comb[0])

	for _, c := range []struct {
		name string
		g    orb.Geometry
	}{
		{"ring", orb.Polygon{noisyRing(r, 40000, wuhan, 0.5)}},
		{"islands", islands},
		{"checkerboard", board},
		{"lakes", lakes},
		{"comb", orb.Polygon{comb}},
	} {
		b.Run(c.name, func(b *testing.B) {
			if err := ValidGeometry(c.g); err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				_ = ValidGeometry(c.g)
			}
		})
	}
}
