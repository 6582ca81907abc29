package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// A round opened as annual classifies by the next year's standard; a
// regular one by the standard of its forms' days.
func TestRoundKindNamesItsStandard(t *testing.T) {
	db := filepath.Join(t.TempDir(), "so.db")
	if out, stderr, err := sothon(t, "", "round", "--db", db, "open", "Định kỳ 2026", "2026-09-01", "2026-12-14", "--kind", "dinh-ky"); err != nil ||
		!strings.Contains(out, "annual, classifying by nd351-2025, 2027–2030") {
		t.Fatalf("annual: %v %s %s", err, out, stderr)
	}
	if _, stderr, err := sothon(t, "", "round", "--db", db, "open", "Khác", "2026-09-01", "2026-12-14", "--kind", "yearly"); err == nil || !strings.Contains(stderr, "--kind is annual") {
		t.Fatalf("a kind unheard of: %v %s", err, stderr)
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
