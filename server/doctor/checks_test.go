package doctor

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"sothon/bot/delivery"
)

// The newest backup counts, by its time, not its name; one still being
// written (.partial) does not; past StaleBackup it is a problem.
func TestNewestBackupAge(t *testing.T) {
	now := time.Now()
	for _, tc := range []struct {
		name  string
		files map[string]time.Duration // name → age
		want  delivery.Status
		key   string
	}{
		{"fresh", map[string]time.Duration{"sothon-1.db": StaleBackup - time.Hour}, delivery.Fine, "doctor.backup_ok"},
		{"stale", map[string]time.Duration{"sothon-1.db": StaleBackup + time.Hour}, delivery.Problem, "doctor.backup_stale"},
		{"newest by time", map[string]time.Duration{"a.db": time.Hour, "z.db": 100 * time.Hour}, delivery.Fine, "doctor.backup_ok"},
		{"being written", map[string]time.Duration{"sothon-1.db": 100 * time.Hour, "sothon-2.db.partial": 0}, delivery.Problem, "doctor.backup_stale"},
		{"none", nil, delivery.Problem, "doctor.backup_missing"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			for name, age := range tc.files {
				path := filepath.Join(dir, name)
				os.WriteFile(path, []byte("x"), 0o600)
				os.Chtimes(path, now.Add(-age), now.Add(-age))
			}
			r := &Report{At: now}
			r.backups(dir)
			if len(r.Findings) != 1 || r.Findings[0].Status != tc.want || r.Findings[0].Key != tc.key {
				t.Errorf("findings %+v, want %s", r.Findings, tc.key)
			}
		})
	}
	r := &Report{At: now}
	r.backups("")
	if f := r.Findings[0]; f.Status != delivery.Warning || f.Fix == "" {
		t.Errorf("no backup folder: %+v", f)
	}
}
