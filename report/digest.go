package report

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"sothon/flows"
	"sothon/flows/poverty"
	"sothon/locales"
	"sothon/store"
	"sothon/store/counting"
)

// Digest writes the weekly digest of an area in lang: the official list
// with the change since the last digest and the year's target, the open
// round's progress, the breakdown by sub-area, the week's activity, models,
// training and the villages with nothing. prev is the last digest's
// snapshot, if any.
func Digest(st Stats, prev *store.Snapshot, forms *flows.Set, cat *locales.Catalog, lang string) string {
	d := digestWriter{st: st, cat: cat, lang: lang, forms: forms}
	d.line("digest.title", "week", weekLabel(st, cat, lang), "area", st.Label)
	d.officialList(prev)
	d.round()
	if len(st.Review) > 0 {
		d.lines = append(append(d.lines, ""), st.Review...)
	}
	d.breakdown()
	d.lines = append(d.lines, "")
	d.line("digest.week_activity", "count", d.num(st.Count(counting.WeekCounter(st.Week))))
	d.models()
	d.training()
	d.missing()
	return strings.Join(d.lines, "\n")
}

// weekLabel names a week by its dates: "Tuần 24, 12/06–18/06/2023".
func weekLabel(st Stats, cat *locales.Catalog, lang string) string {
	_, w := st.WeekFrom.ISOWeek()
	sunday := st.WeekFrom.AddDate(0, 0, 6)
	return cat.T(lang, "digest.week", "week", w, "from", st.WeekFrom.Format("02/01"), "to", sunday.Format("02/01/2006"))
}

type digestWriter struct {
	st    Stats
	cat   *locales.Catalog
	lang  string
	forms *flows.Set
	lines []string
}

func (d *digestWriter) line(key string, args ...any) {
	d.lines = append(d.lines, d.cat.T(d.lang, key, args...))
}

func (d *digestWriter) num(n int) string { return locales.Number(d.lang, float64(n), 0) }

func (d *digestWriter) pct(share float64) string { return locales.Percent(d.lang, share) }

// officialList is the first base: every household of the area by its
// current status, as shares of the area's households.
func (d *digestWriter) officialList(prev *store.Snapshot) {
	st := d.st
	d.lines = append(d.lines, "")
	d.line("digest.list_title", "total", d.num(st.Total))
	if st.Approved() {
		d.line("digest.list_approved")
	}
	for _, p := range []struct {
		key  string
		n    int
		prev func(*store.Snapshot) int
	}{
		{"digest.poor", st.Poor(), func(s *store.Snapshot) int { return s.Poor }},
		{"digest.near_poor", st.NearPoor(), func(s *store.Snapshot) int { return s.NearPoor }},
		{"digest.middle", st.Middle(), func(s *store.Snapshot) int { return s.Middle }},
	} {
		text := d.cat.T(d.lang, p.key, "count", d.num(p.n), "rate", d.pct(st.Rate(p.n)))
		if prev != nil {
			text += " " + d.cat.T(d.lang, "digest.change", "change", signed(p.n-p.prev(prev)))
		}
		d.lines = append(d.lines, text)
	}
	if line := ProjectionLine(st.Counters, d.cat, d.lang); line != "" {
		d.lines = append(d.lines, line)
	}
	d.target()
}

// target says how far the year's goal is: never a negative reduction.
func (d *digestWriter) target() {
	t := d.st.Target
	if t == nil {
		return
	}
	poor := d.st.Poor()
	d.line("digest.target", "year", t.Year, "reduction", d.num(t.Reduction), "baseline", d.num(t.Baseline),
		"poor", d.num(t.Goal), "rate", d.pct(d.st.Rate(t.Goal)))
	if poor > t.Baseline {
		d.line("digest.target_up", "up", d.num(poor-t.Baseline), "left", d.num(poor-t.Goal))
		return
	}
	d.line("digest.target_done", "done", d.num(t.Baseline-poor), "left", d.num(max(poor-t.Goal, 0)))
}

