package postgis

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	gojson "github.com/goccy/go-json"
	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"

	"planmap/geo"
)

// featureCols is what scanFeature reads, in order.
const featureCols = `f.id, f.layer, f.name_zh, f.name_en, f.kind, f.status, f.plan_section, f.plan_line,
	f.plan_quote, f.district, f.accuracy, f.source, f.updated, f.targets, f.extra, ST_AsBinary(f.geom)`

// filterColumns maps geo.Filterable names to columns; nothing else from a
// request ever reaches SQL text.
var filterColumns = map[string]string{
	"status": "f.status", "kind": "f.kind", "district": "f.district", "accuracy": "f.accuracy",
}

// Layers lists the layers in display order with counts, bounds and the latest update.
// They are computed once per data version: every request asks for them.
func (s *Store) Layers(ctx context.Context) ([]geo.Layer, error) {
	version, err := s.Version(ctx)
	if err != nil {
		return nil, err
	}
	if layers, ok := s.versions.cachedLayers(version); ok {
		return layers, nil
	}
	v, err, _ := s.layerScans.Do(version, func() (any, error) {
		if layers, ok := s.versions.cachedLayers(version); ok { // a scan just ended
			return layers, nil
		}
		// Not cut short when the request that began it goes: others wait on it.
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), layerScanTimeout)
		defer cancel()
		s.scans.Add(1)
		layers, err := s.queryLayers(ctx)
		if err == nil {
			s.versions.keepLayers(version, layers)
		}
		return layers, err
	})
	if err != nil {
		return nil, err
	}
	return v.([]geo.Layer), nil
}

// layerScanTimeout bounds a scan of the layers that no request waits for
// any more (the statement timeout bounds it too).
const layerScanTimeout = time.Minute

func (s *Store) queryLayers(ctx context.Context) ([]geo.Layer, error) {
	rows, err := s.pool.Query(ctx, `
		SELECT l.id, l.title_zh, l.title_en, l.description_zh, l.description_en, l.theme,
		       l.geometry_type, l.sort_order, l.base, l.style,
		       l.license_id, l.license_title, l.license_url, l.attribution, coalesce(a.n, 0),
		       ST_XMin(a.ext), ST_YMin(a.ext), ST_XMax(a.ext), ST_YMax(a.ext), a.updated
		FROM layers l LEFT JOIN (
			SELECT layer, count(*) AS n, ST_Extent(geom) AS ext, max(updated) AS updated
			FROM features GROUP BY layer) a ON a.layer = l.id
		ORDER BY l.sort_order, l.position, l.id`)
	if err != nil {
		return nil, wrap(ctx, err)
	}
	layers, err := pgx.CollectRows(rows, scanLayer)
	return layers, wrap(ctx, err)
}

func scanLayer(row pgx.CollectableRow) (geo.Layer, error) {
	var l geo.Layer
	var style []byte
	var x0, y0, x1, y1 *float64
	var updated *time.Time
	var lic [3]string
	err := row.Scan(&l.ID, &l.TitleZH, &l.TitleEN, &l.DescriptionZH, &l.DescriptionEN, &l.Theme,
		&l.GeometryType, &l.Order, &l.Base, &style, &lic[0], &lic[1], &lic[2], &l.Attribution,
		&l.Count, &x0, &y0, &x1, &y1, &updated)
	if err != nil {
		return l, err
	}
	l.License = licenseOf(lic)
	if len(l.Attribution) == 0 {
		l.Attribution = nil // as the dataset reader gives a layer without credits
	}
	if err := json.Unmarshal(style, &l.Style); err != nil {
		return l, fmt.Errorf("layer %s: style: %w", l.ID, err)
	}
	if x0 != nil && servable(orb.LineString{{*x0, *y0}, {*x1, *y1}}) {
		l.Bounds = orb.Bound{Min: orb.Point{*x0, *y0}, Max: orb.Point{*x1, *y1}}
	}
	if updated != nil {
		l.Updated = fromDB(*updated)
	}
	return l, nil
}

