-- Plan-wide targets as the plan states them: the figure read from the plan's
-- wording (comparator, value, unit) beside the wording itself, which is what
-- the old value column held, and an English gloss of the metric.

ALTER TABLE targets RENAME COLUMN value TO value_text;
ALTER TABLE targets
    ADD COLUMN metric_en  text NOT NULL DEFAULT '',
    -- geo.Comparators; '' is a plain figure, 约 is "about"
    ADD COLUMN comparator text NOT NULL DEFAULT '' CHECK (comparator IN ('', '≥', '>', '≤', '<', '=', '约')),
    ADD COLUMN value      double precision,            -- NULL where the plan gives no figure
    ADD COLUMN unit       text NOT NULL DEFAULT '';
