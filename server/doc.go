// Package server assembles and runs what `sothon serve` runs: the engine
// on the open store, every configured chat platform with its receiver and
// sender, the weekly jobs, the office console, the admin socket,
// housekeeping, the health endpoint and file links, configured from the
// one table of SOTHON_* settings (settings.go) and stopped in order.
package server
