package postgis

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/paulmach/orb/encoding/wkb"

	"planmap/geo"
)

var _ geo.Editor = (*Store)(nil)

// edit runs fn in a transaction that carries who and why for the trail
// triggers (migration 0016).
func (s *Store) edit(ctx context.Context, e geo.Edit, fn func(tx pgx.Tx) error) error {
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		// The trail's who and why; and the search keys are computed here (0018).
		if _, err := tx.Exec(ctx, `SELECT set_config('planmap.author', $1, true), set_config('planmap.reason', $2, true),
			set_config('planmap.search', 'computed', true)`, e.Author, e.Reason); err != nil {
			return err
		}
		return fn(tx)
	})
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch pgErr.Code {
		case "42501": // insufficient privilege: serving through a read-only role
			return fmt.Errorf("postgis: %w: the database role may not write", geo.ErrReadOnly)
		case "23505":
			return geo.ErrExists
		}
	}
	if err != nil && !errors.Is(err, geo.ErrNotFound) && !errors.Is(err, geo.ErrConflict) && !errors.Is(err, geo.ErrExists) {
		return wrap(ctx, err)
	}
	if err == nil {
		s.refresh(ctx)
	}
	return err
}

// FeatureVersion is the stored version of a feature.
func (s *Store) FeatureVersion(ctx context.Context, layer, id string) (int, error) {
	var v int
	err := s.pool.QueryRow(ctx, "SELECT version FROM features WHERE id = $1 AND layer = $2", id, layer).Scan(&v)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, geo.ErrNotFound
	}
	return v, wrap(ctx, err)
}

// lockVersion locks a feature's row and checks its version: ErrNotFound
// when it is not there, ErrConflict when ifVersion is not its version.
func lockVersion(ctx context.Context, tx pgx.Tx, layer, id string, ifVersion int) error {
	return checkVersion(tx.QueryRow(ctx, "SELECT version FROM features WHERE id = $1 AND layer = $2 FOR UPDATE", id, layer), ifVersion)
}

// checkVersion reads the version a locking query found: ErrNotFound when it
// found no row, ErrConflict when it is not ifVersion.
func checkVersion(row pgx.Row, ifVersion int) error {
	var v int
	err := row.Scan(&v)
	if errors.Is(err, pgx.ErrNoRows) {
		return geo.ErrNotFound
	}
	if err != nil {
		return err
	}
	if v != ifVersion {
		return geo.ErrConflict
	}
	return nil
}

// writeCols are the columns an edit writes, in the order of rowArgs.
const writeCols = `name_zh, name_en, kind, status, plan_section, plan_line, plan_quote, district, accuracy,
	source, updated, targets, extra, search, geom`

func rowArgs(ctx context.Context, tx pgx.Tx, f geo.Feature) ([]any, error) {
	var aliases []string
	if err := tx.QueryRow(ctx, "SELECT coalesce(array_agg(name ORDER BY position), '{}') FROM aliases WHERE target = $1",
		f.ID).Scan(&aliases); err != nil {
		return nil, err
	}
	row, err := stagingRow(f, aliases) // the loader's encoding, search keys included
	if err != nil {
		return nil, err
	}
	// stagingRow: id, layer, then writeCols with the geometry as WKB.
	return row[2:], nil
}

const writeVals = `$3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, ST_GeomFromWKB($17, 4326)`

// nextVersion is the version a feature written anew gets: one past any its
// trail holds, so that versions never repeat after a delete.
const nextVersion = `coalesce((SELECT max(version) FROM changes WHERE kind = 'feature' AND item_id = $1), 0) + 1`

func insertFeature(ctx context.Context, tx pgx.Tx, f geo.Feature) (int, error) {
	args, err := rowArgs(ctx, tx, f)
	if err != nil {
		return 0, err
	}
	var v int
	err = tx.QueryRow(ctx, `INSERT INTO features (id, layer, `+writeCols+`, version)
		VALUES ($1, $2, `+writeVals+`, `+nextVersion+`) RETURNING version`,
		append([]any{f.ID, f.Layer}, args...)...).Scan(&v)
	return v, err
}

