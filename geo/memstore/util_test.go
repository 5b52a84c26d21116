package memstore_test

import "github.com/paulmach/orb"

func orbBound(a, b, c, d float64) orb.Bound {
	return orb.Bound{Min: orb.Point{a, b}, Max: orb.Point{c, d}}
}
