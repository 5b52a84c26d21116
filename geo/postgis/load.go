package postgis

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb/encoding/wkb"

	"planmap/data"
	"planmap/geo"
)

// Counts tells what a load did to the features of one layer.
type Counts struct {
	Inserted, Updated, Removed, Unchanged int
}

// Changed is the number of features written or removed.
func (c Counts) Changed() int { return c.Inserted + c.Updated + c.Removed }

// Summary is what a load did, per layer (a removed feature counts in the
// layer it was in, an updated one in its new layer).
type Summary struct {
	Layers map[string]Counts
	// Removals is what the load removed (or, refused or dry, would remove).
	Removals Removals
	// Changes lists every inserted, updated and removed feature, by op,
	// layer and id; only a dry run fills it.
	Changes []Change
}

// Change is one feature a load writes or removes.
type Change struct{ Op, Layer, ID string }

// Removals is what a load takes away: features (as changes with op
// "remove"), whole layers (dropped from the dataset or left without a
// feature) and targets, out of Held features the database held.
type Removals struct {
	Features []Change
	Layers   []string
	Targets  []string
	Held     int
}

// MaxRemovedShare is the share of the features a database holds that a
// guarded load may remove; more is refused, as is removing any whole layer
// or any target. A dataset cut short or emptied by mistake trips it; a
// planned removal passes with LoadOptions.AllowRemovals.
const MaxRemovedShare = 0.05

// Destructive reports whether the removals go past what a guarded load
// allows, and why.
func (r Removals) Destructive() (bool, string) {
	var why []string
	if n := len(r.Features); n > 0 && float64(n) > MaxRemovedShare*float64(r.Held) {
		why = append(why, fmt.Sprintf("%d of the %d features (more than %g %%)", n, r.Held, MaxRemovedShare*100))
	}
	if len(r.Layers) > 0 {
		why = append(why, fmt.Sprintf("%d whole layer(s)", len(r.Layers)))
	}
	if len(r.Targets) > 0 {
		why = append(why, fmt.Sprintf("%d target(s)", len(r.Targets)))
	}
	return len(why) > 0, strings.Join(why, ", ")
}

// Refused is the error of a guarded load that would remove too much; the
// database is unchanged. Summary says what the load would have done.
type Refused struct {
	Summary Summary
	Why     string
}

func (e *Refused) Error() string {
	return "the load would remove " + e.Why + "; refused without --allow-removals"
}

// LoadOptions say how LoadDir may change the database.
type LoadOptions struct {
	Progress func(done, total int)
	// AllowRemovals lets a load remove more than MaxRemovedShare of the
	// features, whole layers or targets; without it such a load is refused
	// with *Refused.
	AllowRemovals bool
	// DryRun works out the whole diff (Summary with Changes) and then rolls
	// it back: the database is unchanged.
	DryRun bool
}

// Total adds up all layers.
func (s Summary) Total() Counts {
	var t Counts
	for _, c := range s.Layers {
		t.Inserted += c.Inserted
		t.Updated += c.Updated
		t.Removed += c.Removed
		t.Unchanged += c.Unchanged
	}
	return t
}

// loadHook, when set by a test, runs after each stage of a load; an error
// makes the load fail there.
var loadHook func(stage string) error

// Load makes the database hold exactly ds, in one transaction: layers are
// upserted, features inserted, updated (only when their content differs) or
// removed, the earlier version of every updated or removed feature goes to
// feature_history (by trigger), and the targets are replaced. ds is checked
// first; an invalid dataset gives *data.Invalid and the database is not
// touched. Any failure rolls everything back. progress, if not nil, hears
// how many features have been sent.
func Load(ctx context.Context, s *Store, ds *data.Dataset, progress func(done, total int)) (Summary, error) {
	return LoadDataset(ctx, s, ds, LoadOptions{Progress: progress, AllowRemovals: true})
}

// LoadDataset is Load with the guard and dry run of LoadDir.
func LoadDataset(ctx context.Context, s *Store, ds *data.Dataset, o LoadOptions) (Summary, error) {
	if probs := data.Check(ds); len(probs) > 0 {
		return Summary{}, &data.Invalid{Problems: probs}
	}
	each := func(yield func(geo.Feature) error) error {
		for _, f := range ds.Features {
			if err := yield(f); err != nil {
				return err
			}
		}
		return nil
	}
	return loadTx(ctx, s, ds, each, len(ds.Features), o)
}

