package web

import (
	"bytes"
	"image"
	"image/png"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/geojson"

	"planmap/geo"
)

// A map tile draws what the web map draws about a feature's standing: a
// line not built yet dashed, a shape only indicative faint with a halo, a
// surveyed one solid and crisp.
func TestMapTileLooks(t *testing.T) {
	feature := func(g orb.Geometry, status, accuracy string) *geojson.Feature {
		f := geojson.NewFeature(g)
		f.Properties = geojson.Properties{"status": status, "accuracy": accuracy}
		return f
	}
	line := func(y float64) orb.LineString { return orb.LineString{{256, y}, {3840, y}} }
	layer := &mvt.Layer{Name: "things", Version: 2, Extent: 4096, Features: []*geojson.Feature{
		feature(line(512), geo.StatusExisting, geo.AccuracySurveyed),    // pixel row 32
		feature(line(1536), geo.StatusPlanned, geo.AccuracySurveyed),    // row 96
		feature(line(2560), geo.StatusExisting, geo.AccuracyIndicative), // row 160
		feature(orb.Point{1024, 3584}, geo.StatusExisting, geo.AccuracySurveyed),
		feature(orb.Point{3072, 3584}, geo.StatusExisting, geo.AccuracyDistrict),
	}}
	gz, err := mvt.MarshalGzipped(mvt.Layers{layer})
	if err != nil {
		t.Fatal(err)
	}
	b, err := renderTile(gz, []geo.Layer{{ID: "things", Style: geo.Style{Color: "#1565c0"}}})
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	a := func(x, y int) uint32 { _, _, _, a := img.At(x, y).RGBA(); return a >> 8 }
	// along a line's middle, x from 24 to 232: how many pixels are drawn,
	// how many empty, and the most opaque
	along := func(y int) (drawn, empty int, most uint32) {
		for x := 24; x <= 232; x++ {
			if v := a(x, y); v == 0 {
				empty++
			} else {
				drawn++
				most = max(most, v)
			}
		}
		return
	}
	if drawn, empty, most := along(32); empty != 0 || most < 250 {
		t.Errorf("an existing surveyed line: %d pixels drawn, %d empty, opacity up to %d; want solid", drawn, empty, most)
	}
	if drawn, empty, _ := along(96); empty < 40 || drawn < 80 {
		t.Errorf("a planned line: %d pixels drawn, %d empty; want dashes", drawn, empty)
	}
	if _, empty, most := along(160); empty != 0 || most > 160 {
		t.Errorf("an indicative line: %d empty, opacity up to %d; want solid at half opacity", empty, most)
	}
	// Three pixels off a line's middle lies only the halo of an approximate one.
	if v := a(128, 32+3); v != 0 {
		t.Errorf("a surveyed line reaches 3 px off its middle (opacity %d)", v)
	}
	if v := a(128, 160+3); v == 0 || v > 60 {
		t.Errorf("an indicative line's halo 3 px off its middle: opacity %d, want faint", v)
	}
	if v := a(64+7, 224); v != 0 {
		t.Errorf("a surveyed point reaches 7 px off its centre (opacity %d)", v)
	}
	if v := a(192+7, 224); v == 0 || v > 60 {
		t.Errorf("a district-only point's halo 7 px off its centre: opacity %d, want faint", v)
	}
	if img.Bounds() != image.Rect(0, 0, mapTileSize, mapTileSize) {
		t.Errorf("bounds %v", img.Bounds())
	}

	// Areas: an existing one filled plainly, a planned one hatched, one
	// under construction dotted, as the web map marks them.
	square := func(x0 float64) orb.Polygon {
		x1 := x0 + 1280 // 80 pixels
		return orb.Polygon{{{x0, 0}, {x1, 0}, {x1, 1600}, {x0, 1600}, {x0, 0}}}
	}
	layer.Features = []*geojson.Feature{
		feature(square(0), geo.StatusExisting, geo.AccuracySurveyed),
		feature(square(1408), geo.StatusPlanned, geo.AccuracySurveyed),
		feature(square(2816), geo.StatusUnderConstruction, geo.AccuracySurveyed),
	}
	if gz, err = mvt.MarshalGzipped(mvt.Layers{layer}); err != nil {
		t.Fatal(err)
	}
	if b, err = renderTile(gz, []geo.Layer{{ID: "things", Style: geo.Style{Color: "#1565c0"}}}); err != nil {
		t.Fatal(err)
	}
	if img, err = png.Decode(bytes.NewReader(b)); err != nil {
		t.Fatal(err)
	}
	// marked is the share of a square's inside darker than its plain fill.
	marked := func(x0 int) float64 {
		n, dark := 0, 0
		for y := 6; y < 94; y++ {
			for x := x0 + 6; x < x0+74; x++ {
				n++
				if a(x, y) > 100 {
					dark++
				}
			}
		}
		return float64(dark) / float64(n)
	}
	if m := marked(0); m != 0 {
		t.Errorf("an existing area is marked over %.0f %% of it", m*100)
	}
	if m := marked(88); m < 0.1 || m > 0.6 {
		t.Errorf("a planned area is hatched over %.0f %% of it, want a tenth to three fifths", m*100)
	}
	if m := marked(176); m < 0.03 || m > 0.4 {
		t.Errorf("an area under construction is dotted over %.0f %% of it", m*100)
	}
}
