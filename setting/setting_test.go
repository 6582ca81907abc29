package setting

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spf13/pflag"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

// A flag given wins over the variable, the variable over the file of a
// secret, and that over the default.
func TestReadOrder(t *testing.T) {
	t.Parallel()
	ttl := Duration("SOTHON_T_TTL", 72*time.Hour, "ttl").WithFlag("ttl")
	token := Secret("SOTHON_T_TOKEN", "token")
	file := filepath.Join(t.TempDir(), "token")
	os.WriteFile(file, []byte("from-file\n"), 0o600)
	table := []*Spec{ttl.Spec, token.Spec}
	for _, tc := range []struct {
		name      string
		env       map[string]string
		flag      string
		wantTTL   time.Duration
		wantToken string
	}{
		{"defaults", nil, "", 72 * time.Hour, ""},
		{"environment", map[string]string{"SOTHON_T_TTL": "1h", "SOTHON_T_TOKEN": " abc "}, "", time.Hour, "abc"},
		{"flag over environment", map[string]string{"SOTHON_T_TTL": "1h"}, "2h", 2 * time.Hour, ""},
		{"secret from its file", map[string]string{"SOTHON_T_TOKEN_FILE": file}, "", 72 * time.Hour, "from-file"},
		{"variable over file", map[string]string{"SOTHON_T_TOKEN": "direct", "SOTHON_T_TOKEN_FILE": file}, "", 72 * time.Hour, "direct"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fs := pflag.NewFlagSet("t", pflag.ContinueOnError)
			AddFlags(fs, table...)
			if tc.flag != "" {
				fs.Parse([]string{"--ttl", tc.flag})
			}
			v, err := Read(table, env(tc.env), fs)
			if err != nil || ttl.In(v) != tc.wantTTL || token.In(v) != tc.wantToken {
				t.Fatalf("got %v %q %v; want %v %q", ttl.In(v), token.In(v), err, tc.wantTTL, tc.wantToken)
			}
		})
	}
}

// Every bad value is refused at once, each by the name it was given
// under, and a secret's value is never repeated.
func TestBadValuesAreNamed(t *testing.T) {
	t.Parallel()
	ttl := Duration("SOTHON_T_TTL", 72*time.Hour, "ttl").WithFlag("ttl")
	rate := Rate("SOTHON_T_RATE", 30, "rate")
	mode := Define("SOTHON_T_MODE", "text", "string", "mode", OneOf("text", "json"))
	key := Define("SOTHON_T_KEY", "", "string", "key", func(s string) (string, error) {
		if s != "" && len(s) < 8 {
			return "", errors.New("must have 8 to 256 characters")
		}
		return s, nil
	}).AsSecret()
	table := []*Spec{ttl.Spec, rate.Spec, mode.Spec, key.Spec}
	fs := pflag.NewFlagSet("t", pflag.ContinueOnError)
	AddFlags(fs, table...)
	fs.Parse([]string{"--ttl=-1h"})
	_, err := Read(table, env(map[string]string{"SOTHON_T_RATE": "fast", "SOTHON_T_MODE": "xml", "SOTHON_T_KEY": "short"}), fs)
	for _, want := range []string{
		`--ttl "-1h": use a positive duration such as 72h`,
		`SOTHON_T_RATE="fast": use a positive number of messages a second`,
		`SOTHON_T_MODE="xml": use text or json`,
		`SOTHON_T_KEY: must have 8 to 256 characters`,
	} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v; want it to say %s", err, want)
		}
	}
	if strings.Contains(err.Error(), "short") {
		t.Errorf("a secret's value is in the error: %v", err)
	}
	var bad *Error
	if !errors.As(err, &bad) {
		t.Errorf("%T is not a *setting.Error", err)
	}
}

func TestSecretFileProblems(t *testing.T) {
	t.Parallel()
	token := Secret("SOTHON_T_TOKEN", "token")
	empty := filepath.Join(t.TempDir(), "empty")
	os.WriteFile(empty, []byte("\n"), 0o600)
	for path, want := range map[string]string{
		empty:                              "SOTHON_T_TOKEN_FILE: " + empty + " is empty",
		filepath.Join(t.TempDir(), "none"): "SOTHON_T_TOKEN_FILE: open",
	} {
		_, err := token.Lookup(env(map[string]string{"SOTHON_T_TOKEN_FILE": path}), nil)
		if err == nil || !strings.HasPrefix(err.Error(), want) {
			t.Errorf("%s: %v; want %q", path, err, want)
		}
	}
}

func TestWebAddress(t *testing.T) {
	t.Parallel()
	check := WebAddress("https://sothon.example.vn")
	for in, want := range map[string]string{"": "", "https://a.vn/": "https://a.vn", "http://127.0.0.1:8080": "http://127.0.0.1:8080"} {
		if got, err := check(in); err != nil || got != want {
			t.Errorf("%q: %q %v", in, got, err)
		}
	}
	for _, in := range []string{"sothon.vn", "ftp://a.vn", "https://"} {
		if _, err := check(in); err == nil {
			t.Errorf("%q taken", in)
		}
	}
}
