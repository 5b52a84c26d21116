package main

import (
	"fmt"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

// readPlacements reads data/sources/placements.csv: coarse placements of
// catalogue elements that have no anchor of their own, each with its
// evidence. Columns: id, method, ref, evidence. Methods:
//
//	area        ref = catalogue id: drawn at that element's anchor (accuracy district)
//	district    ref = district name: drawn at its label point (accuracy district)
//	via         ref = waypoints separated by ";" (see builder.ref): schematic line
//	ring        ref = "rx;ry" in km: schematic ring around the city centre
//	river-band  ref = "yangtze|han;half-width km": schematic band along the river inside Wuhan
func (b *builder) readPlacements() error {
	recs, err := readCSV(filepath.Join(b.src, "placements.csv"))
	if err != nil {
		return err
	}
	for _, m := range recs {
		id, method, ref, why := m["id"], m["method"], m["ref"], m["evidence"]
		r := b.byID[id]
		switch {
		case r == nil:
			return fmt.Errorf("placements: %s is not in the catalogue", id)
		case r.HasCoord:
			return fmt.Errorf("placements: %s already has an anchor", id)
		case aggregates[id]:
			return fmt.Errorf("placements: %s is an aggregate and has no single place", id)
		case why == "":
			return fmt.Errorf("placements: %s has no evidence", id)
		}
		if _, ok := b.places[id]; ok {
			return fmt.Errorf("placements: %s is already placed in the builder", id)
		}
		pl := place{why: why, method: method}
		parts := strings.Split(ref, ";")
		nums := func(n int) ([]float64, error) {
			if len(parts) != n {
				return nil, fmt.Errorf("placements: %s: want %d values in %q", id, n, ref)
			}
			var v []float64
			for _, p := range parts {
				f, err := strconv.ParseFloat(p, 64)
				if err != nil {
					v = append(v, 0)
					continue
				}
				v = append(v, f)
			}
			return v, nil
		}
		switch method {
		case "area":
			a := b.byID[ref]
			if a == nil || !a.HasCoord {
				return fmt.Errorf("placements: %s: area %s has no anchor", id, ref)
			}
			pl.area = ref
		case "district":
			if b.districtByName(ref) == nil {
				return fmt.Errorf("placements: %s: unknown district %s", id, ref)
			}
			pl.district = ref
		case "via":
			if r.Geom != "LineString" || len(parts) < 2 {
				return fmt.Errorf("placements: %s: via needs a LineString element and two waypoints", id)
			}
			pl.via = parts
		case "ring":
			v, err := nums(2)
			if err != nil {
				return err
			}
			pl.ring = [2]float64{v[0], v[1]}
		case "river-band":
			if r.Geom != "Polygon" || len(parts) != 2 || b.rivers[parts[0]] == nil {
				return fmt.Errorf("placements: %s: river-band needs a Polygon element, a river and a width", id)
			}
			w, err := strconv.ParseFloat(parts[1], 64)
			if err != nil || w <= 0 {
				return fmt.Errorf("placements: %s: bad width %q", id, parts[1])
			}
			pl.band, pl.bandKm = parts[0], w
		default:
			return fmt.Errorf("placements: %s: unknown method %q", id, method)
		}
		b.places[id] = pl
	}
	return nil
}

// riverInCity is the river centreline as one line from upstream to
// downstream, cut to the run of vertices inside Wuhan's districts.
func (b *builder) riverInCity(key string) orb.LineString {
	ml := b.rivers[key]
	var l orb.LineString
	if key == "yangtze" && len(ml) == 2 {
		// Natural Earth splits the Yangtze at the Han confluence: the first
		// part runs upstream from it, the second downstream.
		for i := len(ml[0]) - 1; i >= 0; i-- {
			l = append(l, ml[0][i])
		}
		l = append(l, ml[1][1:]...)
	} else {
		for _, p := range ml {
			l = append(l, p...)
		}
	}
	inCity := func(p orb.Point) bool {
		for i := range b.districts {
			if planar.MultiPolygonContains(b.districts[i].geom, p) {
				return true
			}
		}
		return false
	}
	var best, cur orb.LineString
	for _, p := range l {
		if inCity(p) {
			cur = append(cur, p)
			if len(cur) > len(best) {
				best = cur
			}
		} else {
			cur = nil
		}
	}
	return append(orb.LineString{}, best...)
}

// band is a polygon reaching km either side of a line (offset along the
// averaged normals of adjacent segments).
func band(l orb.LineString, km float64) orb.Polygon {
	n := len(l)
	left := make(orb.Ring, 0, n)
	right := make(orb.Ring, 0, n)
	for i, p := range l {
		a, c := l[max(i-1, 0)], l[min(i+1, n-1)]
		k := 111.32 * cosd(p[1])
		dx, dy := (c[0]-a[0])*k, (c[1]-a[1])*110.57
		h := hypot(dx, dy)
		nx, ny := -dy/h*km, dx/h*km
		left = append(left, offset(p, nx, ny))
		right = append(right, offset(p, -nx, -ny))
	}
	ring := append(orb.Ring{}, right...)
	for i := n - 1; i >= 0; i-- {
		ring = append(ring, left[i])
	}
	ring = append(ring, ring[0])
	if ringArea(ring) < 0 {
		ring = reversed(ring)
	}
	return orb.Polygon{ring}
}