// round is the second base: the open round's reviews, and what they found
// as shares of the households reviewed.
func (d *digestWriter) round() {
	st := d.st
	if st.Round == nil {
		if r := st.Reviews(); r != (ReviewStates{}) {
			d.lines = append(d.lines, "")
			d.line("digest.review_states", "pending", d.num(r.Pending), "approved", d.num(r.Approved), "returned", d.num(r.Returned))
		}
		return
	}
	d.lines = append(d.lines, "")
	d.line("digest.round", "name", st.Round.Name, "from", DayMonthYear(st.Round.From), "to", DayMonthYear(st.Round.To))
	d.lines = append(d.lines, RoundLines(st, d.cat, d.lang)...)
}

// RoundLines say the open round's progress, household by household as
// they stand: reviewed, found poor and near-poor, on each list to post,
// leaving poverty, and by review state with the class changes pending. The
// digest, /stats and the console's dashboard say it in these words.
func RoundLines(st Stats, cat *locales.Catalog, lang string) []string {
	if st.Round == nil {
		return nil
	}
	num := func(n int) string { return locales.Number(lang, float64(n), 0) }
	reviewed := st.Reviewed()
	poor, near := st.ReviewedAs(poverty.Poor), st.ReviewedAs(poverty.NearPoor)
	lines := []string{StandardLine(st, cat, lang), cat.T(lang, "digest.reviewed", "count", num(reviewed), "total", num(st.Total), "rate", locales.Percent(lang, st.Rate(reviewed)),
		"poor", num(poor), "near_poor", num(near))}
	if reviewed > 0 {
		lines = append(lines, cat.T(lang, "digest.reviewed_rates", "poor", locales.Percent(lang, share(poor, reviewed)),
			"near_poor", locales.Percent(lang, share(near, reviewed))))
	}
	lines = append(lines, cat.T(lang, "digest.escaped", "count", num(st.Escaped())),
		cat.T(lang, "digest.round_lists", "poor", num(st.Listed(store.ListPoor)), "near_poor", num(st.Listed(store.ListNearPoor)),
			"left_poor", num(st.Listed(store.ListLeftPoor)), "left_near_poor", num(st.Listed(store.ListLeftNearPoor))))
	r := st.Reviews()
	pending := cat.T(lang, "digest.round_pending", "count", num(r.Pending))
	if r.PendingChange > 0 {
		pending = cat.T(lang, "digest.round_pending_change", "count", num(r.Pending), "changes", num(r.PendingChange))
	}
	return append(lines, cat.T(lang, "digest.round_states", "approved", num(r.Approved), "pending", pending, "returned", num(r.Returned)))
}

// breakdownShown keeps a breakdown readable in a chat.
const breakdownShown = 30

// breakdown gives one line per sub-area, least covered first.
func (d *digestWriter) breakdown() {
	rows := d.st.Breakdown()
	if len(rows) == 0 {
		return
	}
	d.lines = append(d.lines, "")
	key := "digest.breakdown_title"
	if d.st.Round == nil {
		key = "digest.breakdown_title_list"
	}
	d.line(key)
	for i, b := range rows {
		if i == breakdownShown {
			d.lines = append(d.lines, "…")
			break
		}
		if d.st.Round == nil {
			d.line("digest.breakdown_list", "area", b.Label, "poor", d.pct(b.PoorRate), "near_poor", d.pct(b.NearPoorRate))
		} else {
			d.line("digest.breakdown", "area", b.Label, "reviewed", d.pct(b.ReviewedRate), "poor", d.pct(b.PoorRate), "near_poor", d.pct(b.NearPoorRate))
		}
		if b.Projection != nil {
			d.lines[len(d.lines)-1] += " · " + b.Projection.Short(d.cat, d.lang)
		}
	}
}

