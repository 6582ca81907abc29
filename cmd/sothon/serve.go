package main

import (
	"context"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"sothon/server"
	"sothon/store"
)

// tuneServer, when set, adjusts the server's timings before it runs; the
// tests of this package shorten the stop waits and the retry backoff.
var tuneServer func(*server.Config)

func newServeCmd(e *env, c *common) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "run the bot on the configured chat platforms",
		Long:  "Run the bot on every configured chat platform (Telegram, Zalo Bot, Zalo OA; see docs/DEPLOY.md for their SOTHON_* settings), with /healthz, the webhooks and the office console on --addr.",
		Args:  noWords,
	}
	server.ServeFlags(cmd.Flags())
	c.allowNew(cmd)
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		cfg, err := server.ReadConfig(e.getenv, cmd.Flags())
		if err != nil {
			return err
		}
		if tuneServer != nil {
			tuneServer(&cfg)
		}
		return serve(cmd.Context(), e, c, cfg)
	}
	return cmd
}

func serve(ctx context.Context, e *env, c *common, cfg server.Config) error {
	w, err := c.openWorld(ctx)
	if err != nil {
		return err
	}
	defer w.db.Close()
	return server.Run(ctx, cfg, server.Parts{DB: w.db, Forms: w.forms, Loc: w.loc, Log: cfg.Logger(e.stderr),
		Admin: func(ctx context.Context, db *store.DB, args []string, stdout, stderr io.Writer) (int, error) {
			return runServed(ctx, e, db, args, stdout, stderr)
		}})
}

// runServed runs a command that came through the server's admin socket on
// the server's open database.
func runServed(ctx context.Context, e *env, db *store.DB, args []string, stdout, stderr io.Writer) (int, error) {
	if !remote(args) {
		return 0, server.ErrNotAdmin
	}
	served := &env{getenv: e.getenv, stdin: strings.NewReader(""), stdout: stdout, stderr: stderr, served: db}
	if err := runWith(ctx, served, args); err != nil {
		return exitCode(err), err
	}
	return 0, nil
}
