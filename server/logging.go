package server

import (
	"io"
	"log/slog"
)

// Logger is the server's log on w, at the configured level and format.
func (c Config) Logger(w io.Writer) *slog.Logger {
	opts := &slog.HandlerOptions{Level: c.LogLevel}
	if c.LogJSON {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// component names the part of the server a log line comes from.
func component(log *slog.Logger, name string) *slog.Logger { return log.With("component", name) }
