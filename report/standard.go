package report

import (
	"time"

	"sothon/flows/poverty"
	"sothon/locales"
	"sothon/store"
)

// standards are the poverty standards figures and lists are named by.
var standards = poverty.Default()

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
	return standards.At(r.ClassifyAt(at))
}

// StandardOf is the standard a stored classification is by: the one it
// names, or for forms stored before standards were named, the one in
// force on its day.
func StandardOf(s store.Submission) poverty.Standard {
	if std, ok := standards.ByID(s.Standard); ok {
		return std
	}
	return standards.At(s.SubmittedAt)
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
