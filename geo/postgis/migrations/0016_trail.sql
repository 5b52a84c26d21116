-- The trail: every version of every feature, layer and target, with who
-- made it, when and why, however it was written. planmap sets planmap.author and
-- planmap.reason for its own edits (and planmap load for a load); an edit
-- made in psql or QGIS is attributed to the database role that made it.
-- feature_history (0001) keeps holding the versions a change replaced.

CREATE TABLE changes (
    serial     bigserial PRIMARY KEY,
    at         timestamptz NOT NULL DEFAULT now(),
    kind       text NOT NULL CHECK (kind IN ('feature', 'layer', 'target')),
    item_id    text COLLATE "C" NOT NULL,
    layer      text COLLATE "C" NOT NULL DEFAULT '', -- a feature's layer, a layer's id, a target's linked layer
    version    int  NOT NULL,                     -- the version this change made
    op         text NOT NULL CHECK (op IN ('insert', 'update', 'delete')),
    author     text NOT NULL,                     -- planmap's user, or the database role
    db_role    text NOT NULL DEFAULT session_user,
    reason     text NOT NULL DEFAULT '',
    row        jsonb,                             -- the item as the change left it (a feature's without its geometry); NULL after a delete
    geom       geometry(Geometry, 4326)
);
CREATE INDEX changes_item ON changes (kind, item_id, serial);

CREATE FUNCTION change_author() RETURNS text LANGUAGE sql STABLE
    RETURN coalesce(nullif(current_setting('planmap.author', true), ''), session_user::text);
CREATE FUNCTION change_reason() RETURNS text LANGUAGE sql STABLE
    RETURN coalesce(current_setting('planmap.reason', true), '');

-- A feature as the trail keeps it: every column but the geometry (kept
-- apart, as geometry), named here rather than taken from to_jsonb(row),
-- which would write every geometry out as GeoJSON only to drop it (and
-- fail on a NaN coordinate of a row from before 0015). A migration that
-- adds a column to features adds it here.
CREATE FUNCTION feature_json(f features) RETURNS jsonb LANGUAGE sql STABLE
    RETURN jsonb_build_object('id', f.id, 'layer', f.layer, 'name_zh', f.name_zh, 'name_en', f.name_en,
        'kind', f.kind, 'status', f.status, 'plan_section', f.plan_section, 'plan_line', f.plan_line,
        'plan_quote', f.plan_quote, 'district', f.district, 'accuracy', f.accuracy, 'source', f.source,
        'updated', f.updated, 'targets', f.targets, 'extra', f.extra, 'search', f.search,
        'version', f.version, 'written', f.written);

-- Features: statement triggers with transition tables, one set-based
-- insert per statement (a load writes many rows). An UPDATE that changed
-- nothing keeps its version (see features_version) and leaves no entry.
CREATE FUNCTION features_trail() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO changes (kind, item_id, layer, version, op, author, reason, row, geom)
        SELECT 'feature', n.id, n.layer, n.version, 'insert', change_author(), change_reason(), feature_json(n), n.geom
        FROM new_rows n;
    ELSIF TG_OP = 'UPDATE' THEN
        INSERT INTO changes (kind, item_id, layer, version, op, author, reason, row, geom)
        SELECT 'feature', n.id, n.layer, n.version, 'update', change_author(), change_reason(), feature_json(n), n.geom
        FROM new_rows n LEFT JOIN old_rows o ON o.id = n.id
        WHERE o.id IS NULL OR o.version IS DISTINCT FROM n.version;
    ELSE
        INSERT INTO changes (kind, item_id, layer, version, op, author, reason)
        SELECT 'feature', o.id, o.layer, o.version + 1, 'delete', change_author(), change_reason()
        FROM old_rows o;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER features_trail_insert AFTER INSERT ON features
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION features_trail();
CREATE TRIGGER features_trail_update AFTER UPDATE ON features
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION features_trail();
CREATE TRIGGER features_trail_delete AFTER DELETE ON features
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION features_trail();

-- Layers and targets are few: a row trigger each, numbering their versions
-- from the trail itself. An UPDATE that changes nothing leaves no entry.
CREATE FUNCTION meta_trail() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    k text := CASE TG_TABLE_NAME WHEN 'layers' THEN 'layer' ELSE 'target' END;
    r record := CASE TG_OP WHEN 'DELETE' THEN OLD ELSE NEW END;
    v int;
BEGIN
    IF TG_OP = 'UPDATE' AND NEW IS NOT DISTINCT FROM OLD THEN
        RETURN NULL;
    END IF;
    SELECT coalesce(max(c.version), 0) + 1 INTO v FROM changes c WHERE c.kind = k AND c.item_id = r.id;
    INSERT INTO changes (kind, item_id, layer, version, op, author, reason, row)
    VALUES (k, r.id, CASE k WHEN 'layer' THEN r.id ELSE to_jsonb(r)->>'layer' END, v, lower(TG_OP),
            change_author(), change_reason(), CASE TG_OP WHEN 'DELETE' THEN NULL ELSE to_jsonb(r) END);
    RETURN NULL;
END $$;

CREATE TRIGGER layers_trail AFTER INSERT OR UPDATE OR DELETE ON layers
    FOR EACH ROW EXECUTE FUNCTION meta_trail();
CREATE TRIGGER targets_trail AFTER INSERT OR UPDATE OR DELETE ON targets
    FOR EACH ROW EXECUTE FUNCTION meta_trail();

-- What is already there starts the trail as it is.
INSERT INTO changes (at, kind, item_id, layer, version, op, author, reason, row, geom)
SELECT f.written, 'feature', f.id, f.layer, f.version, 'insert', session_user, 'in the database before the trail began',
       feature_json(f), CASE WHEN servable_geometry(f.geom) THEN f.geom END
FROM features f;
INSERT INTO changes (kind, item_id, layer, version, op, author, reason, row)
SELECT 'layer', l.id, l.id, 1, 'insert', session_user, 'in the database before the trail began', to_jsonb(l) FROM layers l;
INSERT INTO changes (kind, item_id, layer, version, op, author, reason, row)
SELECT 'target', t.id, t.layer, 1, 'insert', session_user, 'in the database before the trail began', to_jsonb(t) FROM targets t;

-- Bearer tokens for editing through planmap: only a hash (sha256 of the
-- token) is kept, so the table gives away no token.
CREATE TABLE tokens (
    id      text COLLATE "C" PRIMARY KEY,          -- public: names the token in lists and logs
    hash    bytea NOT NULL UNIQUE,
    name    text NOT NULL,                          -- who holds it: the author of their changes
    role    text NOT NULL CHECK (role IN ('viewer', 'editor', 'admin')),
    layers  text[] NOT NULL DEFAULT '{}',           -- an editor's layers
    created timestamptz NOT NULL DEFAULT now(),
    expires timestamptz,
    revoked timestamptz
);

-- Triggers run as the owner, so that a role that may only edit features
-- (planmap_editor) can neither write the trail, tiles and counts directly
-- nor be stopped by lacking rights on them.
DO $$
DECLARE f regprocedure;
BEGIN
    FOR f IN SELECT p.oid::regprocedure FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
             WHERE n.nspname = 'public' AND p.prorettype = 'trigger'::regtype
               AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e') LOOP
        EXECUTE format('ALTER FUNCTION %s SECURITY DEFINER SET search_path = public, pg_temp', f);
    END LOOP;
    IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'planmap_editor') THEN
        GRANT INSERT, UPDATE, DELETE ON features TO planmap_editor;
    END IF;
END $$;
