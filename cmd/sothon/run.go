package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"sothon/server"
	"sothon/setting"
	"sothon/store"
)

// env is what a subcommand gets from the outside world.
type env struct {
	getenv func(string) string
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	// served is the server's open database, for a command that came
	// through its admin socket; nil otherwise.
	served *store.DB
}

// usageError is a mistake on the command line; it exits with status 2.
type usageError struct{ msg string }

func (u usageError) Error() string { return u.msg }

func exitCode(err error) int {
	var u usageError
	var bad *setting.Error
	if errors.As(err, &u) || errors.As(err, &bad) || errors.Is(err, server.ErrNoChannel) {
		return 2
	}
	return 1
}

// run runs the command args name. One that finds the database held by a
// running server goes through the server's admin socket.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	e := &env{getenv: getenv, stdin: stdin, stdout: stdout, stderr: stderr}
	err := runWith(ctx, e, args)
	var held heldError
	if errors.As(err, &held) {
		if ok, rerr := tryRemote(ctx, e, held.path, args); ok {
			return rerr
		}
	}
	return err
}

// runWith builds the command tree and runs the command args name.
func runWith(ctx context.Context, e *env, args []string) error {
	root := newRoot(e)
	root.SetArgs(args)
	root.SetIn(e.stdin)
	root.SetOut(e.stdout)
	root.SetErr(e.stderr)
	if len(args) == 0 {
		root.Help()
		return usageError{"no command given"}
	}
	err := root.ExecuteContext(ctx)
	if err != nil && strings.HasPrefix(err.Error(), "unknown command") {
		return usageError{err.Error()}
	}
	return err
}

// newRoot is the sothon command with its subcommands. The settings most
// of them share are persistent flags, defaulting to SOTHON_* variables.
func newRoot(e *env) *cobra.Command {
	c := &common{served: e.served}
	root := &cobra.Command{
		Use:           "sothon",
		Short:         "Sổ Thôn — chat-based household surveys for poverty reduction",
		SilenceErrors: true,
		SilenceUsage:  true,
	}
	c.register(root, e)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err.Error()} })
	root.AddCommand(newChatCmd(e, c), newServeCmd(e, c), newInviteCmd(e, c), newImportCmd(e, c),
		newExportCmd(e, c), newStatsCmd(e, c), newDigestCmd(e, c), newRemindCmd(e, c), newRoundCmd(e, c),
		newBackupCmd(e, c), newCheckCmd(e, c), newAreasCmd(e, c), newFormsCmd(e, c), newLoginLinkCmd(e, c), newListsCmd(e, c),
		newUsersCmd(e, c), newDoctorCmd(e, c), newVersionCmd(e))
	return root
}

// exactly requires n words after a command, as its usage line says.
func exactly(n int) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) != n {
			return usageError{fmt.Sprintf("usage: sothon %s", cmd.UseLine()[len("sothon "):])}
		}
		return nil
	}
}

// noWords refuses words after a command that takes only flags.
func noWords(cmd *cobra.Command, args []string) error { return exactly(0)(cmd, args) }
