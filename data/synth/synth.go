// Package synth writes synthetic datasets over the Wuhan extent in planmap's
// dataset format, for benchmarks and load tests at scales the plan never reaches.
package synth

import (
	"bufio"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"

	"planmap/geo"
)

// Extent of the synthetic data: the Wuhan administrative area.
const (
	MinLon, MaxLon = 113.68, 115.08
	MinLat, MaxLat = 29.97, 31.37
)

// Sizes says how many features of each kind to write.
type Sizes struct {
	Points, Lines, Polygons int
}

// Layer ids of a synthetic dataset.
const (
	LayerPoints   = "synthetic-points"
	LayerLines    = "synthetic-lines"
	LayerPolygons = "synthetic-polygons"
)

// Write writes a dataset of the given sizes into dir; the same seed gives the same files.
func Write(dir string, n Sizes, seed uint64) error {
	if err := os.MkdirAll(filepath.Join(dir, "layers"), 0o755); err != nil {
		return err
	}
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	layers := []geo.Layer{
		{ID: LayerPoints, TitleZH: "合成点", TitleEN: "Synthetic points", Theme: "water", GeometryType: "Point", Order: 1},
		{ID: LayerLines, TitleZH: "合成线", TitleEN: "Synthetic lines", Theme: "transport", GeometryType: "LineString", Order: 2},
		{ID: LayerPolygons, TitleZH: "合成面", TitleEN: "Synthetic polygons", Theme: "structure", GeometryType: "Polygon", Order: 3},
	}
	b, _ := json.MarshalIndent(layers, "", "  ")
	if err := os.WriteFile(filepath.Join(dir, "layers.json"), b, 0o644); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "targets.json"), []byte("[]\n"), 0o644); err != nil {
		return err
	}
	writers := []struct {
		layer string
		count int
		geom  func(*rand.Rand) string
	}{
		{LayerPoints, n.Points, point},
		{LayerLines, n.Lines, line},
		{LayerPolygons, n.Polygons, polygon},
	}
	for _, w := range writers {
		if err := writeLayer(filepath.Join(dir, "layers", w.layer+".geojson"), w.layer, w.count, rng, w.geom); err != nil {
			return err
		}
	}
	return nil
}

var statuses = geo.Statuses
var districts = []string{"江岸区", "江汉区", "硚口区", "汉阳区", "武昌区", "青山区", "洪山区", "东西湖区", "汉南区", "蔡甸区", "江夏区", "黄陂区", "新洲区"}

func writeLayer(path, layer string, count int, rng *rand.Rand, geom func(*rand.Rand) string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	w.WriteString(`{"type":"FeatureCollection","features":[` + "\n")
	for i := 0; i < count; i++ {
		if i > 0 {
			w.WriteString(",\n")
		}
		fmt.Fprintf(w, `{"type":"Feature","id":"%s-%d","geometry":%s,"properties":{"name_zh":"合成要素%d","name_en":"Synthetic %d",`+
			`"kind":"synthetic","status":%q,"district":%q,"plan_section":"第二十八节","plan_line":%d,"plan_quote":"合成数据，仅供测试",`+
			`"targets":[{"metric":"容量","value":%d,"unit":"m³/s","year":2025}],"accuracy":"approximate","source":"planmap gen (synthetic)","updated":"2026-01-01T00:00:00Z"}}`,
			layer, i, geom(rng), i, i, statuses[rng.IntN(len(statuses))], districts[rng.IntN(len(districts))], 1+rng.IntN(1700), rng.IntN(500))
	}
	w.WriteString("\n]}\n")
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func coord(lon, lat float64) string {
	return "[" + strconv.FormatFloat(lon, 'f', 6, 64) + "," + strconv.FormatFloat(lat, 'f', 6, 64) + "]"
}

func randomPoint(rng *rand.Rand) (float64, float64) {
	return MinLon + rng.Float64()*(MaxLon-MinLon), MinLat + rng.Float64()*(MaxLat-MinLat)
}

func point(rng *rand.Rand) string {
	lon, lat := randomPoint(rng)
	return `{"type":"Point","coordinates":` + coord(lon, lat) + `}`
}

// line is a short random walk of 2–10 vertices, a few hundred metres a step.
func line(rng *rand.Rand) string {
	lon, lat := randomPoint(rng)
	s := `{"type":"LineString","coordinates":[` + coord(lon, lat)
	for k := 1 + rng.IntN(9); k > 0; k-- {
		lon = min(MaxLon, max(MinLon, lon+(rng.Float64()-0.5)*0.01))
		lat = min(MaxLat, max(MinLat, lat+(rng.Float64()-0.5)*0.01))
		s += "," + coord(lon, lat)
	}
	return s + "]}"
}

// polygon is a small axis-aligned rectangle, always valid.
func polygon(rng *rand.Rand) string {
	lon, lat := randomPoint(rng)
	w, h := 0.001+rng.Float64()*0.01, 0.001+rng.Float64()*0.01
	lon, lat = min(lon, MaxLon-w), min(lat, MaxLat-h)
	return `{"type":"Polygon","coordinates":[[` + coord(lon, lat) + "," + coord(lon+w, lat) + "," +
		coord(lon+w, lat+h) + "," + coord(lon, lat+h) + "," + coord(lon, lat) + "]]}"
}
