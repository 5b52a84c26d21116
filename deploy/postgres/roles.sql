-- planmap's database roles, run once per database by a superuser (the
-- docker-compose db runs it through initdb.sh on its first start):
--   planmap_owner   owns the database and schema: planmap migrate and load
--   planmap_reader  may only read: planmap serve
--   planmap_editor  reads, and writes features and observations only: planmap serve for
--                   planners' edits (the trail, tiles and counts are written
--                   by the owner's triggers, never by it directly)
-- The passwords come from the settings planmap.owner_password,
-- planmap.reader_password and planmap.editor_password (set_config before
-- running this file), never from the file itself. Safe to run again.

DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'planmap_owner') THEN
        EXECUTE format('CREATE ROLE planmap_owner LOGIN PASSWORD %L', current_setting('planmap.owner_password'));
    END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'planmap_reader') THEN
        EXECUTE format('CREATE ROLE planmap_reader LOGIN PASSWORD %L', current_setting('planmap.reader_password'));
    END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'planmap_editor') THEN
        EXECUTE format('CREATE ROLE planmap_editor LOGIN PASSWORD %L', current_setting('planmap.editor_password'));
    END IF;
    EXECUTE format('ALTER DATABASE %I OWNER TO planmap_owner', current_database());
    EXECUTE format('GRANT CONNECT ON DATABASE %I TO planmap_reader, planmap_editor', current_database());
END $$;

-- PostGIS is installed by a superuser: the owner could not.
CREATE EXTENSION IF NOT EXISTS postgis;

-- The reader sees what the owner's migrations create, and nothing more: no
-- INSERT, UPDATE, DELETE, TRUNCATE or DDL, and no way to create objects.
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO planmap_reader, planmap_editor;
GRANT SELECT ON ALL TABLES IN SCHEMA public TO planmap_reader, planmap_editor;
ALTER DEFAULT PRIVILEGES FOR ROLE planmap_owner IN SCHEMA public GRANT SELECT ON TABLES TO planmap_reader, planmap_editor;
-- The editor's rights to write: features, and observations of targets;
-- migrations 0016 and 0017 grant them too, for a database whose tables are
-- made after this file ran.
DO $$
BEGIN
    IF to_regclass('features') IS NOT NULL THEN
        GRANT INSERT, UPDATE, DELETE ON features TO planmap_editor;
    END IF;
    IF to_regclass('target_observations') IS NOT NULL THEN
        GRANT INSERT, UPDATE ON target_observations TO planmap_editor;
    END IF;
END $$;
-- A database that an earlier planmap filled as another role: give its
-- objects to the owner by hand, as that role's superuser, with
--   REASSIGN OWNED BY old_role TO planmap_owner;