// LoadFS loads a dataset directory as Load does, but streams it: features
// are read, checked and sent to the database as they come, so parsing and
// writing overlap and memory stays flat. A problem anywhere in the dataset
// fails the load with *data.Invalid naming every problem, and the
// transaction is rolled back: the database is as it was.
func LoadFS(ctx context.Context, s *Store, fsys fs.FS, progress func(done, total int), opts ...data.Option) (Summary, error) {
	return LoadDir(ctx, s, fsys, LoadOptions{Progress: progress, AllowRemovals: true}, opts...)
}

// LoadDir is LoadFS with a guard and a dry run: unless o.AllowRemovals, a
// load that would remove more than MaxRemovedShare of the features, a whole
// layer or a target fails with *Refused before it writes a feature, and
// o.DryRun works the load out and rolls it back. Either way the database
// stays as it was. planmap load goes through here.
func LoadDir(ctx context.Context, s *Store, fsys fs.FS, o LoadOptions, opts ...data.Option) (Summary, error) {
	meta, err := data.Meta(fsys)
	if err != nil {
		return Summary{}, err
	}
	each := func(yield func(geo.Feature) error) error {
		_, err := data.Scan(fsys, yield, opts...)
		return err
	}
	return loadTx(ctx, s, meta, each, -1, o)
}

// errDryRun rolls a dry run's transaction back.
var errDryRun = errors.New("dry run")

// features yields every feature of a dataset, stopping at yield's error.
type features func(yield func(geo.Feature) error) error

func loadTx(ctx context.Context, s *Store, meta *data.Dataset, each features, total int, o LoadOptions) (Summary, error) {
	var sum Summary
	aside := &keysAside{pool: s.pool.primary}
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var err error
		sum, err = load(ctx, tx, meta, each, total, o, aside)
		if err == nil && o.DryRun {
			err = errDryRun
		}
		return err
	})
	aside.close(err)
	if invalid := (*data.Invalid)(nil); errors.As(err, &invalid) {
		return Summary{}, invalid
	}
	if refused := (*Refused)(nil); errors.As(err, &refused) {
		return refused.Summary, refused
	}
	if errors.Is(err, errDryRun) {
		return sum, nil
	}
	if err != nil {
		return Summary{}, fmt.Errorf("load: %w", wrap(ctx, err))
	}
	s.refresh(ctx)
	return sum, nil
}

func load(ctx context.Context, tx pgx.Tx, meta *data.Dataset, each features, total int, o LoadOptions, aside *keysAside) (Summary, error) {
	var rm Removals
	var changes []Change
	var keys *firstKeys // a first load's search keys, worked out beside the copy
	stages := []struct {
		name string
		run  func() error
	}{
		{"begin", func() error { return begin(ctx, tx) }},
		{"removals", func() (err error) { rm, err = removedMeta(ctx, tx, meta); return err }},
		{"layers", func() error { return upsertLayers(ctx, tx, meta.Layers) }},
		{"copy", func() error {
			if rm.Held == 0 {
				keys = newFirstKeys()
			}
			if err := copyFeatures(ctx, tx, each, meta.AliasNames(), total, o.Progress, keys); err != nil {
				return err
			}
			if keys != nil && len(keys.feats) >= bulkRows && !o.DryRun {
				keys.aside = aside
				aside.start(ctx, keys)
			}
			return nil
		}},
		{"diff", func() error { return exec(ctx, tx, diffSQL) }},
		{"guard", func() error { return guard(ctx, tx, &rm, &changes, o) }},
		{"write", func() error { return writeFeatures(ctx, tx, keys) }},
		{"prune", func() error { return pruneLayers(ctx, tx, meta.Layers) }},
		{"targets", func() error { return replaceTargets(ctx, tx, meta.Targets) }},
		{"names", func() error { return replaceNames(ctx, tx, meta) }},
		{"tidy", func() error { return aside.tidy(ctx, tx) }},
	}
	for _, st := range stages {
		if err := st.run(); err != nil {
			return Summary{}, fmt.Errorf("%s: %w", st.name, err)
		}
		if loadHook != nil {
			if err := loadHook(st.name); err != nil {
				return Summary{}, err
			}
		}
	}
	sum, err := summarise(ctx, tx, !aside.placed)
	sum.Removals, sum.Changes = rm, changes
	return sum, err
}

