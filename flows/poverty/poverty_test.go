package poverty

import (
	"math"
	"slices"
	"testing"
	"testing/quick"
	"time"
)

// decent is a household lacking nothing, to be changed one field at a time.
func decent() Profile {
	return Profile{
		Members: 4, WorkingAge: 2, Income: 20, HouseArea: 60,
		CleanWater: true, HygienicLatrine: true, HandlesWaste: true, UsesTelecom: true, HasInfoMeans: true,
	}
}

func TestLackingBoundaries(t *testing.T) {
	tests := []struct {
		name   string
		change func(*Profile)
		want   []Indicator
	}{
		{"nothing lacking", func(h *Profile) {}, nil},
		{"dependants exactly half", func(h *Profile) { h.Members, h.WorkingAge = 4, 2 }, nil},
		{"dependants over half", func(h *Profile) { h.Members, h.WorkingAge = 5, 2 }, []Indicator{Dependants}},
		{"nobody of working age", func(h *Profile) { h.Members, h.WorkingAge = 1, 0 }, []Indicator{Dependants}},
		{"exactly 8 m² per person", func(h *Profile) { h.HouseArea = 32 }, nil},
		{"just under 8 m² per person", func(h *Profile) { h.HouseArea = 31.9 }, []Indicator{FloorArea}},
		{"no stable job", func(h *Profile) { h.NoStableJob = true }, []Indicator{Employment}},
		{"malnourished child", func(h *Profile) { h.Malnourished = true }, []Indicator{Nutrition}},
		{"uninsured", func(h *Profile) { h.Uninsured = true }, []Indicator{Insurance}},
		{"adult education", func(h *Profile) { h.AdultUndereducated = true }, []Indicator{AdultEducation}},
		{"child schooling", func(h *Profile) { h.ChildOutOfSchool = true }, []Indicator{ChildSchooling}},
		{"house quality", func(h *Profile) { h.PoorHouse = true }, []Indicator{HousingQuality}},
		{"no clean water", func(h *Profile) { h.CleanWater = false }, []Indicator{Water}},
		{"no latrine", func(h *Profile) { h.HygienicLatrine = false }, []Indicator{Latrine}},
		{"no telecom", func(h *Profile) { h.UsesTelecom = false }, []Indicator{Telecom}},
		{"no information means", func(h *Profile) { h.HasInfoMeans = false }, []Indicator{InfoMeans}},
		{"no waste handling", func(h *Profile) { h.HandlesWaste = false }, []Indicator{Waste}},
		{"all thirteen", func(h *Profile) {
			*h = Profile{Members: 3, WorkingAge: 1, HouseArea: 10, NoStableJob: true, Malnourished: true,
				Uninsured: true, AdultUndereducated: true, ChildOutOfSchool: true, PoorHouse: true}
		}, []Indicator{Employment, Dependants, Nutrition, Insurance, AdultEducation, ChildSchooling,
			HousingQuality, FloorArea, Water, Latrine, Waste, Telecom, InfoMeans}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := decent()
			tt.change(&h)
			got := h.Lacking()
			if len(got) != len(tt.want) {
				t.Fatalf("lacking = %v, want %v", got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Fatalf("lacking = %v, want %v", got, tt.want)
				}
			}
		})
	}
}

func TestClassifyBoundaries(t *testing.T) {
	s := Default().At(time.Date(2023, 6, 30, 0, 0, 0, 0, time.UTC))
	tests := []struct {
		name     string
		incomePC float64
		lacking  int
		kind     Kind
		want     Class
	}{
		{"rural at the line, 3 lacking", 1.5, 3, Rural, Poor},
		{"rural at the line, 2 lacking", 1.5, 2, Rural, NearPoor},
		{"rural just above the line, 5 lacking", 1.500001, 5, Rural, Middle},
		{"rural at the middle line", 2.25, 0, Rural, Middle},
		{"rural just above the middle line", 2.250001, 0, Rural, None},
		{"urban at the line, 3 lacking", 2.0, 3, Urban, Poor},
		{"urban at the line, 2 lacking", 2.0, 2, Urban, NearPoor},
		{"urban income that is poor in a commune only", 1.8, 0, Urban, NearPoor},
		{"rural income 1.8 is middle", 1.8, 0, Rural, Middle},
		{"urban at the middle line", 3.0, 4, Urban, Middle},
		{"urban above the middle line", 3.000001, 12, Urban, None},
		{"no income, nothing lacking", 0, 0, Urban, NearPoor},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Classify(tt.incomePC, tt.lacking, tt.kind, s); got != tt.want {
				t.Errorf("Classify(%v, %d, %s) = %s, want %s", tt.incomePC, tt.lacking, tt.kind, got, tt.want)
			}
		})
	}
}

