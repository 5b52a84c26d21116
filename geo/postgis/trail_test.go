package postgis_test

import (
	"context"
	"errors"
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
	cs, err := s.Changes(ctx, 0, 100000)
	if err != nil || len(cs) != len(storetest.Fixture().Features)+2 {
		t.Errorf("the feed holds %d changes, %v; want the load's and two", len(cs), err)
	}
}
