package geo

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/paulmach/orb"
	"github.com/tidwall/rtree"
)

// The polygon rules of OGC Simple Features, as GEOS (and so PostGIS's
// ST_IsValid) applies them: rings may meet only in single points where
// neither crosses the other, a ring never meets itself, holes lie inside
// their shell and not in each other, the interior stays connected, and the
// polygons of a multipolygon neither overlap nor nest.

// vring is one ring of a polygonal geometry with repeated points dropped.
type vring struct {
	pts       []orb.Point // closed
	poly, idx int         // its polygon, and its place there: 0 the shell
	env       orb.Bound
	ccw       int // 1 counter-clockwise, -1 clockwise, 0 not yet known

	queries int                  // point locations asked of it
	edges   *rtree.RTreeG[int32] // built once it is asked often
}

type topology struct {
	multi bool
	rings []*vring
	shell []int // shell[p] is polygon p's exterior ring in rings

	// Touches between rings of one polygon, as a graph of rings and the
	// points where they touch: a cycle in it cuts the interior in two.
	parent  map[int32]int32
	node    map[orb.Point]int32
	linked  map[[2]int32]bool
	cutAt   *orb.Point
	cutRing int32
}

func newTopology(polys []orb.Polygon, multi bool) *topology {
	t := &topology{multi: multi}
	for pi, p := range polys {
		t.shell = append(t.shell, len(t.rings))
		for ri, r := range p {
			pts := dedupe(r)
			t.rings = append(t.rings, &vring{pts: pts, poly: pi, idx: ri, env: orb.MultiPoint(pts).Bound()})
		}
	}
	return t
}

// dedupe drops consecutive repeated points.
func dedupe(r orb.Ring) []orb.Point {
	out := make([]orb.Point, 0, len(r))
	for i, p := range r {
		if i == 0 || p != r[i-1] {
			out = append(out, p)
		}
	}
	return out
}

func (t *topology) check() error {
	if err := t.intersections(); err != nil {
		return err
	}
	if err := t.holesInShells(); err != nil {
		return err
	}
	if err := t.holesApart(); err != nil {
		return err
	}
	if err := t.shellsApart(); err != nil {
		return err
	}
	if t.cutAt != nil {
		prefix := ""
		if t.multi {
			prefix = fmt.Sprintf("polygon %d: ", t.rings[t.cutRing].poly)
		}
		return fmt.Errorf("%sinterior is cut in two where rings touch near %v", prefix, *t.cutAt)
	}
	return nil
}

// edge is one edge of a ring, for the sweep.
type edge struct {
	a, b    orb.Point
	lo, hi  orb.Point // its envelope
	ring, i int32
}

