-- The trail: every version of every feature, with who made it, when and
-- why, however it was written. planmap sets planmap.author and
-- planmap.reason for its own edits (and planmap load for a load); an edit
-- made in psql or QGIS is attributed to the database role that made it.
-- feature_history (0001) keeps holding the versions a change replaced.

CREATE TABLE feature_changes (
    serial     bigserial PRIMARY KEY,
    at         timestamptz NOT NULL DEFAULT now(),
    feature_id text COLLATE "C" NOT NULL,
    layer      text COLLATE "C" NOT NULL,
    version    int  NOT NULL,                     -- the version this change made
    op         text NOT NULL CHECK (op IN ('insert', 'update', 'delete')),
    author     text NOT NULL,                     -- planmap's user, or the database role
    db_role    text NOT NULL DEFAULT session_user,
    reason     text NOT NULL DEFAULT '',
    row        jsonb,                             -- the feature as the change left it, but its geometry; NULL after a delete
    geom       geometry(Geometry, 4326)
);
CREATE INDEX feature_changes_feature ON feature_changes (feature_id, serial);

CREATE FUNCTION change_author() RETURNS text LANGUAGE sql STABLE
    RETURN coalesce(nullif(current_setting('planmap.author', true), ''), session_user::text);
CREATE FUNCTION change_reason() RETURNS text LANGUAGE sql STABLE
    RETURN coalesce(current_setting('planmap.reason', true), '');

-- Statement triggers with transition tables, one set-based insert per
-- statement. An UPDATE that changed nothing keeps its version (see
-- features_version) and leaves no entry.
CREATE FUNCTION features_trail() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO feature_changes (feature_id, layer, version, op, author, reason, row, geom)
        SELECT n.id, n.layer, n.version, 'insert', change_author(), change_reason(), to_jsonb(n) - 'geom', n.geom
        FROM new_rows n;
    ELSIF TG_OP = 'UPDATE' THEN
        INSERT INTO feature_changes (feature_id, layer, version, op, author, reason, row, geom)
        SELECT n.id, n.layer, n.version, 'update', change_author(), change_reason(), to_jsonb(n) - 'geom', n.geom
        FROM new_rows n LEFT JOIN old_rows o ON o.id = n.id
        WHERE o.id IS NULL OR o.version IS DISTINCT FROM n.version;
    ELSE
        INSERT INTO feature_changes (feature_id, layer, version, op, author, reason)
        SELECT o.id, o.layer, o.version + 1, 'delete', change_author(), change_reason()
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

-- The features already there start the trail as they are.
INSERT INTO feature_changes (at, feature_id, layer, version, op, author, reason, row, geom)
SELECT f.written, f.id, f.layer, f.version, 'insert', session_user, 'in the database before the trail began',
       to_jsonb(f) - 'geom', f.geom
FROM features f;

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
