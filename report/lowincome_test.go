package report_test

import (
	"bytes"
	"encoding/csv"
	"slices"
	"strings"
	"testing"

	"sothon/flows"
	"sothon/locales"
	"sothon/report"
	"sothon/report/export"
	"sothon/store"
	"sothon/store/counting"
	"sothon/store/storetest"
)

// The training figures count the low-income workers (NĐ 30/2025/NĐ-CP),
// and those of them who want training; the export carries the column.
func TestDigestCountsLowIncomeWorkers(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t)
	hhs, err := db.HouseholdsIn(ctx, "bac-kan/nong-thuong/na-rao")
	if err != nil || len(hhs) < 2 {
		t.Fatalf("register: %d households, %v", len(hhs), err)
	}
	for _, p := range []struct {
		hh                     store.Household
		person, low, wantTrain string
	}{
		{hhs[0], "Triệu Văn Phong", "yes", "yes"},
		{hhs[0], "Triệu Thị Lan", "yes", "no"},
		{hhs[1], "Bàn Văn Sáng", "no", "yes"},
	} {
		a := map[string]string{"household": p.hh.ID, "person": p.person, "wants_training": p.wantTrain, "low_income_worker": p.low}
		if p.wantTrain == "yes" {
			a["trade"] = "sewing"
		}
		s := &store.Submission{Form: "training", AreaID: p.hh.AreaID, HouseholdID: p.hh.ID, SubmittedAt: now, Answers: a,
			Counted: trainingForm(t).CountedAnswers(a)}
		if _, err := db.Apply(ctx, store.Change{At: now, Submission: s}); err != nil {
			t.Fatal(err)
		}
	}
	st, err := report.Compute(ctx, db, "bac-kan/nong-thuong", now)
	if err != nil {
		t.Fatal(err)
	}
	if got := st.Count(counting.TrainingLowIncomeCounter); got != 2 {
		t.Errorf("low-income workers counted: %d, want 2", got)
	}
	forms, _ := flows.Default()
	for lang, want := range map[string]string{
		"vi": "Người lao động có thu nhập thấp (NĐ 30/2025): 2, trong đó 1 muốn học nghề",
		"en": "Low-income workers (Decree 30/2025): 2, of whom 1 want training",
	} {
		if text := report.Digest(st, nil, forms, locales.MustLoad(), lang); !strings.Contains(text, want) {
			t.Errorf("%s digest lacks %q:\n%s", lang, want, text)
		}
	}
	if diffs, err := db.CheckCounters(ctx); err != nil || len(diffs) > 0 {
		t.Errorf("counters: %v %v", diffs, err)
	}

	var buf bytes.Buffer
	if _, err := export.Write(ctx, db, forms, export.Options{Filter: store.SubmissionFilter{Form: "training"}, Format: "csv", NoBOM: true}, &buf); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil || len(rows) != 4 {
		t.Fatalf("export: %d rows, %v", len(rows), err)
	}
	col := slices.Index(rows[0], "low_income_worker")
	if col < 0 {
		t.Fatalf("no low_income_worker column: %v", rows[0])
	}
	var marked []string
	for _, r := range rows[1:] {
		marked = append(marked, r[col])
	}
	slices.Sort(marked)
	if !slices.Equal(marked, []string{"no", "yes", "yes"}) {
		t.Errorf("exported low_income_worker: %v", marked)
	}
}

// Before the category, or where nobody is one, the digest says nothing of it.
func TestDigestWithoutLowIncomeWorkers(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t)
	hhs, _ := db.HouseholdsIn(ctx, "bac-kan/nong-thuong/na-rao")
	a := map[string]string{"household": hhs[0].ID, "person": "Triệu Văn Phong", "wants_training": "no"}
	s := &store.Submission{Form: "training", AreaID: hhs[0].AreaID, HouseholdID: hhs[0].ID, SubmittedAt: now, Answers: a,
		Counted: trainingForm(t).CountedAnswers(a)}
	if _, err := db.Apply(ctx, store.Change{At: now, Submission: s}); err != nil {
		t.Fatal(err)
	}
	st, err := report.Compute(ctx, db, "bac-kan/nong-thuong", now)
	if err != nil {
		t.Fatal(err)
	}
	forms, _ := flows.Default()
	if text := report.Digest(st, nil, forms, locales.MustLoad(), "vi"); strings.Contains(text, "thu nhập thấp") || !strings.Contains(text, "1 người được hỏi") {
		t.Errorf("the digest:\n%s", text)
	}
}

// trainingForm is the built-in training form, which the bot would have run.
func trainingForm(t *testing.T) *flows.Form {
	t.Helper()
	forms, err := flows.Default()
	if err != nil {
		t.Fatal(err)
	}
	return forms.Form("training")
}