func TestIncomeExactlyAtLineAfterDivision(t *testing.T) {
	s := Default().At(time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC))
	h := decent()
	h.Members, h.WorkingAge, h.Income = 3, 3, 6.6 // 2.2 each: 6.6/3 is not exact in binary
	h.NoStableJob, h.Uninsured, h.PoorHouse = true, true, true
	r := Assess(h, Rural, s)
	if r.IncomePC != 2.2 || r.Class != Middle {
		t.Fatalf("rural 6.6/3: got %v %s, want 2.2 middle", r.IncomePC, r.Class)
	}
	h.Income = 6.0
	if r := Assess(h, Urban, s); r.Class != Poor || len(r.Lacking) != 3 {
		t.Fatalf("urban 6/3 with 3 lacking: got %+v, want poor", r)
	}
}

func TestStandardsByDate(t *testing.T) {
	ss, err := ParseStandards([]byte(`
- {id: new, name: new, period: "2027–2030", from: 2027-01-01, min_lacking_poor: 3, rural: {poverty: 2.2, middle: 3.3}, urban: {poverty: 2.8, middle: 4.2}, indicators: [waste]}
- {id: old, name: old, period: "2022–2025", from: 2022-01-01, min_lacking_poor: 3, rural: {poverty: 1.5, middle: 2.25}, urban: {poverty: 2.0, middle: 3.0}, indicators: [latrine]}
`))
	if err != nil {
		t.Fatal(err)
	}
	day := func(s string) time.Time { d, _ := time.Parse(time.DateOnly, s); return d }
	for date, want := range map[string]string{"2021-05-01": "old", "2026-12-31": "old", "2027-01-01": "new", "2030-06-01": "new"} {
		if got := ss.At(day(date)).Name; got != want {
			t.Errorf("At(%s) = %s, want %s", date, got, want)
		}
	}
	if got := Classify(2.1, 0, Rural, ss.At(day("2027-03-01"))); got != NearPoor {
		t.Errorf("2027 rural 2.1 = %s, want near_poor under the new line", got)
	}
	ok := `{id: x, name: x, period: p, from: 2022-01-01, min_lacking_poor: 3, rural: {poverty: 1, middle: 2}, urban: {poverty: 1}, indicators: [waste]}`
	if _, err := ParseStandards([]byte("- " + ok)); err != nil {
		t.Fatalf("a standard without a middle line: %v", err)
	}
	for _, bad := range []string{``, `- {id: x, name: x, period: p, from: 2022-13-01, min_lacking_poor: 3, rural: {poverty: 1, middle: 2}, urban: {poverty: 1, middle: 2}, indicators: [waste]}`,
		`- {id: x, name: x, period: p, from: 2022-01-01, min_lacking_poor: 3, rural: {poverty: 2, middle: 1}, urban: {poverty: 1, middle: 2}, indicators: [waste]}`,
		`- {id: x, name: x, period: p, from: 2022-01-01, min_lacking_poor: 3, rural: {poverty: 1}, urban: {poverty: 1}, indicators: [radio]}`,
		`- {id: x, name: x, period: p, from: 2022-01-01, min_lacking_poor: 3, rural: {poverty: 1}, urban: {poverty: 1}}`,
		`- {name: x, period: p, from: 2022-01-01, min_lacking_poor: 3, rural: {poverty: 1}, urban: {poverty: 1}, indicators: [waste]}`,
		"- " + ok + "\n- " + ok} {
		if _, err := ParseStandards([]byte(bad)); err == nil {
			t.Errorf("ParseStandards(%q) accepted bad data", bad)
		}
	}
}

