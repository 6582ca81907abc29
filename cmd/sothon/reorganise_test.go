package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The city's plan from the command line: a dry run changes nothing, a bad
// plan is refused, the plan itself backs up first and leaves a database
// that checks out and keeps its tree on the next start; a new database
// can start on the tree after the plan.
func TestAreasReorganise(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db := filepath.Join(dir, "sothon.db")
	if _, stderr, err := sothon(t, "", "chat", "--db", db); err != nil {
		t.Fatalf("chat: %v %s", err, stderr)
	}
	out, stderr, err := sothon(t, "", "areas", "reorganise", "--db", db, "--dry-run", "builtin:bac-kan-2025")
	if err != nil || !strings.Contains(out, "thai-nguyen/duc-xuan  Phường Đức Xuân (ward, 5700 households) ← bac-kan/duc-xuan, bac-kan/nguyen-thi-minh-khai, bac-kan/huyen-tung") ||
		!strings.Contains(out, "dry run: nothing changed") || !strings.Contains(out, "households 17") {
		t.Fatalf("dry run: %v\n%s%s", err, out, stderr)
	}
	if out, _, _ := sothon(t, "", "areas", "--db", db); !strings.HasPrefix(out, "bac-kan  ") {
		t.Fatalf("a dry run changed the tree:\n%s", out)
	}
	bad := filepath.Join(dir, "plan.yaml")
	os.WriteFile(bad, []byte("effective: 2025-07-01\ntop: {id: thai-nguyen, name: \"Tỉnh Thái Nguyên\", kind: province, from: bac-kan}\nunits: []\n"), 0o644)
	if _, stderr, err := sothon(t, "", "areas", "reorganise", "--db", db, bad); err == nil || !strings.Contains(stderr, "no unit takes in") || !strings.Contains(stderr, "nothing changed") {
		t.Fatalf("a plan that leaves villages out: %v %s", err, stderr)
	}
	plan, _ := os.ReadFile("../../tree/plans/bac-kan-2025.yaml")
	os.WriteFile(bad, plan, 0o644)
	out, stderr, err = sothon(t, "", "areas", "reorganise", "--db", db, bad)
	if err != nil || !strings.Contains(out, "backed up") || !strings.Contains(out, "reorganised") {
		t.Fatalf("reorganise: %v\n%s%s", err, out, stderr)
	}
	backups, _ := filepath.Glob(db + ".before-reorganise-*")
	if len(backups) != 1 {
		t.Fatalf("backups: %v", backups)
	}
	if out, _, _ := sothon(t, "", "areas", "--db", backups[0]); !strings.HasPrefix(out, "bac-kan  ") {
		t.Fatalf("the backup is not the tree before:\n%s", out)
	}
	if out, stderr, err := sothon(t, "", "check", "--db", db); err != nil {
		t.Fatalf("check: %v\n%s%s", err, out, stderr)
	}
	if _, stderr, err := sothon(t, "", "chat", "--db", db); err != nil { // the built-in 2023 tree gives way
		t.Fatalf("chat after: %v %s", err, stderr)
	}
	out, _, _ = sothon(t, "", "areas", "--db", db)
	if !strings.HasPrefix(out, "thai-nguyen  Tỉnh Thái Nguyên (province, urban, 12232 households)") ||
		!strings.Contains(out, "thai-nguyen/duc-xuan/khuoi-pai  Tổ Khuổi Pài") {
		t.Fatalf("areas after:\n%s", out)
	}
	if _, stderr, err := sothon(t, "", "chat", "--db", db, "--areas", "builtin:bac-kan"); err == nil || !strings.Contains(stderr, "reorganised") {
		t.Fatalf("the old tree named on a reorganised database: %v %s", err, stderr)
	}
	fresh := filepath.Join(dir, "new.db")
	if _, stderr, err := sothon(t, "", "chat", "--db", fresh, "--areas", "builtin:thai-nguyen-2025"); err != nil {
		t.Fatalf("a new database on the tree after: %v %s", err, stderr)
	}
	if out, _, _ := sothon(t, "", "areas", "--db", fresh); !strings.HasPrefix(out, "thai-nguyen  ") {
		t.Fatalf("new database:\n%s", out)
	}
}