func updateFeature(ctx context.Context, tx pgx.Tx, f geo.Feature) (int, error) {
	args, err := rowArgs(ctx, tx, f)
	if err != nil {
		return 0, err
	}
	var v int
	err = tx.QueryRow(ctx, `UPDATE features SET (`+writeCols+`) = (`+writeVals+`)
		WHERE id = $1 AND layer = $2 RETURNING version`, append([]any{f.ID, f.Layer}, args...)...).Scan(&v)
	return v, err
}

// CreateFeature inserts a feature that is not there yet (ErrExists if it is).
func (s *Store) CreateFeature(ctx context.Context, f geo.Feature, e geo.Edit) (v int, err error) {
	err = s.edit(ctx, e, func(tx pgx.Tx) error {
		v, err = insertFeature(ctx, tx, f)
		return err
	})
	return v, err
}

// ReplaceFeature writes f over the stored feature of its layer and id, if
// that is still version ifVersion.
func (s *Store) ReplaceFeature(ctx context.Context, f geo.Feature, ifVersion int, e geo.Edit) (v int, err error) {
	err = s.edit(ctx, e, func(tx pgx.Tx) error {
		if err := lockVersion(ctx, tx, f.Layer, f.ID, ifVersion); err != nil {
			return err
		}
		v, err = updateFeature(ctx, tx, f)
		return err
	})
	return v, err
}

// DeleteFeature removes a feature, if it is still version ifVersion.
func (s *Store) DeleteFeature(ctx context.Context, layer, id string, ifVersion int, e geo.Edit) error {
	return s.edit(ctx, e, func(tx pgx.Tx) error {
		if err := lockVersion(ctx, tx, layer, id, ifVersion); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, "DELETE FROM features WHERE id = $1 AND layer = $2", id, layer)
		return err
	})
}

// RestoreFeature writes version v of a feature back as a new version: over
// the feature if it is there (and still version ifVersion), or anew if it
// was deleted (ifVersion is then not asked for).
func (s *Store) RestoreFeature(ctx context.Context, layer, id string, v, ifVersion int, e geo.Edit) (nv int, err error) {
	err = s.edit(ctx, e, func(tx pgx.Tx) error {
		var row, g []byte
		err := tx.QueryRow(ctx, `SELECT row, geom FROM (`+trailVersions+`) c
			WHERE version = $3 AND op <> 'delete' ORDER BY serial DESC LIMIT 1`, id, layer, v).Scan(&row, &g)
		if errors.Is(err, pgx.ErrNoRows) {
			return geo.ErrNotFound
		}
		if err != nil {
			return err
		}
		f, err := trailFeature(row, g)
		if err != nil {
			return err
		}
		switch err := lockVersion(ctx, tx, layer, id, ifVersion); {
		case errors.Is(err, geo.ErrNotFound):
			nv, err = insertFeature(ctx, tx, f)
			return err
		case err != nil:
			return err
		}
		nv, err = updateFeature(ctx, tx, f)
		return err
	})
	return nv, err
}

// trailVersions lists the trail entries of feature $1 in layer $2 with the
// feature as each left it (NULL after a delete). Entries since migration
// 0028 hold no copy of it: the version is in features while current, in
// feature_history once replaced, written in the same transaction as the
// entry (so at the same now()).
const trailVersions = `SELECT c.serial, c.version, c.op, c.at, c.author, c.reason,
	coalesce(c.row, h.row, feature_json(f)) AS row, ST_AsBinary(coalesce(c.geom, h.geom, f.geom)) AS geom
FROM changes c
LEFT JOIN LATERAL (SELECT h.row, h.geom FROM feature_history h
	WHERE c.row IS NULL AND c.op <> 'delete' AND h.feature_id = c.item_id AND h.version = c.version
	ORDER BY h.valid_from = c.at DESC, h.serial DESC LIMIT 1) h ON true
LEFT JOIN features f ON c.row IS NULL AND c.op <> 'delete' AND h.row IS NULL AND f.id = c.item_id AND f.version = c.version
WHERE c.kind = 'feature' AND c.item_id = $1 AND c.layer = $2`

// trailRow is a feature as to_jsonb(features row) gives it.
type trailRow struct {
	ID          string         `json:"id"`
	Layer       string         `json:"layer"`
	NameZH      string         `json:"name_zh"`
	NameEN      string         `json:"name_en"`
	Kind        string         `json:"kind"`
	Status      string         `json:"status"`
	PlanSection string         `json:"plan_section"`
	PlanLine    int            `json:"plan_line"`
	PlanQuote   string         `json:"plan_quote"`
	District    string         `json:"district"`
	Accuracy    string         `json:"accuracy"`
	Source      string         `json:"source"`
	Updated     time.Time      `json:"updated"`
	Targets     []geo.Target   `json:"targets"`
	Extra       map[string]any `json:"extra"`
}

