package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"
)

// env is what a subcommand gets from the outside world.
type env struct {
	getenv func(string) string
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
}

// usageError is a mistake on the command line; it exits with status 2.
type usageError struct{ msg string }

func (u usageError) Error() string { return u.msg }

func exitCode(err error) int {
	var u usageError
	if errors.As(err, &u) {
		return 2
	}
	return 1
}

// run builds the command tree and runs the command args name.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	e := &env{getenv: getenv, stdin: stdin, stdout: stdout, stderr: stderr}
	root := newRoot(e)
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
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
	c := &common{}
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
		newBackupCmd(e, c), newCheckCmd(e, c), newAreasCmd(e, c), newFormsCmd(e, c))
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
