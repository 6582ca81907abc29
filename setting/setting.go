// Package setting is the typed table of Sổ Thôn's SOTHON_* settings: each
// setting is declared once, with its variable, flag, default, check and
// one-line description, and that declaration reads it, refuses a bad value
// by name and documents it.
package setting

import (
	"errors"
	"fmt"
	"os"
	"regexp"
	"strings"

	"github.com/spf13/pflag"
)

// Spec describes one setting.
type Spec struct {
	Env     string // the environment variable, SOTHON_…
	Flag    string // the command-line flag without dashes, "" for none
	Default string // the value when the setting is not given, as it would be written
	Shown   string // how the documentation shows the default when Default does not say it
	Doc     string // one line for docs/DEPLOY.md
	Secret  bool   // may come from the file named by Env_FILE; never printed
	Kind    string // the flag's kind in help: string, duration, number
	parse   func(string) (any, error)
}

// Key is a setting with the type of its value, to read that value back
// from Values.
type Key[T any] struct{ *Spec }

// Define declares a setting whose text parse turns into a T, or refuses
// with advice such as "use a positive duration such as 10s".
func Define[T any](env, def, kind, doc string, parse func(string) (T, error)) Key[T] {
	return Key[T]{&Spec{Env: env, Default: def, Kind: kind, Doc: doc,
		parse: func(s string) (any, error) { return parse(s) }}}
}

// WithFlag gives the setting a command-line flag, which wins over the
// environment.
func (k Key[T]) WithFlag(name string) Key[T] { k.Flag = name; return k }

// ShownAs is how the documentation shows an empty or unhelpful default.
func (k Key[T]) ShownAs(text string) Key[T] { k.Shown = text; return k }

// AsSecret lets the value come from a file named by Env_FILE (a container
// or systemd credential) and keeps it out of errors.
func (k Key[T]) AsSecret() Key[T] { k.Secret = true; return k }

// In is the setting's value among those read.
func (k Key[T]) In(v Values) T {
	if x, ok := v[k.Spec]; ok {
		return x.(T)
	}
	var zero T
	return zero
}

// Lookup reads this one setting from the flags (which may be nil) and the
// environment.
func (k Key[T]) Lookup(getenv func(string) string, flags *pflag.FlagSet) (T, error) {
	v, err := Read([]*Spec{k.Spec}, getenv, flags)
	return k.In(v), err
}

// Values are the settings read, by their spec.
type Values map[*Spec]any

// Error is a setting given a value it cannot take. It names the variable
// or flag, so that the office knows which line of its configuration to fix.
type Error struct {
	Name   string // SOTHON_…, SOTHON_…_FILE or --flag
	Value  string // "" for a secret
	Advice string
}

func (e *Error) Error() string {
	switch {
	case e.Value == "":
		return e.Name + ": " + e.Advice
	case strings.HasPrefix(e.Name, "--"):
		return fmt.Sprintf("%s %q: %s", e.Name, e.Value, e.Advice)
	}
	return fmt.Sprintf("%s=%q: %s", e.Name, e.Value, e.Advice)
}

// Read reads every setting of table: a flag given on the command line
// wins over the variable, which wins over Env_FILE for a secret, which
// wins over the default. Every bad value is reported, each by its name.
func Read(table []*Spec, getenv func(string) string, flags *pflag.FlagSet) (Values, error) {
	v := Values{}
	var errs []error
	for _, s := range table {
		raw, name, err := s.raw(getenv, flags)
		if err == nil {
			var x any
			if x, err = s.parse(raw); err == nil {
				v[s] = x
				continue
			}
			if s.Secret {
				raw = ""
			}
			err = &Error{Name: name, Value: raw, Advice: err.Error()}
		}
		errs = append(errs, err)
	}
	return v, errors.Join(errs...)
}

// raw is the text of the setting and the name it was given under.
func (s *Spec) raw(getenv func(string) string, flags *pflag.FlagSet) (string, string, error) {
	if flags != nil && s.Flag != "" {
		if f := flags.Lookup(s.Flag); f != nil && f.Changed {
			return f.Value.String(), "--" + s.Flag, nil
		}
	}
	if v := getenv(s.Env); v != "" {
		if s.Secret {
			v = strings.TrimSpace(v)
		}
		return v, s.Env, nil
	}
	if s.Secret {
		if path := getenv(s.Env + "_FILE"); path != "" {
			data, err := os.ReadFile(path)
			if err != nil {
				return "", "", &Error{Name: s.Env + "_FILE", Advice: err.Error()}
			}
			v := strings.TrimSpace(string(data))
			if v == "" {
				return "", "", &Error{Name: s.Env + "_FILE", Advice: path + " is empty"}
			}
			return v, s.Env + "_FILE", nil
		}
	}
	return s.Default, s.Env, nil
}

// FromEnv is the variable's text, or the default: the value a flag starts
// from.
func (s *Spec) FromEnv(getenv func(string) string) string {
	if v := getenv(s.Env); v != "" {
		return v
	}
	return s.Default
}

// Usage is the flag's help: the description, without its Markdown, and
// the variable behind it.
func (s *Spec) Usage() string {
	plain := strings.ReplaceAll(mdLink.ReplaceAllString(s.Doc, "$1"), "`", "")
	return plain + " (" + s.Env + ")"
}

var mdLink = regexp.MustCompile(`\[([^\]]*)\]\([^)]*\)`)

// AddFlags declares on fs the flags of the settings that have one. The
// value is checked when the settings are read, so that a bad one is
// refused by the same rule, under the flag's name.
func AddFlags(fs *pflag.FlagSet, specs ...*Spec) {
	for _, s := range specs {
		if s.Flag != "" {
			fs.Var(&text{s: s.Default, kind: s.Kind}, s.Flag, s.Usage())
		}
	}
}

// text is a flag's raw value.
type text struct{ s, kind string }

func (t *text) String() string     { return t.s }
func (t *text) Set(s string) error { t.s = s; return nil }
func (t *text) Type() string       { return t.kind }
