package jobs

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/robfig/cron/v3"

	"sothon/store"
)

// Default schedules, in the office's time zone: digests on Monday at
// 07:00, reminders on Thursday at 08:00.
const (
	DefaultDigestCron = "0 7 * * 1"
	DefaultRemindCron = "0 8 * * 4"
)

// Schedule runs jobs on cron schedules. Each slot runs at most once, even
// across restarts, and a slot missed while the server was down runs once
// when it comes back the same day. A job that panics is logged and the
// schedule goes on.
type Schedule struct {
	Store *store.DB
	Loc   *time.Location
	Now   func() time.Time
	Log   *slog.Logger

	jobs []job
}

type job struct {
	name  string
	sched cron.Schedule
	run   func(context.Context) error
}

// Add schedules run under name with a standard five-field cron spec.
func (s *Schedule) Add(name, spec string, run func(context.Context) error) error {
	sched, err := cron.ParseStandard(spec)
	if err != nil {
		return fmt.Errorf("bot: schedule %s %q: %w", name, spec, err)
	}
	s.jobs = append(s.jobs, job{name: name, sched: sched, run: run})
	return nil
}

// CatchUp runs, once, each job whose latest slot today passed while the
// server was down.
func (s *Schedule) CatchUp(ctx context.Context) {
	now := s.now()
	for _, j := range s.jobs {
		slot, ok := lastSlot(j.sched, now)
		if !ok || !sameDay(slot, now) {
			continue
		}
		s.runOnce(ctx, j, slot)
	}
}

// Start runs the jobs on their schedules until ctx ends; the returned
// function waits for a running job to finish.
func (s *Schedule) Start(ctx context.Context) (wait func()) {
	c := cron.New(cron.WithLocation(s.Loc))
	for _, j := range s.jobs {
		c.Schedule(j.sched, cron.FuncJob(func() {
			s.runOnce(ctx, j, s.now().Truncate(time.Minute))
		}))
	}
	c.Start()
	return func() { <-c.Stop().Done() }
}

func (s *Schedule) now() time.Time {
	now := time.Now
	if s.Now != nil {
		now = s.Now
	}
	return now().In(s.Loc)
}

// runOnce runs a job for a slot unless that slot already ran. The slot is
// recorded before the job runs: a crash mid-run must not send the same
// digest twice.
func (s *Schedule) runOnce(ctx context.Context, j job, slot time.Time) {
	key := "cron:" + j.name
	last, err := s.Store.Setting(ctx, key)
	if err != nil {
		s.Log.Error("scheduled job: read last slot", "job", j.name, "err", err)
		return
	}
	if t, err := time.Parse(time.RFC3339, last); err == nil && !t.Before(slot) {
		return
	}
	if err := s.Store.SetSetting(ctx, key, slot.Format(time.RFC3339)); err != nil {
		s.Log.Error("scheduled job: record slot", "job", j.name, "err", err)
		return
	}
	defer func() {
		if r := recover(); r != nil {
			s.Log.Error("scheduled job panicked; the schedule goes on", "job", j.name, "panic", fmt.Sprint(r))
		}
	}()
	if err := j.run(ctx); err != nil {
		s.Log.Error("scheduled job failed", "job", j.name, "slot", slot, "err", err)
		return
	}
	s.Log.Info("scheduled job done", "job", j.name, "slot", slot)
}

// lastSlot is the latest time at or before now that the schedule fires.
func lastSlot(sched cron.Schedule, now time.Time) (time.Time, bool) {
	var last time.Time
	for t := sched.Next(now.AddDate(0, 0, -8)); !t.After(now); t = sched.Next(t) {
		last = t
	}
	return last, !last.IsZero()
}

func sameDay(a, b time.Time) bool {
	ay, am, ad := a.Date()
	by, bm, bd := b.Date()
	return ay == by && am == bm && ad == bd
}
