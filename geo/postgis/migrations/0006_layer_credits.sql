-- The licence a layer is offered under and the credits of the sources it
-- draws from (geo.Layer.License, .Attribution), so that they travel with the
-- data into every map and client. Layers loaded before have neither: ''
-- and '{}', as a dataset that names none.

ALTER TABLE layers
    ADD COLUMN license_id    text   NOT NULL DEFAULT '',
    ADD COLUMN license_title text   NOT NULL DEFAULT '',
    ADD COLUMN license_url   text   NOT NULL DEFAULT '',
    ADD COLUMN attribution   text[] NOT NULL DEFAULT '{}',
    -- A licence is whole or absent, however the row is edited (psql, QGIS).
    ADD CONSTRAINT layers_license_whole CHECK (
        (license_id = '') = (license_title = '') AND (license_id = '') = (license_url = ''));