// removedMeta finds the layers and targets the dataset no longer has,
// before the load touches them.
func removedMeta(ctx context.Context, tx pgx.Tx, meta *data.Dataset) (Removals, error) {
	var rm Removals
	layers := make([]string, len(meta.Layers))
	for i, l := range meta.Layers {
		layers[i] = l.ID
	}
	targets := make([]string, len(meta.Targets))
	for i, t := range meta.Targets {
		targets[i] = t.ID
	}
	err := tx.QueryRow(ctx, `SELECT
		(SELECT count(*) FROM features),
		(SELECT coalesce(array_agg(id ORDER BY id), '{}') FROM layers WHERE NOT (id = ANY($1))),
		(SELECT coalesce(array_agg(id ORDER BY id), '{}') FROM targets WHERE NOT (id = ANY($2)))`,
		layers, targets).Scan(&rm.Held, &rm.Layers, &rm.Targets)
	return rm, err
}

// guard completes the removals from the diff — the features that go, and
// the layers the dataset keeps but leaves without a feature — and refuses
// them unless they are allowed. A dry run also lists every change.
func guard(ctx context.Context, tx pgx.Tx, rm *Removals, changes *[]Change, o LoadOptions) error {
	// Only a dry run lists every change; otherwise only removals are read
	// (a first load would read back every feature it inserts).
	which := "op = 'remove'"
	if o.DryRun {
		which = "op <> 'same'"
	}
	rows, err := tx.Query(ctx, `SELECT op, layer, id FROM load_diff WHERE `+which+` ORDER BY op, layer, id`)
	if err != nil {
		return err
	}
	var c Change
	if _, err := pgx.ForEachRow(rows, []any{&c.Op, &c.Layer, &c.ID}, func() error {
		if c.Op == "remove" {
			rm.Features = append(rm.Features, c)
		}
		if o.DryRun {
			*changes = append(*changes, c)
		}
		return nil
	}); err != nil {
		return err
	}
	// A layer emptied: it had features and the dataset gives it none.
	rows, err = tx.Query(ctx, `SELECT f.layer FROM features f JOIN layers l ON l.id = f.layer
		WHERE NOT EXISTS (SELECT 1 FROM load_features n WHERE n.layer = f.layer) AND NOT (f.layer = ANY(coalesce($1::text[], '{}')))
		GROUP BY f.layer ORDER BY f.layer`, rm.Layers)
	if err != nil {
		return err
	}
	emptied, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return err
	}
	rm.Layers = append(rm.Layers, emptied...)
	if bad, why := rm.Destructive(); bad && !o.AllowRemovals {
		sum, err := summarise(ctx, tx, false)
		if err != nil {
			return err
		}
		sum.Removals, sum.Changes = *rm, *changes
		return &Refused{Summary: sum, Why: why}
	}
	return nil
}

func exec(ctx context.Context, tx pgx.Tx, sql string, args ...any) error {
	_, err := tx.Exec(ctx, sql, args...)
	return err
}

// begin lifts the statement timeout meant for queries (a load of a big
// dataset takes longer), lets the diff's joins and sorts work in memory, and
// waits for any other load to finish.
func begin(ctx context.Context, tx pgx.Tx) error {
	// The trail (migration 0016) names a load as its author.
	if err := exec(ctx, tx, `SET LOCAL statement_timeout = 0; SET LOCAL work_mem = '256MB';
		SELECT set_config('planmap.author', 'planmap load', true), set_config('planmap.reason', 'load of a dataset', true),
			set_config('planmap.search', 'computed', true)`); err != nil {
		return err
	}
	return exec(ctx, tx, "SELECT pg_advisory_xact_lock($1)", lockLoad)
}

// upsertLayers writes the layers that are new or differ; an unchanged layer
// runs no statement, so the data version stays.
func upsertLayers(ctx context.Context, tx pgx.Tx, layers []geo.Layer) error {
	have, err := storedLayers(ctx, tx)
	if err != nil {
		return err
	}
	b := &pgx.Batch{}
	for i, l := range layers {
		style, err := json.Marshal(l.Style)
		if err != nil {
			return err
		}
		if old, ok := have[l.ID]; ok && old.position == i && sameLayer(old.Layer, l) {
			continue
		}
		lic := licenseCols(l.License)
		b.Queue(`INSERT INTO layers AS l (id, position, title_zh, title_en, description_zh, description_en,
				theme, geometry_type, sort_order, base, style, license_id, license_title, license_url, attribution)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
			ON CONFLICT (id) DO UPDATE SET position = $2, title_zh = $3, title_en = $4,
				description_zh = $5, description_en = $6, theme = $7, geometry_type = $8,
				sort_order = $9, base = $10, style = $11, license_id = $12, license_title = $13,
				license_url = $14, attribution = $15
			WHERE (l.position, l.title_zh, l.title_en, l.description_zh, l.description_en, l.theme,
				l.geometry_type, l.sort_order, l.base, l.style, l.license_id, l.license_title, l.license_url,
				l.attribution)
				IS DISTINCT FROM ($2, $3, $4, $5, $6, $7, $8, $9, $10, $11::jsonb, $12, $13, $14, $15::text[])`,
			l.ID, i, l.TitleZH, l.TitleEN, l.DescriptionZH, l.DescriptionEN, l.Theme, l.GeometryType,
			l.Order, l.Base, style, lic[0], lic[1], lic[2], attributionCol(l.Attribution))
	}
	if b.Len() == 0 {
		return nil
	}
	return tx.SendBatch(ctx, b).Close()
}

