package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"sothon/bot/platformtest"
	"sothon/server"
	"sothon/store"
)

// binary is the sothon command built once for the tests that run it as a
// separate process, the way an office would.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "sothon-bin")
	if err != nil {
		panic(err)
	}
	binary = filepath.Join(dir, "sothon")
	if runtime.GOOS == "windows" {
		binary += ".exe"
	}
	if out, err := exec.Command("go", "build", "-o", binary, ".").CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "build sothon: %v\n%s", err, out)
		os.Exit(1)
	}
	// A clean stop of an in-process server waits for these; the tests that
	// need the replies out settle before they stop.
	// A failed send is tried again after 50 ms, doubling, not after a second.
	tuneServer = func(c *server.Config) {
		c.StopSend, c.StopRequests = 50*time.Millisecond, 500*time.Millisecond
		c.SendBackoff = func(attempt int) time.Duration { return min(50*time.Millisecond<<min(attempt, 9), 5*time.Second) }
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// sothon runs the built binary with stdin and returns stdout and stderr.
func sothon(t *testing.T, stdin string, args ...string) (string, string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary, args...)
	cmd.Stdin = strings.NewReader(stdin)
	cmd.Env = append(os.Environ(), "SOTHON_TZ=Asia/Ho_Chi_Minh")
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	return out.String(), errOut.String(), err
}

func TestChatThenExportAcrossProcesses(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "sothon.db")
	// The first process stops mid-questionnaire (EOF), the second resumes.
	half := len(platformtest.HouseholdAnswers) / 2
	out, stderr, err := sothon(t, strings.Join(platformtest.HouseholdAnswers[:half], "\n")+"\n", "chat", "--db", db)
	if err != nil || !strings.Contains(out, "Chọn phiếu cần điền") {
		t.Fatalf("first chat: %v\n%s%s", err, out, stderr)
	}
	out, stderr, err = sothon(t, strings.Join(platformtest.HouseholdAnswers[half:], "\n")+"\n1\n", "chat", "--db", db)
	if err != nil {
		t.Fatalf("second chat: %v\n%s", err, stderr)
	}
	if !strings.Contains(out, "Anh/chị đang điền dở phiếu") || !strings.Contains(out, "Đã lưu phiếu") {
		t.Fatalf("second chat did not resume and save:\n%s", out)
	}
	csvOut, stderr, err := sothon(t, "", "export", "--db", db, "--format", "csv")
	if err != nil {
		t.Fatalf("export: %v\n%s", err, stderr)
	}
	csvOut, bom := strings.CutPrefix(csvOut, "\ufeff")
	if !bom {
		t.Errorf("the CSV export does not start with a BOM")
	}
	rows, err := csv.NewReader(strings.NewReader(csvOut)).ReadAll()
	if err != nil || len(rows) != 2 {
		t.Fatalf("export: %d rows, %v\n%s", len(rows), err, csvOut)
	}
	row := map[string]string{}
	for i, col := range rows[0] {
		row[col] = rows[1][i]
	}
	// Lacking: employment, dependants (3 of 5 outside working age), insurance.
	want := map[string]string{"form": "household", "class": "poor", "lacking": "3", "income_pc": "0.9",
		"household_name": "Lương Thị Lan", "area_id": "bac-kan/huyen-tung/khuoi-pai", "causes": "no_capital;no_labour",
		"nutrition": "no", "members": "5", "submission_id": "1", "form_version": "2026.2", "note": "",
		"review_state": "received", "replaces": "", "replaced_by": "", "current": "yes"}
	for col, v := range want {
		if row[col] != v {
			t.Errorf("column %s = %q, want %q", col, row[col], v)
		}
	}
	if out, stderr, err := sothon(t, "", "export", "--db", db, "--current", "--no-bom"); err != nil || strings.Count(out, "\n") != 2 || !strings.Contains(out, ",received,,,yes,") {
		t.Errorf("export --current: %v\n%s%s", err, out, stderr)
	}
	if at, err := time.Parse(time.RFC3339, row["submitted_at"]); err != nil || !strings.HasSuffix(row["submitted_at"], "+07:00") {
		t.Errorf("submitted_at %q (%v): want RFC 3339 in the local zone", row["submitted_at"], at)
	}
}

