package doctor

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"sothon/flows/poverty"
	"sothon/report/lists"
	"sothon/server"
	"sothon/store"
)

// StaleBackup is the age past which the newest backup is a problem: a
// nightly backup missed once, with a few hours to spare.
const StaleBackup = 36 * time.Hour

// MinFreeDisk is the free space beside the database below which the disk
// is a problem: a backup and a day of growth need room.
const MinFreeDisk = 1 << 30

// forms loads the questionnaires and the standards.
func (r *Report) forms(o Options) {
	set, err := o.LoadForms()
	if err != nil {
		r.add(problem("doctor.forms_bad", "doctor.forms_bad_fix", "error", err.Error()))
		return
	}
	ss := poverty.Default()
	r.add(fine("doctor.forms_ok", "forms", len(set.Forms), "standard", ss.Newest().Name))
}

// clock loads the time zone and tells the time in it.
func (r *Report) clock(o Options) {
	loc, err := time.LoadLocation(o.TZ)
	if err != nil {
		r.add(problem("doctor.tz_bad", "doctor.tz_bad_fix", "tz", o.TZ))
		return
	}
	r.At = r.At.In(loc)
	r.add(fine("doctor.clock", "time", r.At.Format("02/01/2006 15:04:05"), "tz", o.TZ))
}

// database checks the file as `sothon check` does, and counts what waits.
func (r *Report) database(ctx context.Context, o Options) {
	args := []any{"db", o.DBPath}
	switch {
	case errors.Is(o.DBErr, store.ErrDamaged):
		r.add(problem("doctor.db_damaged", "doctor.db_damaged_fix", args...))
		return
	case errors.Is(o.DBErr, os.ErrNotExist):
		r.add(problem("doctor.db_missing", "doctor.db_missing_fix", args...))
		return
	case o.DBErr != nil:
		r.add(problem("doctor.db_unopened", "doctor.db_unopened_fix", append(args, "error", o.DBErr.Error())...))
		return
	}
	db := o.DB
	if err := db.Check(); err != nil {
		r.add(problem("doctor.db_damaged", "doctor.db_damaged_fix", args...))
		return
	}
	counters, err := db.CheckCounters(ctx)
	if err == nil {
		var standings []store.StandingDiff
		if standings, err = db.CheckStandings(ctx); err == nil {
			var figures []lists.Disagreement
			if figures, err = lists.Agreement(ctx, db); err == nil {
				if n := len(counters) + len(standings) + len(figures); n > 0 {
					r.add(problem("doctor.db_disagrees", "doctor.db_disagrees_fix", append(args, "count", n)...))
					return
				}
			}
		}
	}
	if err != nil {
		r.add(problem("doctor.db_unopened", "doctor.db_unopened_fix", append(args, "error", err.Error())...))
		return
	}
	version, _ := db.Version()
	r.add(fine("doctor.db_ok", append(args, "schema", version)...))
	r.counts(ctx, db)
}

// counts tells how many users there are, rounds open and messages waiting.
func (r *Report) counts(ctx context.Context, db *store.DB) {
	users, err := db.Users(ctx)
	if err != nil {
		return
	}
	rounds, err := db.Rounds(ctx)
	if err != nil {
		return
	}
	open := 0
	for _, rd := range rounds {
		if rd.Closed.IsZero() {
			open++
		}
	}
	inbox, outbox, err := db.Queues(ctx)
	if err != nil {
		return
	}
	r.add(fine("doctor.counts", "users", len(users), "rounds", open, "outbox", outbox, "inbox", inbox))
}

// backups finds the newest backup in dir and tells its age.
func (r *Report) backups(dir string) {
	if dir == "" {
		r.add(warning("doctor.backup_none", "doctor.backup_none_fix"))
		return
	}
	entries, err := os.ReadDir(dir)
	var newest os.FileInfo
	for _, e := range entries {
		if !e.Type().IsRegular() || !strings.HasSuffix(e.Name(), ".db") {
			continue // a .partial one being written, a folder
		}
		if info, err := e.Info(); err == nil && (newest == nil || info.ModTime().After(newest.ModTime())) {
			newest = info
		}
	}
	args := []any{"dir", dir, "setting", "SOTHON_BACKUP_DIR"}
	if err != nil || newest == nil {
		r.add(problem("doctor.backup_missing", "doctor.backup_missing_fix", args...))
		return
	}
	age := r.At.Sub(newest.ModTime())
	args = append(args, "file", filepath.Join(dir, newest.Name()), "hours", int(age.Hours()), "limit", int(StaleBackup.Hours()))
	if age > StaleBackup {
		r.add(problem("doctor.backup_stale", "doctor.backup_stale_fix", args...))
		return
	}
	r.add(fine("doctor.backup_ok", args...))
}

// disk tells the free space beside the database.
func (r *Report) disk(o Options) {
	free, err := freeSpace(filepath.Dir(o.DBPath))
	if err != nil {
		r.add(warning("doctor.disk_unknown", "", "error", err.Error()))
		return
	}
	args := []any{"dir", filepath.Dir(o.DBPath), "mb", free >> 20, "gb", free >> 30}
	if free < MinFreeDisk {
		r.add(problem("doctor.disk_low", "doctor.disk_low_fix", args...))
		return
	}
	r.add(fine("doctor.disk_ok", args...))
}

// publicURL checks that the public address is HTTPS and reaches this
// server: its /healthz names the instance the database names.
func (r *Report) publicURL(ctx context.Context, o Options, public string) {
	if public == "" {
		r.add(warning("doctor.public_url_none", "doctor.public_url_none_fix"))
		return
	}
	args := []any{"url", public}
	if !strings.HasPrefix(public, "https://") {
		r.add(problem("doctor.public_url_http", "doctor.public_url_http_fix", args...))
	}
	got, err := fetchInstance(ctx, o.HTTP, public)
	if err != nil {
		r.add(problem("doctor.public_url_unreachable", "doctor.public_url_unreachable_fix", append(args, "error", err.Error())...))
		return
	}
	var want string
	if o.DB != nil {
		want, err = server.InstanceID(ctx, o.DB)
	}
	switch {
	case o.DB == nil || err != nil:
		return // the database's problem is told above
	case want == "":
		r.add(warning("doctor.public_url_unproven", "doctor.public_url_unproven_fix", args...))
	case got != want:
		r.add(problem("doctor.public_url_other", "doctor.public_url_other_fix", args...))
	default:
		r.add(fine("doctor.public_url_ok", args...))
	}
}

// fetchInstance reads the instance a server's /healthz names.
func fetchInstance(ctx context.Context, client *http.Client, public string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimRight(public, "/")+"/healthz", nil)
	if err != nil {
		return "", err
	}
	resp, err := client.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return "", errors.New(resp.Status)
	}
	var health struct {
		Status   string `json:"status"`
		Instance string `json:"instance"`
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<16)).Decode(&health); err != nil || health.Status != "ok" {
		return "", errors.New("/healthz: not a Sổ Thôn server")
	}
	return health.Instance, nil
}
