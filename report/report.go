// Package report turns the counters into what officials read: the figures
// of an area (/stats, the dashboard, stats --format json), the weekly
// digest with its chart, and the villages behind.
package report