func trailFeature(row, g []byte) (geo.Feature, error) {
	var r trailRow
	if err := json.Unmarshal(row, &r); err != nil {
		return geo.Feature{}, fmt.Errorf("trail row: %w", err)
	}
	f := geo.Feature{ID: r.ID, Layer: r.Layer, NameZH: r.NameZH, NameEN: r.NameEN, Kind: r.Kind, Status: r.Status,
		PlanSection: r.PlanSection, PlanLine: r.PlanLine, PlanQuote: r.PlanQuote, District: r.District,
		Accuracy: r.Accuracy, Source: r.Source, Updated: fromDB(r.Updated), Targets: r.Targets, Extra: r.Extra}
	if g != nil {
		geom, err := wkb.Unmarshal(g)
		if err != nil {
			return f, fmt.Errorf("trail geometry: %w", err)
		}
		f.Geometry = geom
	}
	return f, nil
}

// History lists every version of a feature the trail holds, oldest first.
func (s *Store) History(ctx context.Context, layer, id string) ([]geo.Version, error) {
	rows, err := s.pool.Query(ctx, `SELECT version, op, at, author, reason, row, geom FROM (`+trailVersions+`) c
		ORDER BY serial`, id, layer)
	if err != nil {
		return nil, wrap(ctx, err)
	}
	var out []geo.Version
	var v geo.Version
	var row, g []byte
	_, err = pgx.ForEachRow(rows, []any{&v.Version, &v.Op, &v.At, &v.Author, &v.Reason, &row, &g}, func() error {
		v.Feature = nil
		if row != nil {
			f, err := trailFeature(row, g)
			if err != nil {
				return err
			}
			v.Feature = &f
		}
		v.At = v.At.UTC()
		out = append(out, v)
		return nil
	})
	if err != nil {
		return nil, wrap(ctx, err)
	}
	if len(out) == 0 {
		return nil, geo.ErrNotFound
	}
	return out, nil
}

// Changes lists the trail's entries (features, layers and targets) after
// serial since, oldest first.
func (s *Store) Changes(ctx context.Context, since int64, limit int) ([]geo.Change, error) {
	rows, err := s.pool.Query(ctx, `SELECT serial, kind, layer, item_id, version, op, at, author, reason
		FROM changes WHERE serial > $1 ORDER BY serial LIMIT $2`, since, limit)
	if err != nil {
		return nil, wrap(ctx, err)
	}
	out := []geo.Change{}
	var c geo.Change
	_, err = pgx.ForEachRow(rows, []any{&c.Serial, &c.Kind, &c.Layer, &c.ID, &c.Version.Version, &c.Op, &c.At, &c.Author, &c.Reason}, func() error {
		c.At = c.At.UTC()
		out = append(out, c)
		return nil
	})
	return out, wrap(ctx, err)
}

// Trail lists the versions of a layer or target with their rows.
func (s *Store) Trail(ctx context.Context, kind, id string) ([]geo.Change, error) {
	rows, err := s.pool.Query(ctx, `SELECT serial, kind, layer, item_id, version, op, at, author, reason, row
		FROM changes WHERE kind = $1 AND item_id = $2 ORDER BY serial`, kind, id)
	if err != nil {
		return nil, wrap(ctx, err)
	}
	var out []geo.Change
	var c geo.Change
	_, err = pgx.ForEachRow(rows, []any{&c.Serial, &c.Kind, &c.Layer, &c.ID, &c.Version.Version, &c.Op, &c.At,
		&c.Author, &c.Reason, &c.Row}, func() error {
		c.At = c.At.UTC()
		out = append(out, c)
		c.Row = nil // the next row scans into a slice of its own
		return nil
	})
	if err == nil && len(out) == 0 {
		return nil, geo.ErrNotFound
	}
	return out, wrap(ctx, err)
}

