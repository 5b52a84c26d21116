-- One view per geometry family with a typed geometry column, so desktop GIS
-- (QGIS, ogr2ogr) discovers the plan's layers without being told the type.
-- Single and multi geometries are shown as multi.

CREATE VIEW features_points AS
    SELECT id, layer, name_zh, name_en, kind, status, plan_section, plan_line, plan_quote,
           district, accuracy, source, updated, targets, extra,
           ST_Multi(geom)::geometry(MultiPoint, 4326) AS geom
    FROM features WHERE GeometryType(geom) IN ('POINT', 'MULTIPOINT');

CREATE VIEW features_lines AS
    SELECT id, layer, name_zh, name_en, kind, status, plan_section, plan_line, plan_quote,
           district, accuracy, source, updated, targets, extra,
           ST_Multi(geom)::geometry(MultiLineString, 4326) AS geom
    FROM features WHERE GeometryType(geom) IN ('LINESTRING', 'MULTILINESTRING');

CREATE VIEW features_polygons AS
    SELECT id, layer, name_zh, name_en, kind, status, plan_section, plan_line, plan_quote,
           district, accuracy, source, updated, targets, extra,
           ST_Multi(geom)::geometry(MultiPolygon, 4326) AS geom
    FROM features WHERE GeometryType(geom) IN ('POLYGON', 'MULTIPOLYGON');
