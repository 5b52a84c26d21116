package main

import (
	"regexp"

	"planmap/geo"
)

// The plan's three moments: its base year, the end of the 14th Five-Year
// Plan, and the 2035 vision.
const (
	yearBase   = 2020
	yearFYP    = 2025
	yearVision = 2035
)

// visionWords are how the plan words work it only prepares in 2021–2025:
// to plan for (谋划), study (研究), keep in reserve (储备), strive for (争取),
// set land aside (预留), or the long-range vision (远景, 2035).
var visionWords = regexp.MustCompile(`谋划|研究|储备|争取|预留|远景|2035`)

// planYear is the year by which the plan has an element in place, by a
// stated rule (README, "Plan timeline"): what exists, or is only upgraded or
// expanded, is in place at the base year; what is under construction is
// done within the 14th Five-Year Plan, as is what is planned, unless the
// plan's words or its targets put it in the 2035 vision.
func planYear(f geo.Feature) int {
	switch f.Status {
	case geo.StatusExisting, geo.StatusUpgrade, geo.StatusExpansion:
		return yearBase
	case geo.StatusUnderConstruction:
		return yearFYP
	}
	for _, t := range f.Targets {
		if t.Year > yearFYP {
			return yearVision
		}
	}
	if visionWords.MatchString(f.PlanQuote) {
		return yearVision
	}
	return yearFYP
}
