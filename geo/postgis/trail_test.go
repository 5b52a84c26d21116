package postgis_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"planmap/geo"
	"planmap/geo/storetest"
)

// TestTrailOutsidePlanmap: an edit made in psql lands in the trail,
// attributed to the database role, beside the load's and planmap's own;
// an UPDATE that changes nothing leaves no entry.
func TestTrailOutsidePlanmap(t *testing.T) {
	s := loaded(t, storetest.Fixture())
	ctx := context.Background()
	var role string
	if err := s.Pool().QueryRow(ctx, "SELECT session_user").Scan(&role); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Pool().Exec(ctx, "UPDATE features SET name_zh = '阳逻（psql）' WHERE id = 'yangluo'"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Pool().Exec(ctx, "UPDATE features SET name_zh = name_zh WHERE id = 'yangluo'"); err != nil {
		t.Fatal(err)
	}
	f, err := s.Feature(ctx, storetest.LayerPoints, "yangluo")
	if err != nil {
		t.Fatal(err)
	}
	f.Status = geo.StatusUnderConstruction
	if _, err := s.ReplaceFeature(ctx, f, 2, geo.Edit{Author: "王工", Reason: "开工"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ReplaceFeature(ctx, f, 2, geo.Edit{Author: "李工", Reason: "late"}); !errors.Is(err, geo.ErrConflict) {
		t.Errorf("a write based on version 2 after version 3: %v, want ErrConflict", err)
	}
	vs, err := s.History(ctx, storetest.LayerPoints, "yangluo")
	if err != nil {
		t.Fatal(err)
	}
	want := []geo.Version{{Version: 1, Op: "insert", Author: "planmap load", Reason: "load of a dataset"},
		{Version: 2, Op: "update", Author: role}, {Version: 3, Op: "update", Author: "王工", Reason: "开工"}}
	if len(vs) != len(want) {
		t.Fatalf("history has %d versions, want %d: %+v", len(vs), len(want), vs)
	}
	for i, w := range want {
		v := vs[i]
		if v.Version != w.Version || v.Op != w.Op || v.Author != w.Author || v.Reason != w.Reason || v.Feature == nil || v.At.IsZero() {
			t.Errorf("version %d: %+v, want %+v", i+1, v, w)
		}
	}
	if vs[1].Feature.NameZH != "阳逻（psql）" || vs[2].Feature.Status != geo.StatusUnderConstruction {
		t.Errorf("the versions do not hold the feature as each change left it")
	}
	// The versions come from features and feature_history: the trail holds
	// no second copy of a feature (migration 0028).
	var copies int
	if err := s.Pool().QueryRow(ctx, "SELECT count(*) FROM changes WHERE kind = 'feature' AND (row IS NOT NULL OR geom IS NOT NULL)").Scan(&copies); err != nil || copies != 0 {
		t.Errorf("the trail holds %d copies of features, %v", copies, err)
	}
	cs, err := s.Changes(ctx, 0, 100000)
	ds := storetest.Fixture()
	if err != nil || len(cs) != len(ds.Features)+len(ds.Layers)+len(ds.Targets)+2 {
		t.Errorf("the feed holds %d changes, %v; want the load's and two", len(cs), err)
	}
}

// TestTrailLayersTargets: layers and targets have a trail too; a load that
// changes nothing adds nothing to it, a changed target or layer one entry.
func TestTrailLayersTargets(t *testing.T) {
	s := loaded(t, storetest.Fixture())
	ctx := context.Background()
	count := func() (n int) {
		if err := s.Pool().QueryRow(ctx, "SELECT count(*) FROM changes").Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	ds := storetest.Fixture()
	if before := count(); before != len(ds.Features)+len(ds.Layers)+len(ds.Targets) {
		t.Errorf("after the first load the trail holds %d entries, want one per feature, layer and target", before)
	}
	before := count()
	mustLoad(t, s, storetest.Fixture())
	if after := count(); after != before {
		t.Errorf("an unchanged load added %d entries to the trail", after-before)
	}
	next := storetest.Fixture()
	next.Targets[1].Text = "2.6万亿元"
	next.Layers[0].TitleEN = "Areas (renamed)"
	mustLoad(t, s, next)
	cs, err := s.Changes(ctx, 0, 100000)
	if err != nil {
		t.Fatal(err)
	}
	last := cs[len(cs)-2:]
	got := []string{last[0].Kind + " " + last[0].ID + " " + last[0].Op, last[1].Kind + " " + last[1].ID + " " + last[1].Op}
	if len(cs) != before+2 || !slices.Contains(got, "layer "+storetest.LayerAreas+" update") || !slices.Contains(got, "target t-gdp update") {
		t.Errorf("after changing a layer and a target the trail ends %v (%d entries, want %d)", got, len(cs), before+2)
	}
	for _, c := range last {
		if c.Version.Version != 2 || c.Author != "planmap load" {
			t.Errorf("%+v: want version 2 by planmap load", c)
		}
	}
	if _, err := s.Pool().Exec(ctx, "DELETE FROM targets WHERE id = 't-lakes'"); err != nil {
		t.Fatal(err)
	}
	cs, _ = s.Changes(ctx, cs[len(cs)-1].Serial, 10)
	if len(cs) != 1 || cs[0].Kind != "target" || cs[0].Op != "delete" || cs[0].Author == "" {
		t.Errorf("a target deleted in psql: %+v", cs)
	}
}
