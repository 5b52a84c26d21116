-- planmap schema: layers, features, their edit history and the plan-wide targets.
-- Ids use the "C" collation so that ORDER BY id is byte order, as in Go.

CREATE EXTENSION IF NOT EXISTS postgis;

CREATE TABLE layers (
    id             text COLLATE "C" PRIMARY KEY,
    position       int     NOT NULL,            -- place in the dataset's layer list
    title_zh       text    NOT NULL,
    title_en       text    NOT NULL,
    description_zh text    NOT NULL DEFAULT '',
    description_en text    NOT NULL DEFAULT '',
    theme          text    NOT NULL,
    geometry_type  text    NOT NULL,
    sort_order     int     NOT NULL,
    base           boolean NOT NULL DEFAULT false,
    style          jsonb   NOT NULL DEFAULT '{}'
);

CREATE TABLE features (
    id           text COLLATE "C" PRIMARY KEY,
    layer        text COLLATE "C" NOT NULL REFERENCES layers (id),
    name_zh      text NOT NULL DEFAULT '',
    name_en      text NOT NULL DEFAULT '',
    kind         text NOT NULL DEFAULT '',
    status       text NOT NULL DEFAULT '',
    plan_section text NOT NULL DEFAULT '',
    plan_line    int  NOT NULL DEFAULT 0,
    plan_quote   text NOT NULL DEFAULT '',
    district     text NOT NULL DEFAULT '',
    accuracy     text NOT NULL DEFAULT '',
    source       text NOT NULL DEFAULT '',
    updated      timestamptz NOT NULL,          -- 0001-01-01 when the dataset gives none
    targets      jsonb,                         -- NULL and [] differ, as in Go
    extra        jsonb,
    search       text NOT NULL DEFAULT '',      -- normalised names, one per line (geo.Normalize)
    geom         geometry(Geometry, 4326),
    version      int  NOT NULL DEFAULT 1,
    written      timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX features_layer_id ON features (layer, id);
CREATE INDEX features_geom ON features USING gist (geom);

-- Every earlier version of a feature, written by trigger so that edits made
-- outside planmap (psql, QGIS) are kept too.
CREATE TABLE feature_history (
    serial     bigserial PRIMARY KEY,
    feature_id text COLLATE "C" NOT NULL,
    layer      text NOT NULL,
    version    int  NOT NULL,
    operation  text NOT NULL CHECK (operation IN ('UPDATE', 'DELETE')),
    valid_from timestamptz NOT NULL,            -- when this version was written
    valid_to   timestamptz NOT NULL,            -- when it was replaced or removed
    row        jsonb NOT NULL,                  -- the whole row but its geometry
    geom       geometry(Geometry, 4326)
);

CREATE INDEX feature_history_feature ON feature_history (feature_id, serial);

CREATE FUNCTION features_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW IS DISTINCT FROM OLD THEN
        NEW.version := OLD.version + 1;
        NEW.written := now();
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER features_version BEFORE UPDATE ON features
    FOR EACH ROW EXECUTE FUNCTION features_version();

CREATE FUNCTION features_history() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO feature_history (feature_id, layer, version, operation, valid_from, valid_to, row, geom)
    SELECT o.id, o.layer, o.version, TG_OP, o.written, now(), to_jsonb(o) - 'geom', o.geom
    FROM old_rows o;
    RETURN NULL;
END $$;

CREATE TRIGGER features_history_update AFTER UPDATE ON features
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION features_history();
CREATE TRIGGER features_history_delete AFTER DELETE ON features
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION features_history();

CREATE TABLE targets (
    id           text COLLATE "C" PRIMARY KEY,
    position     int  NOT NULL,
    group_name   text NOT NULL DEFAULT '',
    metric       text NOT NULL DEFAULT '',
    value        text NOT NULL DEFAULT '',
    year         int  NOT NULL DEFAULT 0,
    plan_section text NOT NULL DEFAULT '',
    plan_line    int  NOT NULL DEFAULT 0,
    quote        text NOT NULL DEFAULT '',
    feature      text NOT NULL DEFAULT '',
    layer        text NOT NULL DEFAULT ''
);
