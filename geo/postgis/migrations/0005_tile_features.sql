-- Tiles read a narrow table of their own: a feature's MVT id, the properties
-- tiles carry (geo.TileProperties), whether it is a single point (nothing to
-- clip) and its geometry in Web Mercator. A z12 tile of 2,000 points reads
-- about 40 pages of it instead of 100 of the wide features rows, and what
-- can be worked out once, when a feature is written, is not worked out for
-- every tile. Statement triggers keep it in step with features however those
-- change (planmap, psql, QGIS), one set-based statement per change.

-- (features_history from 0004 still takes geom_3857 and tile_id out of the
-- rows it keeps: keys they no longer have, so it stays as it is.)
ALTER TABLE features DROP COLUMN geom_3857, DROP COLUMN tile_id;

-- geo.TileFeatureID: the first 52 bits of md5(id), never 0.
CREATE FUNCTION tile_id(id text) RETURNS bigint LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN greatest(('x' || substr(md5(id), 1, 13))::bit(52)::bigint, 1);

CREATE TABLE tile_features (
    id       text COLLATE "C" PRIMARY KEY,
    layer    text COLLATE "C" NOT NULL,
    tile_id  bigint NOT NULL,
    name_zh  text NOT NULL,
    name_en  text NOT NULL,
    kind     text NOT NULL,
    status   text NOT NULL,
    accuracy text NOT NULL,
    color    text,
    point    boolean NOT NULL,
    geom     geometry(Geometry, 3857) NOT NULL
);

-- One feature of a tile as ST_AsMVT writes it: every field of the row it is
-- given becomes a property, so a composite tile, grouped by layer, hands it
-- this row, without the layer (the MVT layer's name says that already).
CREATE TYPE mvt_feature AS (
    fid      bigint,
    id       text,
    name_zh  text,
    name_en  text,
    kind     text,
    status   text,
    accuracy text,
    color    text,
    geom     geometry
);

CREATE FUNCTION tile_features_add() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO tile_features
    SELECT n.id, n.layer, tile_id(n.id), n.name_zh, n.name_en, n.kind, n.status, n.accuracy,
           n.extra->>'color', GeometryType(n.geom) = 'POINT', ST_Transform(n.geom, 3857)
    FROM new_rows n WHERE n.geom IS NOT NULL;
    RETURN NULL;
END $$;

CREATE FUNCTION tile_features_remove() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        TRUNCATE tile_features;
    ELSE
        DELETE FROM tile_features t USING old_rows o WHERE t.id = o.id;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER tile_features_insert AFTER INSERT ON features
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION tile_features_add();
CREATE TRIGGER tile_features_delete AFTER DELETE ON features
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION tile_features_remove();
CREATE TRIGGER tile_features_truncate AFTER TRUNCATE ON features
    FOR EACH STATEMENT EXECUTE FUNCTION tile_features_remove();
-- An update takes the old rows out, then puts the new ones in: triggers of
-- one event fire in the order of their names.
CREATE TRIGGER tile_features_update_1 AFTER UPDATE ON features
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION tile_features_remove();
CREATE TRIGGER tile_features_update_2 AFTER UPDATE ON features
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION tile_features_add();

-- The features already there, in spatial order as the loader writes them.
INSERT INTO tile_features
SELECT f.id, f.layer, tile_id(f.id), f.name_zh, f.name_en, f.kind, f.status, f.accuracy,
       f.extra->>'color', GeometryType(f.geom) = 'POINT', ST_Transform(f.geom, 3857)
FROM features f WHERE f.geom IS NOT NULL ORDER BY f.geom;

CREATE INDEX tile_features_geom ON tile_features USING gist (geom);
-- A map resolves a clicked feature of a tile by its MVT id (items?tile_id=).
CREATE INDEX tile_features_tile_id ON tile_features (tile_id);
