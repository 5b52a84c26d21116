-- Overview tiles of dense point layers, generalised once in the database
-- rather than for every request. Below z12 a tile keeps, in each cell of a
-- grid, the point with the lowest MVT id (tiles.OverviewGrid, the rule of
-- both stores). The grids are quadtree cells of Web Mercator: a cell of 16
-- units of 4096 at zoom z is the world divided 2^(z+8) times, and the winner
-- of a cell is the lowest of the winners of its four children. tile_cells
-- holds the winner of every occupied cell at levels 0 to 16 (z0 to z8 at the
-- default grid, and the coarser grids a tile too large falls back to), so an
-- overview tile of 500,000 points reads a few thousand rows instead of
-- sorting every point of the city for each request.
--
-- Statement triggers on tile_features keep it in step however features
-- change (as the table's owner, as every trigger since 0016, so that an
-- editor who may write features needs no right on tile_cells): the level-16 cells holding changed points are worked out again
-- from tile_features, then each coarser level from the one below; a change
-- touching many cells (a load) rebuilds the table in one pass.

CREATE TABLE tile_cells (
    layer   text COLLATE "C" NOT NULL,
    level   smallint NOT NULL,
    cx      int NOT NULL,
    cy      int NOT NULL,
    tile_id bigint NOT NULL,
    PRIMARY KEY (layer, level, cx, cy)
);

-- The cell of a Web Mercator coordinate at a quadtree level, counted from
-- the world's west and north edges as tile columns and rows are; NULL off
-- the world (a NaN or infinite point kept from before 0015 has no cell).
CREATE FUNCTION tile_cell_x(g geometry, level int) RETURNS int LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN CASE WHEN ST_X(g) BETWEEN -20037508.342789244 AND 20037508.342789244
        THEN floor((ST_X(g) + 20037508.342789244) / (40075016.68557849 / (1::bigint << level)))::int END;
CREATE FUNCTION tile_cell_y(g geometry, level int) RETURNS int LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN CASE WHEN ST_Y(g) BETWEEN -20037508.342789244 AND 20037508.342789244
        THEN floor((20037508.342789244 - ST_Y(g)) / (40075016.68557849 / (1::bigint << level)))::int END;

-- tile_cells_rebuild works the whole table out again from tile_features.
CREATE FUNCTION tile_cells_rebuild() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM tile_cells;
    INSERT INTO tile_cells (layer, level, cx, cy, tile_id)
    SELECT f.layer, 16, tile_cell_x(f.geom, 16), tile_cell_y(f.geom, 16), min(f.tile_id)
    FROM tile_features f WHERE f.point AND tile_cell_x(f.geom, 16) IS NOT NULL AND tile_cell_y(f.geom, 16) IS NOT NULL
    GROUP BY 1, 2, 3, 4;
    FOR l IN REVERSE 15..0 LOOP
        INSERT INTO tile_cells (layer, level, cx, cy, tile_id)
        SELECT c.layer, l, c.cx >> 1, c.cy >> 1, min(c.tile_id)
        FROM tile_cells c WHERE c.level = l + 1 GROUP BY 1, 2, 3, 4;
    END LOOP;
END $$;

