-- Indicator monitoring (监测评估预警): the observed value of a plan target
-- in a year, on a source's word. Every version lands in the trail as kind
-- 'observation' (item target/year), like features, layers and targets.

CREATE TABLE target_observations (
    target_id text COLLATE "C" NOT NULL,
    year      int  NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    value     double precision NOT NULL CHECK (value = value AND abs(value) < 'Infinity'), -- finite
    source    text NOT NULL CHECK (btrim(source) <> ''),
    note      text NOT NULL DEFAULT '',
    PRIMARY KEY (target_id, year)
);

ALTER TABLE changes DROP CONSTRAINT changes_kind_check,
    ADD CONSTRAINT changes_kind_check CHECK (kind IN ('feature', 'layer', 'target', 'observation'));

CREATE FUNCTION observations_trail() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    r record := CASE TG_OP WHEN 'DELETE' THEN OLD ELSE NEW END;
    item text := r.target_id || '/' || r.year;
    v int;
BEGIN
    IF TG_OP = 'UPDATE' AND NEW IS NOT DISTINCT FROM OLD THEN
        RETURN NULL;
    END IF;
    SELECT coalesce(max(c.version), 0) + 1 INTO v FROM changes c WHERE c.kind = 'observation' AND c.item_id = item;
    INSERT INTO changes (kind, item_id, layer, version, op, author, reason, row)
    VALUES ('observation', item, coalesce((SELECT t.layer FROM targets t WHERE t.id = r.target_id), ''), v,
            lower(TG_OP), change_author(), change_reason(), CASE TG_OP WHEN 'DELETE' THEN NULL ELSE to_jsonb(r) END);
    RETURN NULL;
END $$;

CREATE TRIGGER target_observations_trail AFTER INSERT OR UPDATE OR DELETE ON target_observations
    FOR EACH ROW EXECUTE FUNCTION observations_trail();

-- planmap_editor records observations through planmap (roles.sql).
DO $$
BEGIN
    IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'planmap_editor') THEN
        GRANT INSERT, UPDATE ON target_observations TO planmap_editor;
    END IF;
END $$;
