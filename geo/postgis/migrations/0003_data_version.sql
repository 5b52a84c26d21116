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
    IF NOT EXISTS (SELECT 1 FROM changed) THEN
        RETURN NULL; -- a statement that touched no row changes nothing
    END IF;
    UPDATE data_version SET version = version + 1 RETURNING version INTO v;
    PERFORM pg_notify('planmap_data', v::text);
    RETURN NULL;
END $$;

CREATE TRIGGER features_data_version_insert AFTER INSERT ON features
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version();
CREATE TRIGGER features_data_version_update AFTER UPDATE ON features
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version();
CREATE TRIGGER features_data_version_delete AFTER DELETE ON features
    REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version();
CREATE TRIGGER layers_data_version_insert AFTER INSERT ON layers
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version();
CREATE TRIGGER layers_data_version_update AFTER UPDATE ON layers
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version();
CREATE TRIGGER layers_data_version_delete AFTER DELETE ON layers
    REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version();
