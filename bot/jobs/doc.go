// Package jobs runs the office's scheduled work: weekly digests for
// officials and reminders for village heads, on cron schedules that run
// each slot once, even across restarts.
package jobs
