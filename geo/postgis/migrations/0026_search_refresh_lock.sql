-- A refresh of stale search keys (0018) and a load both write rows of
-- features and their keys, in orders of their own: run at once they could
-- deadlock. A refresh now yields to a load: it takes the loads' advisory
-- lock (lockLoad in migrate.go) without waiting, and writes nothing while a
-- load holds it; the load's commit changes the data version, which starts
-- the next refresh. A load waits for a refresh's one short batch.
CREATE OR REPLACE FUNCTION refresh_search(ids text[], names text[], keys text[]) RETURNS int LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE n int;
BEGIN
    IF NOT pg_try_advisory_xact_lock(31644363111883121) THEN -- lockLoad: a load is running
        RETURN 0;
    END IF;
    PERFORM set_config('planmap.search', 'computed', true), set_config('planmap.search_refresh', 'on', true);
    UPDATE features f SET search = k.key, search_stale = false
    FROM unnest(ids, names, keys) AS k(id, names, key)
    WHERE f.id = k.id AND f.search_stale
      AND concat_ws(E'\n', f.name_zh, f.name_en, coalesce(f.extra->>'name_plan', '')) = k.names;
    GET DIAGNOSTICS n = ROW_COUNT;
    PERFORM set_config('planmap.search', '', true), set_config('planmap.search_refresh', '', true);
    RETURN n;
END $$;
