package report

import (
	"time"

	"sothon/flows/poverty"
	"sothon/locales"
	"sothon/store"
	"sothon/store/counting"
)

// RoundStandard is the poverty standard a round classifies by, as of a
// day: an annual round's is the one in force the year after it; a regular
// round's is the one in force on its forms' day (the day given, within the
// round's days).
func RoundStandard(r store.Round, day time.Time) poverty.Standard {
	d := day.Format(time.DateOnly)
	d = min(max(d, r.From), r.To)
	at, err := time.Parse(time.DateOnly, d)
	if err != nil {
		at = day
	}
	return poverty.Default().At(r.ClassifyAt(at))
}

// StandardOf is the standard a stored classification is by: the one it
// names, or for forms stored before standards were named, the one in
// force on its day.
func StandardOf(s store.Submission) poverty.Standard {
	if std, ok := poverty.Default().ByID(s.Standard); ok {
		return std
	}
	return poverty.Default().At(s.SubmittedAt)
}

// StandardName is how people name a standard: "chuẩn nghèo đa chiều giai
// đoạn 2027–2030".
func StandardName(cat *locales.Catalog, lang string, s poverty.Standard) string {
	return cat.T(lang, "standard.name", "period", s.Period)
}

// RoundKindName is "định kỳ" or "thường xuyên".
func RoundKindName(cat *locales.Catalog, lang string, r store.Round) string {
	if r.Annual() {
		return cat.T(lang, "round.kind.annual")
	}
	return cat.T(lang, "round.kind.regular")
}

// Projection is how the households reviewed with a form that gives their
// class under the newest standard, not yet in force, would count by it,
// beside their class under the standard in force when reviewed.
type Projection struct {
	Standard             poverty.Standard
	Households           int // reviewed with such a form
	Poor, NearPoor       int // by the newest standard
	WasPoor, WasNearPoor int // the same households by the standard in force
}

// ProjectionOf reads the projection from an area's counters; false when no
// household has one.
func ProjectionOf(c store.Counters) (Projection, bool) {
	std := poverty.Default().Newest()
	p := Projection{Standard: std}
	n := func(name func(string, poverty.Class) string, class poverty.Class) int {
		return int(c[name(std.ID, class)])
	}
	for _, class := range poverty.Statuses {
		p.Households += n(counting.ProjectedCounter, class)
	}
	p.Poor, p.NearPoor = n(counting.ProjectedCounter, poverty.Poor), n(counting.ProjectedCounter, poverty.NearPoor)
	p.WasPoor, p.WasNearPoor = n(counting.ProjectedBaseCounter, poverty.Poor), n(counting.ProjectedBaseCounter, poverty.NearPoor)
	return p, p.Households > 0
}

// ProjectionLine says the projection: "Theo chuẩn mới (giai đoạn
// 2027–2030), 12 hộ rà soát bằng phiếu mới: nghèo 5 (+2), cận nghèo 3 (−1)".
func ProjectionLine(c store.Counters, cat *locales.Catalog, lang string) string {
	p, ok := ProjectionOf(c)
	if !ok {
		return ""
	}
	num := func(n int) string { return locales.Number(lang, float64(n), 0) }
	return cat.T(lang, "stats.projection", "period", p.Standard.Period, "households", num(p.Households),
		"poor", num(p.Poor), "poor_change", signed(p.Poor-p.WasPoor),
		"near_poor", num(p.NearPoor), "near_poor_change", signed(p.NearPoor-p.WasNearPoor))
}

// StandardLine names the standard the open round classifies by, and its kind.
func StandardLine(st Stats, cat *locales.Catalog, lang string) string {
	if st.Round == nil {
		return ""
	}
	return cat.T(lang, "stats.round_standard", "kind", RoundKindName(cat, lang, *st.Round),
		"standard", StandardName(cat, lang, RoundStandard(*st.Round, st.WeekFrom.AddDate(0, 0, 6))))
}

// Short says the projection in a few words, for a sub-area's line: "chuẩn
// mới: nghèo 2 (+1), cận nghèo 1 (±0)".
func (p Projection) Short(cat *locales.Catalog, lang string) string {
	num := func(n int) string { return locales.Number(lang, float64(n), 0) }
	return cat.T(lang, "stats.projection_short", "poor", num(p.Poor), "poor_change", signed(p.Poor-p.WasPoor),
		"near_poor", num(p.NearPoor), "near_poor_change", signed(p.NearPoor-p.WasNearPoor))
}
