package main

import (
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/paulmach/orb/geojson"
)

// row is one element of the plan catalogue (data/sources/catalogue.csv).
type row struct {
	ID, NameZH, NameEN, Layer, Geom, Section string
	PlanLine                                 int
	Quote, Status                            string
	Note                                     string
}

func readCSV(path string) ([]map[string]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	if len(recs) == 0 {
		return nil, fmt.Errorf("%s: empty", path)
	}
	var out []map[string]string
	for _, r := range recs[1:] {
		m := map[string]string{}
		for i, h := range recs[0] {
			if i < len(r) {
				m[h] = strings.TrimSpace(r[i])
			}
		}
		out = append(out, m)
	}
	return out, nil
}

// readCatalogue reads the plan's elements. Its lon/lat anchors and their
// sources are not read: a geometry comes only from placements.csv.
func readCatalogue(dir string) ([]row, error) {
	recs, err := readCSV(filepath.Join(dir, "catalogue.csv"))
	if err != nil {
		return nil, err
	}
	var rows []row
	for _, m := range recs {
		r := row{ID: m["id"], NameZH: m["name_zh"], NameEN: m["name_en"], Layer: m["layer"], Geom: m["geom_type"],
			Section: m["section"], Quote: m["quote"], Status: m["status"], Note: m["location_note"]}
		r.PlanLine, _ = strconv.Atoi(m["plan_line"])
		rows = append(rows, r)
	}
	return rows, nil
}

func readFC(path string) (*geojson.FeatureCollection, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	fc, err := geojson.UnmarshalFeatureCollection(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	return fc, nil
}
