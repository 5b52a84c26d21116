// Package data holds the plan dataset — layer metadata, one GeoJSON
// FeatureCollection per layer and the plan-wide targets — embedded in the
// binary, and reads and validates datasets in that format.
//
// A dataset directory holds:
//
//	layers.json          [ {id, title_zh, title_en, ..., geometry_type, license?, attribution?}, ... ]
//	layers/<id>.geojson  one FeatureCollection per layer
//	targets.json         [ {id, group, metric, value, ...}, ... ] (optional)
//	places.geojson       the gazetteer: real places to search (optional)
//	aliases.json         [ {name, target, source}, ... ] other names (optional)
package data

import (
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"sort"
	"strings"

	"github.com/paulmach/orb"

	"planmap/geo"
)

//go:embed layers.json targets.json layers SOURCES.md places.geojson aliases.json
var embedded embed.FS

//go:embed sources/plan.md
var planText []byte

// PlanText is the plan's full text (sources/plan.md), to which every
// feature's plan_line refers.
func PlanText() []byte { return planText }

// Embedded returns the dataset shipped in the binary.
func Embedded() fs.FS { return embedded }

// Dir returns a dataset directory on disk.
func Dir(dir string) fs.FS { return os.DirFS(dir) }

// Dataset is a whole plan dataset, read and validated.
type Dataset struct {
	Layers   []geo.Layer
	Features []geo.Feature // grouped by layer, in file order
	Targets  []geo.PlanTarget
	Places   []geo.Place // the gazetteer (places.geojson)
	Aliases  []geo.Alias // other names of features and places (aliases.json)
}

// Invalid is returned when a dataset has problems; it lists all of them.
type Invalid struct{ Problems []geo.Problem }

func (e *Invalid) Error() string {
	lines := make([]string, 0, len(e.Problems)+1)
	lines = append(lines, fmt.Sprintf("dataset has %d problem(s):", len(e.Problems)))
	for _, p := range e.Problems {
		lines = append(lines, "  "+p.Error())
	}
	return strings.Join(lines, "\n")
}

// Load reads a dataset and checks it; any problem gives an *Invalid error
// naming each file and feature, so nothing half-valid is ever served or stored.
func Load(fsys fs.FS, opts ...Option) (*Dataset, error) {
	var feats []geo.Feature
	ds, err := Scan(fsys, func(f geo.Feature) error {
		feats = append(feats, f)
		return nil
	}, opts...)
	if err != nil {
		return nil, err
	}
	ds.Features = feats
	return ds, nil
}

// Scan reads a dataset's layers and targets and streams every feature, layer
// by layer, through the checks and then to fn, holding none of them: a loader
// writes as it reads. It reads to the end and reports every problem as an
// *Invalid; fn's own error stops the scan.
func Scan(fsys fs.FS, fn func(geo.Feature) error, opts ...Option) (*Dataset, error) {
	var o options
	for _, opt := range opts {
		if err := opt(&o); err != nil {
			return nil, err
		}
	}
	ds, probs := readMeta(fsys)
	if ds == nil {
		return nil, &Invalid{probs}
	}
	c := newChecker(ds.Layers)
	c.add(probs...)
	var fnErr error
	for _, l := range ds.Layers {
		file := LayerFile(l.ID)
		c.add(eachFeature(fsys, file, l.ID, func(f geo.Feature) {
			if o.toWGS84 != nil && f.Geometry != nil {
				f.Geometry = o.toWGS84(f.Geometry)
			}
			if c.feature(f) && fnErr == nil {
				fnErr = fn(f)
			}
		})...)
		if fnErr != nil {
			return nil, fnErr
		}
	}
	c.targets(ds.Targets)
	c.names(ds)
	if len(c.probs) > 0 {
		return nil, &Invalid{Problems: c.probs}
	}
	return ds, nil
}

// Option changes how a dataset is read.
type Option func(*options) error

type options struct {
	toWGS84 func(orb.Geometry) orb.Geometry
}

// SourceCRS says which coordinate system the dataset's geometries are in:
// "wgs84" (the default) or "gcj02", the offset datum of Chinese web maps,
// which is converted to WGS84 as features are read, before they are checked.
func SourceCRS(name string) Option {
	return func(o *options) error {
		switch strings.ToLower(name) {
		case "", "wgs84", "epsg:4326", "crs84":
			o.toWGS84 = nil
		case "gcj02", "gcj-02":
			o.toWGS84 = geo.GCJ02ToWGS84Geometry
		default:
			return fmt.Errorf("unknown source CRS %q: use wgs84 or gcj02", name)
		}
		return nil
	}
}

// Meta reads a dataset's layers and targets, without its features, so that a
// loader can write them before it streams the features.
func Meta(fsys fs.FS) (*Dataset, error) {
	ds, probs := readMeta(fsys)
	if len(probs) > 0 {
		return nil, &Invalid{probs}
	}
	return ds, nil
}

func readMeta(fsys fs.FS) (*Dataset, []geo.Problem) {
	ds := &Dataset{}
	if err := readJSON(fsys, "layers.json", &ds.Layers); err != nil {
		return nil, []geo.Problem{{File: "layers.json", Msg: err.Error()}}
	}
	var probs []geo.Problem
	if len(ds.Layers) == 0 {
		// An empty list is a mistake, never a plan: loaded, it would remove everything.
		probs = append(probs, geo.Problem{File: "layers.json", Msg: "lists no layers; a dataset needs at least one"})
	}
	if err := readJSON(fsys, "targets.json", &ds.Targets); err != nil && !errors.Is(err, fs.ErrNotExist) {
		probs = append(probs, geo.Problem{File: "targets.json", Msg: err.Error()})
	}
	probs = append(probs, readNames(fsys, ds)...)
	sort.SliceStable(ds.Layers, func(i, j int) bool { return ds.Layers[i].Order < ds.Layers[j].Order })
	for i := range ds.Layers {
		if len(ds.Layers[i].Attribution) == 0 {
			ds.Layers[i].Attribution = nil // "attribution": [] says no more than leaving it out
		}
	}
	return ds, probs
}

// LayerFile is the path of a layer's GeoJSON file inside a dataset.
func LayerFile(layer string) string { return path.Join("layers", layer+".geojson") }

func readJSON(fsys fs.FS, name string, v any) error {
	b, err := fs.ReadFile(fsys, name)
	if err != nil {
		return err
	}
	if p := textProblem(b); p != "" {
		return errors.New(p)
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("not valid JSON: %v", err)
	}
	return nil
}

// clean drops repeated consecutive points, which sources often carry and
// which make zero-length edges.
func clean(g orb.Geometry) orb.Geometry {
	switch g := g.(type) {
	case orb.LineString:
		return dedupe(g)
	case orb.MultiLineString:
		for i := range g {
			g[i] = dedupe(g[i])
		}
	case orb.Polygon:
		for i := range g {
			g[i] = orb.Ring(dedupe(orb.LineString(g[i])))
		}
	case orb.MultiPolygon:
		for i := range g {
			g[i] = clean(g[i]).(orb.Polygon)
		}
	}
	return g
}

func dedupe(l orb.LineString) orb.LineString {
	out := l[:0:0]
	for i, p := range l {
		if i == 0 || p != l[i-1] {
			out = append(out, p)
		}
	}
	return out
}
