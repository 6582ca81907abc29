// Package doctor checks an installation of Sổ Thôn and says, in the
// office's language, what is well and what to fix: `sothon doctor`.
package doctor

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"sothon/bot/delivery"
	"sothon/flows"
	"sothon/locales"
	"sothon/server"
	"sothon/setting"
	"sothon/store"
)

// A finding is a delivery.Finding, the platforms' checks and the
// installation's alike.
type Finding = delivery.Finding

// Options are what the doctor looks at.
type Options struct {
	Getenv func(string) string
	// Flags are the command's, which win over the environment; nil for none.
	Flags *pflag.FlagSet
	// DBPath is the database file; DB is it open for reading, or DBErr why
	// it did not open.
	DBPath string
	DB     *store.DB
	DBErr  error
	TZ     string
	// LoadForms loads the questionnaires and the standards as every
	// command does.
	LoadForms func() (*flows.Set, error)
	// HTTP makes the requests to the platforms and the public address; nil
	// for a client that gives up after 15 s.
	HTTP *http.Client
}

// Report is what the doctor found.
type Report struct {
	Findings []Finding
	At       time.Time // the time of the check, in SOTHON_TZ when it loads
	secrets  []string  // never printed
}

// Problems counts the findings to fix.
func (r Report) Problems() int {
	n := 0
	for _, f := range r.Findings {
		if f.Status == delivery.Problem {
			n++
		}
	}
	return n
}

// Run checks everything, in the order the report gives it.
func Run(ctx context.Context, o Options) Report {
	if o.HTTP == nil {
		o.HTTP = delivery.HTTPClient(15 * time.Second)
	}
	if abs, err := filepath.Abs(o.DBPath); err == nil {
		o.DBPath = abs
	}
	r := &Report{At: time.Now()}
	v := r.settings(o)
	r.forms(o)
	r.clock(o)
	r.database(ctx, o)
	r.backups(server.BackupDir(v))
	r.disk(o)
	public := server.PublicURL.In(v)
	r.publicURL(ctx, o, public)
	for _, p := range delivery.Platforms() {
		if p.Check == nil || p.On == nil {
			continue
		}
		if on, err := p.On(v); err != nil || !on {
			continue // a setting that does not go with the others is told above
		}
		r.add(p.Check(ctx, delivery.Checkup{Values: v, Store: o.DB, PublicURL: public, HTTP: o.HTTP, Now: r.At})...)
	}
	return *r
}

func (r *Report) add(f ...Finding) { r.Findings = append(r.Findings, f...) }

func fine(key string, args ...any) Finding {
	return Finding{Status: delivery.Fine, Key: key, Args: args}
}

func warning(key, fix string, args ...any) Finding {
	return Finding{Status: delivery.Warning, Key: key, Fix: fix, Args: args}
}

func problem(key, fix string, args ...any) Finding {
	return Finding{Status: delivery.Problem, Key: key, Fix: fix, Args: args}
}

// marks begin each line of the report.
var marks = map[delivery.Status]string{delivery.Fine: "✓", delivery.Warning: "!", delivery.Problem: "✗"}

// Write prints the report in lang: a line a finding, what to do under each
// warning and problem, and a last line that sums it up. No secret the
// settings hold is printed, whatever a platform answered.
func (r Report) Write(w io.Writer, cat *locales.Catalog, lang string) {
	redact := func(s string) string { return delivery.Redact(s, r.secrets...) }
	fmt.Fprintln(w, cat.T(lang, "doctor.title", "time", r.At.Format("02/01/2006 15:04 MST")))
	for _, f := range r.Findings {
		fmt.Fprintf(w, "%s %s\n", marks[f.Status], redact(cat.T(lang, f.Key, f.Args...)))
		if f.Fix != "" && f.Status != delivery.Fine {
			fmt.Fprintf(w, "  → %s\n", redact(cat.T(lang, f.Fix, f.Args...)))
		}
	}
	if n := r.Problems(); n > 0 {
		fmt.Fprintln(w, cat.T(lang, "doctor.to_fix", "count", n))
	} else {
		fmt.Fprintln(w, cat.T(lang, "doctor.all_well"))
	}
}

// settings reads the whole table of settings, as `sothon serve` would,
// and tells each value it refuses.
func (r *Report) settings(o Options) setting.Values {
	table := server.Settings()
	v, err := setting.Read(table, o.Getenv, o.Flags)
	for _, s := range table {
		if x, ok := v[s].(string); ok && s.Secret && x != "" {
			r.secrets = append(r.secrets, x)
		}
	}
	bad := 0
	for _, e := range unjoin(err) {
		bad++
		r.add(problem("doctor.setting_bad", "doctor.setting_bad_fix", "error", e.Error()))
	}
	var on []string
	for _, p := range delivery.Platforms() {
		if p.On == nil {
			continue
		}
		ok, err := p.On(v)
		if err != nil {
			bad++
			r.add(problem("doctor.setting_bad", "doctor.setting_bad_fix", "error", p.Title+": "+err.Error()))
		}
		if ok {
			on = append(on, p.Title)
		}
	}
	if len(on) == 0 && server.PublicURL.In(v) == "" {
		bad++
		r.add(problem("doctor.no_channel", "doctor.no_channel_fix"))
	}
	if bad == 0 {
		channels := strings.Join(on, ", ")
		if channels == "" {
			channels = "—"
		}
		r.add(fine("doctor.settings_ok", "channels", channels))
	}
	return v
}

// unjoin lists the errors errors.Join put together.
func unjoin(err error) []error {
	if err == nil {
		return nil
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}