// Features answers a query on one layer: from the tiles' copy in memory and
// the page's rows when it can (memoryPage), else whether the layer exists,
// the exact count and the page go to the server in one round trip.
func (s *Store) Features(ctx context.Context, layer string, q geo.Query) (geo.Page, error) {
	if page, ok, err := s.memoryPage(ctx, layer, q); ok || err != nil {
		return page, err
	}
	var qs map[string]geo.Queryable
	if q.Filter != nil || len(q.Sort) > 0 {
		schema, err := s.Schema(ctx, layer)
		if err != nil {
			return geo.Page{}, err
		}
		qs = map[string]geo.Queryable{geo.GeomAlias: {Name: geo.GeomAlias, Type: "geometry"}}
		for _, x := range geo.Queryables(schema) {
			qs[x.Name] = x
		}
	}
	where, args := featureWhere(layer, q, qs)
	b := &pgx.Batch{}
	var page geo.Page
	// A layer among those kept for this data version exists; any other is
	// asked of the database.
	exists := s.knownLayer(ctx, layer)
	if !exists {
		b.Queue("SELECT EXISTS (SELECT 1 FROM layers WHERE id = $1)", layer).QueryRow(func(r pgx.Row) error {
			return r.Scan(&exists)
		})
	}
	// The count of a query is kept per data version, so paging through a
	// large answer counts it once, not once a page.
	version, _ := s.Version(ctx)
	argsKey, _ := json.Marshal(args)
	countKey := version + "\x00" + where + "\x00" + string(argsKey)
	matched, counted := s.counts.get(countKey)
	if !counted && q.Limit > 0 && len(q.Sort) == 0 && s.fewMatches(ctx, layer, q.BBox) {
		return s.countedPage(ctx, b, &exists, layer, q, where, args, countKey, version)
	}
	if !counted {
		b.Queue("SELECT count(*) FROM features f WHERE "+where, args...).QueryRow(func(r pgx.Row) error {
			return r.Scan(&matched)
		})
	}
	if q.Limit > 0 {
		args := args
		if q.After != "" && len(q.Sort) == 0 {
			args = append(slices.Clone(args), q.After)
			where += fmt.Sprintf(" AND f.id > $%d", len(args))
		}
		order, args := orderBy(q.Sort, qs, args)
		n := len(args)
		sql := fmt.Sprintf("SELECT %s FROM features f WHERE %s ORDER BY %s LIMIT $%d OFFSET $%d",
			featureCols, where, order, n+1, n+2)
		b.Queue(sql, slices.Concat(args, []any{q.Limit, max(q.Offset, 0)})...).Query(func(rows pgx.Rows) error {
			fs, err := pgx.CollectRows(rows, newFeatureScanner().scan)
			page.Features = fs
			return err
		})
	}
	if err := s.pool.SendBatch(ctx, b).Close(); err != nil {
		return geo.Page{}, wrap(ctx, err)
	}
	if !exists {
		return geo.Page{}, geo.ErrNotFound
	}
	if !counted && version != "" && len(countKey) <= maxCountKey {
		s.counts.put(countKey, matched)
	}
	page.Matched = matched
	return page, nil
}

// knownLayer reports whether the layers kept for the current data version
// hold layer; it never asks the database.
func (s *Store) knownLayer(ctx context.Context, layer string) bool {
	version, err := s.Version(ctx)
	if err != nil {
		return false
	}
	layers, ok := s.versions.cachedLayers(version)
	return ok && slices.ContainsFunc(layers, func(l geo.Layer) bool { return l.ID == layer })
}

// fewMatchesMax is the most matches fewMatches expects of a box for which
// countedPage reads them all at once (a few MB of ids at most).
const fewMatchesMax = 20000

// fewMatches tells, from the layer's count and extent (kept per data
// version), whether a box likely holds few of its features: then the page,
// which must sort every match by id anyway, may count them in the same scan.
func (s *Store) fewMatches(ctx context.Context, layer string, box *orb.Bound) bool {
	if box == nil {
		return false
	}
	layers, err := s.Layers(ctx)
	if err != nil {
		return false
	}
	for _, l := range layers {
		if l.ID != layer {
			continue
		}
		e := l.Bounds
		if !e.Intersects(*box) || l.Count <= fewMatchesMax {
			return true
		}
		area := (e.Max[0] - e.Min[0]) * (e.Max[1] - e.Min[1])
		if area <= 0 {
			return false
		}
		w := min(e.Max[0], box.Max[0]) - max(e.Min[0], box.Min[0])
		h := min(e.Max[1], box.Max[1]) - max(e.Min[1], box.Min[1])
		return float64(l.Count)*w*h/area <= fewMatchesMax
	}
	return false
}

