package main

import (
	"bufio"
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"sothon/server"
	"sothon/store"
)

// The files of deploy/ name settings and commands of this program; these
// tests hold them to the code, so that a setting renamed or a flag
// dropped cannot leave a unit, the compose file or the guide behind.

var deployDir = filepath.Join("..", "..", "deploy")

// knownSettings maps every SOTHON_* variable the server reads to whether
// it is a secret (which may, and in deploy/ must, come from its _FILE).
func knownSettings() map[string]bool {
	known := map[string]bool{}
	for _, s := range server.Settings() {
		known[s.Env] = s.Secret
	}
	return known
}

// checkSetting says what is wrong with a variable a deployment file sets,
// or "" when the server reads it.
func checkSetting(known map[string]bool, name string) string {
	if base, ok := strings.CutSuffix(name, "_FILE"); ok {
		if secret, ok := known[base]; ok {
			if !secret {
				return base + " is no secret: it has no _FILE"
			}
			return ""
		}
	}
	secret, ok := known[name]
	switch {
	case !ok:
		return "no such setting (server.Settings)"
	case secret:
		return "a secret: give it through " + name + "_FILE, never in the file itself"
	}
	return ""
}

// directive is a line of a systemd unit; off for one commented out as an
// example to turn on ("#LoadCredential=…").
type directive struct {
	key, value string
	off        bool
	line       int
}

var directiveLine = regexp.MustCompile(`^(#?)([A-Z][A-Za-z]+)=(.*)$`)

func readUnit(t *testing.T, name string) []directive {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(deployDir, name))
	if err != nil {
		t.Fatal(err)
	}
	var out []directive
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		if m := directiveLine.FindStringSubmatch(strings.TrimSpace(sc.Text())); m != nil {
			out = append(out, directive{key: m[2], value: m[3], off: m[1] == "#", line: n})
		}
	}
	return out
}

// unitEnv is the environment a unit gives its command, on and off.
func unitEnv(ds []directive) map[string]directive {
	env := map[string]directive{}
	for _, d := range ds {
		if d.key != "Environment" {
			continue
		}
		for _, kv := range strings.Fields(d.value) {
			name, value, _ := strings.Cut(kv, "=")
			env[name] = directive{key: name, value: value, off: d.off, line: d.line}
		}
	}
	return env
}

// The units set only settings the server reads, secrets only through
// their _FILE from a credential the unit loads, and run command lines the
// command tree takes.
func TestUnitsMatchTheCode(t *testing.T) {
	t.Parallel()
	known := knownSettings()
	for _, unit := range []string{"sothon.service", "sothon-backup.service"} {
		ds := readUnit(t, unit)
		creds := map[string]bool{} // id → on
		for _, d := range ds {
			if d.key == "LoadCredential" {
				id, _, _ := strings.Cut(d.value, ":")
				creds[id] = !d.off
			}
		}
		used := map[string]bool{}
		for name, d := range unitEnv(ds) {
			if problem := checkSetting(known, name); problem != "" {
				t.Errorf("%s:%d: %s: %s", unit, d.line, name, problem)
			}
			if id, ok := strings.CutPrefix(d.value, "%d/"); ok {
				used[id] = true
				if on, ok := creds[id]; !ok || on == d.off {
					t.Errorf("%s:%d: %s reads credential %q, which the unit does not load alike (on: %v)", unit, d.line, name, id, !d.off)
				}
			}
		}
		for id := range creds {
			if !used[id] {
				t.Errorf("%s: credential %q is loaded but no *_FILE setting reads it", unit, id)
			}
		}
		for _, d := range ds {
			if d.key == "ExecStart" {
				checkCommandLine(t, unit, d.value)
			}
		}
	}
}

