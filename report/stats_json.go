package report

import (
	"cmp"
	"time"

	"sothon/flows/poverty"
	"sothon/store"
	"sothon/store/counting"
)

// StatsJSON is the shape of an area's figures for machines (`sothon stats
// --format json`): numbers as numbers, shares as fractions (0.0233), one
// entry per sub-area.
type StatsJSON struct {
	Area     PlaceJSON      `json:"area"`
	Week     WeekJSON       `json:"week"`
	Register RegisterJSON   `json:"register"`
	Round    *RoundJSON     `json:"round,omitempty"`
	Target   *TargetJSON    `json:"target,omitempty"`
	SubAreas []SubAreaJSON  `json:"sub_areas"`
	Missing  []PlaceJSON    `json:"missing"`
	Activity map[string]int `json:"activity"` // submissions this week, by questionnaire
	// Reviews counts by review state: the open round's households, or all
	// the area's forms without a round.
	Reviews ReviewStates `json:"reviews"`
	// Projection counts the households reviewed with a form that gives
	// their class by the newest standard, not yet in force: by it, and by
	// the standard in force (was_*); absent when none was.
	Projection *ProjectionJSON `json:"projection,omitempty"`
	// ListBasis is what the register's statuses count: "approved" reviews
	// over the imported register, or "all" the forms received.
	ListBasis string `json:"list_basis"`
	// Review is the villages' review in the round, absent without one.
	Review *ReviewJSON `json:"review,omitempty"`
}

// PlaceJSON names an area.
type PlaceJSON struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// WeekJSON is the week the activity counts.
type WeekJSON struct {
	ID   string `json:"id"` // 2023-W24
	From string `json:"from"`
	To   string `json:"to"`
}

// RegisterJSON is the official list: households by current status.
type RegisterJSON struct {
	Households   int     `json:"households"`
	Poor         int     `json:"poor"`
	NearPoor     int     `json:"near_poor"`
	Middle       int     `json:"middle"`
	PoorRate     float64 `json:"poor_rate"`
	NearPoorRate float64 `json:"near_poor_rate"`
}

// ProjectionJSON is Projection for machines.
type ProjectionJSON struct {
	Standard    string `json:"standard"` // its id, "nd351-2025"
	Period      string `json:"period"`
	Households  int    `json:"households"`
	Poor        int    `json:"poor"`
	NearPoor    int    `json:"near_poor"`
	WasPoor     int    `json:"was_poor"`
	WasNearPoor int    `json:"was_near_poor"`
}

func projectionJSON(c store.Counters) *ProjectionJSON {
	p, ok := ProjectionOf(c)
	if !ok {
		return nil
	}
	return &ProjectionJSON{Standard: p.Standard.ID, Period: p.Standard.Period, Households: p.Households,
		Poor: p.Poor, NearPoor: p.NearPoor, WasPoor: p.WasPoor, WasNearPoor: p.WasNearPoor}
}

// RoundJSON is the open round's progress.
type RoundJSON struct {
	Name         string  `json:"name"`
	From         string  `json:"from"`
	To           string  `json:"to"`
	Kind         string  `json:"kind"`     // annual or regular
	Standard     string  `json:"standard"` // the id of the standard it classifies by
	Period       string  `json:"period"`   // that standard's, "2027–2030"
	Households   int     `json:"households"`
	Reviewed     int     `json:"reviewed"`
	ReviewedRate float64 `json:"reviewed_rate"`
	Poor         int     `json:"poor"`      // of those reviewed
	NearPoor     int     `json:"near_poor"` // of those reviewed
	Escaped      int     `json:"escaped"`
	// Lists counts the households on each of the round's lists (poor,
	// near_poor, left_poor, left_near_poor), as the posted lists have them.
	Lists map[string]int `json:"lists"`
}

// TargetJSON is the year's goal.
type TargetJSON struct {
	Year      int `json:"year"`
	Reduction int `json:"reduction"`
	Baseline  int `json:"baseline"`
	Goal      int `json:"goal"`
}

// SubAreaJSON is one line of the breakdown.
type SubAreaJSON struct {
	PlaceJSON
	Households   int      `json:"households"`
	Reviewed     *int     `json:"reviewed,omitempty"`
	ReviewedRate *float64 `json:"reviewed_rate,omitempty"`
	Poor         int      `json:"poor"`
	NearPoor     int      `json:"near_poor"`
	PoorRate     float64  `json:"poor_rate"`
	NearPoorRate float64  `json:"near_poor_rate"`
	// Projection is the sub-area's, as StatsJSON's.
	Projection *ProjectionJSON `json:"projection,omitempty"`
}

