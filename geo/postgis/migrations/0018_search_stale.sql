-- Search keys are computed in one place, in Go (geo.SearchKeys: pinyin,
-- initials, aliases), by planmap load and planmap's edits, which say so
-- with planmap.search = 'computed'. A row written any other way (psql,
-- QGIS) whose names change is marked search_stale, and planmap recomputes
-- its keys: every planmap serve does so whenever the data changes (it hears
-- planmap_data), through refresh_search, which a read-only role may call
-- and which touches nothing but the keys of stale rows whose names are
-- still the ones the keys were computed from.

ALTER TABLE features ADD COLUMN search_stale boolean NOT NULL DEFAULT false;
CREATE INDEX features_search_stale ON features (id) WHERE search_stale;

CREATE FUNCTION features_search_mark() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.search_stale := current_setting('planmap.search', true) IS DISTINCT FROM 'computed';
    RETURN NEW;
END $$;

-- Each trigger's WHEN keeps the function from running for the rows of a
-- load or an edit, which compute their keys (and leave search_stale false).
CREATE TRIGGER features_search_insert BEFORE INSERT ON features FOR EACH ROW
    WHEN (current_setting('planmap.search', true) IS DISTINCT FROM 'computed')
    EXECUTE FUNCTION features_search_mark();
CREATE TRIGGER features_search_update BEFORE UPDATE ON features FOR EACH ROW
    WHEN (OLD.search_stale
          OR (current_setting('planmap.search', true) IS DISTINCT FROM 'computed'
              AND (OLD.name_zh, OLD.name_en, OLD.extra->>'name_plan') IS DISTINCT FROM (NEW.name_zh, NEW.name_en, NEW.extra->>'name_plan')))
    EXECUTE FUNCTION features_search_mark();

-- Refreshing keys is no new version of a feature: no version, no history.
CREATE OR REPLACE FUNCTION features_version() RETURNS trigger LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    IF current_setting('planmap.search_refresh', true) = 'on' THEN
        RETURN NEW;
    END IF;
    IF NEW IS DISTINCT FROM OLD THEN
        NEW.version := OLD.version + 1;
        NEW.written := now();
    END IF;
    RETURN NEW;
END $$;

CREATE OR REPLACE FUNCTION features_history() RETURNS trigger LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    IF current_setting('planmap.search_refresh', true) = 'on' THEN
        RETURN NULL;
    END IF;
    INSERT INTO feature_history (feature_id, layer, version, operation, valid_from, valid_to, row, geom)
    SELECT o.id, o.layer, o.version, TG_OP, o.written, now(), to_jsonb(o) - 'geom' - 'geom_3857' - 'tile_id', o.geom
    FROM old_rows o;
    RETURN NULL;
END $$;

-- names[i] is the names keys[i] was computed from (name_zh, name_en and
-- name_plan, one per line): a row renamed since stays stale for the next round.
CREATE FUNCTION refresh_search(ids text[], names text[], keys text[]) RETURNS int LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE n int;
BEGIN
    PERFORM set_config('planmap.search', 'computed', true), set_config('planmap.search_refresh', 'on', true);
    UPDATE features f SET search = k.key, search_stale = false
    FROM unnest(ids, names, keys) AS k(id, names, key)
    WHERE f.id = k.id AND f.search_stale
      AND concat_ws(E'\n', f.name_zh, f.name_en, coalesce(f.extra->>'name_plan', '')) = k.names;
    GET DIAGNOSTICS n = ROW_COUNT;
    PERFORM set_config('planmap.search', '', true), set_config('planmap.search_refresh', '', true);
    RETURN n;
END $$;
