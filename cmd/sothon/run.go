package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"sort"
	"strings"
)

// command is one subcommand.
type command struct {
	summary string
	run     func(ctx context.Context, e *env, args []string) error
}

var commands = map[string]command{
	"chat":   {"talk to the bot in this terminal", runChat},
	"areas":  {"print the area tree with ids", runAreas},
	"forms":  {"check questionnaires: forms check [DIR]", runForms},
	"export": {"export submissions as CSV or JSON", runExport},
	"backup": {"write a consistent copy of the database: backup OUT", runBackup},
	"serve":  {"run the bot on the configured chat platforms", runServe},
	"invite": {"create a one-time invite code for a person to join", runInvite},
	"import": {"import the household register: import households FILE.csv|FILE.xlsx", runImport},
	"round":  {"open, close or list review rounds", runRound},
	"digest": {"print an area's weekly digest, or queue every official's", runDigest},
	"check":  {"check the database's pages and recount every counter", runCheck},
	"stats":  {"print an area's figures as /stats shows them, or as JSON", runStats},
	"remind": {"list the village heads behind, or queue their reminders", runRemind},
}

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
	if errors.As(err, &u) || errors.Is(err, flag.ErrHelp) {
		return 2
	}
	return 1
}

func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	e := &env{getenv: getenv, stdin: stdin, stdout: stdout, stderr: stderr}
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		printUsage(stdout)
		if len(args) == 0 {
			return usageError{"no command given"}
		}
		return nil
	}
	cmd, ok := commands[args[0]]
	if !ok {
		printUsage(stderr)
		return usageError{fmt.Sprintf("unknown command %q", args[0])}
	}
	return cmd.run(ctx, e, args[1:])
}

func printUsage(w io.Writer) {
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	var b strings.Builder
	b.WriteString("Sổ Thôn — chat-based household surveys for poverty reduction.\n\nUsage: sothon COMMAND [flags]\n\nCommands:\n")
	for _, n := range names {
		fmt.Fprintf(&b, "  %-8s %s\n", n, commands[n].summary)
	}
	b.WriteString("\nRun 'sothon COMMAND -h' for a command's flags.\n")
	io.WriteString(w, b.String())
}

// parseFlags parses a subcommand's flags wherever they stand among its
// words ("round list --db X" as well as "round --db X list"), turning
// errors into usage errors. The words are left in fs.Args(); after "--"
// everything is a word.
func parseFlags(fs *flag.FlagSet, e *env, args []string) error {
	fs.SetOutput(e.stderr)
	var words []string
	for {
		before := len(args)
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return err
			}
			return usageError{err.Error()}
		}
		rest := fs.Args()
		if len(rest) == 0 {
			break
		}
		if before-len(rest) > 0 && args[before-len(rest)-1] == "--" {
			words = append(words, rest...) // a "--" ended the flags
			break
		}
		words, args = append(words, rest[0]), rest[1:]
	}
	return fs.Parse(append([]string{"--"}, words...))
}