type storedLayer struct {
	geo.Layer
	position int
}

func storedLayers(ctx context.Context, tx pgx.Tx) (map[string]storedLayer, error) {
	rows, err := tx.Query(ctx, `SELECT id, position, title_zh, title_en, description_zh, description_en,
		theme, geometry_type, sort_order, base, style, license_id, license_title, license_url, attribution FROM layers`)
	if err != nil {
		return nil, err
	}
	out := map[string]storedLayer{}
	var l storedLayer
	var style []byte
	var lic [3]string
	var credits []string
	_, err = pgx.ForEachRow(rows, []any{&l.ID, &l.position, &l.TitleZH, &l.TitleEN, &l.DescriptionZH,
		&l.DescriptionEN, &l.Theme, &l.GeometryType, &l.Order, &l.Base, &style,
		&lic[0], &lic[1], &lic[2], &credits}, func() error {
		l.Style = geo.Style{}
		if err := json.Unmarshal(style, &l.Style); err != nil {
			return err
		}
		l.License = licenseOf(lic)
		l.Attribution, credits = credits, nil // the next row scans into a slice of its own
		out[l.ID] = l
		return nil
	})
	return out, err
}

func sameLayer(a, b geo.Layer) bool {
	return a.ID == b.ID && a.TitleZH == b.TitleZH && a.TitleEN == b.TitleEN && a.DescriptionZH == b.DescriptionZH &&
		a.DescriptionEN == b.DescriptionEN && a.Theme == b.Theme && a.GeometryType == b.GeometryType &&
		a.Order == b.Order && a.Base == b.Base && a.Style == b.Style &&
		geo.SameLicense(a.License, b.License) && slices.Equal(a.Attribution, b.Attribution)
}

// licenseCols is a licence as the layers table keeps it: id, title and URL,
// all empty for none.
func licenseCols(l *geo.License) [3]string {
	if l == nil {
		return [3]string{}
	}
	return [3]string{l.ID, l.Title, l.URL}
}

func licenseOf(cols [3]string) *geo.License {
	if cols == ([3]string{}) {
		return nil
	}
	return &geo.License{ID: cols[0], Title: cols[1], URL: cols[2]}
}

// attributionCol is a layer's credits as the column keeps them: never NULL.
func attributionCol(credits []string) []string {
	if credits == nil {
		return []string{}
	}
	return credits
}

// stagingCols are the columns of load_features, filled by COPY.
var stagingCols = []string{"id", "layer", "name_zh", "name_en", "kind", "status", "plan_section",
	"plan_line", "plan_quote", "district", "accuracy", "source", "updated", "targets", "extra", "search", "wkb", "keys"}

// searchCol is where stagingRow puts the search column, whose keys
// (searchKeyRows) copyFeatures adds as the last column.
var searchCol = slices.Index(stagingCols, "search")

const stagingSQL = `CREATE TEMP TABLE load_features (
	id text COLLATE "C", layer text COLLATE "C", name_zh text, name_en text, kind text, status text,
	plan_section text, plan_line int, plan_quote text, district text, accuracy text, source text,
	updated timestamptz, targets jsonb, extra jsonb, search text, wkb bytea, keys text[]) ON COMMIT DROP`