// countedPage answers a query whose count is not kept yet in one scan of
// its matches: their ids and row addresses are collected once, counted, and
// the page's rows fetched by address, the page sorted on the ids alone.
// Two statements (count, then page) read every match twice.
func (s *Store) countedPage(ctx context.Context, b *pgx.Batch, exists *bool, layer string, q geo.Query,
	where string, args []any, countKey, version string) (geo.Page, error) {
	var page geo.Page
	matched := -1
	after := "true"
	pargs := slices.Clone(args)
	if q.After != "" {
		pargs = append(pargs, q.After)
		after = fmt.Sprintf("m.id > $%d", len(pargs))
	}
	n := len(pargs)
	sql := fmt.Sprintf(`WITH m AS MATERIALIZED (SELECT f.ctid AS t, f.id FROM features f WHERE %s)
		SELECT %s, (SELECT count(*) FROM m) FROM features f
		WHERE f.ctid = ANY(ARRAY(SELECT m.t FROM m WHERE %s ORDER BY m.id LIMIT $%d OFFSET $%d)) ORDER BY f.id`,
		where, featureCols, after, n+1, n+2)
	b.Queue(sql, slices.Concat(pargs, []any{q.Limit, max(q.Offset, 0)})...).Query(func(rows pgx.Rows) error {
		fs, err := pgx.AppendRows(make([]geo.Feature, 0, min(q.Limit, 1000)), rows, newFeatureScanner(&matched).scan)
		page.Features = fs
		return err
	})
	if err := s.pool.SendBatch(ctx, b).Close(); err != nil {
		return geo.Page{}, wrap(ctx, err)
	}
	if !*exists {
		return geo.Page{}, geo.ErrNotFound
	}
	if matched < 0 { // an empty page carries no count: ask it
		if err := s.pool.QueryRow(ctx, "SELECT count(*) FROM features f WHERE "+where, args...).Scan(&matched); err != nil {
			return geo.Page{}, wrap(ctx, err)
		}
	}
	if version != "" && len(countKey) <= maxCountKey {
		s.counts.put(countKey, matched)
	}
	page.Matched = matched
	return page, nil
}

// countCache keeps the counts of recent queries, keyed by data version and
// query; it forgets them all when full.
type countCache struct {
	mu sync.Mutex
	m  map[string]int
}

// At most maxCounts counts are kept, each under a key of at most
// maxCountKey bytes (a long filter's count is not kept): a few MB at most.
const (
	maxCounts   = 4096
	maxCountKey = 1024
)

func (c *countCache) get(k string) (int, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	n, ok := c.m[k]
	return n, ok
}

func (c *countCache) put(k string, n int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= maxCounts {
		c.m = map[string]int{}
	}
	c.m[k] = n
}

