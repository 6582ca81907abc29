package main

import (
	"fmt"
	"io"
	"log/slog"
	"strings"
)

// logSettings reads SOTHON_LOG_LEVEL (debug, info, warn, error) and
// SOTHON_LOG_FORMAT (text, or json for a log collector).
func logSettings(e *env) (slog.Level, bool, error) {
	var level slog.Level
	if err := level.UnmarshalText([]byte(envOr(e, "SOTHON_LOG_LEVEL", "info"))); err != nil {
		return 0, false, usageError{fmt.Sprintf("SOTHON_LOG_LEVEL=%q: use debug, info, warn or error", e.getenv("SOTHON_LOG_LEVEL"))}
	}
	switch format := strings.ToLower(envOr(e, "SOTHON_LOG_FORMAT", "text")); format {
	case "text", "json":
		return level, format == "json", nil
	default:
		return 0, false, usageError{fmt.Sprintf("SOTHON_LOG_FORMAT=%q: use text or json", format)}
	}
}

func newLogger(w io.Writer, level slog.Level, json bool) *slog.Logger {
	opts := &slog.HandlerOptions{Level: level}
	if json {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// component names the part of the server a log line comes from.
func component(log *slog.Logger, name string) *slog.Logger { return log.With("component", name) }