// checkCommandLine holds "/usr/local/bin/sothon serve …" to the command
// tree: the command exists and takes its flags and words.
func checkCommandLine(t *testing.T, where, line string) {
	t.Helper()
	words := strings.Fields(line)
	if len(words) < 2 || filepath.Base(words[0]) != "sothon" {
		t.Errorf("%s: ExecStart=%s does not run sothon", where, line)
		return
	}
	cmd, rest, err := docRoot().Find(words[1:])
	if err == nil {
		err = cmd.ParseFlags(rest)
	}
	if err == nil {
		err = cmd.ValidateArgs(cmd.Flags().Args())
	}
	if err != nil || cmd == cmd.Root() {
		t.Errorf("%s: %s: %v", where, line, err)
	}
}

// The backup timer's service, run as written in a folder of its own: the
// unit's database and command, with /var/lib/sothon moved.
func TestBackupUnitRuns(t *testing.T) {
	t.Parallel()
	state := t.TempDir()
	ds := readUnit(t, "sothon-backup.service")
	env := map[string]string{}
	for name, d := range unitEnv(ds) {
		if !d.off {
			env[name] = strings.ReplaceAll(d.value, "/var/lib/sothon", state)
		}
	}
	var args []string
	for _, d := range ds {
		if d.key == "ExecStart" {
			args = strings.Fields(strings.ReplaceAll(d.value, "/var/lib/sothon", state))[1:]
		}
	}
	db, err := store.Open(env["SOTHON_DB"])
	if err != nil {
		t.Fatalf("the unit's SOTHON_DB: %v", err)
	}
	db.Close()
	var out, errOut bytes.Buffer
	if err := run(context.Background(), args, func(k string) string { return env[k] }, strings.NewReader(""), &out, &errOut); err != nil {
		t.Fatalf("%v: %v\n%s", args, err, errOut.String())
	}
	entries, _ := os.ReadDir(filepath.Join(state, "backups"))
	if len(entries) != 1 || !store.IsBackupName(entries[0].Name()) {
		t.Errorf("the unit's backup folder holds %v", entries)
	}
}

// The compose file gives the sothon container only settings it reads,
// secrets only as files of the secrets it mounts.
func TestComposeMatchesTheCode(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile(filepath.Join(deployDir, "compose.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var compose struct {
		Services map[string]struct {
			Environment map[string]string `yaml:"environment"`
			Secrets     []string          `yaml:"secrets"`
			Command     []string          `yaml:"command"`
		} `yaml:"services"`
	}
	if err := yaml.Unmarshal(data, &compose); err != nil {
		t.Fatalf("compose.yaml: %v", err)
	}
	svc, ok := compose.Services["sothon"]
	if !ok || len(svc.Environment) == 0 {
		t.Fatal("compose.yaml: no sothon service with an environment")
	}
	known := knownSettings()
	for name, value := range svc.Environment {
		if problem := checkSetting(known, name); problem != "" {
			t.Errorf("compose.yaml: %s: %s", name, problem)
		}
		if secret, ok := strings.CutPrefix(value, "/run/secrets/"); ok && !slices.Contains(svc.Secrets, secret) {
			t.Errorf("compose.yaml: %s reads secret %q, which the service does not mount", name, secret)
		}
	}
}

// caddyOnly are the variables the Caddyfile reads, which the server does
// not.
var caddyOnly = []string{"SOTHON_DOMAIN", "SOTHON_UPSTREAM"}

// Every SOTHON_* name in deploy/, the Dockerfile and the deployment guide
// is a setting the server reads (or the Caddyfile's own).
func TestDeployFilesNameKnownSettings(t *testing.T) {
	t.Parallel()
	files, _ := filepath.Glob(filepath.Join(deployDir, "*"))
	files = append(files, filepath.Join("..", "..", "Dockerfile"), cliDocs, filepath.Join("..", "..", "docs", "DEPLOY.md"))
	known := knownSettings()
	name := regexp.MustCompile(`SOTHON_[A-Z][A-Z0-9_]*[A-Z0-9]`)
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range slices.Compact(slices.Sorted(slices.Values(name.FindAllString(string(data), -1)))) {
			if slices.Contains(caddyOnly, n) {
				continue
			}
			base := strings.TrimSuffix(n, "_FILE")
			if secret, ok := known[base]; !ok || (base != n && !secret) {
				t.Errorf("%s names %s, which the server does not read", filepath.Base(file), n)
			}
		}
	}
}