// copyFeatures streams the features into a temp table with COPY. They are
// produced in a goroutine of their own (reading and checking files) while
// COPY encodes and sends, so the two overlap.
// A first load (keys not nil) gathers the search keys there to copy them
// after the features; any other sends them in the staging row.
func copyFeatures(ctx context.Context, tx pgx.Tx, each features, aliases map[string][]string, total int,
	progress func(done, total int), keys *firstKeys) error {
	if err := exec(ctx, tx, stagingSQL); err != nil {
		return err
	}
	feats := make(chan geo.Feature, 4096)
	stop := make(chan struct{})
	defer close(stop)
	errc := make(chan error, 1)
	go func() {
		defer close(feats)
		errc <- each(func(f geo.Feature) error {
			select {
			case feats <- f:
				return nil
			case <-stop:
				return errCopyStopped
			}
		})
	}()
	done := 0
	var scanErr error
	src := pgx.CopyFromFunc(func() ([]any, error) {
		f, ok := <-feats
		if !ok {
			if progress != nil {
				progress(done, max(total, done))
			}
			scanErr = <-errc
			return nil, scanErr
		}
		done++
		if progress != nil && done%10000 == 0 {
			progress(done, total)
		}
		row, err := stagingRow(f, aliases[f.ID])
		if err != nil {
			return nil, err
		}
		if keys != nil {
			keys.add(f, row[searchCol].(string))
			return append(row, nil), nil
		}
		return append(row, searchKeyRows(row[searchCol].(string))), nil
	})
	_, err := tx.CopyFrom(ctx, pgx.Identifier{"load_features"}, stagingCols, src)
	if err == nil && scanErr == nil && keys != nil {
		keys.sort()
	}
	// A source error ends the COPY, and the server answers with its own
	// "COPY from stdin failed" (SQLSTATE 57014, which reads as a cancelled
	// query): the dataset's own error (*data.Invalid) is the one to report.
	if scanErr != nil {
		return scanErr
	}
	return err
}

var errCopyStopped = errors.New("copy stopped")

func stagingRow(f geo.Feature, aliases []string) ([]any, error) {
	targets, err := jsonOrNull(f.Targets == nil, f.Targets)
	if err != nil {
		return nil, fmt.Errorf("feature %s: targets: %w", f.ID, err)
	}
	extra, err := jsonOrNull(f.Extra == nil, f.Extra)
	if err != nil {
		return nil, fmt.Errorf("feature %s: extra: %w", f.ID, err)
	}
	var g []byte
	if f.Geometry != nil {
		if g, err = wkb.Marshal(f.Geometry); err != nil {
			return nil, fmt.Errorf("feature %s: geometry: %w", f.ID, err)
		}
	}
	return []any{f.ID, f.Layer, f.NameZH, f.NameEN, f.Kind, f.Status, f.PlanSection, f.PlanLine,
		f.PlanQuote, f.District, f.Accuracy, f.Source, f.Updated, targets, extra, searchText(append(geo.SearchNames(f), aliases...)), g}, nil
}

// jsonOrNull keeps nil and empty apart: NULL for nil, JSON otherwise.
func jsonOrNull(isNil bool, v any) ([]byte, error) {
	if isNil {
		return nil, nil
	}
	return json.Marshal(v)
}

// diffSQL classifies every id of the dataset and of the table. Comparing
// whole rows (geometry = is exact in PostGIS 3) means unchanged features
// are never rewritten and get no history. The statements after it join on
// id and filter on op: only those need statistics.
const diffSQL = `
ANALYZE load_features (id);
CREATE TEMP TABLE load_diff ON COMMIT DROP AS
	SELECT coalesce(n.id, f.id) AS id, coalesce(n.layer, f.layer) AS layer,
	       CASE WHEN f.id IS NULL THEN 'insert'
	            WHEN n.id IS NULL THEN 'remove'
	            WHEN (f.layer, f.name_zh, f.name_en, f.kind, f.status, f.plan_section, f.plan_line,
	                  f.plan_quote, f.district, f.accuracy, f.source, f.updated, f.targets, f.extra,
	                  f.search, f.geom)
	                 IS NOT DISTINCT FROM
	                 (n.layer, n.name_zh, n.name_en, n.kind, n.status, n.plan_section, n.plan_line,
	                  n.plan_quote, n.district, n.accuracy, n.source, n.updated, n.targets, n.extra,
	                  n.search, ST_GeomFromWKB(n.wkb, 4326)) THEN 'same'
	            ELSE 'update' END AS op
	FROM load_features n FULL JOIN features f ON f.id = n.id;
ANALYZE load_diff (id, op)`