func TestCommandLineErrors(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "x.db")
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"nope"}, `unknown command "nope"`},
		{[]string{"chat", "--db", db, "--as", "mayor:bac-kan"}, "role must be head, official, reviewer or admin"},
		{[]string{"chat", "--db", db, "--as", "head"}, "use ROLE:AREA_ID"},
		{[]string{"chat", "--db", db, "--as", "head:nowhere"}, `--as "nowhere": no such area`},
		{[]string{"chat", "--db", db, "--lang", "fr"}, "use vi or en"},
		{[]string{"export", "--db", db, "--format", "pdf"}, "use csv, json, xlsx or geojson"},
		{[]string{"export", "--db", db, "--form", "census"}, "no such questionnaire"},
		{[]string{"export", "--db", filepath.Join(t.TempDir(), "none.db")}, "no database"},
		{[]string{"backup", "--db", db}, "usage: sothon backup OUT, or sothon backup --dir DIR"},
		{[]string{"forms", "lint"}, "usage: sothon forms check"},
		{[]string{"chat", "--db", db, "--tz", "Mars/Base"}, "time zone"},
		{[]string{"chat", "--db", db, "--run-ttl", "-1h"}, `--run-ttl "-1h": use a positive duration such as 72h`},
		{[]string{"chat", "--db", db, "--areas", filepath.Join(t.TempDir(), "none.yaml")}, "areas file"},
	}
	for _, tt := range tests {
		_, stderr, err := sothon(t, "", tt.args...)
		if err == nil || !strings.Contains(stderr, tt.want) {
			t.Errorf("sothon %v: err %v, stderr %q; want it to say %q", tt.args, err, stderr, tt.want)
		}
	}
}

func TestHeldDatabaseGivesAClearErrorAtOnce(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "held.db")
	held, err := store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()
	for _, args := range [][]string{{"export", "--db", path}, {"chat", "--db", path}, {"backup", "--db", path, filepath.Join(t.TempDir(), "b.db")}} {
		start := time.Now()
		_, stderr, err := sothon(t, "", args...)
		var exit *exec.ExitError
		if !errors.As(err, &exit) || !strings.Contains(stderr, "in use by another sothon process") {
			t.Errorf("sothon %v: %v, %q", args, err, stderr)
		}
		if d := time.Since(start); d > 10*time.Second {
			t.Errorf("sothon %v took %v", args, d)
		}
	}
}

