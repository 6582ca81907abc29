package flows

import (
	"fmt"
	"testing"
	"time"

	"sothon/flows/poverty"
	"sothon/locales"
)

// householdAnswers are the household form's answers as a village head types
// them, from the household picked to the summary's "submit" (bot's
// BenchmarkHouseholdQuestionnaire, without its menu).
var householdAnswers = []string{"7", "5", "2", "2", "4tr5", "co", "khong", "có", "k", "k", "k",
	"-", "-", "45", "co", "co", "co", "co", "2,3", "co", "1", "-", "1"}

// BenchmarkHouseholdForm runs the household form from its start to its
// submission, answer by answer, with no store: the questionnaire's own work
// in a turn of the engine (what comes next, parsing, skip logic, the
// prompts), so that -benchmem shows its allocations exactly.
//
//	go test ./flows -run '^$' -bench HouseholdForm -benchmem
func BenchmarkHouseholdForm(b *testing.B) {
	set, err := Default()
	if err != nil {
		b.Fatal(err)
	}
	f := set.Form("household")
	register := make([]PickerEntry, 300)
	for i := range register {
		register[i] = PickerEntry{ID: fmt.Sprintf("h%03d", i), Name: fmt.Sprint("Hộ ", i)}
	}
	c := Context{Lang: "vi", T: locales.MustLoad(), NoMedia: true,
		Circumstances: Circumstances{Now: time.Date(2026, 6, 15, 9, 0, 0, 0, time.UTC), Kind: poverty.Rural,
			Standards: poverty.Default(), LowIncome: poverty.DefaultLowIncome(),
			Classification: func(string) Classification { return Classification{} }},
		Register: func() ([]PickerEntry, error) { return register, nil }}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		r, _ := Start(f, "a", c)
		var o Outcome
		for _, text := range householdAnswers {
			o = r.Reply(f, c, text)
		}
		if o.Submitted == nil || o.Submitted.Class != "poor" {
			b.Fatalf("not submitted as poor: %+v, awaiting %q", o.Submitted, r.Awaits())
		}
	}
}
