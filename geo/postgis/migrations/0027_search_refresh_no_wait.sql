-- A refresh of stale search keys (0018, 0026) writes only features.search
-- and search_stale, yet its UPDATE fired the triggers that rewrite the rows'
-- tile_features (and through them tile_cells) and recount layer_properties,
-- taking locks in orders of its own while an edit in psql or QGIS took them
-- in another: the two could deadlock, and PostgreSQL could cancel the
-- user's statement rather than the refresh. Now those triggers skip the
-- refresh, and the refresh never waits for a lock: it writes nothing while
-- another transaction has changed data and not yet committed (that one
-- holds the data_version row; its commit starts the next refresh), and it
-- leaves stale rows that another transaction holds for the next round.

DROP TRIGGER tile_features_update_1 ON features;
CREATE TRIGGER tile_features_update_1 AFTER UPDATE ON features REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT WHEN (current_setting('planmap.search_refresh', true) IS DISTINCT FROM 'on')
    EXECUTE FUNCTION tile_features_remove();
DROP TRIGGER tile_features_update_2 ON features;
CREATE TRIGGER tile_features_update_2 AFTER UPDATE ON features REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT WHEN (current_setting('planmap.search_refresh', true) IS DISTINCT FROM 'on')
    EXECUTE FUNCTION tile_features_add();
DROP TRIGGER layer_properties_update ON features;
CREATE TRIGGER layer_properties_update AFTER UPDATE ON features REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT WHEN (current_setting('planmap.search_refresh', true) IS DISTINCT FROM 'on')
    EXECUTE FUNCTION layer_properties_count();

CREATE OR REPLACE FUNCTION refresh_search(ids text[], names text[], keys text[]) RETURNS int LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE n int;
BEGIN
    IF NOT pg_try_advisory_xact_lock(31644363111883121) THEN -- lockLoad: a load is running
        RETURN 0;
    END IF;
    PERFORM 1 FROM data_version FOR UPDATE SKIP LOCKED;
    IF NOT FOUND THEN -- a transaction that changed data is still open
        RETURN 0;
    END IF;
    PERFORM set_config('planmap.search', 'computed', true), set_config('planmap.search_refresh', 'on', true);
    UPDATE features f SET search = k.key, search_stale = false
    FROM unnest(ids, names, keys) AS k(id, names, key)
    WHERE f.id = k.id AND f.search_stale
      AND concat_ws(E'\n', f.name_zh, f.name_en, coalesce(f.extra->>'name_plan', '')) = k.names
      AND f.id IN (SELECT l.id FROM features l WHERE l.id = ANY(ids) AND l.search_stale ORDER BY l.id FOR UPDATE SKIP LOCKED);
    GET DIAGNOSTICS n = ROW_COUNT;
    PERFORM set_config('planmap.search', '', true), set_config('planmap.search_refresh', '', true);
    RETURN n;
END $$;