func TestFormsCheckPrintsEveryProblem(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	bad := "id: x\nversion: '1'\ntitle: {vi: a, en: b}\nquestions:\n - {id: a, type: number, label: {vi: a}}\n - {id: b, type: integer, label: {vi: b, en: b}, relevant: c > 1}\n"
	if err := os.WriteFile(filepath.Join(dir, "x.yaml"), []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	out, _, err := sothon(t, "", "forms", "check", dir)
	if err == nil {
		t.Fatal("forms check passed a broken form")
	}
	for _, want := range []string{`x.yaml: question a: unknown type "number"`, "x.yaml: question a: label: missing in en", `x.yaml: question b: relevant: unknown name "c"`} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	out, _, err = sothon(t, "", "forms", "check")
	if err != nil || !strings.Contains(out, "ok  household") {
		t.Errorf("built-in forms: %v\n%s", err, out)
	}
}

func TestAreasAndBackup(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db := filepath.Join(dir, "sothon.db")
	if _, stderr, err := sothon(t, "", "chat", "--db", db); err != nil { // creates the database
		t.Fatalf("chat: %v %s", err, stderr)
	}
	out, _, err := sothon(t, "", "areas", "--db", db)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 1+8+24 || !strings.HasPrefix(lines[0], "bac-kan  Thành phố Bắc Kạn (city, urban, 12232 households)") {
		t.Fatalf("areas: %d lines\n%s", len(lines), out)
	}
	if !strings.Contains(out, "    bac-kan/huyen-tung/khuoi-pai  Tổ Khuổi Pài (village, urban, 480 households)") ||
		!strings.Contains(out, "bac-kan/duong-quang  Xã Dương Quang (commune, rural, 700 households)") {
		t.Errorf("areas output lacks expected lines:\n%s", out)
	}
	copyPath := filepath.Join(dir, "copy.db")
	if out, stderr, err := sothon(t, "", "backup", "--db", db, copyPath); err != nil || !strings.Contains(out, "backed up") {
		t.Fatalf("backup: %v %s %s", err, out, stderr)
	}
	if out, _, err := sothon(t, "", "areas", "--db", copyPath); err != nil || !strings.Contains(out, "khuoi-pai") {
		t.Fatalf("the backup does not open: %v", err)
	}
}

func TestOfficeCommands(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db := filepath.Join(dir, "sothon.db")
	reg := filepath.Join(dir, "register.csv")
	os.WriteFile(reg, []byte("area_id,household_id,head_name,members,status\n"+
		"bac-kan/huyen-tung/khuoi-pai,K1,Hoàng Văn Thắng,4,ngheo\n"+
		"bac-kan/huyen-tung/khuoi-pai,K2,Lục Thị Mai,3,can ngheo\n"+
		"bac-kan/huyen-tung/khuoi-pai,K3,X,3,poor\n"), 0o644)
	_, stderr, err := sothon(t, "", "import", "--db", db, "households", reg)
	if err == nil || !strings.Contains(stderr, "line 4: head_name") || !strings.Contains(stderr, "nothing was imported") {
		t.Fatalf("import with a bad row: %v\n%s", err, stderr)
	}
	if out, stderr, err := sothon(t, "", "import", "--db", db, "--skip-bad", "households", reg); err != nil || !strings.Contains(out, "imported 2 households") {
		t.Fatalf("import --skip-bad: %v %s %s", err, out, stderr)
	}
	picture := filepath.Join(dir, "so-ho.csv")
	os.WriteFile(picture, []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), 0o644)
	if _, stderr, err := sothon(t, "", "import", "--db", db, "households", picture); err == nil || !strings.Contains(stderr, "so-ho.csv is not a spreadsheet saved as text") {
		t.Fatalf("a picture imported: %v %s", err, stderr)
	}
	for _, args := range [][]string{{"round", "--db", db, "open", "Rà soát cuối năm 2023", "2023-09-01", "2023-12-14"}, {"round", "--db", db, "list"}} {
		if out, stderr, err := sothon(t, "", args...); err != nil || !strings.Contains(out, "Rà soát cuối năm 2023") {
			t.Fatalf("%v: %v %s %s", args, err, out, stderr)
		}
	}
	if _, stderr, err := sothon(t, "", "round", "--db", db, "open", "Khác", "2023-12-14", "2023-09-01"); err == nil || !strings.Contains(stderr, "the first not after the last") {
		t.Fatalf("a round backwards: %v %s", err, stderr)
	}
	chart := filepath.Join(dir, "chart.png")
	out, stderr, err := sothon(t, "", "digest", "--db", db, "--area", "bac-kan/huyen-tung", "--chart", chart)
	if err != nil || !strings.Contains(out, "Hộ nghèo: 1 (0,07%)") {
		t.Fatalf("digest: %v\n%s%s", err, out, stderr)
	}
	// A week before the register was imported shows that week's figures.
	out, stderr, err = sothon(t, "", "digest", "--db", db, "--area", "bac-kan/huyen-tung", "--week", "2023-W37")
	if err != nil || !strings.Contains(out, "Báo cáo tuần 37, 11/09–17/09/2023") || !strings.Contains(out, "Hộ nghèo: 0 (0%)") {
		t.Fatalf("digest of a past week: %v\n%s%s", err, out, stderr)
	}
	if png, err := os.ReadFile(chart); err != nil || !bytes.HasPrefix(png, []byte("\x89PNG")) {
		t.Fatalf("chart file: %v", err)
	}
	if _, stderr, err := sothon(t, "", "digest", "--db", db, "--week", "2023-W60"); err == nil || !strings.Contains(stderr, "no such week") {
		t.Fatalf("bad week: %v %s", err, stderr)
	}
	if out, _, err := sothon(t, "", "remind", "--db", db); err != nil || !strings.Contains(out, "0 head(s) behind") {
		t.Fatalf("remind: %v %s", err, out)
	}
	xlsx := filepath.Join(dir, "out.xlsx")
	if _, stderr, err := sothon(t, "", "export", "--db", db, "--format", "xlsx", "--out", xlsx); err != nil || !strings.Contains(stderr, "exported 0") {
		t.Fatalf("export xlsx: %v %s", err, stderr)
	}
	if out, _, err := sothon(t, "", "round", "--db", db, "close"); err != nil || !strings.Contains(out, "closed round 1") {
		t.Fatalf("close: %v %s", err, out)
	}
}
