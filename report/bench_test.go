package report_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"sothon/bot/jobs"
	"sothon/flows"
	"sothon/locales"
	"sothon/report"
	"sothon/report/lists"
	"sothon/store"
	"sothon/tree"
)

// A province-sized data set: 8 districts × 15 communes × 15 villages
// (1,800 villages), 100,000 households, 300,000 submissions.
const (
	benchHouseholds  = 100000
	benchSubmissions = 300000
)

var (
	provinceOnce sync.Once
	provinceDir  string
	provinceErr  error
)

// provinceYAML writes the area tree of the province.
func provinceYAML() string {
	var b strings.Builder
	fmt.Fprintf(&b, "id: tinh\nname: \"Tỉnh mẫu\"\nkind: city\ntargets: [{year: %d, poor_reduction: 400}]\nchildren:\n", time.Now().Year())
	for d := 1; d <= 8; d++ {
		fmt.Fprintf(&b, "  - id: h%d\n    name: \"Huyện %d\"\n    kind: district\n    children:\n", d, d)
		for c := 1; c <= 15; c++ {
			kind := "commune"
			if c <= 3 {
				kind = "ward"
			}
			fmt.Fprintf(&b, "      - id: x%d\n        name: \"Xã %d-%d\"\n        kind: %s\n        children:\n", c, d, c, kind)
			for v := 1; v <= 15; v++ {
				fmt.Fprintf(&b, "          - {id: t%d, name: \"Thôn %d\", kind: village, households_total: 56}\n", v, v)
			}
		}
	}
	return b.String()
}

// province builds the data set once per test process, with many writers
// at once so that commits are shared.
func province(b *testing.B) *store.DB {
	provinceOnce.Do(func() {
		provinceDir, provinceErr = os.MkdirTemp("", "sothon-province")
		if provinceErr != nil {
			return
		}
		provinceErr = buildProvince(filepath.Join(provinceDir, "p.db"))
	})
	if provinceErr != nil {
		b.Fatal(provinceErr)
	}
	db, err := store.Open(filepath.Join(provinceDir, "p.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	return db
}

func buildProvince(path string) error {
	ctx := context.Background()
	areas, err := tree.Parse([]byte(provinceYAML()))
	if err != nil {
		return err
	}
	db, err := store.Open(path)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.SaveAreas(ctx, areas); err != nil {
		return err
	}
	var villages []string
	for _, a := range areas {
		if a.Kind == tree.Village {
			villages = append(villages, a.ID)
		}
	}
	statuses := []string{"none", "none", "none", "none", "middle", "near_poor", "poor"}
	hhs := make([]store.Household, benchHouseholds)
	for i := range hhs {
		hhs[i] = store.Household{ID: fmt.Sprintf("P%06d", i), AreaID: villages[i%len(villages)], HeadName: fmt.Sprint("Chủ hộ ", i), Members: 4, Status: statuses[i%len(statuses)]}
	}
	for start := 0; start < len(hhs); start += 10000 {
		if err := db.ImportHouseholds(ctx, hhs[start:start+10000]); err != nil {
			return err
		}
	}
	year := time.Now().Format("2006")
	if _, err := db.OpenRound(ctx, store.Round{Name: "Đợt " + year, From: year + "-01-01", To: year + "-12-31", Opened: time.Now()}); err != nil {
		return err
	}
	forms := []string{"household", "model", "training"}
	set, err := flows.Default()
	if err != nil {
		return err
	}
	classes := []string{"poor", "near_poor", "middle", "none"}
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for w := 0; w < 64; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := w; i < benchSubmissions; i += 64 {
				hh := hhs[i%len(hhs)]
				s := &store.Submission{Form: forms[i%3], FormVersion: "2023.1", AreaID: hh.AreaID, HouseholdID: hh.ID,
					HouseholdName: hh.HeadName, SubmittedBy: "u1", SubmittedAt: time.Now(), Answers: map[string]string{}}
				switch s.Form {
				case "household":
					s.Answers["class"], s.Class = classes[i%4], classes[i%4]
				case "model":
					s.Answers = map[string]string{"model": "pig", "status": "taking_part", "scale": "5", "below_min": "yes", "cofund": "no"}
				case "training":
					s.Answers = map[string]string{"person": fmt.Sprint("Người ", i), "wants_training": "yes", "trade": "sewing", "wants_job": "yes"}
				}
				s.Counted = set.Form(s.Form).CountedAnswers(s.Answers)
				if _, err := db.Apply(ctx, store.Change{At: s.SubmittedAt, Submission: s}); err != nil {
					errs <- err
					return
				}
			}
		}(w)
	}
	wg.Wait()
	close(errs)
	return <-errs
}

