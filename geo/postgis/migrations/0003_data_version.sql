-- A counter that moves whenever features or layers change, however they are
-- changed (planmap, psql, QGIS): tile caches key on it, so a change never
-- serves a stale tile. Each change is announced on channel planmap_data.

CREATE TABLE data_version (
    only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    version  bigint NOT NULL
);
INSERT INTO data_version VALUES (true, 1);

CREATE FUNCTION bump_data_version() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE v bigint;
BEGIN
    UPDATE data_version SET version = version + 1 RETURNING version INTO v;
    PERFORM pg_notify('planmap_data', v::text);
    RETURN NULL;
END $$;

-- Once per statement, without transition tables: a bulk load of half a
-- million rows must not copy them all aside just to bump a counter. (The
-- loader runs no statement that would change nothing.)
CREATE TRIGGER features_data_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON features
    FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version();
CREATE TRIGGER layers_data_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON layers
    FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version();
