// Package jobs runs the office's scheduled work: weekly digests for
// officials, reminders for village heads, and the village review's daily
// reminders to whoever is late, on cron schedules that run each slot once,
// even across restarts.
package jobs
