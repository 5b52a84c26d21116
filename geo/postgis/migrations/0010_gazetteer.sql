-- The gazetteer and the aliases (data/places.geojson, data/aliases.json),
-- replaced whole by planmap load. Search reads places.search, the place's
-- names and aliases as geo.SearchKeys spells them, one per line, as it reads
-- features.search; planmap load computes both (pinyin is Go's), so after
-- this migration run planmap load once for features.search to hold pinyin
-- and aliases.
CREATE TABLE places (
    id       text PRIMARY KEY,
    name_zh  text NOT NULL,
    name_en  text NOT NULL DEFAULT '',
    kind     text NOT NULL,
    district text NOT NULL DEFAULT '',
    source   text NOT NULL,
    search   text NOT NULL,
    geom     geometry(Point, 4326) NOT NULL
);

-- Other names of features and places, each with its source; target is a
-- feature's or a place's id.
CREATE TABLE aliases (
    name     text NOT NULL,
    target   text NOT NULL,
    source   text NOT NULL,
    position integer NOT NULL,
    PRIMARY KEY (position)
);
