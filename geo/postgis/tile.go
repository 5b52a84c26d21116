package postgis

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"

	"planmap/geo"
	"planmap/tiles"
)

// tileQuery is the one statement that builds every requested layer of a
// tile, as the Go encoder does: features in the buffered tile (tile_features
// and its Web Mercator index), single points thinned to the one with the
// lowest rank per grid cell when grid is set, ST_AsMVTGeom, lines shorter and
// polygons smaller than the simplification tolerance dropped after
// clipping, part by part, dense layers without the DenseDrop properties, and one ST_AsMVT
// per layer, over its features in MVT id order: a tile's ETag names its
// content, so its bytes must not follow the order a scan meets the rows in.
//
// The statement is prepared once and runs on a generic plan, so the tile's
// envelope is a sub-select, worked out once per tile rather than once per
// row. OFFSET 0 keeps the subquery whole: flattened, PostgreSQL would compute
// ST_AsMVTGeom again for the size filter. Rows whose geometry clips away are
// NULL, which ST_AsMVT skips. A one-layer tile needs no grouping, whose sort
// is a good part of a dense tile's time.
type tileQuery struct {
	t            tiles.TileID
	names, dense []string // layers drawn, and those of them that are dense
	o            tiles.Options
	grid         int // thinning cell in extent units; 0: no thinning
	tol          float64
	level        int // the tile_cells level of the grid, when points come from there; else -1
	args         []any
}

// maxCellLevel is the finest level tile_cells holds (migration 0021): 16
// units of 4096 at z8.
const maxCellLevel = 16

// cellLevel is the tile_cells level whose cells are the thinning grid of a
// tile at zoom z, or -1 when tile_cells cannot serve it: a grid that is not
// a power-of-two fraction of a power-of-two extent, or finer than the table.
func cellLevel(z uint32, extent uint32, grid int) int {
	if grid <= 0 || extent&(extent-1) != 0 || grid&(grid-1) != 0 || grid > int(extent) {
		return -1
	}
	l := int(z)
	for n := int(extent) / grid; n > 1; n >>= 1 {
		l++
	}
	if l > maxCellLevel {
		return -1
	}
	return l
}

// arg adds a parameter and returns its placeholder.
func (q *tileQuery) arg(v any) string {
	q.args = append(q.args, v)
	return fmt.Sprintf("$%d", len(q.args))
}

// candidates is the condition on tile_features of the features in the
// buffered tile z/x/y (placeholders), through the GiST index.
func (q *tileQuery) candidates(z, x, y string) string {
	return fmt.Sprintf(`f.layer = ANY(%s) AND f.geom && ST_TileEnvelope(%s, %s, %s, margin => %s)`,
		q.arg(q.names), z, x, y, q.arg(float64(q.o.Buffer)/float64(q.o.Extent)))
}

