package postgis_test

import (
	"context"
	"errors"
	"reflect"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"planmap/geo"
	"planmap/geo/storetest"
)

// layerCredits returns each layer's licence and credits as the store gives them.
func layerCredits(t *testing.T, s geo.Store) map[string]geo.Layer {
	t.Helper()
	layers, err := s.Layers(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]geo.Layer{}
	for _, l := range layers {
		out[l.ID] = geo.Layer{License: l.License, Attribution: l.Attribution}
	}
	return out
}

// TestLoadCredits: a load writes what the dataset says of licences and
// credits, changes them when the dataset does (a new data version, so maps
// refetch their credits) and clears them when it no longer names them.
func TestLoadCredits(t *testing.T) {
	ctx := context.Background()
	s := open(t)
	mustLoad(t, s, storetest.Fixture())
	version, _ := s.Version(ctx)

	next := storetest.Fixture()
	next.Layers[0].License = &geo.License{ID: "CC-BY-4.0", Title: "Creative Commons Attribution 4.0",
		URL: "https://creativecommons.org/licenses/by/4.0/"}
	next.Layers[1].Attribution = []string{storetest.CreditLines, storetest.CreditShared} // order is the dataset's
	next.Layers[2].Attribution = []string{"Made with Natural Earth"}
	mustLoad(t, s, next)
	if v, _ := s.Version(ctx); v == version {
		t.Errorf("new credits left the data version at %s", v)
	}
	got := layerCredits(t, s)
	for _, l := range next.Layers {
		if !geo.SameLicense(got[l.ID].License, l.License) || !reflect.DeepEqual(got[l.ID].Attribution, l.Attribution) {
			t.Errorf("%s: %+v %q, want %+v %q", l.ID, got[l.ID].License, got[l.ID].Attribution, l.License, l.Attribution)
		}
	}

	none := storetest.Fixture()
	for i := range none.Layers {
		none.Layers[i].License, none.Layers[i].Attribution = nil, nil
	}
	mustLoad(t, s, none)
	for id, l := range layerCredits(t, s) {
		if l.License != nil || l.Attribution != nil {
			t.Errorf("%s keeps %+v %q after a dataset without credits", id, l.License, l.Attribution)
		}
	}
}

// TestLicenseWhole: an edit outside planmap cannot leave half a licence.
func TestLicenseWhole(t *testing.T) {
	s := loaded(t, storetest.Fixture())
	_, err := s.Pool().Exec(context.Background(), "UPDATE layers SET license_url = '' WHERE id = $1", storetest.LayerAreas)
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) || pgErr.ConstraintName != "layers_license_whole" {
		t.Errorf("a licence without its URL: %v, want the layers_license_whole check to refuse it", err)
	}
}

// TestLayerCreditsMigration upgrades a database whose layers predate
// credits: they read as layers without any, and a load then gives them some.
func TestLayerCreditsMigration(t *testing.T) {
	s := upgraded(t, 5, `INSERT INTO layers (id, position, title_zh, title_en, theme, geometry_type, sort_order, style)
			VALUES ('areas', 0, '区域', 'Areas', 'structure', 'Polygon', 1, '{}')`)
	if l := layerCredits(t, s)["areas"]; l.License != nil || l.Attribution != nil {
		t.Errorf("a layer from before credits reads %+v %q, want none", l.License, l.Attribution)
	}
	mustLoad(t, s, storetest.Fixture())
	if l := layerCredits(t, s)["areas"]; l.License == nil || len(l.Attribution) != 2 {
		t.Errorf("after a load the layer reads %+v %q", l.License, l.Attribution)
	}
}
