-- What a load of many features spends in per-row functions, cut without
-- changing any result.

-- Not STRICT, so that they are inlined into the statement that calls them
-- (a STRICT function whose body is a CASE is not): a first load worked out
-- the cell of every point twice through a function call a row. The result
-- is the same: a NULL geometry or level still gives NULL.
CREATE OR REPLACE FUNCTION tile_cell_x(g geometry, level int) RETURNS int LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN CASE WHEN ST_X(g) BETWEEN -20037508.342789244 AND 20037508.342789244
        THEN floor((ST_X(g) + 20037508.342789244) / (40075016.68557849 / (1::bigint << level)))::int END;
CREATE OR REPLACE FUNCTION tile_cell_y(g geometry, level int) RETURNS int LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN CASE WHEN ST_Y(g) BETWEEN -20037508.342789244 AND 20037508.342789244
        THEN floor((20037508.342789244 - ST_Y(g)) / (40075016.68557849 / (1::bigint << level)))::int END;

-- A load that has dropped tile_features' indexes rebuilds the cells from
-- the table (tile_cells_refresh): the cells of the new rows are not worked
-- out first only to be thrown away.
CREATE OR REPLACE FUNCTION tile_cells_add() RETURNS trigger LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    layers text[];
    xs int[];
    ys int[];
BEGIN
    IF to_regclass('tile_features_geom') IS NULL THEN
        PERFORM tile_cells_rebuild();
        RETURN NULL;
    END IF;
    SELECT coalesce(array_agg(layer), '{}'), array_agg(x), array_agg(y) INTO layers, xs, ys
    FROM (SELECT DISTINCT n.layer, tile_cell_x(n.geom, 16) AS x, tile_cell_y(n.geom, 16) AS y
          FROM new_rows n WHERE n.point) c
    WHERE x IS NOT NULL AND y IS NOT NULL;
    PERFORM tile_cells_refresh(layers, xs, ys);
    RETURN NULL;
END $$;

-- A point within the bounds is valid: ST_IsValid (GEOS, a copy of the
-- geometry each) is asked only of lines and polygons. The bounds, checked
-- first, keep out a NaN or infinite point as before.
CREATE OR REPLACE FUNCTION servable_geometry(g geometry) RETURNS boolean LANGUAGE sql IMMUTABLE PARALLEL SAFE
BEGIN ATOMIC
    SELECT g IS NULL OR (
        ST_SRID(g) = 4326
        AND GeometryType(g) IN ('POINT', 'MULTIPOINT', 'LINESTRING', 'MULTILINESTRING', 'POLYGON', 'MULTIPOLYGON')
        AND NOT ST_IsEmpty(g)
        AND ST_XMin(g) >= -180 AND ST_XMax(g) <= 180 AND ST_YMin(g) >= -90 AND ST_YMax(g) <= 90
        AND (GeometryType(g) = 'POINT' OR ST_IsValid(g))
        AND (GeometryType(g) NOT LIKE 'MULTI%'
             OR NOT EXISTS (SELECT 1 FROM generate_series(1, ST_NumGeometries(g)) i WHERE ST_IsEmpty(ST_GeometryN(g, i)))));
END;

-- planmap load works the keys of the features it inserts out as it reads
-- them (searchKeyRows in load.go, the rows of search_key_rows) and writes
-- them itself after the insert, which it marks with planmap.search_keys:
-- search_key_rows costs a load of 100,000 points several seconds, an
-- unnest of keys made beforehand half a second. Every other insert, and
-- every update, keeps its keys by trigger as before.
CREATE OR REPLACE FUNCTION search_keys_insert() RETURNS trigger LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    IF current_setting('planmap.search_keys', true) = 'loaded' THEN
        RETURN NULL;
    END IF;
    INSERT INTO search_keys (key, form, id, layer, kind, namelen)
    SELECT r.key, r.form, n.id, n.layer, n.kind, char_length(n.name_zh)
    FROM new_rows n, search_key_rows(n.search) r
    ORDER BY r.key COLLATE "C";
    RETURN NULL;
END $$;