// ChangesSince is the serial before the first change at or after t, for a
// feed asked from a time.
func (s *Store) ChangesSince(ctx context.Context, t time.Time) (int64, error) {
	var serial int64
	err := s.pool.QueryRow(ctx, `SELECT coalesce((SELECT min(serial) - 1 FROM changes WHERE at >= $1),
		(SELECT max(serial) FROM changes), 0)`, t).Scan(&serial)
	return serial, wrap(ctx, err)
}

// Tokens.

// TokenHash is how a token is kept and looked up: its SHA-256.
func TokenHash(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

// CreateToken makes a bearer token for name with a role (viewer, editor
// or admin), the layers an editor may edit, and an expiry (zero: none). It
// returns the token, shown once: the database keeps only its hash.
func (s *Store) CreateToken(ctx context.Context, name, role string, layers []string, expires time.Time) (geo.Token, string, error) {
	secret := make([]byte, 32)
	idb := make([]byte, 6)
	if _, err := rand.Read(secret); err != nil {
		return geo.Token{}, "", err
	}
	if _, err := rand.Read(idb); err != nil {
		return geo.Token{}, "", err
	}
	token := "pm_" + base64.RawURLEncoding.EncodeToString(secret)
	t := geo.Token{ID: hex.EncodeToString(idb), Name: name, Role: role, Layers: layers}
	if t.Layers == nil {
		t.Layers = []string{}
	}
	var exp *time.Time
	if !expires.IsZero() {
		exp = &expires
	}
	err := s.pool.primary.QueryRow(ctx, `INSERT INTO tokens (id, hash, name, role, layers, expires)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING created, expires`,
		t.ID, TokenHash(token), name, role, t.Layers, exp).Scan(&t.Created, &t.Expires)
	return t, token, wrap(ctx, err)
}

const tokenCols = "id, name, role, layers, created, expires, revoked"

func scanToken(row pgx.CollectableRow) (geo.Token, error) {
	var t geo.Token
	err := row.Scan(&t.ID, &t.Name, &t.Role, &t.Layers, &t.Created, &t.Expires, &t.Revoked)
	return t, err
}

// Tokens lists every token, newest first, without any secret.
func (s *Store) Tokens(ctx context.Context) ([]geo.Token, error) {
	rows, err := s.pool.primary.Query(ctx, "SELECT "+tokenCols+" FROM tokens ORDER BY created DESC, id")
	if err != nil {
		return nil, wrap(ctx, err)
	}
	ts, err := pgx.CollectRows(rows, scanToken)
	return ts, wrap(ctx, err)
}

// RevokeToken ends a token at once; ErrNotFound for an unknown id.
func (s *Store) RevokeToken(ctx context.Context, id string) error {
	tag, err := s.pool.Exec(ctx, "UPDATE tokens SET revoked = now() WHERE id = $1 AND revoked IS NULL", id)
	if err != nil {
		return wrap(ctx, err)
	}
	if tag.RowsAffected() == 0 {
		return geo.ErrNotFound
	}
	return nil
}

// Authenticate finds the live token (not revoked, not expired) with the
// given hash; ErrNotFound otherwise. It asks the primary: a token made or
// revoked a moment ago counts at once (a replica may not have it yet).
func (s *Store) Authenticate(ctx context.Context, hash []byte) (geo.Token, error) {
	rows, err := s.pool.primary.Query(ctx, "SELECT "+tokenCols+` FROM tokens
		WHERE hash = $1 AND revoked IS NULL AND (expires IS NULL OR expires > now())`, hash)
	if err != nil {
		return geo.Token{}, wrap(ctx, err)
	}
	t, err := pgx.CollectExactlyOneRow(rows, scanToken)
	if errors.Is(err, pgx.ErrNoRows) {
		return t, geo.ErrNotFound
	}
	return t, wrap(ctx, err)
}

var _ geo.Monitor = (*Store)(nil)

// Observations lists every observation, by target and year.
func (s *Store) Observations(ctx context.Context) ([]geo.Observation, error) {
	rows, err := s.pool.Query(ctx, "SELECT target_id, year, value, source, note FROM target_observations ORDER BY target_id, year")
	if err != nil {
		return nil, wrap(ctx, err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (geo.Observation, error) {
		var o geo.Observation
		err := row.Scan(&o.Target, &o.Year, &o.Value, &o.Source, &o.Note)
		return o, err
	})
	return out, wrap(ctx, err)
}

// RecordObservation writes a target's value for a year; ErrNotFound for a
// target the database does not hold.
func (s *Store) RecordObservation(ctx context.Context, o geo.Observation, e geo.Edit) error {
	return s.edit(ctx, e, func(tx pgx.Tx) error {
		var ok bool
		if err := tx.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM targets WHERE id = $1)", o.Target).Scan(&ok); err != nil || !ok {
			if err == nil {
				err = geo.ErrNotFound
			}
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO target_observations (target_id, year, value, source, note) VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (target_id, year) DO UPDATE SET value = EXCLUDED.value, source = EXCLUDED.source, note = EXCLUDED.note`,
			o.Target, o.Year, o.Value, o.Source, o.Note)
		return err
	})
}

var _ geo.MetaEditor = (*Store)(nil)

// MetaVersion is a layer's or a target's version: the last its trail holds.
func (s *Store) MetaVersion(ctx context.Context, kind, id string) (int, error) {
	var v int
	err := s.pool.QueryRow(ctx, metaVersionSQL[kind], id).Scan(&v)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, geo.ErrNotFound
	}
	return v, wrap(ctx, err)
}

// metaVersionSQL reads the version of a layer or a target that exists,
// locking its row when run with FOR UPDATE appended to the inner select.
var metaVersionSQL = map[string]string{
	"layer": `SELECT coalesce((SELECT max(version) FROM changes WHERE kind = 'layer' AND item_id = l.id), 0)
		FROM layers l WHERE l.id = $1`,
	"target": `SELECT coalesce((SELECT max(version) FROM changes WHERE kind = 'target' AND item_id = t.id), 0)
		FROM targets t WHERE t.id = $1`,
}

// lockMeta locks a layer's or target's row and checks its version.
func lockMeta(ctx context.Context, tx pgx.Tx, kind, id string, ifVersion int) error {
	return checkVersion(tx.QueryRow(ctx, metaVersionSQL[kind]+" FOR UPDATE", id), ifVersion)
}

func (s *Store) metaVersion(ctx context.Context, tx pgx.Tx, kind, id string) (int, error) {
	var v int
	err := tx.QueryRow(ctx, metaVersionSQL[kind], id).Scan(&v)
	return v, err
}

// UpdateLayer writes a layer's titles, descriptions, theme, order, style,
// licence and credits, if it is still version ifVersion.
func (s *Store) UpdateLayer(ctx context.Context, l geo.Layer, ifVersion int, e geo.Edit) (v int, err error) {
	style, err := json.Marshal(l.Style)
	if err != nil {
		return 0, err
	}
	lic := licenseCols(l.License)
	err = s.edit(ctx, e, func(tx pgx.Tx) error {
		if err := lockMeta(ctx, tx, "layer", l.ID, ifVersion); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE layers SET title_zh = $2, title_en = $3, description_zh = $4, description_en = $5,
			theme = $6, sort_order = $7, base = $8, style = $9, license_id = $10, license_title = $11, license_url = $12,
			attribution = $13 WHERE id = $1`, l.ID, l.TitleZH, l.TitleEN, l.DescriptionZH, l.DescriptionEN, l.Theme,
			l.Order, l.Base, style, lic[0], lic[1], lic[2], attributionCol(l.Attribution)); err != nil {
			return err
		}
		v, err = s.metaVersion(ctx, tx, "layer", l.ID)
		return err
	})
	return v, err
}

// UpdateTarget writes a target, if it is still version ifVersion.
func (s *Store) UpdateTarget(ctx context.Context, t geo.PlanTarget, ifVersion int, e geo.Edit) (v int, err error) {
	err = s.edit(ctx, e, func(tx pgx.Tx) error {
		if err := lockMeta(ctx, tx, "target", t.ID, ifVersion); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE targets SET group_name = $2, metric = $3, metric_en = $4, comparator = $5,
			value = $6, unit = $7, value_text = $8, year = $9, plan_section = $10, plan_line = $11, quote = $12,
			feature = $13, layer = $14 WHERE id = $1`, t.ID, t.Group, t.Metric, t.MetricEN, t.Comparator, t.Value, t.Unit,
			t.Text, t.Year, t.PlanSection, t.PlanLine, t.Quote, t.Feature, t.Layer); err != nil {
			return err
		}
		v, err = s.metaVersion(ctx, tx, "target", t.ID)
		return err
	})
	return v, err
}
