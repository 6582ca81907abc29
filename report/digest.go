package report

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"sothon/flows"
	"sothon/locales"
	"sothon/store"
)

// Digest writes the weekly digest of an area in lang: coverage, poverty
// with the change since the last digest and the target, models, training
// and the villages with nothing. prev is the last digest's snapshot, if any.
func Digest(st Stats, prev *store.Snapshot, forms *flows.Set, cat *locales.Catalog, lang string) string {
	d := digestWriter{st: st, cat: cat, lang: lang, forms: forms}
	d.line("digest.title", "week", st.Week, "area", st.Area.Name)
	d.coverage()
	d.poverty(prev)
	d.models()
	d.training()
	d.missing()
	return strings.Join(d.lines, "\n")
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

func (d *digestWriter) pct(n int) string { return locales.Percent(d.lang, d.st.Rate(n)) }

func (d *digestWriter) coverage() {
	st := d.st
	if st.Round != nil {
		d.line("digest.round", "name", st.Round.Name, "from", dayMonthYear(st.Round.From), "to", dayMonthYear(st.Round.To))
		reviewed := st.RoundCount("reviewed")
		d.line("digest.reviewed", "count", d.num(reviewed), "total", d.num(st.Total), "rate", d.pct(reviewed))
	}
	d.line("digest.week_activity", "count", d.num(st.Count("week:"+st.Week)))
}

func (d *digestWriter) poverty(prev *store.Snapshot) {
	st := d.st
	for _, p := range []struct {
		key, counter string
		prev         func(*store.Snapshot) int
	}{
		{"digest.poor", "status:poor", func(s *store.Snapshot) int { return s.Poor }},
		{"digest.near_poor", "status:near_poor", func(s *store.Snapshot) int { return s.NearPoor }},
		{"digest.middle", "status:middle", func(s *store.Snapshot) int { return s.Middle }},
	} {
		n := st.Count(p.counter)
		text := d.cat.T(d.lang, p.key, "count", d.num(n), "rate", d.pct(n))
		if prev != nil {
			text += " " + d.cat.T(d.lang, "digest.change", "change", signed(n-p.prev(prev)))
		}
		d.lines = append(d.lines, text)
	}
	if st.Round != nil {
		d.line("digest.escaped", "count", d.num(st.RoundCount("escaped")))
	}
	if t := st.Target; t != nil {
		poor := st.Count("status:poor")
		d.line("digest.target", "year", t.Year, "reduction", d.num(t.Reduction), "poor", d.num(t.Poor), "rate", d.pct(t.Poor),
			"done", d.num(t.Baseline-poor), "left", d.num(max(poor-t.Poor, 0)))
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
	f := d.forms.Form("model")
	if f == nil {
		return
	}
	var parts []string
	for _, m := range f.Choices["models"] {
		n := d.st.Count("model:" + m.Name)
		if n == 0 {
			continue
		}
		var by []string
		for _, s := range f.Choices["statuses"] {
			if k := d.st.Count("model:" + m.Name + ":" + s.Name); k > 0 {
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
	d.line("digest.models_flags", "below", d.num(d.st.Count("model_below_min")), "nocofund", d.num(d.st.Count("model_cofund_no")))
}

// training lists people wanting training per trade, most wanted first.
func (d *digestWriter) training() {
	people := d.st.Count("training:people")
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
	if f := d.forms.Form("training"); f != nil {
		for _, c := range f.Choices["trades"] {
			if n := d.st.Count("training:trade:" + c.Name); n > 0 {
				trades = append(trades, trade{c.Label.In(d.lang), n})
				total += n
			}
		}
	}
	sort.SliceStable(trades, func(i, j int) bool { return trades[i].n > trades[j].n })
	list := make([]string, len(trades))
	for i, t := range trades {
		list[i] = t.label + " " + d.num(t.n)
	}
	d.line("digest.training", "people", d.num(people), "wanting", d.num(total), "list", strings.Join(list, ", "),
		"job", d.num(d.st.Count("training:job")), "abroad", d.num(d.st.Count("training:abroad")))
}

// missing names the villages with nothing in the round (when one is open)
// and this week, the first few by name.
func (d *digestWriter) missing() {
	if d.st.Round != nil {
		d.villages("digest.missing_round", "digest.missing_none_round", d.st.Missing)
	}
	d.villages("digest.missing_week", "digest.missing_none_week", d.st.IdleWeek)
}

func (d *digestWriter) villages(key, noneKey string, m []store.Area) {
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
		names = append(names, a.Name)
	}
	d.line(key, "count", d.num(len(m)), "list", strings.Join(names, ", "))
}

// Snapshot is what the digest reports, kept to show the change next time.
func (st Stats) Snapshot() store.Snapshot {
	return store.Snapshot{Week: st.Week, Poor: st.Count("status:poor"), NearPoor: st.Count("status:near_poor"), Middle: st.Count("status:middle")}
}

// dayMonthYear shows a YYYY-MM-DD date the way Vietnamese offices write it.
func dayMonthYear(date string) string {
	if t, err := time.Parse(time.DateOnly, date); err == nil {
		return t.Format("02/01/2006")
	}
	return date
}
