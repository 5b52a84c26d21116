-- Tiles carry what the web map filters and draws by: the district (district
-- filter), the plan year (the 2020 / 2025 / 2035 timeline: geo.PlanYear) and
-- the stated uncertainty of a position (circles at street zoom). Each is
-- worked out as geo.TileProps does, and NULL (left out of the tile) where a
-- feature has none.

CREATE FUNCTION tile_plan_year(extra jsonb) RETURNS int LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN CASE WHEN extra->>'plan_year' ~ '^[0-9]{1,4}$' AND extra->>'plan_year' !~ '^0+$'
        THEN (extra->>'plan_year')::int END;

CREATE FUNCTION tile_uncertainty(extra jsonb) RETURNS float8 LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN CASE WHEN jsonb_typeof(extra->'uncertainty_m') = 'number' AND (extra->>'uncertainty_m')::float8 > 0
        THEN (extra->>'uncertainty_m')::float8 END;

ALTER TABLE tile_features ADD COLUMN district text, ADD COLUMN plan_year int, ADD COLUMN uncertainty_m float8;

UPDATE tile_features t SET district = nullif(f.district, ''), plan_year = tile_plan_year(f.extra),
    uncertainty_m = tile_uncertainty(f.extra)
FROM features f WHERE f.id = t.id;

-- mvt_feature gains the same fields, before geom (ROW(...) in tile.go lists
-- geo.TileProperties in order, then geom).
DROP TYPE mvt_feature;
CREATE TYPE mvt_feature AS (
    fid           bigint,
    id            text,
    name_zh       text,
    name_en       text,
    kind          text,
    status        text,
    accuracy      text,
    color         text,
    district      text,
    plan_year     int,
    uncertainty_m float8,
    geom          geometry
);

CREATE OR REPLACE FUNCTION tile_features_add() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO tile_features (id, layer, tile_id, name_zh, name_en, kind, status, accuracy, color, point, geom,
                               district, plan_year, uncertainty_m)
    SELECT n.id, n.layer, tile_id(n.id), n.name_zh, n.name_en, n.kind, n.status, n.accuracy,
           n.extra->>'color', GeometryType(n.geom) = 'POINT', ST_Transform(n.geom, 3857),
           nullif(n.district, ''), tile_plan_year(n.extra), tile_uncertainty(n.extra)
    FROM new_rows n WHERE n.geom IS NOT NULL;
    RETURN NULL;
END $$;
