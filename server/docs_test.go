package server

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sothon/bot/delivery"
	"sothon/setting"
)

// update rewrites the settings table of docs/DEPLOY.md:
// go test ./server -run TestSettingsDocs -update
var update = flag.Bool("update", false, "rewrite the settings table of docs/DEPLOY.md from the settings")

var deployDocs = filepath.Join("..", "docs", "DEPLOY.md")

const (
	tableStart = "<!-- settings: written by go test ./server -run TestSettingsDocs -update -->\n"
	tableEnd   = "<!-- end of settings -->\n"
)

// TestSettingsDocs fails when docs/DEPLOY.md does not list every setting as
// the table declares it, so that a setting added or reworded reaches the
// office's guide.
func TestSettingsDocs(t *testing.T) {
	t.Parallel()
	doc, err := os.ReadFile(deployDocs)
	if err != nil {
		t.Fatal(err)
	}
	start, end := bytes.Index(doc, []byte(tableStart)), bytes.Index(doc, []byte(tableEnd))
	if start < 0 || end < start {
		t.Fatalf("docs/DEPLOY.md has no %q … %q section", tableStart, tableEnd)
	}
	got := settingsMarkdown(Settings())
	if *update {
		out := append(append(append([]byte{}, doc[:start+len(tableStart)]...), got...), doc[end:]...)
		if err := os.WriteFile(deployDocs, out, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if !bytes.Equal(doc[start+len(tableStart):end], got) {
		t.Errorf("the settings of docs/DEPLOY.md are stale: rewrite them with go test ./server -run TestSettingsDocs -update and read the diff")
	}
}

// TestEverySettingOnce keeps the table one: a variable or flag declared
// twice would be read two ways.
func TestEverySettingOnce(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	for _, s := range Settings() {
		for _, name := range []string{s.Env, "--" + s.Flag} {
			if name != "--" && seen[name] {
				t.Errorf("%s declared twice", name)
			}
			seen[name] = true
		}
		if !strings.HasPrefix(s.Env, "SOTHON_") || s.Doc == "" || strings.Contains(s.Doc, "\n") {
			t.Errorf("%s: a setting needs a SOTHON_ name and one line of description", s.Env)
		}
	}
	for _, p := range delivery.Platforms() {
		if p.Start != nil && len(p.Settings) == 0 {
			t.Errorf("platform %s starts with no settings to turn it on", p.Name)
		}
	}
}

func settingsMarkdown(table []*setting.Spec) []byte {
	var b bytes.Buffer
	b.WriteString("\n| variable | flag | default | meaning |\n|---|---|---|---|\n")
	for _, s := range table {
		name := "`" + s.Env + "`"
		if s.Secret {
			name += " or `_FILE`"
		}
		flag := ""
		if s.Flag != "" {
			flag = "`--" + s.Flag + "`"
		}
		def := s.Shown
		if def == "" && s.Default != "" {
			def = "`" + s.Default + "`"
		}
		fmt.Fprintf(&b, "| %s |%s|%s| %s |\n", name, pad(flag), pad(def), s.Doc)
	}
	b.WriteString("\n")
	return b.Bytes()
}

// pad spaces a cell that has text.
func pad(s string) string {
	if s == "" {
		return " "
	}
	return " " + s + " "
}
