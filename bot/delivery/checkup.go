package delivery

import (
	"context"
	"io"
	"net/http"
	"time"

	"sothon/setting"
	"sothon/store"
)

// A platform checks itself for `sothon doctor`: its token, its webhook,
// what the platform says of them. What it finds is told by locale keys
// (doctor.*), so that the office reads it in its language, and never
// carries a secret.

// Status is how a finding stands.
type Status int

const (
	Fine    Status = iota // all is well
	Warning               // works, but the office should know
	Problem               // to fix
)

// Finding is one line of the doctor's report: a message and, for a
// warning or a problem, what to do.
type Finding struct {
	Status Status
	Key    string // the message, doctor.*
	Fix    string // what to do, doctor.*; "" for none
	Args   []any  // name, value pairs for both
}

// Checkup is what a platform's check is given.
type Checkup struct {
	Values setting.Values
	// Store is the database, open for reading, for what the server keeps
	// there (a generated webhook secret, an OA's tokens); nil when it did
	// not open.
	Store *store.DB
	// PublicURL is SOTHON_PUBLIC_URL, "" when unset.
	PublicURL string
	// HTTP makes every request of the check.
	HTTP *http.Client
	Now  time.Time
}

// ProbeWebhook posts an empty request without a secret to a webhook's
// address: Sổ Thôn refuses it unread with 401, which shows the address
// reaches a server that checks its secret, and changes nothing. When
// something else answers, answer says what.
func ProbeWebhook(ctx context.Context, client *http.Client, url string) (answer string, ok bool) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, http.NoBody)
	if err != nil {
		return err.Error(), false
	}
	resp, err := client.Do(req)
	if err != nil {
		return err.Error(), false
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
	if resp.StatusCode == http.StatusUnauthorized {
		return "", true
	}
	return resp.Status, false
}

// WebhookState is what a platform says of a bot's webhook.
type WebhookState struct {
	Channel   string // how the report calls the platform: "Telegram"
	Setting   string // the variable of the webhook's address
	Want      string // the address configured; "" for polling
	Set       string // the address the platform has; "" for none
	LastError string // the platform's last failure to deliver there, "" for none
	Secrets   []string
}

// WebhookFindings compares the webhook the platform has with the one
// configured, and probes the configured one.
func WebhookFindings(ctx context.Context, c Checkup, w WebhookState) []Finding {
	args := []any{"channel", w.Channel, "setting", w.Setting, "url", Redact(w.Set, w.Secrets...), "want", w.Want}
	var out []Finding
	switch {
	case w.Want == "" && w.Set == "":
		return []Finding{{Status: Fine, Key: "doctor.polling", Args: args}}
	case w.Want == "":
		return []Finding{{Status: Problem, Key: "doctor.webhook_while_polling", Fix: "doctor.webhook_while_polling_fix", Args: args}}
	case w.Set == "":
		out = append(out, Finding{Status: Problem, Key: "doctor.webhook_unset", Fix: "doctor.webhook_restart_fix", Args: args})
	case w.Set != w.Want:
		out = append(out, Finding{Status: Problem, Key: "doctor.webhook_elsewhere", Fix: "doctor.webhook_restart_fix", Args: args})
	default:
		out = append(out, Finding{Status: Fine, Key: "doctor.webhook_ok", Args: args})
	}
	if w.LastError != "" {
		out = append(out, Finding{Status: Problem, Key: "doctor.webhook_failing", Fix: "doctor.webhook_failing_fix",
			Args: append(args, "error", Redact(w.LastError, w.Secrets...))})
	}
	return append(out, ProbeFinding(ctx, c, w.Channel, w.Want))
}

// ProbeFinding probes a webhook's address (ProbeWebhook) and says what
// came of it.
func ProbeFinding(ctx context.Context, c Checkup, channel, url string) Finding {
	if answer, ok := ProbeWebhook(ctx, c.HTTP, url); !ok {
		return Finding{Status: Problem, Key: "doctor.webhook_unreachable", Fix: "doctor.webhook_unreachable_fix",
			Args: []any{"channel", channel, "want", url, "error", answer}}
	}
	return Finding{Status: Fine, Key: "doctor.webhook_reachable", Args: []any{"channel", channel, "want", url}}
}
