package geo

import (
	"context"
	"math"
)

// Observation is a target's value as observed in one year, on a source's
// word (监测评估: the plan's indicators followed year by year).
type Observation struct {
	Target string  `json:"target"`
	Year   int     `json:"year"`
	Value  float64 `json:"value"`
	Source string  `json:"source"`
	Note   string  `json:"note,omitempty"`
}

// Monitor is a store that keeps observations of the plan's targets.
type Monitor interface {
	Observations(ctx context.Context) ([]Observation, error)
	// RecordObservation writes a target's value for a year (replacing any
	// earlier value for that year; the trail keeps it).
	RecordObservation(ctx context.Context, o Observation, e Edit) error
}

// BaseYear is the plan's base year: its observation is a target's
// baseline, and what is in place then is in place whatever time is asked
// about (InPlan).
const BaseYear = 2020

// Progress states of a target.
const (
	OnTrack  = "on_track"
	AtRisk   = "at_risk"
	OffTrack = "off_track"
	NoData   = "no_data" // no figure, no baseline or no observation after it
)

// AtRiskShare is how much of the progress due by a year a target may lack
// and still be at risk rather than off track.
const AtRiskShare = 0.2

// Assess says how a target stands by the rule the README states: the
// progress due by the latest observed year is the straight line from the
// 2020 baseline to the goal in its year; a target that has met its goal, or
// made the progress due, is on track; one that has made at least 80 % of it
// is at risk; less is off track. The direction is the goal's: up when the
// goal is above the baseline (or the comparator is ≥ or >), down when below
// (or ≤ or <). expected is the value due by the latest year (NaN when the
// rule cannot say).
func Assess(t PlanTarget, obs []Observation) (status string, expected float64) {
	if t.Value == nil || t.Year <= BaseYear {
		return NoData, math.NaN()
	}
	var base, last *Observation
	for i := range obs {
		o := &obs[i]
		if o.Target != t.ID {
			continue
		}
		if o.Year == BaseYear {
			base = o
		}
		if o.Year > BaseYear && (last == nil || o.Year > last.Year) {
			last = o
		}
	}
	if base == nil || last == nil {
		return NoData, math.NaN()
	}
	goal := *t.Value
	up := goal >= base.Value
	switch t.Comparator {
	case "≥", ">":
		up = true
	case "≤", "<":
		up = false
	}
	share := math.Min(1, float64(last.Year-BaseYear)/float64(t.Year-BaseYear))
	expected = base.Value + (goal-base.Value)*share
	sign := 1.0
	if !up {
		sign = -1
	}
	done, due := sign*(last.Value-base.Value), sign*(expected-base.Value)
	switch {
	case sign*(last.Value-goal) >= 0, done >= due:
		return OnTrack, expected
	case done >= (1-AtRiskShare)*due:
		return AtRisk, expected
	}
	return OffTrack, expected
}
