package report_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime/pprof"
	"strings"
	"sync"
	"testing"
	"time"

	"sothon/flows"
	"sothon/locales"
	"sothon/office"
	"sothon/report"
	"sothon/store"
	"sothon/tree"
)

// The province of issue 22: 10 districts × 40 communes × 25 villages
// (10,000 villages), 1,000,000 households in the register (100 a village),
// an open round and 30,000 submissions.
const (
	bigVillagesPerCommune = 25
	bigHouseholds         = 1_000_000
	bigSubmissions        = 30_000
)

var (
	bigOnce sync.Once
	bigDir  string
	bigErr  error
	bigSize int64 // the file's size once built
	bigTook time.Duration
)

func bigYAML() string {
	var b strings.Builder
	fmt.Fprintf(&b, "id: tinh\nname: \"Tỉnh lớn\"\nkind: city\ntargets: [{year: %d, poor_reduction: 4000}]\nchildren:\n", time.Now().Year())
	for d := 1; d <= 10; d++ {
		fmt.Fprintf(&b, "  - id: h%d\n    name: \"Huyện %d\"\n    kind: district\n    children:\n", d, d)
		for c := 1; c <= 40; c++ {
			fmt.Fprintf(&b, "      - id: x%d\n        name: \"Xã %d-%d\"\n        kind: commune\n        children:\n", c, d, c)
			for v := 1; v <= bigVillagesPerCommune; v++ {
				fmt.Fprintf(&b, "          - {id: t%d, name: \"Thôn %d\", kind: village, households_total: 100}\n", v, v)
			}
		}
	}
	return b.String()
}

// bigProvince builds the data set once per test process (several minutes).
func bigProvince(b *testing.B) *store.DB {
	bigOnce.Do(func() {
		// SOTHON_BENCH_DIR keeps the data set between runs of one build.
		if bigDir = os.Getenv("SOTHON_BENCH_DIR"); bigDir == "" {
			bigDir, bigErr = os.MkdirTemp("", "sothon-province-1m")
			if bigErr != nil {
				return
			}
		}
		path := filepath.Join(bigDir, "p.db")
		if _, err := os.Stat(path); err != nil {
			start := time.Now()
			bigErr = buildBig(path)
			bigTook = time.Since(start)
		}
		if st, err := os.Stat(path); err == nil {
			bigSize = st.Size()
		}
	})
	if bigErr != nil {
		b.Fatal(bigErr)
	}
	start := time.Now()
	db, err := store.Open(filepath.Join(bigDir, "p.db")) // migrates a file of an older schema
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("open: %v; build: %v, %.0f MB", time.Since(start), bigTook, float64(bigSize)/1e6)
	b.Cleanup(func() { db.Close() })
	b.ReportMetric(float64(bigSize)/1e6, "file_MB")
	b.ReportMetric(bigTook.Seconds(), "build_s")
	return db
}

func buildBig(path string) error {
	ctx := context.Background()
	areas, err := tree.Parse([]byte(bigYAML()))
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
	hhs := make([]store.Household, 0, 10000)
	for i := 0; i < bigHouseholds; i++ {
		v := villages[i%len(villages)]
		hhs = append(hhs, store.Household{ID: fmt.Sprintf("%s-%03d", v, i/len(villages)), AreaID: v, HeadName: fmt.Sprint("Chủ hộ ", i), Members: 4, Status: statuses[i%len(statuses)]})
		if len(hhs) == cap(hhs) {
			if err := db.ImportHouseholds(ctx, hhs); err != nil {
				return err
			}
			hhs = hhs[:0]
		}
	}
	year := time.Now().Format("2006")
	if _, err := db.OpenRound(ctx, store.Round{Name: "Đợt " + year, From: year + "-01-01", To: year + "-12-31", Opened: time.Now()}); err != nil {
		return err
	}
	set, err := flows.Default()
	if err != nil {
		return err
	}
	forms := []string{"household", "model", "training"}
	classes := []string{"poor", "near_poor", "middle", "none"}
	var wg sync.WaitGroup
	errs := make(chan error, 32)
	for w := 0; w < 32; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := w; i < bigSubmissions; i += 32 {
				// Spread over the villages: one form in three of them.
				v := villages[(i*3)%len(villages)]
				s := &store.Submission{Form: forms[i%3], FormVersion: "2023.1", AreaID: v, HouseholdID: fmt.Sprintf("%s-%03d", v, i%100),
					HouseholdName: "Chủ hộ", SubmittedBy: "u1", SubmittedAt: time.Now(), Answers: map[string]string{}}
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

// BenchmarkStatsProvince1M is /stats and `stats --format json` for a
// province of 10,000 villages and 1,000,000 households.
//
//	go test ./report -run '^$' -bench Province1M -benchmem -benchtime 20x
func BenchmarkStatsProvince1M(b *testing.B) {
	db := bigProvince(b)
	forms, _ := flows.Default()
	cat := locales.MustLoad()
	b.Run("text", func(b *testing.B) {
		// SOTHON_BENCH_PROFILE profiles this part alone, not the build.
		if name := os.Getenv("SOTHON_BENCH_PROFILE"); name != "" {
			f, err := os.Create(name)
			if err != nil {
				b.Fatal(err)
			}
			pprof.StartCPUProfile(f)
			defer func() { pprof.StopCPUProfile(); f.Close() }()
		}
		for range b.N {
			st, err := report.Compute(context.Background(), db, "tinh", time.Now())
			if err != nil {
				b.Fatal(err)
			}
			if text := report.Digest(st, nil, forms, cat, "vi"); !strings.Contains(text, "Hộ nghèo") || st.Count("households") != bigHouseholds {
				b.Fatalf("stats: %d households", st.Count("households"))
			}
		}
	})
	ids := make([]string, len(forms.Forms))
	for i, f := range forms.Forms {
		ids[i] = f.ID
	}
	b.Run("json", func(b *testing.B) { // as `sothon stats --format json` does
		for range b.N {
			ctx := context.Background()
			actor, err := office.Terminal(ctx, db)
			if err != nil {
				b.Fatal(err)
			}
			st, err := (&office.Office{Store: db}).Figures(ctx, actor, "tinh", time.Now())
			if err != nil {
				b.Fatal(err)
			}
			out, err := office.StatsJSON(ctx, db, st, ids, time.Now())
			if err != nil {
				b.Fatal(err)
			}
			if _, err := json.Marshal(out); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("commune", func(b *testing.B) {
		for range b.N {
			st, err := report.Compute(context.Background(), db, "tinh/h3/x7", time.Now())
			if err != nil || st.Count("households") != 2500 {
				b.Fatalf("%d households, %v", st.Count("households"), err)
			}
		}
	})
}