// TestBothStandardsOnTheSameAnswers classifies the same households by NĐ 07
// and NĐ 351, as the transition form of 2026 does.
func TestBothStandardsOnTheSameAnswers(t *testing.T) {
	ss := Default()
	nd07, ok07 := ss.ByID("nd07-2021")
	nd351, ok351 := ss.ByID("nd351-2025")
	if !ok07 || !ok351 || ss.Newest().ID != "nd351-2025" || ss.Newest().Period != "2027–2030" {
		t.Fatalf("embedded standards: %+v", ss)
	}
	day := func(s string) time.Time { d, _ := time.Parse(time.DateOnly, s); return d }
	if ss.At(day("2026-11-15")).ID != "nd07-2021" || ss.At(day("2027-01-01")).ID != "nd351-2025" {
		t.Fatal("NĐ 07 holds through 2026 and NĐ 351 from 2027")
	}
	tests := []struct {
		name       string
		change     func(*Profile)
		kind       Kind
		want07     Class
		want351    Class
		lacking351 int
		lacking07  int
	}{
		{"urban 2,5 tr a person, 3 lacking", func(h *Profile) {
			h.Income = 10 // 4 people
			h.NoStableJob, h.Uninsured, h.PoorHouse = true, true, true
		}, Urban, Middle, Poor, 3, 3},
		{"lacks only the waste indicator, poor income", func(h *Profile) {
			h.Income = 4 // 1 tr a person
			h.HandlesWaste = false
		}, Rural, NearPoor, NearPoor, 1, 0},
		{"waste is the third lacking", func(h *Profile) {
			h.Income = 4
			h.Uninsured, h.PoorHouse, h.HandlesWaste = true, true, false
		}, Rural, NearPoor, Poor, 3, 2},
		{"no means of information counts only under NĐ 07", func(h *Profile) {
			h.Income = 4
			h.Uninsured, h.PoorHouse, h.HasInfoMeans = true, true, false
		}, Rural, Poor, NearPoor, 2, 3},
		{"rural 2,2 tr at the new line", func(h *Profile) { h.Income = 8.8 }, Rural, Middle, NearPoor, 0, 0},
		{"rural 2,3 tr: no middle line under NĐ 351", func(h *Profile) { h.Income = 9.2 }, Rural, None, None, 0, 0},
		{"urban 2,9 tr: middle under NĐ 07, above the new line", func(h *Profile) { h.Income = 11.6 }, Urban, Middle, None, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := decent()
			tt.change(&h)
			r07, r351 := Assess(h, tt.kind, nd07), Assess(h, tt.kind, nd351)
			if r07.Class != tt.want07 || len(r07.Lacking) != tt.lacking07 {
				t.Errorf("NĐ 07: %+v, want %s with %d lacking", r07, tt.want07, tt.lacking07)
			}
			if r351.Class != tt.want351 || len(r351.Lacking) != tt.lacking351 {
				t.Errorf("NĐ 351: %+v, want %s with %d lacking", r351, tt.want351, tt.lacking351)
			}
		})
	}
}

// lackingAsDecreed is Lacking as first written, condition by condition in
// the decrees' order: the one that counts without a list must agree.
func lackingAsDecreed(h Profile) []Indicator {
	var out []Indicator
	add := func(cond bool, ind Indicator) {
		if cond {
			out = append(out, ind)
		}
	}
	add(h.NoStableJob, Employment)
	add(h.Members > 0 && 2*(h.Members-h.WorkingAge) > h.Members, Dependants)
	add(h.Malnourished, Nutrition)
	add(h.Uninsured, Insurance)
	add(h.AdultUndereducated, AdultEducation)
	add(h.ChildOutOfSchool, ChildSchooling)
	add(h.PoorHouse, HousingQuality)
	add(h.Members > 0 && h.HouseArea < minAreaPerPerson*float64(h.Members), FloorArea)
	add(!h.CleanWater, Water)
	add(!h.HygienicLatrine, Latrine)
	add(!h.HandlesWaste, Waste)
	add(!h.UsesTelecom, Telecom)
	add(!h.HasInfoMeans, InfoMeans)
	return out
}

// Any household, by every standard: Lacking lists what the decrees say, and
// LackingCount counts what Standard.Lacking lists, so the questionnaire's
// count and class are the lists'.
func TestLackingCountAgreesWithTheList(t *testing.T) {
	t.Parallel()
	check := func(h Profile, members, working int8, area float64) bool {
		h.Members, h.WorkingAge, h.HouseArea = int(members)%12, int(working)%12, math.Mod(area, 200)
		if !slices.Equal(h.Lacking(), lackingAsDecreed(h)) {
			t.Logf("%+v: Lacking %v, decreed %v", h, h.Lacking(), lackingAsDecreed(h))
			return false
		}
		for _, s := range Default() {
			for _, k := range []Kind{Rural, Urban} {
				if s.LackingCount(h) != len(s.Lacking(h)) ||
					Classify(h.IncomePerPerson(), s.LackingCount(h), k, s) != Assess(h, k, s).Class {
					t.Logf("%+v by %s: counted %d, listed %v", h, s.ID, s.LackingCount(h), s.Lacking(h))
					return false
				}
			}
		}
		return true
	}
	if err := quick.Check(check, &quick.Config{MaxCount: 5000}); err != nil {
		t.Fatal(err)
	}
}