// JSON gives the figures in their machine shape.
func (s Stats) JSON(formIDs []string) StatsJSON {
	out := StatsJSON{
		Area: PlaceJSON{ID: s.Area.ID, Name: s.Label},
		Week: WeekJSON{ID: s.Week, From: s.WeekFrom.Format(time.DateOnly), To: s.WeekFrom.AddDate(0, 0, 6).Format(time.DateOnly)},
		Register: RegisterJSON{Households: s.Total, Poor: s.Poor(), NearPoor: s.NearPoor(), Middle: s.Middle(),
			PoorRate: s.Rate(s.Poor()), NearPoorRate: s.Rate(s.NearPoor())},
		ListBasis: store.CountAll,
		SubAreas:  []SubAreaJSON{}, Missing: []PlaceJSON{}, Activity: map[string]int{},
	}
	if r := s.Round; r != nil {
		std := RoundStandard(*r, s.WeekFrom.AddDate(0, 0, 6))
		out.Round = &RoundJSON{Name: r.Name, From: r.From, To: r.To, Kind: cmp.Or(r.Kind, store.RoundRegular), Standard: std.ID, Period: std.Period, Households: s.Total, Reviewed: s.Reviewed(),
			ReviewedRate: s.Rate(s.Reviewed()), Poor: s.ReviewedAs(poverty.Poor), NearPoor: s.ReviewedAs(poverty.NearPoor), Escaped: s.Escaped(), Lists: map[string]int{}}
		for _, kind := range store.ListKindsAll {
			out.Round.Lists[kind] = s.Listed(kind)
		}
	}
	out.Reviews = s.Reviews()
	out.Projection = projectionJSON(s.Counters)
	if s.Approved() {
		out.ListBasis = store.CountApproved
	}
	if t := s.Target; t != nil {
		out.Target = &TargetJSON{Year: t.Year, Reduction: t.Reduction, Baseline: t.Baseline, Goal: t.Goal}
	}
	for _, b := range s.Breakdown() {
		sub := SubAreaJSON{PlaceJSON: PlaceJSON{ID: b.ID, Name: b.Label}, Households: b.Households,
			Poor: b.Poor, NearPoor: b.NearPoor, PoorRate: b.PoorRate, NearPoorRate: b.NearPoorRate}
		if s.Round != nil {
			sub.Reviewed, sub.ReviewedRate = &b.Reviewed, &b.ReviewedRate
		}
		for _, c := range s.Children {
			if c.Area.ID == b.ID {
				sub.Projection = projectionJSON(c.Counters)
			}
		}
		out.SubAreas = append(out.SubAreas, sub)
	}
	for _, m := range s.Missing {
		out.Missing = append(out.Missing, PlaceJSON{ID: m.ID, Name: m.Label})
	}
	for _, id := range formIDs {
		out.Activity[id] = s.Count(counting.WeekFormCounter(s.Week, id))
	}
	return out
}

// ReviewJSON is where the villages' review stands in a round (the open
// one, or the latest when none is open): each village's meeting, posting
// and complaints, whether its list is final, and the commune's decision.
// The office fills it (office.StatsJSON); the figures alone do not know it.
type ReviewJSON struct {
	Round    uint64        `json:"round"` // the round's id
	Name     string        `json:"name"`
	Day      string        `json:"day"` // the day the states are read on
	Decided  bool          `json:"decided"`
	Decision *DecisionJSON `json:"decision,omitempty"`
	// NotFinal counts the villages with households in the round whose lists
	// are not final: what keeps the commune from its decision.
	NotFinal int                 `json:"not_final"`
	Villages []VillageReviewJSON `json:"villages"`
}

// DecisionJSON is the commune's decision that closed a round.
type DecisionJSON struct {
	Number string `json:"number"`
	Day    string `json:"day"`
}

// VillageReviewJSON is one village's review in the round.
type VillageReviewJSON struct {
	PlaceJSON
	Households int    `json:"households"` // in the round
	Listed     int    `json:"listed"`     // on its lists, by approved forms
	Meeting    string `json:"meeting"`    // none, in_progress or held
	MeetingDay string `json:"meeting_day,omitempty"`
	Returned   int    `json:"returned"` // households the meeting sent back
	Posting    string `json:"posting"`  // none, scheduled, open or ended
	PostStart  string `json:"posting_start,omitempty"`
	PostEnd    string `json:"posting_end,omitempty"`
	Complaints int    `json:"complaints"`
	// OpenComplaints are complaints whose household was not approved again yet.
	OpenComplaints int  `json:"open_complaints"`
	Final          bool `json:"final"`
}
