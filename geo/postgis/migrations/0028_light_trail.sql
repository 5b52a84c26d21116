-- The trail of a feature records who made each version, when, why and what
-- kind of change it was; the content of the version is kept where it is
-- already: in features while it is current, in feature_history (0001) once
-- a change replaced it. Writing the row and the geometry a third time made
-- the trail as big as the features themselves and cost a first load of
-- 200,000 points 3.5 s of its 25. Entries written before keep their row;
-- readers take the row from the entry when it has one (trailVersions in
-- edit.go). Layers and targets, few and small, keep theirs in the entry.
CREATE OR REPLACE FUNCTION features_trail() RETURNS trigger LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO changes (kind, item_id, layer, version, op, author, reason)
        SELECT 'feature', n.id, n.layer, n.version, 'insert', change_author(), change_reason()
        FROM new_rows n;
    ELSIF TG_OP = 'UPDATE' THEN
        INSERT INTO changes (kind, item_id, layer, version, op, author, reason)
        SELECT 'feature', n.id, n.layer, n.version, 'update', change_author(), change_reason()
        FROM new_rows n LEFT JOIN old_rows o ON o.id = n.id
        WHERE o.id IS NULL OR o.version IS DISTINCT FROM n.version;
    ELSE
        INSERT INTO changes (kind, item_id, layer, version, op, author, reason)
        SELECT 'feature', o.id, o.layer, o.version + 1, 'delete', change_author(), change_reason()
        FROM old_rows o;
    END IF;
    RETURN NULL;
END $$;

-- A replaced version keeps its MVT id (0025), as the trail kept it: only
-- the geometry is left out of the row, kept in its own column.
CREATE OR REPLACE FUNCTION features_history() RETURNS trigger LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    IF current_setting('planmap.search_refresh', true) = 'on' THEN
        RETURN NULL;
    END IF;
    INSERT INTO feature_history (feature_id, layer, version, operation, valid_from, valid_to, row, geom)
    SELECT o.id, o.layer, o.version, TG_OP, o.written, now(), to_jsonb(o) - 'geom', o.geom
    FROM old_rows o;
    RETURN NULL;
END $$;
