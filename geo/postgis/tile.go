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
// Go encoder does: features in the buffered tile (found through the Web
// Mercator index), single points thinned to the one with the lowest id per
// grid cell when thin is set, ST_AsMVTGeom, lines shorter and polygons
// smaller than the simplification tolerance dropped after clipping, and one
// ST_AsMVT per layer.
//
//	$1 z, $2 x, $3 y, $4 buffer as a fraction of the tile, $5 layers,
//	$6 extent, $7 buffer in extent units, $8 thinning cell in extent units,
//	$9 tolerance in extent units, $10 features above which a layer drops
//	its names (geo.TileLabels; 0: never)
//
// With one layer, the labels rule counts the whole result and needs no sort
// by layer.
func tileSQL(thin, oneLayer bool) string {
	window := "count(*) OVER (PARTITION BY f.layer)"
	if oneLayer {
		window = "count(*) OVER ()"
	}
	from := `features f, env WHERE f.layer = ANY($5) AND f.geom_3857 && env.q`
	if thin {
		from = `(SELECT DISTINCT ON (f.layer, cell) f.*
			FROM (SELECT f.layer, f.tile_id, f.id, f.name_zh, f.name_en, f.kind, f.status, f.accuracy, f.extra, f.geom_3857,
				CASE WHEN GeometryType(f.geom_3857) = 'POINT' THEN
					floor((ST_X(f.geom_3857) - ST_XMin(env.e)) / (env.unit * env.cell))::bigint * 1000000 +
					floor((ST_YMax(env.e) - ST_Y(f.geom_3857)) / (env.unit * env.cell))::bigint
				ELSE -f.tile_id END AS cell
				FROM features f, env WHERE f.layer = ANY($5) AND f.geom_3857 && env.q) f
			ORDER BY f.layer, cell, f.tile_id) f, env`
	}
	return `
WITH env AS (
	SELECT ST_TileEnvelope($1, $2, $3) AS e, ST_TileEnvelope($1, $2, $3, margin => $4) AS q,
	       (ST_XMax(ST_TileEnvelope($1, $2, $3)) - ST_XMin(ST_TileEnvelope($1, $2, $3))) / $6 AS unit,
	       $8::float8 AS cell
)
SELECT t.layer, ST_AsMVT(t, t.layer, $6::int, 'geom', 'fid')
FROM (
	SELECT f.layer, f.tile_id AS fid, f.id,
	       CASE WHEN $10 > 0 AND ` + window + ` > $10 THEN NULL ELSE f.name_zh END AS name_zh,
	       CASE WHEN $10 > 0 AND ` + window + ` > $10 THEN NULL ELSE f.name_en END AS name_en,
	       f.kind, f.status, f.accuracy,
	       f.extra->>'color' AS color, ST_AsMVTGeom(f.geom_3857, env.e, $6::int, $7::int, true) AS geom
	FROM ` + from + `
) t
WHERE CASE GeometryType(t.geom)
	WHEN 'LINESTRING' THEN ST_Length(t.geom) >= greatest(1, $9 / 2)
	WHEN 'MULTILINESTRING' THEN ST_Length(t.geom) >= greatest(1, $9 / 2)
	WHEN 'POLYGON' THEN ST_Area(t.geom) >= greatest(1, $9 * $9 / 4)
	WHEN 'MULTIPOLYGON' THEN ST_Area(t.geom) >= greatest(1, $9 * $9 / 4)
	ELSE t.geom IS NOT NULL END
GROUP BY t.layer`
}

// Tile builds a tile in the database. A tile over opts.MaxBytes is built
// again with points thinned on a coarser grid, as the Go encoder does, so
// no tile grows past the cap.
func (s *Store) Tile(ctx context.Context, req geo.TileRequest) ([]byte, error) {
	o := tiles.Resolved(req.Options)
	var names []string
	for _, l := range req.Layers {
		if int(req.Tile.Z) >= l.MinZoom {
			names = append(names, l.ID)
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
		tile, err := s.tile(ctx, req.Tile, names, o, grid)
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
	err := s.pool.QueryRow(ctx, `SELECT count(*) FROM features
		WHERE layer = ANY($4) AND geom_3857 && ST_TileEnvelope($1, $2, $3, margin => $5)`,
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

// denseLimit is the feature count above which the SQL drops a layer's
// names, or 0 when the options drop nothing it knows.
func denseLimit(o tiles.Options) int {
	if o.DenseLayer <= 0 || !slices.Contains(o.DenseDrop, "name_zh") {
		return 0
	}
	return o.DenseLayer
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

func (s *Store) tile(ctx context.Context, t tiles.TileID, names []string, o tiles.Options, grid int) ([]byte, error) {
	rows, err := s.pool.Query(ctx, tileSQL(grid > 0, len(names) == 1), int(t.Z), int(t.X), int(t.Y),
		float64(o.Buffer)/float64(o.Extent), names, int(o.Extent), o.Buffer, grid, o.Tolerance, denseLimit(o))
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
