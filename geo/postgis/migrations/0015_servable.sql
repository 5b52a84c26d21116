-- The database defends itself: whatever writes features (planmap, psql,
-- QGIS), a row that planmap could not serve cannot enter. A geometry is
-- NULL (no published site) or a non-empty, valid (OGC, as ST_IsValid and
-- geo.ValidGeometry read it), finite WGS84 point, line or polygon with no
-- empty part; status and accuracy are the catalogue's values; the id is
-- kebab-case ascii (geo.ValidID), as URLs and tiles want it.

CREATE FUNCTION servable_geometry(g geometry) RETURNS boolean LANGUAGE sql IMMUTABLE PARALLEL SAFE
BEGIN ATOMIC
    SELECT g IS NULL OR (
        ST_SRID(g) = 4326
        AND GeometryType(g) IN ('POINT', 'MULTIPOINT', 'LINESTRING', 'MULTILINESTRING', 'POLYGON', 'MULTIPOLYGON')
        AND NOT ST_IsEmpty(g)
        -- NaN compares greater than every number and infinities lie past the bounds
        AND ST_XMin(g) >= -180 AND ST_XMax(g) <= 180 AND ST_YMin(g) >= -90 AND ST_YMax(g) <= 90
        AND ST_IsValid(g)
        -- only a multi-geometry can hide an empty part
        AND (GeometryType(g) NOT LIKE 'MULTI%'
             OR NOT EXISTS (SELECT 1 FROM generate_series(1, ST_NumGeometries(g)) i WHERE ST_IsEmpty(ST_GeometryN(g, i)))));
END;

-- NOT VALID first, so that a database which already holds such a row still
-- migrates; the rows are then checked, and any left are reported (and read
-- as having no geometry, see query.go) until someone mends them.
ALTER TABLE features
    ADD CONSTRAINT features_servable_geometry CHECK (servable_geometry(geom)) NOT VALID,
    ADD CONSTRAINT features_known_status
        CHECK (status IN ('existing', 'under_construction', 'planned', 'expansion', 'upgrade')) NOT VALID,
    ADD CONSTRAINT features_known_accuracy
        CHECK (accuracy IN ('surveyed', 'approximate', 'indicative', 'district', 'unknown')) NOT VALID,
    ADD CONSTRAINT features_id CHECK (id ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND length(id) <= 100) NOT VALID;

DO $$
DECLARE c text;
BEGIN
    FOREACH c IN ARRAY ARRAY['features_servable_geometry', 'features_known_status', 'features_known_accuracy', 'features_id'] LOOP
        BEGIN
            EXECUTE format('ALTER TABLE features VALIDATE CONSTRAINT %I', c);
        EXCEPTION WHEN check_violation THEN
            RAISE WARNING 'features holds rows that break %; mend them, then run ALTER TABLE features VALIDATE CONSTRAINT %', c, c;
        END;
    END LOOP;
END $$;