// BenchmarkStatsProvince is /stats for the whole province.
//
//	go test ./report -run '^$' -bench Province -benchmem
func BenchmarkStatsProvince(b *testing.B) {
	db := province(b)
	forms, _ := flows.Default()
	cat := locales.MustLoad()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		st, err := report.Compute(context.Background(), db, "tinh", time.Now())
		if err != nil {
			b.Fatal(err)
		}
		if text := report.Digest(st, nil, forms, cat, "vi"); !strings.Contains(text, "Hộ nghèo") || st.Count("households") != benchHouseholds {
			b.Fatalf("stats: %d households", st.Count("households"))
		}
	}
}

// BenchmarkPastWeekProvince is `sothon digest --week` for last week: the
// province's figures recounted from 100,000 households' history and
// 300,000 submissions.
func BenchmarkPastWeekProvince(b *testing.B) {
	db := province(b)
	lastWeek := time.Now().AddDate(0, 0, -7)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		st, err := report.ComputeWeek(context.Background(), db, "tinh", lastWeek, time.Now())
		if err != nil || st.Week != store.ISOWeek(lastWeek) {
			b.Fatal(err)
		}
	}
}

// BenchmarkDigestProvince is the weekly digest for the province: figures,
// change since the last digest, text and chart.
func BenchmarkDigestProvince(b *testing.B) {
	db := province(b)
	forms, _ := flows.Default()
	jobs := &jobs.Weekly{Store: db, Forms: forms, Catalog: locales.MustLoad(), Now: time.Now}
	var peak runtime.MemStats
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		text, png, _, err := jobs.DigestFor(context.Background(), "tinh", "vi")
		if err != nil || len(png) == 0 || !strings.Contains(text, "Mục tiêu "+time.Now().Format("2006")) || !strings.Contains(text, "Đã rà soát: ") {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	runtime.ReadMemStats(&peak)
	b.ReportMetric(float64(peak.HeapSys)/(1<<20), "heap_sys_MB")
}

// BenchmarkListsProvince builds the open round's lists to post for the
// whole province: every household's standing, 25,000 decided poor or
// near-poor households on the lists.
//
//	go test ./report -run '^$' -bench 'ListsProvince|AgreementProvince' -benchtime 1x
func BenchmarkListsProvince(b *testing.B) {
	db := province(b)
	forms, _ := flows.Default()
	cat := locales.MustLoad()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		l, err := lists.Build(context.Background(), db, forms, cat, "tinh", 0, "vi", time.Now())
		if err != nil || l.Count(store.ListPoor) == 0 {
			b.Fatalf("lists: %d poor, %v", l.Count(store.ListPoor), err)
		}
		b.ReportMetric(float64(l.Count(store.ListPoor)+l.Count(store.ListNearPoor)), "listed")
	}
}

// BenchmarkAgreementProvince is the lists' part of `sothon check` for the
// province: every area's lists of the round held against its figures.
func BenchmarkAgreementProvince(b *testing.B) {
	db := province(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		d, err := lists.Agreement(context.Background(), db)
		if err != nil || len(d) > 0 {
			b.Fatalf("%v %v", d, err)
		}
	}
}