// writeSQL applies the diff, one statement per kind of change; the history
// triggers keep the old rows. A kind with no rows runs no statement, so an
// unchanged load leaves the data version (and every tile cache) alone.
var writeSQL = map[string]string{
	"remove": `DELETE FROM features f USING load_diff d WHERE d.id = f.id AND d.op = 'remove'`,
	"update": `UPDATE features f SET layer = n.layer, name_zh = n.name_zh, name_en = n.name_en, kind = n.kind,
	status = n.status, plan_section = n.plan_section, plan_line = n.plan_line, plan_quote = n.plan_quote,
	district = n.district, accuracy = n.accuracy, source = n.source, updated = n.updated,
	targets = n.targets, extra = n.extra, search = n.search, geom = ST_GeomFromWKB(n.wkb, 4326)
FROM load_features n JOIN load_diff d ON d.id = n.id AND d.op = 'update'
WHERE f.id = n.id`,
	"insert": `INSERT INTO features (id, layer, name_zh, name_en, kind, status, plan_section, plan_line, plan_quote,
	district, accuracy, source, updated, targets, extra, search, geom)
SELECT n.id, n.layer, n.name_zh, n.name_en, n.kind, n.status, n.plan_section, n.plan_line, n.plan_quote,
	n.district, n.accuracy, n.source, n.updated, n.targets, n.extra, n.search, ST_GeomFromWKB(n.wkb, 4326)
FROM load_features n JOIN load_diff d ON d.id = n.id AND d.op = 'insert'`,
}

// insertKeysSQL writes the search keys of the inserted features, worked out
// by searchKeyRows, in key order as the trigger would (migration 0022);
// keysOff and keysOn tell that trigger to leave them to it and to take them
// up again.
const (
	keysOff       = `SELECT set_config('planmap.search_keys', 'loaded', true)`
	keysOn        = `SELECT set_config('planmap.search_keys', '', true)`
	insertKeysSQL = `INSERT INTO search_keys (key, form, id, layer, kind, namelen)
SELECT substr(k, 2), left(k, 1)::"char", n.id, n.layer, n.kind, char_length(n.name_zh)
FROM load_features n JOIN load_diff d ON d.id = n.id AND d.op = 'insert', unnest(n.keys) k
ORDER BY substr(k, 2) COLLATE "C"`
)

// applyDiff runs the statements of the kinds of change the diff holds.
// Inserts are written in spatial order (PostGIS sorts geometries along a
// Hilbert curve): a bulk load's features then sit together on disk, so that
// uncached tiles read a few pages instead of one page per feature, and the
// MVT ids the database numbers them with (features.tile_id) are close
// together within a tile, which compresses.
func applyDiff(ctx context.Context, tx pgx.Tx, ops map[string]int, keys *firstKeys) error {
	for _, op := range []string{"remove", "update", "insert"} {
		if ops[op] == 0 {
			continue
		}
		sql := writeSQL[op]
		if op == "insert" {
			sql = insertSQL(keys, ops)
		}
		if err := exec(ctx, tx, sql); err != nil {
			return err
		}
		if op == "insert" && keys != nil && onlyInserts(ops) {
			if err := keys.write(ctx, tx); err != nil {
				return err
			}
		}
	}
	return nil
}

// insertSQL inserts the new features in spatial order, with their search
// keys: those staged beside them (keys nil), those a first load gathered
// (copied after), or, should a first load find the table no longer empty
// (an edit committed meanwhile), those the trigger works out.
func insertSQL(keys *firstKeys, ops map[string]int) string {
	sql := writeSQL["insert"] + " ORDER BY ST_GeomFromWKB(n.wkb, 4326), n.id"
	switch {
	case keys == nil:
		return keysOff + ";\n" + sql + ";\n" + insertKeysSQL + ";\n" + keysOn
	case onlyInserts(ops):
		return keysOff + ";\n" + sql + ";\n" + keysOn
	}
	return sql
}

func onlyInserts(ops map[string]int) bool { return ops["same"]+ops["update"]+ops["remove"] == 0 }

// writeFeatures applies the diff. A first load into an empty table drops
// the secondary indexes and the foreign key and makes them again after,
// which is several times faster than keeping them up row by row.
func writeFeatures(ctx context.Context, tx pgx.Tx, keys *firstKeys) error {
	ops := map[string]int{}
	rows, err := tx.Query(ctx, "SELECT op, count(*) FROM load_diff GROUP BY op")
	if err != nil {
		return err
	}
	var op string
	var n int
	if _, err := pgx.ForEachRow(rows, []any{&op, &n}, func() error { ops[op] = n; return nil }); err != nil {
		return err
	}
	// Dropping an index or a constraint locks the table against readers
	// until the load commits: only a first load, with no one to serve yet,
	// takes that path. Any other load leaves them, so readers keep being
	// served the previous version (MVCC) until the new one commits.
	changed, before := ops["insert"]+ops["update"]+ops["remove"], ops["same"]+ops["update"]+ops["remove"]
	if changed < bulkRows || before > 0 {
		return applyDiff(ctx, tx, ops, keys)
	}
	restore, err := dropDerived(ctx, tx, changed, !keys.builtAside())
	if err != nil {
		return err
	}
	if err := exec(ctx, tx, "SET LOCAL maintenance_work_mem = '256MB'"); err != nil {
		return err
	}
	if err := applyDiff(ctx, tx, ops, keys); err != nil {
		return err
	}
	for _, sql := range restore {
		if err := exec(ctx, tx, sql); err != nil {
			return err
		}
	}
	return nil
}

