package main

import (
	"bytes"
	"context"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"sothon/bot/delivery"
	"sothon/bot/telegram/telegramtest"
	"sothon/bot/zalo"
	"sothon/bot/zalo/zalotest"
	"sothon/store"
)

const zaloTestToken = "zalo-bot-TOKEN-0123456789"

// installation is a healthy database with a fresh backup beside it, and
// the settings of a Telegram and a Zalo bot that poll the fakes.
type installation struct {
	env      map[string]string
	telegram *telegramtest.Server
	zalo     *zalotest.Bot
	backup   string // the newest backup
}

func newInstallation(t *testing.T) *installation {
	t.Helper()
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "sothon.db")
	db, err := store.Open(dbPath)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	backups := filepath.Join(dir, "backups")
	os.Mkdir(backups, 0o700)
	backup := filepath.Join(backups, "sothon-20261129-020000.db")
	if err := os.WriteFile(backup, []byte("a copy"), 0o600); err != nil {
		t.Fatal(err)
	}
	in := &installation{telegram: telegramtest.New(testToken), zalo: zalotest.NewBot(zaloTestToken), backup: backup}
	t.Cleanup(in.telegram.Close)
	t.Cleanup(in.zalo.Close)
	in.env = map[string]string{"SOTHON_DB": dbPath, "SOTHON_BACKUP_DIR": backups,
		"SOTHON_TELEGRAM_TOKEN": testToken, "SOTHON_TELEGRAM_API": in.telegram.URL,
		"SOTHON_ZALO_BOT_TOKEN": zaloTestToken, "SOTHON_ZALO_BOT_API": in.zalo.URL}
	return in
}

// doctor runs `sothon doctor` with the installation's settings.
func (in *installation) doctor(t *testing.T, args ...string) (stdout string, err error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err = run(context.Background(), append([]string{"doctor"}, args...), func(k string) string { return in.env[k] }, strings.NewReader(""), &out, &errOut)
	return out.String() + errOut.String(), err
}

// marked lists the report's lines that begin with mark.
func marked(report, mark string) []string {
	var out []string
	for _, line := range strings.Split(report, "\n") {
		if strings.HasPrefix(line, mark+" ") {
			out = append(out, line)
		}
	}
	return out
}

// closedAddress is a loopback address nothing listens on.
func closedAddress(t *testing.T) string { return "http://" + freePort(t) }

// Each thing an office gets wrong is named, with its fix, and the doctor
// exits 1; nothing else is called a problem.
func TestDoctorNamesEachProblemWithItsFix(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name     string
		setup    func(t *testing.T, in *installation)
		want     []string // in the report, in English
		problems int      // lines marked ✗
	}{
		{"a wrong Telegram token", func(t *testing.T, in *installation) {
			in.env["SOTHON_TELEGRAM_TOKEN"] = "999:WRONG-token_abcdefghijklmnopqrstuvw"
		}, []string{"✗ Telegram: the bot's token (SOTHON_TELEGRAM_TOKEN) is refused", "→ Get the bot's token again in BotFather"}, 1},
		{"a wrong Zalo Bot token", func(t *testing.T, in *installation) {
			in.env["SOTHON_ZALO_BOT_TOKEN"] = "zalo-bot-WRONG-0123456789"
		}, []string{"✗ Zalo Bot: the bot's token (SOTHON_ZALO_BOT_TOKEN) is refused", "→ Get the bot's token again in Zalo Bot Creator"}, 1},
		{"a Telegram webhook pointing elsewhere", func(t *testing.T, in *installation) {
			in.env["SOTHON_TELEGRAM_WEBHOOK_URL"] = closedAddress(t) + "/webhook/telegram"
			in.telegram.SetWebhook("https://elsewhere.example/hook", "")
		}, []string{"✗ Telegram: the webhook points at https://elsewhere.example/hook, not http://", "→ Restart the server",
			"✗ Telegram: the webhook's address http://"}, 2},
		{"a Zalo Bot webhook pointing elsewhere", func(t *testing.T, in *installation) {
			in.env["SOTHON_ZALO_BOT_WEBHOOK_URL"] = closedAddress(t) + "/webhook/zalo-bot"
			in.zalo.SetWebhook("https://elsewhere.example/zalo")
		}, []string{"✗ Zalo Bot: the webhook points at https://elsewhere.example/zalo", "→ Restart the server",
			"✗ Zalo Bot: the webhook's address http://"}, 2},
		{"a webhook set while polling", func(t *testing.T, in *installation) {
			in.telegram.SetWebhook("https://elsewhere.example/hook", "")
		}, []string{"✗ Telegram: the platform sends messages to the webhook https://elsewhere.example/hook, while this server polls"}, 1},
		{"an HTTP public address", func(t *testing.T, in *installation) {
			in.env["SOTHON_PUBLIC_URL"] = closedAddress(t)
		}, []string{"is not HTTPS", "→ Use an https:// address and let Caddy", "/healthz does not open"}, 2},
		{"a stale backup", func(t *testing.T, in *installation) {
			old := time.Now().Add(-72*time.Hour - time.Minute)
			os.Chtimes(in.backup, old, old)
		}, []string{"✗ The newest backup, ", "is 72 hours old (more than 36)", "→ See whether the server runs"}, 1},
		{"no backup", func(t *testing.T, in *installation) {
			os.Remove(in.backup)
		}, []string{"✗ No backup in ", "→ The server backs up there every night"}, 1},
		{"a damaged database", func(t *testing.T, in *installation) {
			if err := os.WriteFile(in.env["SOTHON_DB"], bytes.Repeat([]byte("not bbolt "), 2000), 0o600); err != nil {
				t.Fatal(err)
			}
		}, []string{"✗ The database ", "is damaged.", "→ Stop the server (sudo systemctl stop sothon), copy the newest backup over this file"}, 1},
		{"a bad setting", func(t *testing.T, in *installation) {
			in.env["SOTHON_COUNT"] = "some"
		}, []string{`✗ A setting is wrong: SOTHON_COUNT="some": use approved, all or auto`}, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			in := newInstallation(t)
			tc.setup(t, in)
			report, err := in.doctor(t, "--lang", "en")
			if err == nil || exitCode(err) != 1 || !strings.Contains(err.Error(), "to fix") {
				t.Errorf("exit: %v (%d), want 1 with what to fix", err, exitCode(err))
			}
			for _, w := range tc.want {
				if !strings.Contains(report, w) {
					t.Errorf("the report lacks %q:\n%s", w, report)
				}
			}
			// The rest of the installation is well.
			if got := marked(report, "✗"); len(got) != tc.problems {
				t.Errorf("%d problems, want %d:\n%s", len(got), tc.problems, report)
			}
		})
	}
}

