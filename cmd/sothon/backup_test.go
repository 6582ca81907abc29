package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"sothon/store"
)

// backupDir fills a folder with two old backups and files of the office's
// own, and returns it with the names that must stay whatever --keep says.
func backupDir(t *testing.T) (dir string, others []string) {
	dir = filepath.Join(t.TempDir(), "backups")
	os.Mkdir(dir, 0o700)
	others = []string{"README.txt", "sothon-before-upgrade.db", "sothon-20200101-000000.db.gz"}
	for _, name := range append([]string{"sothon-20200101-000000.db", "sothon-20200102-000000.db"}, others...) {
		os.WriteFile(filepath.Join(dir, name), []byte("old"), 0o600)
	}
	return dir, others
}

// holds lists dir and checks that it holds others and keep backups, the
// newest of them a copy of the database that opens, readable by its
// owner only.
func holds(t *testing.T, dir string, others []string, keep int) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var backups, rest []string
	for _, e := range entries {
		if store.IsBackupName(e.Name()) {
			backups = append(backups, e.Name())
		} else {
			rest = append(rest, e.Name())
		}
	}
	slices.Sort(others)
	if !slices.Equal(rest, others) {
		t.Errorf("other files: %q, want %q untouched", rest, others)
	}
	if len(backups) != keep {
		t.Fatalf("backups %q, want %d", backups, keep)
	}
	newest := filepath.Join(dir, backups[len(backups)-1])
	if st, err := os.Stat(newest); err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("%s: %v %v, want 0600", newest, err, st)
	}
	if err := store.VerifyCopy(newest); err != nil {
		t.Errorf("the new backup: %v", err)
	}
}

// The nightly timer's command: a dated copy in a folder, the oldest
// beyond --keep removed, the office's own files left alone.
func TestBackupDirKeepsTheNewest(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "sothon.db")
	if _, stderr, err := sothon(t, "", "chat", "--db", db); err != nil {
		t.Fatalf("chat: %v %s", err, stderr)
	}
	dir, others := backupDir(t)
	out, stderr, err := sothon(t, "", "backup", "--db", db, "--dir", dir, "--keep", "2")
	if err != nil || !strings.Contains(out, "backed up") {
		t.Fatalf("backup --dir: %v %s %s", err, out, stderr)
	}
	holds(t, dir, others, 2)

	fresh := filepath.Join(t.TempDir(), "new", "backups")
	if _, stderr, err := sothon(t, "", "backup", "--db", db, "--dir", fresh); err != nil {
		t.Fatalf("backup into a new folder: %v %s", err, stderr)
	}
	if st, err := os.Stat(fresh); err != nil || st.Mode().Perm() != 0o700 {
		t.Errorf("the new folder: %v %v, want 0700", err, st)
	}
	holds(t, fresh, nil, 1)
}

// While the server holds the database, --dir goes through its admin
// socket like `backup OUT`, also with the shared flags first.
func TestBackupDirWhileServing(t *testing.T) {
	t.Parallel()
	h := serveHere(t)
	dir, others := backupDir(t)
	var out, errOut bytes.Buffer
	err := run(context.Background(), []string{"--db", h.dbPath, "backup", "--dir", dir, "--keep", "1"}, h.getenv, strings.NewReader(""), &out, &errOut)
	if err != nil || !strings.Contains(out.String(), "backed up") {
		t.Fatalf("backup --dir while serving: %v\n%s%s", err, out.String(), errOut.String())
	}
	if !strings.Contains(h.logs.String(), `command=backup`) {
		t.Errorf("the backup did not go through the server:\n%s", h.logs.String())
	}
	holds(t, dir, others, 1)
}

// A backup command line that does not say one place to write is refused
// with what to write instead (exit status 2), and writes nothing.
func TestBackupRefusesBadFlags(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "sothon.db")
	if _, stderr, err := sothon(t, "", "chat", "--db", db); err != nil {
		t.Fatalf("chat: %v %s", err, stderr)
	}
	dir := t.TempDir()
	out := filepath.Join(dir, "copy.db")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"backup"}, "usage: sothon backup OUT, or sothon backup --dir DIR [--keep N]"},
		{[]string{"backup", out, "--dir", dir}, "give OUT or --dir, not both"},
		{[]string{"backup", out, out + "2"}, "usage: sothon backup OUT"},
		{[]string{"backup", out, "--keep", "3"}, "--keep goes with --dir"},
		{[]string{"backup", "--dir", dir, "--keep", "0"}, "--keep 0: keep at least 1 backup"},
		{[]string{"backup", "--dir", dir, "--keep", "-2"}, "--keep -2: keep at least 1 backup"},
		{[]string{"backup", "--dir", dir, "--keep", "many"}, `invalid argument "many" for "--keep"`},
		{[]string{"backup", "--dir", dir, "--force"}, "--force goes with OUT"},
	} {
		var stdout, stderr bytes.Buffer
		err := run(context.Background(), append(tc.args, "--db", db), func(string) string { return "" }, strings.NewReader(""), &stdout, &stderr)
		if err == nil || exitCode(err) != 2 || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("sothon %v: %v (exit %d), want it to say %q", tc.args, err, exitCode(err), tc.want)
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("a refused backup wrote %d files", len(entries))
	}
}