func (q *tileQuery) sql() string {
	q.args = nil
	z, x, y := q.arg(int(q.t.Z)), q.arg(int(q.t.X)), q.arg(int(q.t.Y))
	extent := q.arg(int(q.o.Extent))
	tol := q.arg(q.tol)
	found := q.candidates(z, x, y)
	from := `tile_features f WHERE ` + found
	if q.level >= 0 {
		// Points are the winners of their cells, worked out once in
		// tile_cells; the cells the buffered tile touches are a range of
		// columns and rows. Lines and polygons come from their own index.
		n := int(q.o.Extent) / q.grid
		b := (q.o.Buffer + q.grid - 1) / q.grid
		ring := ""
		if b*q.grid != q.o.Buffer {
			// Cells astride the buffer's edge: the Go encoder keeps the
			// lowest point inside the buffer, which the cell's winner may
			// not be. The buffer's points are thinned here, as before
			// tile_cells, and tile_cells serves the tile proper.
			b = 0
			ring = fmt.Sprintf(`
			UNION ALL
			SELECT (f).* FROM (SELECT DISTINCT ON (f.layer, cx, cy) f
				FROM (SELECT f, f.layer, f.rank,
					floor((ST_X(f.geom) - g.x0) / g.cell) AS cx, floor((g.y0 - ST_Y(f.geom)) / g.cell) AS cy
					FROM tile_features f, (SELECT ST_XMin(e) AS x0, ST_YMax(e) AS y0, (ST_XMax(e) - ST_XMin(e)) / %[1]s * %[2]s AS cell,
						ST_XMin(e) - m AS bx0, ST_YMin(e) - m AS by0, ST_XMax(e) + m AS bx1, ST_YMax(e) + m AS by1, e
						FROM ST_TileEnvelope(%[3]s, %[4]s, %[5]s) e, (SELECT (ST_XMax(e) - ST_XMin(e)) * %[6]s AS m FROM ST_TileEnvelope(%[3]s, %[4]s, %[5]s) e) mm OFFSET 0) g
					WHERE f.point AND %[7]s AND (f.geom && ST_MakeEnvelope(g.bx0, g.by0, ST_XMin(g.e), g.by1, 3857)
						OR f.geom && ST_MakeEnvelope(ST_XMax(g.e), g.by0, g.bx1, g.by1, 3857)
						OR f.geom && ST_MakeEnvelope(g.bx0, g.by0, g.bx1, ST_YMin(g.e), 3857)
						OR f.geom && ST_MakeEnvelope(g.bx0, ST_YMax(g.e), g.bx1, g.by1, 3857))) f
				WHERE f.cx < 0 OR f.cy < 0 OR f.cx >= %[8]s OR f.cy >= %[8]s
				ORDER BY f.layer, f.cx, f.cy, f.rank) f`,
				q.arg(int(q.o.Extent)), q.arg(q.grid), q.arg(int(q.t.Z)), q.arg(int(q.t.X)), q.arg(int(q.t.Y)),
				q.arg(float64(q.o.Buffer)/float64(q.o.Extent)), found, q.arg(n))
		}
		x0, y0 := int(q.t.X)*n-b, int(q.t.Y)*n-b
		from = fmt.Sprintf(`(SELECT f.* FROM tile_cells c
				JOIN tile_features f ON f.rank = c.rank AND f.layer = c.layer AND f.point
				WHERE c.layer = ANY(%s) AND c.level = %s AND c.cx BETWEEN %s AND %s AND c.cy BETWEEN %s AND %s
			UNION ALL
			SELECT f.* FROM tile_features f WHERE NOT f.point AND %s%s) f`,
			q.arg(q.names), q.arg(q.level), q.arg(x0), q.arg(x0+n+2*b-1), q.arg(y0), q.arg(y0+n+2*b-1), found, ring)
	} else if q.grid > 0 {
		from = fmt.Sprintf(`(SELECT DISTINCT ON (f.layer, cell) f.*
			FROM (SELECT f.*,
				CASE WHEN f.point THEN
					floor((ST_X(f.geom) - g.x0) / g.cell)::bigint * 1000000 + floor((g.y0 - ST_Y(f.geom)) / g.cell)::bigint
				ELSE -f.rank END AS cell
				FROM tile_features f, (SELECT ST_XMin(e) AS x0, ST_YMax(e) AS y0, (ST_XMax(e) - ST_XMin(e)) / %s * %s AS cell
					FROM ST_TileEnvelope(%s, %s, %s) e OFFSET 0) g
				WHERE %s) f
			ORDER BY f.layer, cell, f.rank) f`, extent, q.arg(q.grid), z, x, y, found)
	}
	layer, group := `t.layer`, `GROUP BY t.layer`
	if len(q.names) == 1 {
		layer, group = q.arg(q.names[0]), ``
	}
	// A part is kept when it is long or large enough (tiles.Encode's rule);
	// a multi-part geometry is taken apart only when it has several.
	big := func(g string) string {
		return fmt.Sprintf(`CASE ST_Dimension(%[1]s)
		WHEN 1 THEN ST_Length(%[1]s) >= greatest(1, %[2]s / 2)
		WHEN 2 THEN ST_Area(%[1]s) >= greatest(1, %[2]s * %[2]s / 4)
		ELSE true END`, g, tol)
	}
	// A single point (most rows of a dense tile) skips the part check; a
	// multi-part geometry whose parts all fall short becomes NULL, which
	// ST_AsMVT skips. Written inline, not as one more subquery level, which
	// PostgreSQL flattened into evaluating the check twice a row (z14
	// points: 0.37 -> 0.69 ms a tile).
	return fmt.Sprintf(`
SELECT %[1]s::text, ST_AsMVT(ROW(t.fid, t.%[11]s,
	CASE WHEN t.point OR ST_NumGeometries(t.geom) = 1 THEN t.geom
	     ELSE (SELECT ST_Collect(d.geom) FROM ST_Dump(t.geom) d WHERE %[12]s) END)::mvt_feature,
	%[1]s::text, %[2]s::int, 'geom', 'fid' ORDER BY t.fid)
FROM (
	SELECT f.layer, f.tile_id AS fid, f.point, %[3]s,
	       ST_AsMVTGeom(f.geom, (SELECT ST_TileEnvelope(%[4]s, %[5]s, %[6]s)::box2d), %[2]s::int, %[7]s::int, true) AS geom
	FROM %[8]s
	OFFSET 0
) t
WHERE %[9]s
%[10]s`, layer, extent, q.properties(), z, x, y, q.arg(q.o.Buffer), from, big("t.geom"), group,
		strings.Join(geo.TileProperties, ", t."), big("d.geom"))
}