// The same installation with nothing wrong passes, in Vietnamese by
// default; a public address left unset is only a warning.
func TestDoctorPassesAWellInstallation(t *testing.T) {
	t.Parallel()
	in := newInstallation(t)
	report, err := in.doctor(t)
	if err != nil {
		t.Fatalf("doctor: %v\n%s", err, report)
	}
	for _, w := range []string{"✓ Các thiết lập SOTHON_* đọc được; kênh đang bật: Telegram, Zalo Bot.",
		"✓ Telegram: mã bot dùng được (@" + telegramtest.Username + ").", "✓ Zalo Bot: mã bot dùng được (bot.sothon).",
		"✓ Bản sao lưu mới nhất", "✓ Tệp dữ liệu", "✓ Đang có 0 người dùng", "! Chưa đặt địa chỉ công khai", "Mọi thứ đều ổn."} {
		if !strings.Contains(report, w) {
			t.Errorf("the report lacks %q:\n%s", w, report)
		}
	}
	if got := marked(report, "✗"); len(got) != 0 {
		t.Errorf("problems in a well installation: %q", got)
	}
}

// An installation as docs/DEPLOY.md makes it: the server runs with
// webhooks behind an HTTPS proxy (Caddy's part). The doctor, run beside
// it, goes through the server's admin socket, and finds all well: the
// public address reaches this server, each webhook is set to it and
// reaches it.
func TestDoctorBesideTheServer(t *testing.T) {
	// Not parallel: doctorHTTP is the package's, and the parallel tests
	// run after this one.
	in := newInstallation(t)
	addr := freePort(t)
	proxy := httptest.NewTLSServer(httputil.NewSingleHostReverseProxy(&url.URL{Scheme: "http", Host: addr}))
	defer proxy.Close()
	doctorHTTP = proxy.Client()
	defer func() { doctorHTTP = nil }()
	for k, v := range map[string]string{"SOTHON_ADDR": addr, "SOTHON_PUBLIC_URL": proxy.URL,
		"SOTHON_TELEGRAM_WEBHOOK_URL": proxy.URL + "/webhook/telegram", "SOTHON_ZALO_BOT_WEBHOOK_URL": proxy.URL + "/webhook/zalo-bot",
		"SOTHON_DIGEST_CRON": "59 23 31 12 *", "SOTHON_REMIND_CRON": "59 23 31 12 *", "SOTHON_BACKUP_CRON": "59 23 31 12 *"} {
		in.env[k] = v
	}
	h := serveWith(t, in.env)
	report, err := in.doctor(t, "--lang", "en")
	if err != nil {
		t.Fatalf("doctor beside the server: %v\n%s\n%s", err, report, h.logs.String())
	}
	for _, w := range []string{
		"✓ The public address " + proxy.URL + " is HTTPS and reaches this server.",
		"✓ Telegram: the webhook is set to " + proxy.URL + "/webhook/telegram.",
		"✓ Telegram: the webhook " + proxy.URL + "/webhook/telegram reaches this server, which checks its secret.",
		"✓ Zalo Bot: the webhook is set to " + proxy.URL + "/webhook/zalo-bot.",
		"✓ Zalo Bot: the webhook " + proxy.URL + "/webhook/zalo-bot reaches this server",
		"✓ The newest backup", "All is well.",
	} {
		if !strings.Contains(report, w) {
			t.Errorf("the report lacks %q:\n%s", w, report)
		}
	}
	if got := append(marked(report, "✗"), marked(report, "!")...); len(got) != 0 {
		t.Errorf("problems or warnings: %q", got)
	}
	if !strings.Contains(h.logs.String(), `msg="admin command" command=doctor`) {
		t.Errorf("the doctor did not go through the server:\n%s", h.logs.String())
	}
}

