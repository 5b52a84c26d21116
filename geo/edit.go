package geo

import (
	"context"
	"encoding/json"
	"errors"
	"time"
)

// Errors of editing.
var (
	// ErrConflict: the feature is no longer the version the edit was based
	// on (HTTP 412), or a feature with the id exists already (409 on create).
	ErrConflict = errors.New("the feature has changed since it was read")
	ErrExists   = errors.New("a feature with this id exists")
	// ErrReadOnly: the store, or the database role it uses, cannot write.
	ErrReadOnly = errors.New("this store is read-only")
)

// Edit says who makes a change and why; both are kept in the trail.
type Edit struct {
	Author string
	Reason string
}

// Version is one entry of a feature's trail: the feature as a change left
// it (nil after a delete), who made the change, when and why.
type Version struct {
	Version int       `json:"version"`
	Op      string    `json:"op"` // insert, update, delete
	At      time.Time `json:"at"`
	Author  string    `json:"author"`
	Reason  string    `json:"reason"`
	Feature *Feature  `json:"-"`
}

// Editor is a store that planners can edit through planmap (OGC API –
// Features Part 4). Every method writes in one transaction and leaves a
// Version in the trail; ifVersion makes a write conditional (ErrConflict
// when the stored version differs).
type Editor interface {
	// FeatureVersion is the stored version of a feature (its ETag).
	FeatureVersion(ctx context.Context, layer, id string) (int, error)
	CreateFeature(ctx context.Context, f Feature, e Edit) (int, error)
	ReplaceFeature(ctx context.Context, f Feature, ifVersion int, e Edit) (int, error)
	DeleteFeature(ctx context.Context, layer, id string, ifVersion int, e Edit) error
	// RestoreFeature writes version v of a feature back, as a new version.
	RestoreFeature(ctx context.Context, layer, id string, v, ifVersion int, e Edit) (int, error)
	// History lists a feature's versions, oldest first.
	History(ctx context.Context, layer, id string) ([]Version, error)
	// Changes lists the changes to every feature, layer and target after
	// serial since, at most limit, oldest first.
	Changes(ctx context.Context, since int64, limit int) ([]Change, error)
	// ChangesSince is the serial to ask Changes from for the changes made
	// at or after t.
	ChangesSince(ctx context.Context, t time.Time) (int64, error)
	// Trail lists the versions of a layer or a target (kind "layer" or
	// "target"), oldest first, each with its row; ErrNotFound if none.
	Trail(ctx context.Context, kind, id string) ([]Change, error)
}

// Change is one entry of the change feed: a version of a feature, a layer
// or a target.
type Change struct {
	Serial int64  `json:"serial"`
	Kind   string `json:"kind"` // feature, layer, target
	Layer  string `json:"layer"`
	ID     string `json:"id"`
	Version
	// Row is the layer or target as the change left it (Trail only; null
	// after a delete).
	Row json.RawMessage `json:"row,omitempty"`
}

// Token is a bearer token as planmap keeps it: never the token itself.
type Token struct {
	ID      string     `json:"id"`
	Name    string     `json:"name"`
	Role    string     `json:"role"` // viewer, editor, admin
	Layers  []string   `json:"layers"`
	Created time.Time  `json:"created"`
	Expires *time.Time `json:"expires"`
	Revoked *time.Time `json:"revoked"`
}

// Roles a token may have.
const (
	RoleViewer = "viewer"
	RoleEditor = "editor"
	RoleAdmin  = "admin"
)

// MayEdit reports whether the token may edit the features of layer.
func (t Token) MayEdit(layer string) bool {
	switch t.Role {
	case RoleAdmin:
		return true
	case RoleEditor:
		for _, l := range t.Layers {
			if l == layer {
				return true
			}
		}
	}
	return false
}

// Authenticator finds the live token with a hash (sha256 of the token).
type Authenticator interface {
	Authenticate(ctx context.Context, hash []byte) (Token, error)
}

// MetaEditor is a store whose layers' metadata and targets admins edit
// through planmap. Versions are the trail's; ifVersion makes a write
// conditional (ErrConflict when the trail holds a later one).
type MetaEditor interface {
	// MetaVersion is the version of a layer or a target (kind "layer" or
	// "target"); ErrNotFound when there is none.
	MetaVersion(ctx context.Context, kind, id string) (int, error)
	// UpdateLayer writes a layer's metadata (its id and geometry type stay).
	UpdateLayer(ctx context.Context, l Layer, ifVersion int, e Edit) (int, error)
	// UpdateTarget writes a target.
	UpdateTarget(ctx context.Context, t PlanTarget, ifVersion int, e Edit) (int, error)
}
