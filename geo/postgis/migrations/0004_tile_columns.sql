-- What every tile needs of a feature, worked out once when it is written
-- rather than for every tile: the geometry in Web Mercator (with its own
-- index, so tiles are found without transforming their envelope) and the
-- numeric MVT id (geo.TileFeatureID: the first 52 bits of md5(id)).

ALTER TABLE features
    ADD COLUMN geom_3857 geometry(Geometry, 3857)
        GENERATED ALWAYS AS (ST_Transform(geom, 3857)) STORED,
    ADD COLUMN tile_id bigint
        GENERATED ALWAYS AS (greatest(('x' || substr(md5(id), 1, 13))::bit(52)::bigint, 1)) STORED;

CREATE INDEX features_geom_3857 ON features USING gist (geom_3857);

-- History keeps the row as written, not what is derived from it.
CREATE OR REPLACE FUNCTION features_history() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO feature_history (feature_id, layer, version, operation, valid_from, valid_to, row, geom)
    SELECT o.id, o.layer, o.version, TG_OP, o.written, now(), to_jsonb(o) - 'geom' - 'geom_3857' - 'tile_id', o.geom
    FROM old_rows o;
    RETURN NULL;
END $$;
