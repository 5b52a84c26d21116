package postgis

import (
	"context"
	"fmt"
	"slices"

	"github.com/jackc/pgx/v5"

	"planmap/geo"
	"planmap/tiles"
)

// tileSQL builds every requested layer of one tile in one statement, as the
// Go encoder does: features in the buffered tile (tile_features and its Web
// Mercator index), single points thinned to the one with the lowest id per
// grid cell when thin is set, ST_AsMVTGeom, lines shorter and polygons
// smaller than the simplification tolerance dropped after clipping, dense
// layers without their names, and one ST_AsMVT per layer.
//
//	$1 z, $2 x, $3 y, $4 buffer as a fraction of the tile, $5 layers,
//	$6 extent, $7 buffer in extent units, $8 tolerance in extent units,
//	$9 dense layers (names dropped), and when thin $10 the thinning cell
//	in extent units
//
// The statement is prepared once and runs on a generic plan, so the tile's
// envelope is a sub-select, worked out once per tile rather than once per
// row. OFFSET 0 keeps the subquery whole: flattened, PostgreSQL would compute
// ST_AsMVTGeom again for the size filter. Rows whose geometry clips away are
// NULL, which ST_AsMVT skips. A one-layer tile needs no grouping, whose sort
// is a good part of a dense tile's time.
func tileSQL(thin, oneLayer bool) string {
	from := `tile_features f WHERE f.layer = ANY($5) AND f.geom && ST_TileEnvelope($1, $2, $3, margin => $4)`
	if thin {
		from = `(SELECT DISTINCT ON (f.layer, cell) f.*
			FROM (SELECT f.*,
				CASE WHEN f.point THEN
					floor((ST_X(f.geom) - g.x0) / g.cell)::bigint * 1000000 + floor((g.y0 - ST_Y(f.geom)) / g.cell)::bigint
				ELSE -f.tile_id END AS cell
				FROM tile_features f, (SELECT ST_XMin(e) AS x0, ST_YMax(e) AS y0, (ST_XMax(e) - ST_XMin(e)) / $6 * $10 AS cell
					FROM ST_TileEnvelope($1, $2, $3) e OFFSET 0) g
				WHERE f.layer = ANY($5) AND f.geom && ST_TileEnvelope($1, $2, $3, margin => $4)) f
			ORDER BY f.layer, cell, f.tile_id) f`
	}
	layer, group := `t.layer`, `GROUP BY t.layer`
	if oneLayer {
		layer, group = `$5[1]`, ``
	}
	return `
SELECT ` + layer + `, ST_AsMVT(ROW(t.fid, t.id, t.name_zh, t.name_en, t.kind, t.status, t.accuracy, t.color, t.geom)::mvt_feature,
	` + layer + `, $6::int, 'geom', 'fid')
FROM (
	SELECT f.layer, f.tile_id AS fid, f.id,
	       CASE WHEN f.layer = ANY($9) THEN NULL ELSE f.name_zh END AS name_zh,
	       CASE WHEN f.layer = ANY($9) THEN NULL ELSE f.name_en END AS name_en,
	       f.kind, f.status, f.accuracy, f.color,
	       ST_AsMVTGeom(f.geom, (SELECT ST_TileEnvelope($1, $2, $3)::box2d), $6::int, $7::int, true) AS geom
	FROM ` + from + `
	OFFSET 0
) t
WHERE CASE ST_Dimension(t.geom)
	WHEN 1 THEN ST_Length(t.geom) >= greatest(1, $8 / 2)
	WHEN 2 THEN ST_Area(t.geom) >= greatest(1, $8 * $8 / 4)
	ELSE true END
` + group
}

// Tile builds a tile in the database. A tile over opts.MaxBytes is built
// again with points thinned on a coarser grid, as the Go encoder does, so
// no tile grows past the cap.
func (s *Store) Tile(ctx context.Context, req geo.TileRequest) ([]byte, error) {
	o := tiles.Resolved(req.Options)
	var names, dense []string
	dropNames := slices.Contains(o.DenseDrop, "name_zh")
	for _, l := range req.Layers {
		if int(req.Tile.Z) >= l.MinZoom {
			names = append(names, l.ID)
			if l.Dense && dropNames {
				dense = append(dense, l.ID)
			}
		}
	}
	if len(names) == 0 {
		return nil, nil
	}
	grid := 0
	if int(req.Tile.Z) < o.DetailZoom {
		var err error
		if grid, err = s.startGrid(ctx, req.Tile, names, o); err != nil {
			return nil, err
		}
	}
	for try := 0; try < 4; try++ {
		tile, err := s.tile(ctx, req.Tile, names, dense, o, grid)
		if err != nil || len(tile) <= o.MaxBytes {
			return tile, err
		}
		grid = coarser(max(grid, tiles.DefaultPointGrid), len(tile), o.MaxBytes)
	}
	return nil, fmt.Errorf("postgis: tile %s: %w", req.Tile, tiles.ErrTileTooLarge)
}

// bytesPerPoint is about what a thinned point of a dense layer costs in a
// tile: its geometry, numeric and string ids and a few short properties.
const bytesPerPoint = 40

// startGrid picks the thinning grid of an overview tile from a count of its
// candidates (from the index alone, far cheaper than building the tile): the
// configured grid when the points kept would fit, else the coarser cell that
// should, so that a dense tile is built once rather than thinned again.
func (s *Store) startGrid(ctx context.Context, t tiles.TileID, names []string, o tiles.Options) (int, error) {
	var n int
	err := s.pool.QueryRow(ctx, `SELECT count(*) FROM tile_features
		WHERE layer = ANY($4) AND geom && ST_TileEnvelope($1, $2, $3, margin => $5)`,
		int(t.Z), int(t.X), int(t.Y), names, float64(o.Buffer)/float64(o.Extent)).Scan(&n)
	if err != nil {
		return 0, wrap(ctx, err)
	}
	grid := o.PointGrid
	if grid <= 0 {
		return grid, nil
	}
	span := float64(o.Extent) + 2*float64(o.Buffer)
	budget := float64(o.MaxBytes) * 0.8 / bytesPerPoint
	for cells := (span / float64(grid)) * (span / float64(grid)); min(float64(n), cells) > budget; cells /= 4 {
		grid *= 2
	}
	return grid, nil
}

// coarser is the next thinning grid for a tile of size bytes over max: the
// points kept shrink with the square of the cell, so jump straight to the
// power-of-two cell that should fit instead of doubling one query at a time.
func coarser(grid, size, max int) int {
	for grid *= 2; size > max; grid *= 2 {
		size /= 4
		if size <= max {
			break
		}
	}
	return grid
}

func (s *Store) tile(ctx context.Context, t tiles.TileID, names, dense []string, o tiles.Options, grid int) ([]byte, error) {
	args := []any{int(t.Z), int(t.X), int(t.Y), float64(o.Buffer) / float64(o.Extent), names,
		int(o.Extent), o.Buffer, o.Tolerance, dense}
	if grid > 0 {
		args = append(args, grid)
	}
	rows, err := s.pool.Query(ctx, tileSQL(grid > 0, len(names) == 1), args...)
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