// bulkRows is the least number of changed rows worth rebuilding indexes for
// (a variable so that tests can take the bulk path with small data).
var bulkRows = 20000

// derivedSQL lists what of features (and of tile_features and search_keys,
// which triggers fill from it) can be dropped and made again from the
// catalog's own definitions: indexes that back no constraint, foreign keys,
// and the primary keys of features and tile_features (no key refers to
// them; rows arrive in spatial order, so keeping the id B-trees up row by
// row touched a random page a row, and the ids were checked unique as they
// were read). search_keys' indexes unless ($2 false) its keys are built
// aside (loadaside.go) with their own. The trail's index too, when the
// trail holds fewer rows than the load ($1) adds to it: then making it
// again costs less than keeping it up (a trail of many earlier versions
// keeps it).
const derivedSQL = `
SELECT 'DROP INDEX ' || i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
FROM pg_index i WHERE (i.indrelid IN ('features'::regclass, 'tile_features'::regclass) OR i.indrelid = 'search_keys'::regclass AND $2
		OR i.indrelid = 'changes'::regclass AND (SELECT count(*) FROM (SELECT FROM changes LIMIT $1) c) < $1)
	AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
UNION ALL
SELECT 'ALTER TABLE ' || c.conrelid::regclass::text || ' DROP CONSTRAINT ' || quote_ident(c.conname),
	'ALTER TABLE ' || c.conrelid::regclass::text || ' ADD CONSTRAINT ' || quote_ident(c.conname) || ' ' || pg_get_constraintdef(c.oid)
FROM pg_constraint c WHERE c.conrelid = 'features'::regclass AND c.contype = 'f'
	OR c.conrelid IN ('features'::regclass, 'tile_features'::regclass) AND c.contype = 'p'
		AND NOT EXISTS (SELECT 1 FROM pg_constraint r WHERE r.confrelid = c.conrelid)`

// dropDerived drops the indexes and keys derivedSQL lists and returns the
// statements that make them again.
func dropDerived(ctx context.Context, tx pgx.Tx, changed int, keyIndexes bool) ([]string, error) {
	rows, err := tx.Query(ctx, derivedSQL, changed, keyIndexes)
	if err != nil {
		return nil, err
	}
	var drops, restore []string
	var drop, make string
	if _, err := pgx.ForEachRow(rows, []any{&drop, &make}, func() error {
		drops, restore = append(drops, drop), append(restore, make)
		return nil
	}); err != nil {
		return nil, err
	}
	for _, sql := range drops {
		if err := exec(ctx, tx, sql); err != nil {
			return nil, err
		}
	}
	return restore, nil
}

// pruneLayers drops the layers the dataset no longer has (their features
// are gone by now).
func pruneLayers(ctx context.Context, tx pgx.Tx, layers []geo.Layer) error {
	ids := make([]string, len(layers))
	for i, l := range layers {
		ids[i] = l.ID
	}
	var stale bool
	if err := tx.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM layers WHERE NOT (id = ANY($1)))", ids).Scan(&stale); err != nil || !stale {
		return err
	}
	return exec(ctx, tx, "DELETE FROM layers WHERE NOT (id = ANY($1))", ids)
}

// targetCols are the columns of targets a load writes.
var targetCols = []string{"id", "position", "group_name", "metric", "metric_en", "comparator", "value", "unit",
	"value_text", "year", "plan_section", "plan_line", "quote", "feature", "layer"}

