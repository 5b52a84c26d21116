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

-- The distinct pairs of neighbouring characters of the search keys (each
-- line without its form letter), as geo.Bigrams makes them from a query: a
-- key that holds the query holds all its pairs, so the GIN index finds the
-- candidates without reading every row (strpos over 550,000 rows took a
-- second). The keys themselves are still Go's, written by planmap load.
CREATE FUNCTION search_grams(search text) RETURNS text[]
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT coalesce(array_agg(DISTINCT substr(k, i, 2)), '{}')
    FROM unnest(string_to_array(search, E'\n')) k, generate_series(2, char_length(k) - 1) i
$$;

CREATE INDEX features_search_grams ON features USING gin (search_grams(search));
