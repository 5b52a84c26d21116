package postgis_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"planmap/data"
	"planmap/geo"
	"planmap/geo/postgis"
	"planmap/geo/storetest"
)

// TestLoadGuard: a guarded load refuses to remove more than
// MaxRemovedShare of the features, a whole layer (dropped or emptied) or a
// target, says what would go, and leaves the database as it was; a small
// removal passes, and AllowRemovals lets the refused ones through.
func TestLoadGuard(t *testing.T) {
	s := open(t)
	ctx := context.Background()
	mustLoad(t, s, storetest.Fixture())
	held := len(storetest.Fixture().Features)
	before := snapshot(t, s)
	version, _ := s.Version(ctx)

	without := func(drop func(f geo.Feature) bool) *data.Dataset {
		ds := storetest.Fixture()
		ds.Features = slices.DeleteFunc(ds.Features, drop)
		return ds
	}
	truncated := without(func(f geo.Feature) bool { return f.ID >= "p-100" && f.ID < "p-200" })
	dropped := without(func(f geo.Feature) bool { return f.Layer == storetest.LayerLines })
	dropped.Layers = slices.DeleteFunc(dropped.Layers, func(l geo.Layer) bool { return l.ID == storetest.LayerLines })
	emptied := without(func(f geo.Feature) bool { return f.Layer == storetest.LayerLines })
	noTarget := storetest.Fixture()
	noTarget.Targets = noTarget.Targets[1:]

	for _, c := range []struct {
		name     string
		ds       *data.Dataset
		features int
		layers   []string
		targets  []string
		why      string
	}{
		{"truncated", truncated, 100, nil, nil, "100 of the 258 features"},
		{"layer dropped", dropped, 2, []string{storetest.LayerLines}, nil, "1 whole layer"},
		{"layer emptied", emptied, 2, []string{storetest.LayerLines}, nil, "1 whole layer"},
		{"target removed", noTarget, 0, nil, []string{"t-port"}, "1 target"},
	} {
		t.Run(c.name, func(t *testing.T) {
			sum, err := postgis.LoadDataset(ctx, s, c.ds, postgis.LoadOptions{})
			var refused *postgis.Refused
			if !errors.As(err, &refused) {
				t.Fatalf("err = %v, want *Refused", err)
			}
			if !strings.Contains(err.Error(), c.why) || !strings.Contains(err.Error(), "--allow-removals") {
				t.Errorf("message %q does not say %q and how to allow it", err, c.why)
			}
			rm := sum.Removals
			if len(rm.Features) != c.features || rm.Held != held || !slices.Equal(rm.Layers, c.layers) || !slices.Equal(rm.Targets, c.targets) {
				t.Errorf("removals: %d features of %d, layers %v, targets %v; want %d of %d, %v, %v",
					len(rm.Features), rm.Held, rm.Layers, rm.Targets, c.features, held, c.layers, c.targets)
			}
			if after := snapshot(t, s); after != before {
				t.Errorf("a refused load changed the database")
			}
			if v, _ := s.Version(ctx); v != version {
				t.Errorf("a refused load moved the data version")
			}
		})
	}
	if held*5/100 < 1 {
		t.Fatal("the fixture is too small for one removal to be a small share")
	}
	small := without(func(f geo.Feature) bool { return f.ID == "p-007" })
	if sum, err := postgis.LoadDataset(ctx, s, small, postgis.LoadOptions{}); err != nil || sum.Total().Removed != 1 {
		t.Errorf("removing 1 of %d features: %+v, %v; want it done", held, sum.Total(), err)
	}
	sum, err := postgis.LoadDataset(ctx, s, dropped, postgis.LoadOptions{AllowRemovals: true})
	if err != nil || sum.Layers[storetest.LayerLines].Removed != 2 {
		t.Errorf("an allowed layer removal: %+v, %v", sum, err)
	}
	if layers, _ := s.Layers(ctx); len(layers) != 2 {
		t.Errorf("after an allowed layer removal %d layers, want 2", len(layers))
	}
}

// TestLoadDryRun: a dry run lists every change and removal and changes
// nothing, not even the data version.
func TestLoadDryRun(t *testing.T) {
	s := open(t)
	ctx := context.Background()
	mustLoad(t, s, storetest.Fixture())
	before := snapshot(t, s)
	version, _ := s.Version(ctx)

	next := storetest.Fixture()
	next.Features = slices.DeleteFunc(next.Features, func(f geo.Feature) bool { return f.Layer == storetest.LayerAreas })
	next.Features[0].NameEN = "Renamed"
	next.Features = append(next.Features, next.Features[len(next.Features)-1])
	next.Features[len(next.Features)-1].ID = "brand-new"
	next.Targets = nil
	next.Aliases = slices.DeleteFunc(next.Aliases, func(a geo.Alias) bool { return a.Target == "guanggu-area" || a.Target == "donut-lake" })
	for _, o := range []postgis.LoadOptions{{DryRun: true}, {DryRun: true, AllowRemovals: true}} {
		sum, err := postgis.LoadDataset(ctx, s, next, o)
		if o.AllowRemovals != (err == nil) {
			t.Errorf("dry run %+v: err = %v", o, err)
		}
		want := []postgis.Change{
			{Op: "insert", Layer: storetest.LayerPoints, ID: "brand-new"},
			{Op: "remove", Layer: storetest.LayerAreas, ID: "donut-lake"},
			{Op: "remove", Layer: storetest.LayerAreas, ID: "guanggu-area"},
			{Op: "update", Layer: storetest.LayerLines, ID: next.Features[0].ID},
		}
		if !slices.Equal(sum.Changes, want) {
			t.Errorf("dry run %+v: changes %v, want %v", o, sum.Changes, want)
		}
		if !slices.Equal(sum.Removals.Layers, []string{storetest.LayerAreas}) || len(sum.Removals.Targets) != 3 {
			t.Errorf("dry run %+v: removals %+v", o, sum.Removals)
		}
		if after := snapshot(t, s); after != before {
			t.Errorf("dry run %+v changed the database", o)
		}
		if v, _ := s.Version(ctx); v != version {
			t.Errorf("dry run %+v moved the data version", o)
		}
	}
}