// The doctor never prints a secret, even one a platform puts in its
// answer or a webhook's address: the built binary is run with every
// secret set.
func TestDoctorPrintsNoSecret(t *testing.T) {
	t.Parallel()
	in := newInstallation(t)
	secrets := map[string]string{
		"SOTHON_TELEGRAM_TOKEN":          testToken,
		"SOTHON_TELEGRAM_WEBHOOK_SECRET": "tg-hook-SECRET-value",
		"SOTHON_ZALO_BOT_TOKEN":          zaloTestToken,
		"SOTHON_ZALO_BOT_WEBHOOK_SECRET": "zalo-hook-SECRET-value",
		"SOTHON_ZALO_OA_SECRET":          "oa-SECRET-key-value",
		"SOTHON_ZALO_APP_SECRET":         "app-SECRET-key-value",
		"SOTHON_ZALO_OA_REFRESH_TOKEN":   "refresh-SECRET-token",
	}
	for k, v := range secrets {
		in.env[k] = v
	}
	in.env["SOTHON_ZALO_OA_APP_ID"] = "1234567890"
	in.env["SOTHON_TELEGRAM_WEBHOOK_URL"] = closedAddress(t) + "/webhook/telegram"
	// Telegram fails naming the token, and tells a webhook whose address
	// holds the webhook's secret.
	in.telegram.Script("getWebhookInfo", telegramtest.Reply{Status: 500,
		Body: `{"ok":false,"error_code":500,"description":"internal error for bot ` + testToken + `"}`})
	in.zalo.SetWebhook("https://elsewhere.example/zalo?secret=zalo-hook-SECRET-value")
	in.env["SOTHON_ZALO_BOT_WEBHOOK_URL"] = closedAddress(t) + "/webhook/zalo-bot"
	cmd := exec.Command(binary, "doctor")
	for k, v := range in.env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	if code := cmd.ProcessState.ExitCode(); code != 1 {
		t.Errorf("exit %d (%v), want 1", code, err)
	}
	report := out.String() + errOut.String()
	if !strings.Contains(report, "elsewhere.example") || !strings.Contains(report, "internal error for bot") {
		t.Fatalf("the report does not tell what the platforms said:\n%s", report)
	}
	for k, v := range secrets {
		if strings.Contains(report, v) {
			t.Errorf("%s appears in the report:\n%s", k, report)
		}
	}
	if !strings.Contains(errOut.String(), "mục cần sửa") {
		t.Errorf("stderr: %q", errOut.String())
	}
}

// A Zalo OA's access token, kept by the server, is checked with the OA's
// profile, never refreshed: a refresh token works once.
func TestDoctorChecksTheOAToken(t *testing.T) {
	t.Parallel()
	in := newInstallation(t)
	fake := zalotest.NewOA("4321", "app-secret-value", "refresh-first")
	defer fake.Close()
	db, err := store.Open(in.env["SOTHON_DB"])
	if err != nil {
		t.Fatal(err)
	}
	oa, err := zalo.NewOA(zalo.OAConfig{AppID: "4321", OASecret: "oa-secret-value", AppSecret: "app-secret-value", RefreshToken: "refresh-first",
		APIBase: fake.URL, OAuthBase: fake.URL, Tokens: zalo.StoredTokens{DB: db}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := oa.Send(context.Background(), delivery.Outbound{ChatID: "u1", Text: "Xin chào"}); err != nil {
		t.Fatal(err)
	}
	db.Close()
	for k, v := range map[string]string{"SOTHON_ZALO_OA_APP_ID": "4321", "SOTHON_ZALO_OA_SECRET": "oa-secret-value",
		"SOTHON_ZALO_APP_SECRET": "app-secret-value", "SOTHON_ZALO_OA_REFRESH_TOKEN": "refresh-first",
		"SOTHON_ZALO_OA_API": fake.URL, "SOTHON_ZALO_OAUTH_API": fake.URL} {
		in.env[k] = v
	}
	refreshes := len(fake.Calls("/v4/oa/access_token"))
	report, _ := in.doctor(t, "--lang", "en")
	if !strings.Contains(report, "✓ Zalo OA: the bot's token works (Sổ Thôn OA).") {
		t.Errorf("a working OA token:\n%s", report)
	}
	fake.ExpireAccessTokens()
	report, _ = in.doctor(t, "--lang", "en")
	if !strings.Contains(report, "! Zalo OA: Zalo refuses the access token (zalo oa: -216 Access token is invalid).") ||
		!strings.Contains(report, "→ The server renews it when it next sends") {
		t.Errorf("a refused OA token:\n%s", report)
	}
	if n := len(fake.Calls("/v4/oa/access_token")); n != refreshes {
		t.Errorf("the doctor refreshed the OA's token %d times", n-refreshes)
	}
}
