package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A round opened as annual classifies by the next year's standard; a
// regular one by the standard of its forms' days.
func TestRoundKindNamesItsStandard(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "so.db")
	if out, stderr, err := sothon(t, "", "round", "--db", db, "open", "Định kỳ 2026", "2026-09-01", "2026-12-14", "--kind", "dinh-ky"); err != nil ||
		!strings.Contains(out, "annual, classifying by nd351-2025, 2027–2030") {
		t.Fatalf("annual: %v %s %s", err, out, stderr)
	}
	if _, stderr, err := sothon(t, "", "round", "--db", db, "open", "Khác", "2026-09-01", "2026-12-14", "--kind", "yearly"); err == nil || !strings.Contains(stderr, "--kind is annual") {
		t.Fatalf("a kind unheard of: %v %s", err, stderr)
	}
	// The office's refusals print in English, as the chat and the console say them.
	if _, stderr, err := sothon(t, "", "round", "--db", db, "open", "Khuổi Pài", "2026-09-01", "2026-12-14", "--area", "bac-kan/huyen-tung/khuoi-pai"); err == nil ||
		!strings.Contains(stderr, "not for a village") {
		t.Fatalf("a village's round: %v %s", err, stderr)
	}
	if out, _, err := sothon(t, "", "round", "--db", db, "list"); err != nil || !strings.Contains(out, "annual, by nd351-2025 (2027–2030)") {
		t.Fatalf("list: %v %s", err, out)
	}
	if _, _, err := sothon(t, "", "round", "--db", db, "close"); err != nil {
		t.Fatal(err)
	}
	if out, stderr, err := sothon(t, "", "round", "--db", db, "open", "Thường xuyên tháng 11", "2026-11-15", "2026-11-30"); err != nil ||
		!strings.Contains(out, "regular, classifying by nd07-2021, 2022–2025") {
		t.Fatalf("regular: %v %s %s", err, out, stderr)
	}
}

// A province's standards file replaces the built-in one without a rebuild:
// forms are checked against it, rounds named by it; a bad file is refused.
func TestStandardsFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	data, err := os.ReadFile("../../flows/poverty/standards.yaml")
	if err != nil {
		t.Fatal(err)
	}
	own := filepath.Join(dir, "chuan.yaml")
	os.WriteFile(own, []byte(strings.Replace(string(data), `period: "2027–2030"`, `period: "2027–2030 (Thái Nguyên)"`, 1)), 0o644)
	if out, stderr, err := sothon(t, "", "forms", "check", "--standards", own); err != nil || !strings.Contains(out, "ok  household_nd351") {
		t.Fatalf("forms check: %v %s %s", err, out, stderr)
	}
	db := filepath.Join(dir, "so.db")
	if out, stderr, err := sothon(t, "", "round", "--db", db, "open", "Định kỳ", "2026-09-01", "2026-12-14", "--kind", "annual", "--standards", own); err != nil ||
		!strings.Contains(out, "2027–2030 (Thái Nguyên)") {
		t.Fatalf("round open: %v %s %s", err, out, stderr)
	}
	// A file without NĐ 351 leaves the NĐ 351 form's standard unknown.
	bad := filepath.Join(dir, "bad.yaml")
	os.WriteFile(bad, []byte(strings.Split(string(data), "# NĐ 351/2025")[0]), 0o644)
	if out, _, err := sothon(t, "", "forms", "check", "--standards", bad); err == nil || !strings.Contains(out, `standard "nd351-2025" is not one`) {
		t.Fatalf("forms check against a file without NĐ 351: %v %s", err, out)
	}
	os.WriteFile(bad, []byte("- {id: x}\n"), 0o644)
	if _, stderr, err := sothon(t, "", "forms", "check", "--standards", bad); err == nil || !strings.Contains(stderr, "bad.yaml") {
		t.Fatalf("a broken standards file: %v %s", err, stderr)
	}
}