// featureWhere builds the WHERE clause of a layer query and its arguments.
func featureWhere(layer string, q geo.Query, qs map[string]geo.Queryable) (string, []any) {
	w := &where{}
	w.add("f.layer = $%d", layer)
	if b := q.BBox; b != nil {
		// ST_Envelope keeps a degenerate box a point or a line, which
		// intersects as the box does. As a sub-select it is built once per
		// query: in the generic plan of a prepared statement it was built
		// again for every row the index found.
		env := `(SELECT ST_Envelope(ST_MakeLine(ST_SetSRID(ST_MakePoint($%d, $%d), 4326),
			ST_SetSRID(ST_MakePoint($%d, $%d), 4326))))`
		w.add(`f.geom && `+env, b.Min[0], b.Min[1], b.Max[0], b.Max[1])
		w.add(`ST_Intersects(f.geom, `+env+`)`, b.Min[0], b.Min[1], b.Max[0], b.Max[1])
	}
	if t := q.Time; t != nil {
		// geo.InPlan: a plan_year of up to four digits, no later than the range admits.
		w.add(`CASE WHEN f.extra->>'plan_year' ~ '^[0-9]{1,4}$' AND f.extra->>'plan_year' !~ '^0+$'
			THEN (f.extra->>'plan_year')::int <= coalesce($%d::int, 9999) ELSE false END`, nullable(geo.LatestPlanYear(*t)))
	}
	if q.TileID != 0 {
		w.add("f.tile_id = $%d", int64(q.TileID))
	}
	for _, k := range sortedKeys(q.Props) {
		col, ok := filterColumns[k]
		switch {
		case ok:
			w.add(col+" = $%d", q.Props[k])
		case q.Props[k] != "":
			// Like memstore: a property a feature lacks equals only "".
			w.add("false")
		}
	}
	if q.Filter != nil {
		w.conds = append(w.conds, filterSQL(w, q.Filter, qs))
	}
	return strings.Join(w.conds, " AND "), w.args
}

// where collects conditions whose $%d verbs are numbered as arguments are added.
type where struct {
	conds []string
	args  []any
}

func (w *where) add(cond string, args ...any) {
	nums := make([]any, len(args))
	for i := range args {
		nums[i] = len(w.args) + i + 1
	}
	w.conds = append(w.conds, fmt.Sprintf(cond, nums...))
	w.args = append(w.args, args...)
}