// properties selects the tile properties of a row (geo.TileProperties: the
// columns of tile_features and the fields of mvt_feature, in that order);
// the DenseDrop ones are NULL in dense layers (ST_AsMVT leaves NULLs out),
// decided once for the whole statement when all or none of its layers are
// dense.
func (q *tileQuery) properties() string {
	cols := slices.Clone(geo.TileProperties)
	someDense := ""
	for i, c := range cols {
		switch {
		case len(q.dense) == 0 || !slices.Contains(q.o.DenseDrop, c):
			cols[i] = "f." + c
		case len(q.dense) == len(q.names):
			cols[i] = "NULL::text AS " + c
		default:
			if someDense == "" {
				someDense = q.arg(q.dense)
			}
			cols[i] = fmt.Sprintf("CASE WHEN f.layer = ANY(%s) THEN NULL ELSE f.%s END AS %s", someDense, c, c)
		}
	}
	return strings.Join(cols, ", ")
}

// Tile builds a tile from the copy in memory of the current version when
// there is one (tilemirror.go), else in the database. A tile over
// opts.MaxBytes is built again with points thinned on a coarser grid and
// lines and polygons held to a coarser size limit, as the Go encoder does,
// so no tile grows past the cap. Overview tiles take their points from tile_cells, where the database
// keeps the winner of every grid cell (migration 0021), so a city-wide tile
// of half a million points reads a few thousand.
func (s *Store) Tile(ctx context.Context, req geo.TileRequest) ([]byte, error) {
	if x, err := s.mirror.index(ctx, s.versions.number()); err != nil || x != nil {
		if err != nil {
			return nil, wrap(ctx, err)
		}
		return x.Tile(ctx, req)
	}
	o := tiles.Resolved(req.Options)
	var names, dense []string
	for _, l := range req.Layers {
		if int(req.Tile.Z) >= l.MinZoom {
			names = append(names, l.ID)
			if l.Dense {
				dense = append(dense, l.ID)
			}
		}
	}
	if len(names) == 0 {
		return nil, nil
	}
	grid := 0
	if int(req.Tile.Z) < o.DetailZoom && o.PointGrid > 0 {
		var err error
		if grid, err = s.startGrid(ctx, req.Tile, names, o); err != nil {
			return nil, err
		}
	}
	// Fit into MaxBytes as the Go encoder does (tiles.Encode): coarsen the
	// simplification tolerance and the point grid, doubling both each round;
	// where the Go encoder then cuts features per layer, keep coarsening, so
	// that short lines drop out too.
	for level := 0; level <= coarsenRounds; level++ {
		tol, g := o.Tolerance, 0
		if tol < 0 {
			tol = 0
		}
		if level > 0 {
			tol = max(tol, 1) * float64(uint(1)<<level)
		}
		if grid > 0 {
			g = grid << level
		} else if level > 0 {
			g = max(o.PointGrid, tiles.DefaultPointGrid) << (level - 1)
		}
		tile, err := s.tile(ctx, req.Tile, names, dense, o, g, tol)
		if err != nil || len(tile) <= o.MaxBytes {
			return tile, err
		}
	}
	return nil, fmt.Errorf("postgis: tile %s: %w", req.Tile, tiles.ErrTileTooLarge)
}

// coarsenRounds bounds the rounds of coarsening a tile over MaxBytes: by the
// last, lines and polygons under 1,024 units of 4096 are gone.
const coarsenRounds = 8

// startGrid picks the thinning grid of an overview tile from a count of its
// candidates (from the index alone, far cheaper than building the tile), by
// the rule the Go encoder follows too (tiles.OverviewGrid).
func (s *Store) startGrid(ctx context.Context, t tiles.TileID, names []string, o tiles.Options) (int, error) {
	q := &tileQuery{names: names, o: o}
	where := q.candidates(q.arg(int(t.Z)), q.arg(int(t.X)), q.arg(int(t.Y)))
	// The grid depends on the count only up to a bound (tiles.OverviewCount):
	// a city-wide tile counts that many rows, not every feature.
	var n int
	if err := s.pool.QueryRow(ctx, `SELECT count(*) FROM (SELECT FROM tile_features f WHERE `+where+` LIMIT `+
		q.arg(tiles.OverviewCount(o))+`) f`, q.args...).Scan(&n); err != nil {
		return 0, wrap(ctx, err)
	}
	return tiles.OverviewGrid(n, o), nil
}

func (s *Store) tile(ctx context.Context, t tiles.TileID, names, dense []string, o tiles.Options, grid int, tol float64) ([]byte, error) {
	q := &tileQuery{t: t, names: names, dense: dense, o: o, grid: grid, tol: tol, level: cellLevel(t.Z, o.Extent, grid)}
	rows, err := s.pool.Query(ctx, q.sql(), q.args...)
	if err != nil {
		return nil, wrap(ctx, err)
	}
	byLayer := map[string][]byte{}
	var layer string
	var mvt []byte
	if _, err := pgx.ForEachRow(rows, []any{&layer, &mvt}, func() error {
		byLayer[layer] = append([]byte(nil), mvt...)
		return nil
	}); err != nil {
		return nil, wrap(ctx, err)
	}
	// Layers in the order asked: concatenated MVT layers make one tile.
	var out []byte
	for _, name := range names {
		out = append(out, byLayer[name]...)
	}
	return out, nil
}
