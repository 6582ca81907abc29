// Package poverty classifies households by the multidimensional poverty
// standards (Nghị định 07/2021/NĐ-CP, then 351/2025/NĐ-CP), kept as dated
// data: income lines and the indicators each standard counts.
package poverty

import "math"

// Kind is the setting of an area: urban (phường) or rural (xã).
type Kind string

// The two settings the standard distinguishes.
const (
	Rural Kind = "rural"
	Urban Kind = "urban"
)

// Class is the outcome of a classification.
type Class string

// Classes, with the names used in answers and exports.
const (
	Poor     Class = "poor"
	NearPoor Class = "near_poor"
	Middle   Class = "middle"
	None     Class = "none"
	// Escaped is no class a classification gives: a register marks with it
	// a household that left poverty since the review before (thoát nghèo),
	// and it stands on the official list until a form classifies it.
	Escaped Class = "escaped"
)

// Statuses are the statuses a household can have on the official list, in
// the order the figures show them.
var Statuses = []Class{Poor, NearPoor, Middle, None, Escaped}

// Indicator names one of the deprivation indicators.
type Indicator string

// The indicators every standard picks its own 12 from, in the order of the
// decrees: NĐ 07 counts all but Waste; NĐ 351 drops InfoMeans, adds Waste
// and widens Telecom to the internet and digital services.
const (
	Employment     Indicator = "employment"
	Dependants     Indicator = "dependants"
	Nutrition      Indicator = "nutrition"
	Insurance      Indicator = "health_insurance"
	AdultEducation Indicator = "adult_education"
	ChildSchooling Indicator = "child_schooling"
	HousingQuality Indicator = "housing_quality"
	FloorArea      Indicator = "floor_area"
	Water          Indicator = "drinking_water"
	Latrine        Indicator = "latrine"
	Telecom        Indicator = "telecom"
	InfoMeans      Indicator = "information_means"
	Waste          Indicator = "waste"
)

// Indicators lists every known indicator, in the decrees' order.
var Indicators = []Indicator{Employment, Dependants, Nutrition, Insurance, AdultEducation, ChildSchooling,
	HousingQuality, FloorArea, Water, Latrine, Waste, Telecom, InfoMeans}

// Profile holds the answers the classification needs. Yes/no fields are
// the answers as asked: true means the household answered "yes".
type Profile struct {
	Members, WorkingAge int
	Income              float64 // whole household, million VND a month
	NoStableJob         bool
	Malnourished        bool
	Uninsured           bool
	AdultUndereducated  bool
	ChildOutOfSchool    bool
	PoorHouse           bool
	HouseArea           float64 // m²
	CleanWater          bool
	HygienicLatrine     bool
	UsesTelecom         bool
	HasInfoMeans        bool
	HandlesWaste        bool // household waste collected or treated hygienically
}

// Minimum floor area per person below which a household lacks housing space.
const minAreaPerPerson = 8.0

// IncomePerPerson is the monthly income per household member, rounded to
// the whole đồng so that an income exactly at a line compares as equal
// (6.6 / 3 is 2.1999999999999997 in floating point).
func (h Profile) IncomePerPerson() float64 {
	if h.Members <= 0 {
		return 0
	}
	return math.Round(h.Income/float64(h.Members)*1e6) / 1e6
}

// Lacking lists every indicator the household is deprived in, whichever
// standard counts it, in the decrees' order; Standard.Lacking keeps the
// standard's own.
func (h Profile) Lacking() []Indicator {
	var out []Indicator
	for _, ind := range Indicators {
		if h.Lacks(ind) {
			out = append(out, ind)
		}
	}
	return out
}

// Lacks reports whether the household is deprived in an indicator.
func (h Profile) Lacks(ind Indicator) bool {
	switch ind {
	case Employment:
		return h.NoStableJob
	case Dependants: // more than half of the members outside working age
		return h.Members > 0 && 2*(h.Members-h.WorkingAge) > h.Members
	case Nutrition:
		return h.Malnourished
	case Insurance:
		return h.Uninsured
	case AdultEducation:
		return h.AdultUndereducated
	case ChildSchooling:
		return h.ChildOutOfSchool
	case HousingQuality:
		return h.PoorHouse
	case FloorArea:
		return h.Members > 0 && h.HouseArea < minAreaPerPerson*float64(h.Members)
	case Water:
		return !h.CleanWater
	case Latrine:
		return !h.HygienicLatrine
	case Waste:
		return !h.HandlesWaste
	case Telecom:
		return !h.UsesTelecom
	case InfoMeans:
		return !h.HasInfoMeans
	}
	return false
}

// Classify applies the standard's income lines for the setting. Where the
// standard gives no middle line (not confirmed for NĐ 351), a household
// above the poverty line is in no group.
func Classify(incomePC float64, lacking int, k Kind, s Standard) Class {
	l := s.Lines(k)
	switch {
	case incomePC <= l.Poverty && lacking >= s.MinLackingPoor:
		return Poor
	case incomePC <= l.Poverty:
		return NearPoor
	case l.Middle > 0 && incomePC <= l.Middle:
		return Middle
	default:
		return None
	}
}

// Result is a full classification of one household.
type Result struct {
	IncomePC float64
	Lacking  []Indicator
	Class    Class
}

// Assess computes income per person, the indicators the standard counts
// as lacking and the class.
func Assess(h Profile, k Kind, s Standard) Result {
	r := Result{IncomePC: h.IncomePerPerson(), Lacking: s.Lacking(h)}
	r.Class = Classify(r.IncomePC, len(r.Lacking), k, s)
	return r
}