// replaceTargets makes the targets those of the dataset, writing only the
// ones that are new or differ, so that the trail records real changes.
func replaceTargets(ctx context.Context, tx pgx.Tx, targets []geo.PlanTarget) error {
	if err := exec(ctx, tx, "CREATE TEMP TABLE load_targets (LIKE targets) ON COMMIT DROP"); err != nil {
		return err
	}
	rows := make([][]any, len(targets))
	for i, t := range targets {
		rows[i] = []any{t.ID, i, t.Group, t.Metric, t.MetricEN, t.Comparator, t.Value, t.Unit, t.Text, t.Year,
			t.PlanSection, t.PlanLine, t.Quote, t.Feature, t.Layer}
	}
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"load_targets"}, targetCols, pgx.CopyFromRows(rows)); err != nil {
		return err
	}
	cols := strings.Join(targetCols, ", ")
	return exec(ctx, tx, `DELETE FROM targets t WHERE NOT EXISTS (SELECT 1 FROM load_targets n WHERE n.id = t.id);
		INSERT INTO targets (`+cols+`) SELECT `+cols+` FROM load_targets
		ON CONFLICT (id) DO UPDATE SET (`+cols+`) = (SELECT `+cols+` FROM load_targets n WHERE n.id = EXCLUDED.id)
		WHERE (`+prefixed("targets.", targetCols)+`) IS DISTINCT FROM (`+prefixed("EXCLUDED.", targetCols)+`)`)
}

func prefixed(p string, cols []string) string {
	out := make([]string, len(cols))
	for i, c := range cols {
		out[i] = p + c
	}
	return strings.Join(out, ", ")
}

// replaceNames replaces the gazetteer and the aliases with the dataset's.
func replaceNames(ctx context.Context, tx pgx.Tx, ds *data.Dataset) error {
	if err := exec(ctx, tx, "DELETE FROM places; DELETE FROM aliases"); err != nil {
		return err
	}
	aliases := ds.AliasNames()
	rows := make([][]any, len(ds.Places))
	for i, p := range ds.Places {
		g, err := wkb.Marshal(p.Point)
		if err != nil {
			return err
		}
		rows[i] = []any{p.ID, p.NameZH, p.NameEN, p.Kind, p.District, p.Source,
			searchText(append([]string{p.NameZH, p.NameEN}, aliases[p.ID]...)), g}
	}
	if err := exec(ctx, tx, `CREATE TEMP TABLE load_places (id text, name_zh text, name_en text, kind text,
		district text, source text, search text, wkb bytea) ON COMMIT DROP`); err != nil {
		return err
	}
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"load_places"}, []string{"id", "name_zh", "name_en", "kind",
		"district", "source", "search", "wkb"}, pgx.CopyFromRows(rows)); err != nil {
		return err
	}
	if err := exec(ctx, tx, `INSERT INTO places SELECT id, name_zh, name_en, kind, district, source, search,
		ST_GeomFromWKB(wkb, 4326) FROM load_places`); err != nil {
		return err
	}
	arows := make([][]any, len(ds.Aliases))
	for i, a := range ds.Aliases {
		arows[i] = []any{a.Name, a.Target, a.Source, i}
	}
	_, err := tx.CopyFrom(ctx, pgx.Identifier{"aliases"}, []string{"name", "target", "source", "position"}, pgx.CopyFromRows(arows))
	return err
}

// summarise counts the diff per layer and refreshes the planner's
// statistics when much has changed, so the first queries after a big load
// are planned well: those of search_keys too, unless analyzeKeys is false
// (keys built aside come analysed).
func summarise(ctx context.Context, tx pgx.Tx, analyzeKeys bool) (Summary, error) {
	rows, err := tx.Query(ctx, "SELECT layer, op, count(*) FROM load_diff GROUP BY layer, op")
	if err != nil {
		return Summary{}, err
	}
	sum := Summary{Layers: map[string]Counts{}}
	var layer, op string
	var n int
	_, err = pgx.ForEachRow(rows, []any{&layer, &op, &n}, func() error {
		c := sum.Layers[layer]
		switch op {
		case "insert":
			c.Inserted = n
		case "update":
			c.Updated = n
		case "remove":
			c.Removed = n
		default:
			c.Unchanged = n
		}
		sum.Layers[layer] = c
		return nil
	})
	if err != nil {
		return Summary{}, err
	}
	if t := sum.Total(); t.Changed() > 1000 && t.Changed()*10 > t.Unchanged {
		if err = exec(ctx, tx, "ANALYZE features"); err == nil && analyzeKeys {
			err = exec(ctx, tx, "ANALYZE search_keys") // migration 0022's, written by trigger
		}
	}
	return sum, err
}

// LayerCount is how many layers the database holds: 0 before its first
// load (planmap load --if-empty loads only then).
func (s *Store) LayerCount(ctx context.Context) (int, error) {
	var n int
	err := s.pool.QueryRow(ctx, "SELECT count(*) FROM layers").Scan(&n)
	return n, wrap(ctx, err)
}