// intersections finds every pair of edges that meet. It sweeps the edges in
// order of their lowest coordinate on one axis and compares only edges whose
// ranges on that axis overlap: near-linear for the rings a map holds. The
// axis is the one along which edges are shortest relative to the whole, so
// a comb of long east-west teeth is swept north to south. (Long edges in
// every direction at once still cost time quadratic in their number.)
func (t *topology) intersections() error {
	n := 0
	for _, r := range t.rings {
		n += len(r.pts) - 1
	}
	edges := make([]edge, 0, n)
	env := t.rings[0].env
	var span orb.Point // summed extents of the edges along x and y
	for ri, r := range t.rings {
		env = env.Union(r.env)
		for i := 0; i+1 < len(r.pts); i++ {
			a, b := r.pts[i], r.pts[i+1]
			e := edge{a: a, b: b, ring: int32(ri), i: int32(i),
				lo: orb.Point{min(a[0], b[0]), min(a[1], b[1])},
				hi: orb.Point{max(a[0], b[0]), max(a[1], b[1])}}
			span[0] += e.hi[0] - e.lo[0]
			span[1] += e.hi[1] - e.lo[1]
			edges = append(edges, e)
		}
	}
	k, o := 0, 1 // the sweep's axis and the other
	if span[0]*(env.Max[1]-env.Min[1]) > span[1]*(env.Max[0]-env.Min[0]) {
		k, o = 1, 0
	}
	// Sort small keys, then lay the edges out in their order for the scan.
	type key struct {
		lo float64
		i  int32
	}
	order := make([]key, len(edges))
	for i := range edges {
		order[i] = key{edges[i].lo[k], int32(i)}
	}
	slices.SortFunc(order, func(a, b key) int { return cmp.Compare(a.lo, b.lo) })
	sorted := make([]edge, len(edges))
	for x, oe := range order {
		sorted[x] = edges[oe.i]
	}
	for x := range sorted {
		e := &sorted[x]
		for y := x + 1; y < len(sorted) && sorted[y].lo[k] <= e.hi[k]; y++ {
			if f := &sorted[y]; f.lo[o] <= e.hi[o] && f.hi[o] >= e.lo[o] {
				if err := t.meet(e, f); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// meet judges two edges that may meet.
func (t *topology) meet(e, f *edge) error {
	m, at := intersect(e.a, e.b, f.a, f.b)
	re, rf := t.rings[e.ring], t.rings[f.ring]
	same := e.ring == f.ring
	switch {
	case m == meetApart:
		return nil
	case m == meetOverlap && same:
		return fmt.Errorf("%s runs back along itself near %v", t.ringName(e.ring), at)
	case m == meetOverlap:
		return fmt.Errorf("%s share an edge near %v", t.pairName(e.ring, f.ring), at)
	case m == meetCross && same:
		return fmt.Errorf("%s self-intersects near %v", t.ringName(e.ring), at)
	case m == meetCross:
		return t.crossing(e.ring, f.ring, at)
	case same:
		// Adjacent edges meet at their common vertex; others may not meet
		// at all: under OGC rules a ring may not even touch itself.
		if d, n := abs(int(e.i-f.i)), len(re.pts)-1; d <= 1 || d >= n-1 {
			return nil
		}
		return fmt.Errorf("%s touches itself near %v", t.ringName(e.ring), at)
	}
	// A point where an edge ends is also where the next edge starts: judge
	// it there only, from the two edges that leave it (or pass through it).
	if at == e.b || at == f.b {
		return nil
	}
	a0, b0 := e.a, f.a
	if at == e.a {
		a0 = re.before(int(e.i))
	}
	if at == f.a {
		b0 = rf.before(int(f.i))
	}
	if crosses(at, a0, e.b, b0, f.b) {
		return t.crossing(e.ring, f.ring, at)
	}
	if re.poly == rf.poly {
		t.touch(e.ring, f.ring, at)
	}
	return nil
}

func (t *topology) crossing(r, s int32, at orb.Point) error {
	if t.rings[r].poly != t.rings[s].poly {
		return fmt.Errorf("%s overlap near %v", t.pairName(r, s), at)
	}
	return fmt.Errorf("%s cross near %v", t.pairName(r, s), at)
}

func abs(i int) int { return max(i, -i) }

// before is the vertex before vertex i of the ring.
func (r *vring) before(i int) orb.Point {
	if i == 0 {
		return r.pts[len(r.pts)-2]
	}
	return r.pts[i-1]
}

// touch records that rings r and s of one polygon touch at p. Nodes of the
// graph are rings (their index) and points (after them); union-find spots
// the first edge that closes a cycle. Rings touching twice make a cycle, as
// do a shell and holes touching in a chain; rings all meeting in one point
// do not.
func (t *topology) touch(r, s int32, p orb.Point) {
	if t.node == nil {
		t.parent, t.node, t.linked = map[int32]int32{}, map[orb.Point]int32{}, map[[2]int32]bool{}
	}
	n, ok := t.node[p]
	if !ok {
		n = int32(len(t.rings) + len(t.node))
		t.node[p] = n
	}
	for _, ring := range [2]int32{r, s} {
		if t.linked[[2]int32{ring, n}] {
			continue
		}
		t.linked[[2]int32{ring, n}] = true
		a, b := t.root(ring), t.root(n)
		if a == b && t.cutAt == nil {
			t.cutAt = &p
			t.cutRing = ring
		}
		t.parent[a] = b
	}
}

func (t *topology) root(n int32) int32 {
	for {
		p, ok := t.parent[n]
		if !ok || p == n {
			return n
		}
		if g, ok := t.parent[p]; ok {
			t.parent[n] = g // path halving
		}
		n = p
	}
}

// holesInShells checks that every hole lies inside its shell. With no
// crossings a hole is wholly inside or outside, so its first edge decides.
func (t *topology) holesInShells() error {
	for i, r := range t.rings {
		if r.idx == 0 {
			continue
		}
		shell := t.rings[t.shell[r.poly]]
		if !covers(shell.env, r.env) || !shell.holds(r.pts[0], r.pts[1]) {
			return fmt.Errorf("%s lies outside the exterior ring near %v", t.ringName(int32(i)), r.pts[0])
		}
	}
	return nil
}

// holesApart checks that no hole lies inside another of its polygon.
func (t *topology) holesApart() error {
	var holes []int
	for i, r := range t.rings {
		if r.idx > 0 {
			holes = append(holes, i)
		}
	}
	return t.nested(holes, func(in, out int) error {
		ri, ro := t.rings[in], t.rings[out]
		if ri.poly == ro.poly && ro.holds(ri.pts[0], ri.pts[1]) {
			return fmt.Errorf("%s lies inside %s near %v", t.ringName(int32(in)), t.ringName(int32(out)), ri.pts[0])
		}
		return nil
	})
}

// shellsApart checks that no polygon of a multipolygon lies inside another,
// unless inside one of its holes.
func (t *topology) shellsApart() error {
	return t.nested(t.shell, func(in, out int) error {
		ri, ro := t.rings[in], t.rings[out]
		if !ro.holds(ri.pts[0], ri.pts[1]) {
			return nil
		}
		for _, h := range t.rings[out+1:] {
			if h.poly != ro.poly {
				break
			}
			if covers(h.env, ri.env) && h.holds(ri.pts[0], ri.pts[1]) {
				return nil
			}
		}
		return fmt.Errorf("polygon %d lies inside polygon %d near %v", ri.poly, ro.poly, ri.pts[0])
	})
}

// nested calls f for each pair of the given rings whose envelopes nest.
func (t *topology) nested(rings []int, f func(in, out int) error) error {
	if len(rings) < 2 {
		return nil
	}
	var tree rtree.RTreeG[int]
	for _, i := range rings {
		e := t.rings[i].env
		tree.Insert(e.Min, e.Max, i)
	}
	var err error
	for _, in := range rings {
		e := t.rings[in].env
		tree.Search(e.Min, e.Max, func(_, _ [2]float64, out int) bool {
			if out != in && covers(t.rings[out].env, e) {
				err = f(in, out)
			}
			return err == nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

func covers(outer, inner orb.Bound) bool {
	return outer.Min[0] <= inner.Min[0] && outer.Min[1] <= inner.Min[1] &&
		outer.Max[0] >= inner.Max[0] && outer.Max[1] >= inner.Max[1]
}

// holds reports whether the segment from a to b, which crosses no edge of
// the ring and does not run along one, starts into the ring's interior.
func (r *vring) holds(a, b orb.Point) bool {
	loc, prev, next := r.locate(a)
	if loc != 0 {
		return loc > 0
	}
	// a lies on the ring: the interior of a counter-clockwise ring lies
	// counter-clockwise from the edge leaving a to the edge arriving.
	if r.orientation() < 0 {
		prev, next = next, prev
	}
	return inSector(a, next, prev, b)
}

// orientation is 1 for a counter-clockwise ring, -1 for a clockwise one,
// decided exactly at the lowest (then leftmost) vertex, which is convex.
func (r *vring) orientation() int {
	if r.ccw == 0 {
		n := len(r.pts) - 1
		low := 0
		for i, p := range r.pts[:n] {
			if q := r.pts[low]; p[1] < q[1] || p[1] == q[1] && p[0] < q[0] {
				low = i
			}
		}
		r.ccw = orient(r.before(low), r.pts[low], r.pts[low+1])
	}
	return r.ccw
}

// locate tells whether p lies inside the ring (1), outside (-1) or on it
// (0), counting the edges a ray from p eastwards crosses. On the ring it
// also gives the ring's vertices before and after p, or the ends of the
// edge p lies inside.
func (r *vring) locate(p orb.Point) (loc int, prev, next orb.Point) {
	if !r.env.Contains(p) {
		return -1, prev, next
	}
	inside, on := false, false
	// visit returns false once p is found on the ring.
	visit := func(i int) bool {
		a, b := r.pts[i], r.pts[i+1]
		if a[0] < p[0] && b[0] < p[0] {
			return true
		}
		switch {
		case a[1] == p[1] && b[1] == p[1]:
			on = p[0] >= min(a[0], b[0]) && p[0] <= max(a[0], b[0])
		case (a[1] > p[1]) != (b[1] > p[1]):
			// Upward edges hold their start and not their end, downward
			// ones the reverse, so a vertex on the ray counts once.
			s := orient(a, b, p)
			if b[1] < a[1] {
				s = -s
			}
			on, inside = s == 0, inside != (s > 0)
		default:
			on = p == a || p == b
		}
		if !on {
			return true
		}
		switch p {
		case a:
			prev, next = r.before(i), b
		case b:
			prev, next = a, r.pts[(i+2)%(len(r.pts)-1)]
		default:
			prev, next = a, b
		}
		return false
	}
	r.queries++
	if r.edges == nil && r.queries > 1 && len(r.pts) > 64 {
		r.edges = &rtree.RTreeG[int32]{}
		for i := 0; i+1 < len(r.pts); i++ {
			a, b := r.pts[i], r.pts[i+1]
			r.edges.Insert([2]float64{min(a[0], b[0]), min(a[1], b[1])}, [2]float64{max(a[0], b[0]), max(a[1], b[1])}, int32(i))
		}
	}
	if r.edges != nil {
		r.edges.Search(p, [2]float64{r.env.Max[0], p[1]}, func(_, _ [2]float64, i int32) bool { return visit(int(i)) })
	} else {
		for i := 0; i+1 < len(r.pts) && visit(i); i++ {
		}
	}
	switch {
	case on:
		return 0, prev, next
	case inside:
		return 1, prev, next
	}
	return -1, prev, next
}

// ringName is "ring 1", or "polygon 2 ring 1" in a multipolygon.
func (t *topology) ringName(r int32) string {
	ring := t.rings[r]
	if t.multi {
		return fmt.Sprintf("polygon %d ring %d", ring.poly, ring.idx)
	}
	return fmt.Sprintf("ring %d", ring.idx)
}

// pairName names two rings: "rings 0 and 1", "polygon 2 rings 0 and 1" or
// "polygons 2 and 3".
func (t *topology) pairName(r, s int32) string {
	a, b := t.rings[r], t.rings[s]
	if a.poly > b.poly || a.poly == b.poly && a.idx > b.idx {
		a, b = b, a
	}
	switch {
	case a.poly != b.poly:
		return fmt.Sprintf("polygons %d and %d", a.poly, b.poly)
	case t.multi:
		return fmt.Sprintf("polygon %d rings %d and %d", a.poly, a.idx, b.idx)
	}
	return fmt.Sprintf("rings %d and %d", a.idx, b.idx)
}
