// Package memstore is the embedded store: the whole dataset in memory with an
// R-tree over feature bounds, so a newcomer needs no database. Safe for
// concurrent readers.
package memstore

import (
	"context"
	"math"
	"slices"
	"sort"
	"sync"

	"github.com/paulmach/orb"
	"github.com/tidwall/rtree"

	"planmap/data"
	"planmap/geo"
)

// Store holds a dataset in memory.
type Store struct {
	mu       sync.RWMutex
	layers   []geo.Layer
	byLayer  map[string][]*geo.Feature // sorted by id
	byID     map[string]*geo.Feature
	index    rtree.RTreeG[*geo.Feature]
	targets  []geo.PlanTarget
	layerIdx map[string]int
}

var _ geo.Store = (*Store)(nil)

// New builds a store from a validated dataset.
func New(ds *data.Dataset) *Store {
	s := &Store{
		byLayer:  map[string][]*geo.Feature{},
		byID:     map[string]*geo.Feature{},
		layerIdx: map[string]int{},
		targets:  slices.Clone(ds.Targets),
	}
	s.layers = slices.Clone(ds.Layers)
	for i, l := range s.layers {
		s.layerIdx[l.ID] = i
		s.layers[i].Bounds, s.layers[i].Count = orb.Bound{}, 0
	}
	for i := range ds.Features {
		f := ds.Features[i]
		s.add(&f)
	}
	for id, fs := range s.byLayer {
		sort.Slice(fs, func(i, j int) bool { return fs[i].ID < fs[j].ID })
		s.byLayer[id] = fs
	}
	return s
}

func (s *Store) add(f *geo.Feature) {
	s.byID[f.ID] = f
	s.byLayer[f.Layer] = append(s.byLayer[f.Layer], f)
	i, ok := s.layerIdx[f.Layer]
	if !ok {
		return
	}
	l := &s.layers[i]
	l.Count++
	if f.Updated.After(l.Updated) {
		l.Updated = f.Updated
	}
	if f.Geometry == nil {
		return
	}
	b := f.Geometry.Bound()
	if l.Count == 1 || l.Bounds == (orb.Bound{}) {
		l.Bounds = b
	} else {
		l.Bounds = l.Bounds.Union(b)
	}
	s.index.Insert(b.Min, b.Max, f)
}

// Layers lists the layers in display order.
func (s *Store) Layers(ctx context.Context) ([]geo.Layer, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return slices.Clone(s.layers), nil
}

// Features answers a query on one layer.
func (s *Store) Features(ctx context.Context, layer string, q geo.Query) (geo.Page, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if _, ok := s.layerIdx[layer]; !ok {
		return geo.Page{}, geo.ErrNotFound
	}
	var candidates []*geo.Feature
	if q.BBox != nil {
		s.index.Search(q.BBox.Min, q.BBox.Max, func(min, max [2]float64, f *geo.Feature) bool {
			if f.Layer == layer {
				candidates = append(candidates, f)
			}
			return true
		})
		sort.Slice(candidates, func(i, j int) bool { return candidates[i].ID < candidates[j].ID })
	} else {
		candidates = s.byLayer[layer]
	}
	var page geo.Page
	for _, f := range candidates {
		if !matches(f, q) {
			continue
		}
		if page.Matched >= q.Offset && len(page.Features) < q.Limit {
			page.Features = append(page.Features, *f)
		}
		page.Matched++
	}
	return page, nil
}

func matches(f *geo.Feature, q geo.Query) bool {
	if q.BBox != nil && !geo.Intersects(f.Geometry, *q.BBox) {
		return false
	}
	if q.Time != nil && !q.Time.Contains(f.Updated) {
		return false
	}
	for k, v := range q.Props {
		if geo.PropString(*f, k) != v {
			return false
		}
	}
	return true
}

// Feature returns one feature of a layer.
func (s *Store) Feature(ctx context.Context, layer, id string) (geo.Feature, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	f, ok := s.byID[id]
	if !ok || f.Layer != layer {
		return geo.Feature{}, geo.ErrNotFound
	}
	return *f, nil
}

// Nearby lists features within a geodesic radius, nearest first.
func (s *Store) Nearby(ctx context.Context, q geo.NearbyQuery) ([]geo.Near, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	box := radiusBound(q.Center, q.Radius)
	var out []geo.Near
	s.index.Search(box.Min, box.Max, func(min, max [2]float64, f *geo.Feature) bool {
		if len(q.Layers) > 0 && !slices.Contains(q.Layers, f.Layer) {
			return true
		}
		if d := geo.DistanceTo(q.Center, f.Geometry); d <= q.Radius {
			out = append(out, geo.Near{Feature: *f, DistanceM: d})
		}
		return true
	})
	geo.SortNear(out)
	if len(out) > q.Limit {
		out = out[:q.Limit]
	}
	return out, nil
}

// radiusBound is a lon/lat box that surely holds every point within r metres
// of c (degrees per metre taken generously, at the box's far latitude).
func radiusBound(c orb.Point, r float64) orb.Bound {
	dLat := r/110574*1.01 + 1e-9
	lat := math.Min(89, math.Abs(c[1])+dLat)
	dLon := r/(111320*math.Cos(lat*math.Pi/180))*1.01 + 1e-9
	return orb.Bound{Min: orb.Point{c[0] - dLon, c[1] - dLat}, Max: orb.Point{c[0] + dLon, c[1] + dLat}}
}

// Search ranks name matches.
func (s *Store) Search(ctx context.Context, q geo.SearchQuery) ([]geo.Feature, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	text := geo.Normalize(q.Text)
	if text == "" {
		return nil, nil
	}
	var hits []geo.Ranked
	for _, l := range s.layers {
		if len(q.Layers) > 0 && !slices.Contains(q.Layers, l.ID) {
			continue
		}
		for _, f := range s.byLayer[l.ID] {
			if r := geo.Match(text, *f); r >= 0 {
				hits = append(hits, geo.Ranked{Feature: *f, Rank: r, Order: l.Order})
			}
		}
	}
	geo.SortRanked(hits)
	out := make([]geo.Feature, 0, min(len(hits), q.Limit))
	for _, h := range hits[:min(len(hits), q.Limit)] {
		out = append(out, h.Feature)
	}
	return out, nil
}

// Targets lists the plan-wide targets.
func (s *Store) Targets(ctx context.Context) ([]geo.PlanTarget, error) {
	return slices.Clone(s.targets), nil
}

// Ping always succeeds: the data is in memory.
func (s *Store) Ping(ctx context.Context) error { return nil }

// Close does nothing.
func (s *Store) Close() error { return nil }