-- tile_cells_refresh works out again the cells holding the given level-16
-- cells (layer, cx, cy), at every level.
CREATE FUNCTION tile_cells_refresh(layers text[], xs int[], ys int[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF cardinality(layers) = 0 THEN
        RETURN;
    END IF;
    -- Many cells, or a load that has dropped tile_features' indexes to
    -- make them again after: one pass over the table beats a search a cell.
    IF cardinality(layers) > 2000 OR to_regclass('tile_features_geom') IS NULL THEN
        PERFORM tile_cells_rebuild();
        RETURN;
    END IF;
    FOR l IN REVERSE 16..0 LOOP
        DELETE FROM tile_cells c
        USING (SELECT DISTINCT a.layer, a.x >> (16 - l) AS x, a.y >> (16 - l) AS y
               FROM unnest(layers, xs, ys) a(layer, x, y)) a
        WHERE c.layer = a.layer AND c.level = l AND c.cx = a.x AND c.cy = a.y;
        IF l = 16 THEN
            INSERT INTO tile_cells (layer, level, cx, cy, tile_id)
            SELECT a.layer, 16, a.x, a.y, m.tile_id
            FROM (SELECT DISTINCT * FROM unnest(layers, xs, ys) a(layer, x, y)) a,
            LATERAL (SELECT min(f.tile_id) AS tile_id FROM tile_features f
                     WHERE f.layer = a.layer AND f.point
                       AND f.geom && ST_MakeEnvelope(
                           -20037508.342789244 + (a.x - 1) * (40075016.68557849 / 65536),
                           20037508.342789244 - (a.y + 2) * (40075016.68557849 / 65536),
                           -20037508.342789244 + (a.x + 2) * (40075016.68557849 / 65536),
                           20037508.342789244 - (a.y - 1) * (40075016.68557849 / 65536), 3857)
                       AND tile_cell_x(f.geom, 16) = a.x AND tile_cell_y(f.geom, 16) = a.y) m
            WHERE m.tile_id IS NOT NULL;
        ELSE
            INSERT INTO tile_cells (layer, level, cx, cy, tile_id)
            SELECT c.layer, l, c.cx >> 1, c.cy >> 1, min(c.tile_id)
            FROM (SELECT DISTINCT a.layer, a.x >> (16 - l) AS x, a.y >> (16 - l) AS y
                  FROM unnest(layers, xs, ys) a(layer, x, y)) a
            JOIN tile_cells c ON c.layer = a.layer AND c.level = l + 1
                AND c.cx BETWEEN a.x * 2 AND a.x * 2 + 1 AND c.cy BETWEEN a.y * 2 AND a.y * 2 + 1
            GROUP BY 1, 2, 3, 4;
        END IF;
    END LOOP;
END $$;

CREATE FUNCTION tile_cells_add() RETURNS trigger LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    layers text[];
    xs int[];
    ys int[];
BEGIN
    SELECT coalesce(array_agg(layer), '{}'), array_agg(x), array_agg(y) INTO layers, xs, ys
    FROM (SELECT DISTINCT n.layer, tile_cell_x(n.geom, 16) AS x, tile_cell_y(n.geom, 16) AS y
          FROM new_rows n WHERE n.point) c
    WHERE x IS NOT NULL AND y IS NOT NULL;
    PERFORM tile_cells_refresh(layers, xs, ys);
    RETURN NULL;
END $$;

CREATE FUNCTION tile_cells_remove() RETURNS trigger LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    layers text[];
    xs int[];
    ys int[];
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        TRUNCATE tile_cells;
        RETURN NULL;
    END IF;
    SELECT coalesce(array_agg(layer), '{}'), array_agg(x), array_agg(y) INTO layers, xs, ys
    FROM (SELECT DISTINCT o.layer, tile_cell_x(o.geom, 16) AS x, tile_cell_y(o.geom, 16) AS y
          FROM old_rows o WHERE o.point) c
    WHERE x IS NOT NULL AND y IS NOT NULL;
    PERFORM tile_cells_refresh(layers, xs, ys);
    RETURN NULL;
END $$;

CREATE TRIGGER tile_cells_insert AFTER INSERT ON tile_features
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION tile_cells_add();
CREATE TRIGGER tile_cells_delete AFTER DELETE ON tile_features
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION tile_cells_remove();
CREATE TRIGGER tile_cells_truncate AFTER TRUNCATE ON tile_features
    FOR EACH STATEMENT EXECUTE FUNCTION tile_cells_remove();
-- tile_features is only ever inserted into and deleted from (an update of
-- features removes its rows and adds them again), but psql may update it.
CREATE TRIGGER tile_cells_update_1 AFTER UPDATE ON tile_features
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION tile_cells_remove();
CREATE TRIGGER tile_cells_update_2 AFTER UPDATE ON tile_features
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION tile_cells_add();

-- Overview tiles read lines and polygons apart from the points, which come
-- from tile_cells: without this index a city-wide tile would walk every
-- point's entry in the GiST index to find the lines.
CREATE INDEX tile_features_geom_shapes ON tile_features USING gist (geom) WHERE NOT point;

SELECT tile_cells_rebuild();