func signed(n int) string {
	if n > 0 {
		return "+" + strconv.Itoa(n)
	}
	if n < 0 {
		return "−" + strconv.Itoa(-n)
	}
	return "±0"
}

// models lists households per model and status.
func (d *digestWriter) models() {
	models := d.forms.RoleChoices(flows.RoleModel)
	if models == nil {
		return
	}
	var parts []string
	for _, m := range models {
		n := d.st.Count(counting.ModelCounter(m.Name))
		if n == 0 {
			continue
		}
		var by []string
		for _, s := range d.forms.RoleChoices(flows.RoleModelStatus) {
			if k := d.st.Count(counting.ModelStatusCounter(m.Name, s.Name)); k > 0 {
				by = append(by, fmt.Sprintf("%s %s", strings.ToLower(s.Label.In(d.lang)), d.num(k)))
			}
		}
		parts = append(parts, fmt.Sprintf("%s %s (%s)", m.Label.In(d.lang), d.num(n), strings.Join(by, ", ")))
	}
	if len(parts) == 0 {
		d.line("digest.models_none")
		return
	}
	d.line("digest.models", "list", strings.Join(parts, "; "))
	d.line("digest.models_flags", "below", d.num(d.st.Count(counting.ModelBelowMinCounter)), "nocofund", d.num(d.st.Count(counting.ModelNoCofundCounter)))
}

// training lists people wanting training per trade, most wanted first.
func (d *digestWriter) training() {
	people := d.st.Count(counting.TrainingPeopleCounter)
	if people == 0 {
		d.line("digest.training_none")
		return
	}
	type trade struct {
		label string
		n     int
	}
	var trades []trade
	total := 0
	for _, c := range d.forms.RoleChoices(flows.RoleTrainingTrade) {
		if n := d.st.Count(counting.TrainingTradeCounter(c.Name)); n > 0 {
			trades = append(trades, trade{c.Label.In(d.lang), n})
			total += n
		}
	}
	sort.SliceStable(trades, func(i, j int) bool { return trades[i].n > trades[j].n })
	list := make([]string, len(trades))
	for i, t := range trades {
		list[i] = t.label + " " + d.num(t.n)
	}
	d.line("digest.training", "people", d.num(people), "wanting", d.num(total), "list", strings.Join(list, ", "),
		"job", d.num(d.st.Count(counting.TrainingJobCounter)), "abroad", d.num(d.st.Count(counting.TrainingAbroadCounter)))
	if low := d.st.Count(counting.TrainingLowIncomeCounter); low > 0 {
		d.line("digest.training_low_income", "count", d.num(low), "wanting", d.num(d.st.Count(counting.TrainingLowIncomeWantingCounter)))
	}
}

// missing names the villages with nothing in the round (when one is open)
// and this week, the first few by name.
func (d *digestWriter) missing() {
	if d.st.Round != nil {
		d.villages("digest.missing_round", "digest.missing_none_round", d.st.Missing)
	}
	d.villages("digest.missing_week", "digest.missing_none_week", d.st.IdleWeek)
}

func (d *digestWriter) villages(key, noneKey string, m []Place) {
	if len(m) == 0 {
		d.line(noneKey)
		return
	}
	const shown = 10
	names := make([]string, 0, shown)
	for i, a := range m {
		if i == shown {
			names = append(names, "…")
			break
		}
		names = append(names, a.Label)
	}
	d.line(key, "count", d.num(len(m)), "list", strings.Join(names, ", "))
}

// Snapshot is what the digest reports, kept to show the change next time.
func (s Stats) Snapshot() store.Snapshot {
	return store.Snapshot{Week: s.Week, Poor: s.Poor(), NearPoor: s.NearPoor(), Middle: s.Middle()}
}

// DayMonthYear shows a YYYY-MM-DD date the way Vietnamese offices write it.
func DayMonthYear(date string) string {
	if t, err := time.Parse(time.DateOnly, date); err == nil {
		return t.Format("02/01/2006")
	}
	return date
}
