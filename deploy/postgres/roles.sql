-- planmap's database roles, run once per database by a superuser (the
-- docker-compose db runs it through initdb.sh on its first start):
--   planmap_owner   owns the database and schema: planmap migrate and load
--   planmap_reader  may only read: planmap serve
-- The passwords come from the settings planmap.owner_password and
-- planmap.reader_password (set_config before running this file), never
-- from the file itself. Safe to run again.

DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'planmap_owner') THEN
        EXECUTE format('CREATE ROLE planmap_owner LOGIN PASSWORD %L', current_setting('planmap.owner_password'));
    END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'planmap_reader') THEN
        EXECUTE format('CREATE ROLE planmap_reader LOGIN PASSWORD %L', current_setting('planmap.reader_password'));
    END IF;
    EXECUTE format('ALTER DATABASE %I OWNER TO planmap_owner', current_database());
    EXECUTE format('GRANT CONNECT ON DATABASE %I TO planmap_reader', current_database());
END $$;

-- PostGIS is installed by a superuser: the owner could not.
CREATE EXTENSION IF NOT EXISTS postgis;

-- The reader sees what the owner's migrations create, and nothing more: no
-- INSERT, UPDATE, DELETE, TRUNCATE or DDL, and no way to create objects.
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO planmap_reader;
GRANT SELECT ON ALL TABLES IN SCHEMA public TO planmap_reader;
ALTER DEFAULT PRIVILEGES FOR ROLE planmap_owner IN SCHEMA public GRANT SELECT ON TABLES TO planmap_reader;
-- A database that an earlier planmap filled as another role: give its
-- objects to the owner by hand, as that role's superuser, with
--   REASSIGN OWNED BY old_role TO planmap_owner;
