package flows

import (
	"math"
	"strconv"
	"strings"

	"sothon/locales"
)

// example is the "Ví dụ" line shown when an answer is refused: an answer
// of the question's type that its range and constraint accept, so that it
// never contradicts the reason above it ("cannot be more than 3", then
// "for example: 4"). It is "" when the question has none to offer.
func (r *Run) example(f *Form, q *Question, c Context) string {
	switch q.Type {
	case Integer:
		return r.integerExample(f, q, c)
	case Decimal:
		if q.Money {
			return r.moneyExample(f, q, c)
		}
		if x, ok := r.fitting(f, q, c, 45, 1, 0.5); ok {
			return c.t("example.decimal", "whole", locales.Number(c.Lang, x, 0), "decimal", locales.Number(c.Lang, x+0.5, 1))
		}
	case YesNo:
		return c.t("example.yesno")
	case SelectOne:
		return c.t("example.select_one", "value", min(2, len(f.ChoicesOf(q))))
	case SelectMultiple:
		value := "1,3"
		switch n := len(f.ChoicesOf(q)); {
		case n == 2:
			value = "1,2"
		case n < 2:
			value = "1"
		}
		return c.t("example.select_multiple", "value", value)
	case Date:
		return c.t("example.date")
	case HouseholdPick:
		return c.t("example.household")
	case Text:
		if len(q.Example) > 0 {
			return c.t("example.text", "value", q.Example.In(c.Lang))
		}
	}
	return ""
}

// integerExample is a year, or a count with its unit ("4 hoặc 4 cây",
// "1 or 1 tree"); a model with a minimum scale shows that minimum.
func (r *Run) integerExample(f *Form, q *Question, c Context) string {
	if q.Year {
		if x, ok := r.fitting(f, q, c, 1985, 1); ok {
			return c.t("example.year", "value", strconv.Itoa(int(x)))
		}
		return ""
	}
	want := 4.0
	if ch, ok := r.unitChoice(f, q); ok && ch.Min > want {
		want = ch.Min
	}
	x, ok := r.fitting(f, q, c, want, 1)
	if !ok {
		return ""
	}
	n := locales.Number(c.Lang, x, 0)
	if u := r.unitFor(f, q, c.Lang, x); u != "" {
		return c.t("example.integer_unit", "value", n, "with_unit", n+" "+u)
	}
	return c.t("example.integer", "value", n)
}

// moneyExample shows one amount three ways: in millions, short ("3tr5",
// "500k") and in đồng.
func (r *Run) moneyExample(f *Form, q *Question, c Context) string {
	x, ok := r.fitting(f, q, c, 3.5, 0.5)
	if !ok {
		return ""
	}
	short := strconv.FormatFloat(x*1000, 'f', 0, 64) + "k"
	if whole, frac := math.Modf(x); whole >= 1 {
		// The thousandths after "tr", without trailing zeros: 3tr5, 3tr05, 3tr.
		thousandths := strconv.FormatFloat(1000+frac*1000, 'f', 0, 64)[1:]
		short = strconv.FormatFloat(whole, 'f', 0, 64) + "tr" + strings.TrimRight(thousandths, "0")
	}
	return c.t("example.money", "millions", locales.Number(c.Lang, x, 3), "short", short, "dong", locales.Number(c.Lang, x*1e6, 0))
}

// exampleTries bounds the search for an example on each side of the one
// wanted.
const exampleTries = 200

// fitting finds the answer nearest to want, in steps of step, that the
// question accepts (and x+d for each of also): within the plausible range
// when it can, within the hard range and meeting the constraint always.
func (r *Run) fitting(f *Form, q *Question, c Context, want, step float64, also ...float64) (float64, bool) {
	lo, hi := bound(q.WarnMin, math.Inf(-1)), bound(q.WarnMax, math.Inf(1))
	if ch, ok := r.unitChoice(f, q); ok && ch.WarnMax > 0 {
		hi = ch.WarnMax
	}
	want = math.Max(math.Min(want, hi), lo)
	want = math.Max(math.Min(want, bound(q.Max, math.Inf(1))), bound(q.Min, math.Inf(-1)))
	fits := func(x float64) bool {
		for _, d := range append([]float64{0}, also...) {
			if !r.accepts(f, q, c, x+d) {
				return false
			}
		}
		return true
	}
	for k := 0; k <= exampleTries; k++ {
		for _, x := range []float64{want - float64(k)*step, want + float64(k)*step} {
			if fits(x) {
				return x, true
			}
		}
	}
	return 0, false
}

func bound(p *float64, otherwise float64) float64 {
	if p == nil {
		return otherwise
	}
	return *p
}

// accepts reports whether x as an answer is within range and meets the
// constraint.
func (r *Run) accepts(f *Form, q *Question, c Context, x float64) bool {
	if checkRange(q, x, c.Lang) != nil {
		return false
	}
	val := canonical(x)
	if q.Type == Integer {
		val = strconv.Itoa(int(x))
	}
	ok, e := r.meets(f, q, c, val)
	if e != nil {
		e.release()
	}
	return ok
}
