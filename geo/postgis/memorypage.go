package postgis

import (
	"context"
	"slices"
	"strconv"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"

	"planmap/geo"
)

// memoryPage answers a page of one layer's features in a box from the
// tiles' copy in memory (tileMirror), when the copy holds the current data
// version and the query asks for nothing but the box: the copy finds and
// counts the matches, and the database reads only the page's rows, by id.
// Finding every match in the database, to count them and sort them by id,
// was most of a page's cost there. A feature whose bound lies in the box
// meets it and one whose bound misses the box does not, as ST_Intersects
// has it; the database decides the few whose bound crosses the box's edge.
// ok is false when the database answers the query itself: one the copy
// cannot, more matches than fewMatchesMax, or a change meanwhile.
func (s *Store) memoryPage(ctx context.Context, layer string, q geo.Query) (page geo.Page, ok bool, err error) {
	if q.BBox == nil || q.Limit <= 0 || q.Filter != nil || len(q.Sort) > 0 || q.Time != nil || q.TileID != 0 || len(q.Props) > 0 {
		return page, false, nil
	}
	c := s.mirror.cur.Load()
	// A layer the copy holds features of exists in its version.
	if c.index == nil || c.version != s.versions.number() || !(c.index.Holds(layer) || s.knownLayer(ctx, layer)) {
		return page, false, nil
	}
	box := *q.BBox
	if !(box.Min[0] <= box.Max[0] && box.Min[1] <= box.Max[1]) { // inverted or NaN: as the database has it
		return page, false, nil
	}
	var ids, edge []string
	c.index.SearchBounds(layer, box, func(b orb.Bound, f *copied) bool {
		if box.Contains(b.Min) && box.Contains(b.Max) {
			ids = append(ids, f.id)
		} else {
			edge = append(edge, f.id)
		}
		return len(ids)+len(edge) <= fewMatchesMax
	})
	if len(ids)+len(edge) > fewMatchesMax {
		return page, false, nil
	}
	if len(edge) > 0 {
		met, same, err := s.meetBox(ctx, layer, q, edge, c.version)
		if err != nil || !same {
			return page, false, err
		}
		ids = append(ids, met...)
	}
	slices.Sort(ids) // byte order: features.id is COLLATE "C"
	page.Matched = len(ids)
	if q.After != "" {
		ids = ids[sortedAfter(ids, q.After):]
	}
	ids = ids[min(max(q.Offset, 0), len(ids)):]
	ids = ids[:min(q.Limit, len(ids))]
	if len(ids) == 0 {
		s.mirror.pages.Add(1)
		page.Features = []geo.Feature{}
		return page, true, nil
	}
	var v int64
	rows, err := s.pool.Query(ctx, `SELECT `+featureCols+`, (SELECT version FROM data_version)
		FROM features f WHERE f.id = ANY($1) ORDER BY f.id`, ids)
	if err != nil {
		return page, false, wrap(ctx, err)
	}
	page.Features, err = pgx.AppendRows(make([]geo.Feature, 0, len(ids)), rows, newFeatureScanner(&v).scan)
	if err != nil {
		return page, false, wrap(ctx, err)
	}
	if v != c.version || len(page.Features) != len(ids) {
		return geo.Page{}, false, nil // changed since the copy: the database answers
	}
	s.mirror.pages.Add(1)
	return page, true, nil
}

// meetBox tells which of the features ids meet the query's box, and
// whether the database still holds the copy's version.
func (s *Store) meetBox(ctx context.Context, layer string, q geo.Query, ids []string, version int64) ([]string, bool, error) {
	where, args := featureWhere(layer, geo.Query{BBox: q.BBox}, nil)
	var met []string
	var v int64
	err := s.pool.QueryRow(ctx, `SELECT (SELECT version FROM data_version),
		ARRAY(SELECT f.id FROM features f WHERE `+where+` AND f.id = ANY($`+strconv.Itoa(len(args)+1)+`))`,
		append(args, ids)...).Scan(&v, &met)
	if err != nil {
		return nil, false, wrap(ctx, err)
	}
	return met, v == version, nil
}

// sortedAfter is the index of the first of sorted ids past after.
func sortedAfter(ids []string, after string) int {
	i, found := slices.BinarySearch(ids, after)
	if found {
		i++
	}
	return i
}