// nullable is a year for a parameter: NULL for 0 (any year).
func nullable(y int) any {
	if y == 0 {
		return nil
	}
	return y
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Feature returns one feature of a layer.
func (s *Store) Feature(ctx context.Context, layer, id string) (geo.Feature, error) {
	rows, err := s.pool.Query(ctx, "SELECT "+featureCols+" FROM features f WHERE f.id = $1 AND f.layer = $2", id, layer)
	if err != nil {
		return geo.Feature{}, wrap(ctx, err)
	}
	f, err := pgx.CollectExactlyOneRow(rows, scanFeature)
	if errors.Is(err, pgx.ErrNoRows) {
		return geo.Feature{}, geo.ErrNotFound
	}
	return f, wrap(ctx, err)
}

// TileIDs maps the MVT ids of a layer's features (features.tile_id, which
// the database assigns) to their ids.
func (s *Store) TileIDs(ctx context.Context, layer string) (map[uint64]string, error) {
	// The row of 0 says the layer exists, even without features.
	rows, err := s.pool.Query(ctx, `SELECT f.tile_id, f.id FROM features f WHERE f.layer = $1
		UNION ALL SELECT 0, '' FROM layers WHERE id = $1`, layer)
	if err != nil {
		return nil, wrap(ctx, err)
	}
	out := map[uint64]string{}
	var tid int64
	var id string
	known := false
	_, err = pgx.ForEachRow(rows, []any{&tid, &id}, func() error {
		if tid == 0 {
			known = true
		} else {
			out[uint64(tid)] = id
		}
		return nil
	})
	if err == nil && !known {
		return nil, geo.ErrNotFound
	}
	return out, wrap(ctx, err)
}

// Schema lists the properties of a layer's features, from the counts that
// triggers keep of each further property and type (layer_properties),
// once per data version.
func (s *Store) Schema(ctx context.Context, layer string) ([]geo.Property, error) {
	version, err := s.Version(ctx)
	if err != nil {
		return nil, err
	}
	if schema, ok := s.versions.cachedSchema(version, layer); ok {
		return schema, nil
	}
	layers, err := s.Layers(ctx)
	if err != nil {
		return nil, err
	}
	if !slices.ContainsFunc(layers, func(l geo.Layer) bool { return l.ID == layer }) {
		return nil, geo.ErrNotFound
	}
	rows, err := s.pool.Query(ctx, "SELECT key, type FROM layer_properties WHERE layer = $1 AND n > 0", layer)
	if err != nil {
		return nil, wrap(ctx, err)
	}
	types := geo.PropertyTypes{}
	var key, typ string
	if _, err := pgx.ForEachRow(rows, []any{&key, &typ}, func() error {
		types.Add(key, typ)
		return nil
	}); err != nil {
		return nil, wrap(ctx, err)
	}
	schema := geo.NewSchema(types)
	s.versions.keepSchema(version, layer, schema)
	return schema, nil
}

// Nearby measures on the geography (WGS84 spheroid). A lon/lat box around
// the circle finds the candidates through the geometry index; ST_DWithin
// keeps those within the radius and ST_Distance orders them. (A geography
// index would do the first step too, but costs a second GiST on every load.)
func (s *Store) Nearby(ctx context.Context, q geo.NearbyQuery) ([]geo.Near, error) {
	if q.Limit <= 0 {
		return nil, nil
	}
	w := &where{}
	box := geo.RadiusBound(q.Center, q.Radius)
	w.add("f.geom && ST_MakeEnvelope($%d, $%d, $%d, $%d, 4326)", box.Min[0], box.Min[1], box.Max[0], box.Max[1])
	pt := len(w.args) + 1
	w.add("ST_DWithin(f.geom::geography, ST_SetSRID(ST_MakePoint($%d, $%d), 4326)::geography, $%d)",
		q.Center[0], q.Center[1], q.Radius)
	if len(q.Layers) > 0 {
		w.add("f.layer = ANY($%d)", q.Layers)
	}
	sql := fmt.Sprintf(`SELECT %s, ST_Distance(f.geom::geography, ST_SetSRID(ST_MakePoint($%d, $%d), 4326)::geography) AS d
		FROM features f WHERE %s ORDER BY d, f.id LIMIT $%d`,
		featureCols, pt, pt+1, strings.Join(w.conds, " AND "), len(w.args)+1)
	rows, err := s.pool.Query(ctx, sql, append(w.args, q.Limit)...)
	if err != nil {
		return nil, wrap(ctx, err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (geo.Near, error) {
		var n geo.Near
		err := scanInto(row, &n.Feature, &n.DistanceM)
		return n, err
	})
	return out, wrap(ctx, err)
}

// Search ranks as geo.NameQuery.Rank and geo.CompareHits define, on the
// keys planmap load wrote to features.search, which a trigger spreads into
// search_keys (migration 0022), one row a key and a substring start, under a
// B-tree: as in the embedded store, each kind of match is a range of keys,
// and typos (only when nothing else matches) are the keys that begin one edit
// from the query. SQL picks the page in CompareHits's order; Go ranks it
// again from the features' own keys, so both stores agree.
func (s *Store) Search(ctx context.Context, q geo.SearchQuery) ([]geo.Feature, error) {
	nq, ok := geo.NewNameQuery(q.Text)
	if !ok || q.Limit <= 0 {
		return nil, nil
	}
	ids, err := s.searchPage(ctx, nq, q.Layers, q.Limit, false)
	if err == nil && len(ids) == 0 && nq.Fuzzy() {
		ids, err = s.searchPage(ctx, nq, q.Layers, q.Limit, true)
	}
	if err != nil || len(ids) == 0 {
		return nil, err
	}
	rows, err := s.pool.Query(ctx, `SELECT `+featureCols+`, f.search, l.sort_order
		FROM features f JOIN layers l ON l.id = f.layer WHERE f.id = ANY($1)`, ids)
	if err != nil {
		return nil, wrap(ctx, err)
	}
	hits, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (geo.Hit, error) {
		var h geo.Hit
		var search string
		err := scanInto(row, &h.Feature, &search, &h.Order)
		h.Tier = nq.Rank(strings.Split(search, "\n"))
		return h, err
	})
	if err != nil {
		return nil, wrap(ctx, err)
	}
	slices.SortFunc(hits, geo.CompareHits)
	out := make([]geo.Feature, len(hits))
	for i, h := range hits {
		out[i] = h.Feature
	}
	return out, nil
}

// searchPage lists the ids of the first limit features that match nq, in
// geo.CompareHits order: by tier, then a metro station after the rest, the
// Chinese name's length, the layer's order and the id. As in the embedded
// store, every match is a key that begins with a string (keyRanges), and the
// tier is the range's (each feature at its best).
func (s *Store) searchPage(ctx context.Context, nq geo.NameQuery, layers []string, limit int, fuzzy bool) ([]string, error) {
	var r keyRanges
	if fuzzy {
		reach, err := s.pinyinReach(ctx, nq.Pinyin)
		if err != nil {
			return nil, err
		}
		for _, t := range nq.TyposWithin(reach) {
			r.add(t, "p", geo.TierFuzzy, geo.TierFuzzy, geo.TierFuzzy)
		}
	} else {
		r.add(nq.Text, "ts", geo.TierExact, geo.TierPrefix, geo.TierSubstring)
		forms := "p" // a Han query's initials are not asked (geo.NameQuery.Rank)
		if nq.Latin {
			forms = "pi"
		}
		r.add(nq.Pinyin, forms, nq.PinyinExact(), geo.TierPinyinPrefix, geo.TierPinyinPrefix)
	}
	in := ""
	args := []any{r.lo, r.hi, r.forms, r.exact, r.prefix, r.sub, geo.YieldingKind, limit}
	if len(layers) > 0 {
		in = "WHERE c.layer = ANY($9)"
		args = append(args, layers)
	}
	// OFFSET 0 keeps each range a B-tree scan of its own: the planner cannot
	// tell how many keys a range holds, and merged into one join it chose to
	// read every key (two minutes for a typo).
	rows, err := s.pool.Query(ctx, `SELECT c.id FROM (
		SELECT k.id, min(CASE WHEN k.form = 's' THEN r.sub WHEN k.key = r.lo THEN r.exact ELSE r.prefix END) AS tier,
			k.layer, k.kind, k.namelen
		FROM unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::int[], $6::int[]) r(lo, hi, forms, exact, prefix, sub)
		CROSS JOIN LATERAL (SELECT * FROM search_keys k WHERE k.key >= r.lo COLLATE "C" AND k.key < r.hi COLLATE "C"
			AND strpos(r.forms, k.form::text) > 0 OFFSET 0) k
		GROUP BY k.id, k.layer, k.kind, k.namelen) c
		JOIN layers l ON l.id = c.layer `+in+`
		ORDER BY c.tier, c.kind = $7, c.namelen, l.sort_order, c.id LIMIT $8`, args...)
	if err != nil {
		return nil, wrap(ctx, err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[string])
	return ids, wrap(ctx, err)
}

// pinyinReach is the length of the longest start of p that begins some
// key, of any form (a text key "synthetic 1" sorts before every pinyin key
// "synthetic1…", so a probe asking for the form would read past half a
// million; a longer reach only asks more typos than needed): a typo further on begins no key (geo.NameQuery.TyposWithin), so
// the ranges asked are a few hundred at most instead of a thousand. ORDER BY
// keeps each probe on the B-tree: with LIMIT 1 alone the planner read the
// table until a match, all of it for a start that begins no key.
func (s *Store) pinyinReach(ctx context.Context, p string) (int, error) {
	var r keyRanges
	for i := 1; i <= len(p); i++ {
		r.add(p[:i], "p", i, i, i)
	}
	var n int
	err := s.pool.QueryRow(ctx, `SELECT coalesce(max(r.n), 0) FROM unnest($1::text[], $2::text[], $3::int[]) r(lo, hi, n)
		CROSS JOIN LATERAL (SELECT FROM search_keys k WHERE k.key >= r.lo COLLATE "C" AND k.key < r.hi COLLATE "C"
			ORDER BY k.key LIMIT 1) k`, r.lo, r.hi, r.exact).Scan(&n)
	return n, wrap(ctx, err)
}

// keyRanges are the ranges of search_keys that a query matches: the keys of
// the given forms that begin with lo, at tier exact when they are lo, sub
// for a substring start ("s"), prefix otherwise.
type keyRanges struct {
	lo, hi, forms      []string
	exact, prefix, sub []int
}

func (r *keyRanges) add(lo, forms string, exact, prefix, sub int) {
	hi := prefixEnd(lo)
	if lo == "" || hi == "" { // nothing to match, or no bound (a text of U+10FFFF alone): nothing found
		return
	}
	r.lo, r.hi, r.forms = append(r.lo, lo), append(r.hi, hi), append(r.forms, forms)
	r.exact, r.prefix, r.sub = append(r.exact, exact), append(r.prefix, prefix), append(r.sub, sub)
}

// prefixEnd is the least string after every string that begins with p, in
// byte order (UTF-8's is the code points'): p with its last character one
// further; "" when there is none.
func prefixEnd(p string) string {
	r := []rune(p)
	for i := len(r) - 1; i >= 0; i-- {
		switch {
		case r[i] == 0xD7FF:
			r[i] = 0xE000
		case r[i] < utf8.MaxRune:
			r[i]++
		default:
			continue
		}
		return string(r[:i+1])
	}
	return ""
}

// candidates is the SQL condition that finds every place whose search
// column may hold the query's text or its pinyin, or for typos one of the
// two pieces FuzzyProbes keeps whole. The gazetteer is small (683 places):
// strpos over every row takes well under a millisecond.
func candidates(w *where, q geo.NameQuery, fuzzy bool) string {
	probes := []string{q.Text, q.Pinyin}
	switch {
	case fuzzy:
		probes = q.FuzzyProbes()
	case q.Latin && q.Pinyin != "":
		// Latin text inside a name is inside its pinyin key too (that keeps
		// Latin letters and digits and drops the rest), so one probe does.
		probes = []string{q.Pinyin}
	}
	var or []string
	for _, p := range probes {
		if p != "" {
			w.args = append(w.args, p)
			or = append(or, fmt.Sprintf("strpos(search, $%d) > 0", len(w.args)))
		}
	}
	if len(or) == 0 {
		return "false"
	}
	return "(" + strings.Join(or, " OR ") + ")"
}

// SearchPlaces ranks the gazetteer's places as geo.ComparePlaces orders them.
func (s *Store) SearchPlaces(ctx context.Context, q geo.SearchQuery) ([]geo.Place, error) {
	nq, ok := geo.NewNameQuery(q.Text)
	if !ok || q.Limit <= 0 {
		return nil, nil
	}
	hits, err := s.placeHits(ctx, nq, false)
	if err == nil && len(hits) == 0 && nq.Fuzzy() {
		hits, err = s.placeHits(ctx, nq, true)
	}
	if err != nil {
		return nil, err
	}
	slices.SortFunc(hits, geo.ComparePlaces)
	out := make([]geo.Place, 0, min(len(hits), q.Limit))
	for _, h := range hits[:min(len(hits), q.Limit)] {
		out = append(out, h.Place)
	}
	return out, nil
}

func (s *Store) placeHits(ctx context.Context, nq geo.NameQuery, fuzzy bool) ([]geo.PlaceHit, error) {
	w := &where{}
	rows, err := s.pool.Query(ctx, `SELECT id, name_zh, name_en, kind, district, source, search, ST_X(geom), ST_Y(geom)
		FROM places WHERE `+candidates(w, nq, fuzzy), w.args...)
	if err != nil {
		return nil, wrap(ctx, err)
	}
	defer rows.Close()
	var hits []geo.PlaceHit
	var search string
	for rows.Next() {
		var h geo.PlaceHit
		if err := rows.Scan(&h.ID, &h.NameZH, &h.NameEN, &h.Kind, &h.District, &h.Source, &search, &h.Point[0], &h.Point[1]); err != nil {
			return nil, wrap(ctx, err)
		}
		if h.Tier = nq.Rank(strings.Split(search, "\n")); h.Tier != geo.NoMatch && (fuzzy || h.Tier != geo.TierFuzzy) {
			hits = append(hits, h)
		}
	}
	return hits, wrap(ctx, rows.Err())
}

// searchText is the search column of a feature or place: the keys of its
// names and aliases (geo.SearchKeys), one per line (Normalize folds every
// line break to a space, so none is inside a key).
func searchText(names []string) string {
	return strings.Join(geo.SearchKeys(names...), "\n")
}

// Targets lists the plan-wide targets in dataset order.
func (s *Store) Targets(ctx context.Context) ([]geo.PlanTarget, error) {
	rows, err := s.pool.Query(ctx, `SELECT id, group_name, metric, metric_en, comparator, value, unit, value_text,
		year, plan_section, plan_line, quote, feature, layer FROM targets ORDER BY position, id`)
	if err != nil {
		return nil, wrap(ctx, err)
	}
	var out []geo.PlanTarget
	var t geo.PlanTarget
	// pgx gives each row's value a new pointer (nil for NULL), so rows do not share it.
	_, err = pgx.ForEachRow(rows, []any{&t.ID, &t.Group, &t.Metric, &t.MetricEN, &t.Comparator, &t.Value, &t.Unit,
		&t.Text, &t.Year, &t.PlanSection, &t.PlanLine, &t.Quote, &t.Feature, &t.Layer}, func() error {
		out = append(out, t)
		return nil
	})
	return out, wrap(ctx, err)
}

func scanFeature(row pgx.CollectableRow) (geo.Feature, error) {
	var f geo.Feature
	err := scanInto(row, &f)
	return f, err
}

// scanInto reads featureCols, then any further columns into more.
func scanInto(row pgx.CollectableRow, f *geo.Feature, more ...any) error {
	var err error
	*f, err = newFeatureScanner(more...).scan(row)
	return err
}

// featureScanner reads rows of featureCols (and the further columns of
// more) into one Feature, its list of destinations made once for all the
// rows of an answer rather than once a row.
type featureScanner struct {
	f                 geo.Feature
	targets, extra, g []byte
	dest              []any
}

func newFeatureScanner(more ...any) *featureScanner {
	s := &featureScanner{}
	f := &s.f
	s.dest = append([]any{&f.ID, &f.Layer, &f.NameZH, &f.NameEN, &f.Kind, &f.Status, &f.PlanSection, &f.PlanLine,
		&f.PlanQuote, &f.District, &f.Accuracy, &f.Source, &f.Updated, &s.targets, &s.extra, &s.g}, more...)
	return s
}

func (s *featureScanner) scan(row pgx.CollectableRow) (geo.Feature, error) {
	s.f = geo.Feature{}
	if err := row.Scan(s.dest...); err != nil {
		return geo.Feature{}, err
	}
	f := &s.f
	f.Updated = fromDB(f.Updated)
	// go-json decodes as encoding/json does, in an eighth of its time (a
	// target and four further properties: 1.4 µs against 13 µs), and a page
	// of items decodes a hundred features.
	if s.targets != nil {
		if err := gojson.Unmarshal(s.targets, &f.Targets); err != nil {
			return geo.Feature{}, fmt.Errorf("feature %s: targets: %w", f.ID, err)
		}
	}
	if s.extra != nil {
		if err := gojson.Unmarshal(s.extra, &f.Extra); err != nil {
			return geo.Feature{}, fmt.Errorf("feature %s: extra: %w", f.ID, err)
		}
	}
	if s.g != nil {
		geom, err := wkb.Unmarshal(s.g)
		if err != nil {
			return geo.Feature{}, fmt.Errorf("feature %s: geometry: %w", f.ID, err)
		}
		// A row from before the constraints of 0015 may hold an empty or
		// non-finite geometry: served as none rather than failing the answer.
		if servable(geom) {
			f.Geometry = geom
		}
	}
	return s.f, nil
}

// servable reports whether g has at least one coordinate and only finite ones.
func servable(g orb.Geometry) bool {
	if p, ok := g.(orb.Point); ok { // most rows: no list of vertices to make
		return finite(p)
	}
	vs := geo.Vertices(g)
	for _, v := range vs {
		if !finite(v) {
			return false
		}
	}
	return len(vs) > 0
}

func finite(p orb.Point) bool {
	return !math.IsNaN(p[0]) && !math.IsNaN(p[1]) && !math.IsInf(p[0], 0) && !math.IsInf(p[1], 0)
}

// zeroTime stands for an unknown update time: timestamptz holds year 1, so
// the time filter treats it exactly as memstore treats time.Time{}.
var zeroTime = time.Time{}

func fromDB(t time.Time) time.Time {
	if t.Equal(zeroTime) {
		return time.Time{}
	}
	return t.UTC()
}
