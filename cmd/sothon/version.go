package main

import (
	"cmp"
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"

	"sothon/flows"
	"sothon/flows/poverty"
	"sothon/store"
)

// version and commit are stamped by deploy/release.sh (-ldflags
// "-X main.version=v1.2.0 -X main.commit=…"); a build by hand is "dev",
// with the commit Go stamps itself when it can.
var version, commit = "dev", ""

func newVersionCmd(e *env) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "the release, its commit, the Go it was built with, and the built-in questionnaires' and standards' versions",
		Args:  noWords,
		RunE: func(*cobra.Command, []string) error {
			text, err := versionText()
			if err != nil {
				return err
			}
			fmt.Fprint(e.stdout, text)
			return nil
		},
	}
}

// versionText says what this binary is: enough for an office to tell a
// maintainer which release, forms and standards it runs.
func versionText() (string, error) {
	var b strings.Builder
	fmt.Fprintf(&b, "sothon %s", version)
	if c := cmp.Or(commit, buildCommit()); c != "" {
		fmt.Fprintf(&b, " (commit %s)", c)
	}
	fmt.Fprintf(&b, "\n%s %s/%s\ndatabase schema %d\n", runtime.Version(), runtime.GOOS, runtime.GOARCH, store.SchemaVersion)
	forms, err := flows.Default()
	if err != nil {
		return "", err
	}
	b.WriteString("questionnaires:")
	for _, f := range forms.Forms {
		fmt.Fprintf(&b, " %s %s;", f.ID, f.Version)
	}
	b.WriteString("\nstandards:")
	for _, s := range poverty.Default() {
		fmt.Fprintf(&b, " %s (%s, from %s);", s.ID, s.Name, s.From)
	}
	b.WriteString("\n")
	return b.String(), nil
}

// buildCommit is the commit Go stamped into the binary when it was built
// from a git checkout (-buildvcs), with "+changes" when the tree was not
// clean.
func buildCommit() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return ""
	}
	var commit, modified string
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			commit = s.Value
		case "vcs.modified":
			modified = s.Value
		}
	}
	if len(commit) > 12 {
		commit = commit[:12]
	}
	if commit != "" && modified == "true" {
		commit += "+changes"
	}
	return commit
}
