package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// updateDocs rewrites docs/CLI.md from the command tree:
// go test ./cmd/sothon -run TestCLIDocs -update
var updateDocs = flag.Bool("update", false, "rewrite docs/CLI.md from the command tree")

var cliDocs = filepath.Join("..", "..", "docs", "CLI.md")

// TestCLIDocs fails when docs/CLI.md no longer says what the command tree
// does, so that a flag added or reworded reaches the reference.
func TestCLIDocs(t *testing.T) {
	t.Parallel()
	got := cliMarkdown()
	if *updateDocs {
		if err := os.WriteFile(cliDocs, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(cliDocs)
	if err != nil {
		t.Fatalf("%v (write it with: go test ./cmd/sothon -run TestCLIDocs -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("docs/CLI.md is stale: regenerate it with go test ./cmd/sothon -run TestCLIDocs -update and read the diff")
	}
}

// TestCLIDocsNamesEveryCommand keeps the generator honest: every command
// the tree has gets a section of its own.
func TestCLIDocsNamesEveryCommand(t *testing.T) {
	t.Parallel()
	md := string(cliMarkdown())
	for _, cmd := range documented(docRoot()) {
		if !strings.Contains(md, "\n## "+cmd.CommandPath()+"\n") {
			t.Errorf("no section for %q", cmd.CommandPath())
		}
	}
	for _, flag := range []string{"--db string", "--dry-run", "--format string", "--send"} {
		if !strings.Contains(md, flag) {
			t.Errorf("no flag %q", flag)
		}
	}
}

// docRoot is the command tree as a user meets it, with settings read from
// no environment so that the defaults are the code's own.
func docRoot() *cobra.Command {
	e := &env{getenv: func(string) string { return "" }, stdin: strings.NewReader(""), stdout: new(bytes.Buffer), stderr: new(bytes.Buffer)}
	root := newRoot(e)
	root.InitDefaultCompletionCmd()
	return root
}

// documented lists the commands a user can run, depth first in cobra's order.
func documented(cmd *cobra.Command) []*cobra.Command {
	out := []*cobra.Command{cmd}
	for _, sub := range cmd.Commands() {
		if sub.Hidden || sub.Name() == "help" {
			continue
		}
		out = append(out, documented(sub)...)
	}
	return out
}

func cliMarkdown() []byte {
	root := docRoot()
	cmds := documented(root)
	var b bytes.Buffer
	b.WriteString("# Command line reference\n\n")
	b.WriteString("Generated from the command tree by `go test ./cmd/sothon -run TestCLIDocs -update`; do not edit by\n")
	b.WriteString("hand (the test fails when this file is stale). `sothon -h` and `sothon COMMAND -h` print the same.\n")
	b.WriteString("Flags win over the `SOTHON_*` variables named beside them; the others are in [DEPLOY.md](DEPLOY.md).\n\n")
	for _, cmd := range cmds[1:] {
		fmt.Fprintf(&b, "- [%s](#%s) — %s\n", cmd.CommandPath(), strings.ReplaceAll(cmd.CommandPath(), " ", "-"), cmd.Short)
	}
	for _, cmd := range cmds {
		fmt.Fprintf(&b, "\n## %s\n\n", cmd.CommandPath())
		text := cmd.Long
		if text == "" {
			text = cmd.Short
		}
		b.WriteString(strings.TrimSpace(text) + "\n\n")
		fmt.Fprintf(&b, "```\n%s\n```\n", usage(cmd))
		if cmd.Example != "" {
			fmt.Fprintf(&b, "\nExamples:\n\n```\n%s\n```\n", strings.TrimRight(cmd.Example, "\n"))
		}
		flags := cmd.NonInheritedFlags()
		if cmd == root {
			flags = cmd.PersistentFlags()
		}
		if flags.HasAvailableFlags() {
			title := "Flags"
			if cmd == root {
				title = "Flags of every command"
			}
			fmt.Fprintf(&b, "\n%s:\n\n```\n%s```\n", title, flags.FlagUsages())
		}
		if parents := parentFlags(cmd, root); parents.HasAvailableFlags() {
			fmt.Fprintf(&b, "\nFlags of %s:\n\n```\n%s```\n", cmd.Parent().CommandPath(), parents.FlagUsages())
		}
	}
	return b.Bytes()
}

// parentFlags are the flags a command inherits from a parent other than
// the root, whose flags every command has.
func parentFlags(cmd, root *cobra.Command) *pflag.FlagSet {
	fs := pflag.NewFlagSet(cmd.Name(), pflag.ContinueOnError)
	if cmd == root || cmd.Parent() == root {
		return fs
	}
	cmd.InheritedFlags().VisitAll(func(f *pflag.Flag) {
		if root.PersistentFlags().Lookup(f.Name) == nil {
			fs.AddFlag(f)
		}
	})
	return fs
}

// usage is the command's usage line, or its subcommands' when it is only a
// group of them.
func usage(cmd *cobra.Command) string {
	if cmd.Runnable() {
		return cmd.UseLine()
	}
	return cmd.CommandPath() + " COMMAND"
}
