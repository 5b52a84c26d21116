-- Search by B-tree, as the embedded store searches its sorted key index:
-- one row per search key of a feature (the lines of features.search, which
-- Go computes: geo.SearchKeys) and per start inside a text key where a
-- substring match may begin (geo.SubstringStart), so that every kind of
-- match is a range of one index: the name as typed or its pinyin, exactly or
-- begun, a word inside it, and typos as the keys one edit away. The pair
-- index of 0010 read half a million rows for a synthetic name (every
-- "Synthetic N" shares its pairs); a range reads only the names that match.
-- Numbered 0022: 0021 came first, and Migrate applies only numbers above
-- the highest applied.
--
-- The rows follow features by trigger, whatever writes them (planmap load,
-- an edit, psql), and keep what orders the hits of one tier besides the
-- layer's display order (geo.CompareHits: kind, for a metro station yields;
-- the Chinese name's length), so a page is chosen without reading features.

-- search_key_rows lists the keys of a search column, form then key: each
-- line as written, and "s" for each start inside a text key ("t") where
-- geo.SubstringStart allows a match: at a character that is not an ASCII
-- letter or digit, or after one, and not at a space. Keys over 2,000 bytes
-- are left out (a B-tree entry holds at most about 2,700). Not STRICT, so
-- that it is inlined into the statement that calls it.
CREATE FUNCTION search_key_rows(search text) RETURNS TABLE (form "char", key text)
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT DISTINCT x.f::"char", x.k FROM (
        SELECT left(line, 1) AS f, substr(line, 2) AS k
        FROM unnest(string_to_array(search, E'\n')) line
        WHERE char_length(line) > 1 AND octet_length(line) <= 2001
        UNION ALL
        SELECT 's', substr(line, i)
        FROM unnest(string_to_array(search, E'\n')) line, generate_series(3, char_length(line)) i
        WHERE left(line, 1) = 't' AND octet_length(line) <= 2001 AND substr(line, i, 1) <> ' '
          AND (strpos('0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz', substr(line, i, 1)) = 0
            OR strpos('0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz', substr(line, i - 1, 1)) = 0)
    ) x
$$;

CREATE TABLE search_keys (
    key     text COLLATE "C" NOT NULL,
    form    "char" NOT NULL,           -- t, p, i as geo.SearchKeys writes them; s a substring start
    id      text COLLATE "C" NOT NULL, -- the feature's
    layer   text COLLATE "C" NOT NULL,
    kind    text NOT NULL,
    namelen int  NOT NULL              -- characters of name_zh
);

CREATE INDEX search_keys_key ON search_keys (key);
CREATE INDEX search_keys_id ON search_keys (id);

-- The functions run as the owner, so that an editor's role, which may write
-- features (0016) but not search_keys, keeps them in step.
-- Rows are written in key order, so that the keys of a range lie together
-- on disk: a range of 12,000 keys written in feature order took half a
-- second to read, a page a key.
CREATE FUNCTION search_keys_insert() RETURNS trigger LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    INSERT INTO search_keys (key, form, id, layer, kind, namelen)
    SELECT r.key, r.form, n.id, n.layer, n.kind, char_length(n.name_zh)
    FROM new_rows n, search_key_rows(n.search) r
    ORDER BY r.key COLLATE "C";
    RETURN NULL;
END $$;

CREATE FUNCTION search_keys_delete() RETURNS trigger LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    DELETE FROM search_keys k USING old_rows o WHERE k.id = o.id;
    RETURN NULL;
END $$;

-- An update rewrites the keys of the rows whose search, id, layer, kind or
-- Chinese name changed, and only theirs (a reload updates what differs).
CREATE FUNCTION search_keys_update() RETURNS trigger LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    DELETE FROM search_keys k USING old_rows o
    WHERE k.id = o.id AND NOT EXISTS (SELECT FROM new_rows n WHERE n.id = o.id AND n.search = o.search
        AND n.layer = o.layer AND n.kind = o.kind AND n.name_zh = o.name_zh);
    INSERT INTO search_keys (key, form, id, layer, kind, namelen)
    SELECT r.key, r.form, n.id, n.layer, n.kind, char_length(n.name_zh)
    FROM new_rows n, search_key_rows(n.search) r
    WHERE NOT EXISTS (SELECT FROM old_rows o WHERE n.id = o.id AND n.search = o.search
        AND n.layer = o.layer AND n.kind = o.kind AND n.name_zh = o.name_zh)
    ORDER BY r.key COLLATE "C";
    RETURN NULL;
END $$;

CREATE FUNCTION search_keys_truncate() RETURNS trigger LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    TRUNCATE search_keys;
    RETURN NULL;
END $$;

CREATE TRIGGER search_keys_insert AFTER INSERT ON features REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION search_keys_insert();
CREATE TRIGGER search_keys_update AFTER UPDATE ON features REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION search_keys_update();
CREATE TRIGGER search_keys_delete AFTER DELETE ON features REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION search_keys_delete();
CREATE TRIGGER search_keys_truncate AFTER TRUNCATE ON features
    FOR EACH STATEMENT EXECUTE FUNCTION search_keys_truncate();

INSERT INTO search_keys (key, form, id, layer, kind, namelen)
SELECT r.key, r.form, f.id, f.layer, f.kind, char_length(f.name_zh)
FROM features f, search_key_rows(f.search) r
ORDER BY r.key COLLATE "C";

-- Features are no longer found through their pairs (places, 683 of them,
-- still are, without an index).
DROP INDEX features_search_grams;
