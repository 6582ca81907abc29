package server

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/spf13/pflag"

	"sothon/setting"
	"sothon/store"
)

func envOf(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestReadConfig(t *testing.T) {
	t.Parallel()
	c, err := ReadConfig(envOf(map[string]string{"SOTHON_TELEGRAM_TOKEN": "1:x", "SOTHON_COUNT": "approved",
		"SOTHON_PUBLIC_URL": "https://sothon.example.vn/", "SOTHON_LOG_FORMAT": "JSON", "SOTHON_HOLIDAYS": "2026-09-02, 2026-09-01,2026-09-02"}), nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != "127.0.0.1:8080" || c.RunTTL != 72*time.Hour || c.Count != store.CountApproved || c.PublicURL != "https://sothon.example.vn" ||
		!c.LogJSON || c.HTTPTimeout != 10*time.Second || c.DigestCron != "0 7 * * 1" || c.PostingDays != 3 || c.Holidays != "2026-09-01,2026-09-02" {
		t.Fatalf("%+v", c)
	}
	fs := pflag.NewFlagSet("serve", pflag.ContinueOnError)
	ServeFlags(fs)
	fs.Parse([]string{"--addr", "0.0.0.0:9000", "--run-ttl", "1h"})
	if c, err = ReadConfig(envOf(map[string]string{"SOTHON_PUBLIC_URL": "http://x.vn", "SOTHON_ADDR": "1.2.3.4:1"}), fs); err != nil ||
		c.Addr != "0.0.0.0:9000" || c.RunTTL != time.Hour {
		t.Fatalf("flags: %+v %v", c, err)
	}
}

// A bad value is refused by its variable's name before anything starts.
func TestReadConfigRefuses(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{}, "no chat channel configured: set SOTHON_TELEGRAM_TOKEN (Telegram), SOTHON_ZALO_BOT_TOKEN (Zalo Bot), SOTHON_ZALO_OA_APP_ID (Zalo OA)"},
		{map[string]string{"SOTHON_TELEGRAM_TOKEN": "1:x", "SOTHON_COUNT": "some"}, `SOTHON_COUNT="some": use approved, all or auto`},
		{map[string]string{"SOTHON_TELEGRAM_TOKEN": "1:x", "SOTHON_DIGEST_CRON": "mondays"}, `SOTHON_DIGEST_CRON="mondays": use five cron fields`},
		{map[string]string{"SOTHON_TELEGRAM_TOKEN": "1:x", "SOTHON_POSTING_DAYS": "31"}, `SOTHON_POSTING_DAYS="31": use a number of working days from 1 to 30`},
		{map[string]string{"SOTHON_TELEGRAM_TOKEN": "1:x", "SOTHON_HOLIDAYS": "2026-09-02,02/09/2026"}, `SOTHON_HOLIDAYS="2026-09-02,02/09/2026": "02/09/2026" is no day`},
		{map[string]string{"SOTHON_TELEGRAM_TOKEN": "1:x", "SOTHON_ADDR": "8080"}, `SOTHON_ADDR="8080": use HOST:PORT`},
		{map[string]string{"SOTHON_TELEGRAM_TOKEN": "1:x", "SOTHON_HTTP_TIMEOUT": "0s"}, `SOTHON_HTTP_TIMEOUT="0s": use a positive duration such as 10s`},
		{map[string]string{"SOTHON_TELEGRAM_TOKEN": "1:x", "SOTHON_PUBLIC_URL": "sothon.vn"}, `SOTHON_PUBLIC_URL="sothon.vn": use an http or https address`},
		{map[string]string{"SOTHON_TELEGRAM_TOKEN": "1:x", "SOTHON_LOG_LEVEL": "loud"}, `SOTHON_LOG_LEVEL="loud": use debug, info, warn or error`},
		{map[string]string{"SOTHON_TELEGRAM_TOKEN": "1:x", "SOTHON_TELEGRAM_CHAT_RATE": "-1"}, `SOTHON_TELEGRAM_CHAT_RATE="-1": use a positive number`},
		{map[string]string{"SOTHON_ZALO_BOT_TOKEN": "z", "SOTHON_ZALO_BOT_WEBHOOK_SECRET": "short"}, "SOTHON_ZALO_BOT_WEBHOOK_SECRET: must have 8 to 256 characters"},
		{map[string]string{"SOTHON_ZALO_OA_APP_ID": "1"}, "a Zalo OA needs SOTHON_ZALO_OA_APP_ID, SOTHON_ZALO_OA_SECRET and SOTHON_ZALO_APP_SECRET"},
	} {
		_, err := ReadConfig(envOf(tc.env), nil)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: %v; want %q", tc.env, err, tc.want)
			continue
		}
		var bad *setting.Error
		if !errors.As(err, &bad) && !errors.Is(err, ErrNoChannel) {
			t.Errorf("%v: %T is neither a setting error nor ErrNoChannel", tc.env, err)
		}
	}
}

// The public address alone serves the office console.
func TestConsoleAloneIsConfigured(t *testing.T) {
	t.Parallel()
	if _, err := ReadConfig(envOf(map[string]string{"SOTHON_PUBLIC_URL": "https://sothon.example.vn"}), nil); err != nil {
		t.Fatal(err)
	}
}
