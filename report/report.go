// Package report turns stored submissions into what officials read:
// exports now, and stats, digests and charts as they come.
package report
