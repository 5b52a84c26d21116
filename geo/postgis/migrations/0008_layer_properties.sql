-- The further properties (features.extra) of each layer: every key, the
-- JSON type of its values and how many features hold it so. A collection's
-- schema (Store.Schema) reads these few rows instead of every feature of a
-- layer, which took 4-6 s for 500,000 points with three properties each.
-- A statement trigger keeps the counts in step with features however those
-- change (planmap, psql, QGIS), as others keep tile_features.

-- One feature's further properties, each typed as geo.ValueType types it:
-- a whole number within 32 bits is an integer. Anything but an object
-- (which planmap never writes) has none.
CREATE FUNCTION extra_types(extra jsonb) RETURNS TABLE (key text, type text)
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT e.key, CASE WHEN jsonb_typeof(e.value) <> 'number' THEN jsonb_typeof(e.value)
                       WHEN e.value::numeric = trunc(e.value::numeric)
                            AND e.value::numeric BETWEEN -2147483648 AND 2147483647 THEN 'integer'
                       ELSE 'number' END
    FROM jsonb_each(CASE jsonb_typeof(extra) WHEN 'object' THEN extra END) e
$$;

CREATE TABLE layer_properties (
    layer text COLLATE "C" NOT NULL,
    key   text COLLATE "C" NOT NULL,
    type  text NOT NULL,
    n     bigint NOT NULL, -- features of the layer with this key and type; 0 once none has
    PRIMARY KEY (layer, key, type)
);

-- Counts the properties of the rows a statement added (+1) and removed (-1).
-- Rows are written in key order, so that concurrent edits lock them in one
-- order; an edit that leaves the properties as they were writes none.
CREATE FUNCTION layer_properties_count() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    changed text := CASE TG_OP
        WHEN 'INSERT' THEN 'SELECT layer, extra, 1 AS d FROM new_rows'
        WHEN 'DELETE' THEN 'SELECT layer, extra, -1 AS d FROM old_rows'
        ELSE 'SELECT layer, extra, 1 AS d FROM new_rows UNION ALL SELECT layer, extra, -1 FROM old_rows' END;
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        TRUNCATE layer_properties;
        RETURN NULL;
    END IF;
    EXECUTE 'INSERT INTO layer_properties AS p
        SELECT r.layer, t.key, t.type, sum(r.d) FROM (' || changed || ') r CROSS JOIN LATERAL extra_types(r.extra) t
        GROUP BY 1, 2, 3 HAVING sum(r.d) <> 0 ORDER BY 1, 2, 3
        ON CONFLICT (layer, key, type) DO UPDATE SET n = p.n + excluded.n';
    RETURN NULL;
END $$;

CREATE TRIGGER layer_properties_insert AFTER INSERT ON features
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION layer_properties_count();
CREATE TRIGGER layer_properties_update AFTER UPDATE ON features
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION layer_properties_count();
CREATE TRIGGER layer_properties_delete AFTER DELETE ON features
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION layer_properties_count();
CREATE TRIGGER layer_properties_truncate AFTER TRUNCATE ON features
    FOR EACH STATEMENT EXECUTE FUNCTION layer_properties_count();

-- The features already there.
INSERT INTO layer_properties
SELECT f.layer, t.key, t.type, count(*) FROM features f CROSS JOIN LATERAL extra_types(f.extra) t GROUP BY 1, 2, 3;
