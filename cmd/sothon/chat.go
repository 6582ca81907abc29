package main

import (
	"context"
	"flag"
	"fmt"
	"strings"
	"time"

	"sothon/bot"
	"sothon/bot/console"
	"sothon/locales"
	"sothon/store"
)

// demoIdentity is who `sothon chat` is without --as: the head of a demo village.
const demoIdentity = "head:bac-kan/huyen-tung/khuoi-pai"

func runChat(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("chat", flag.ContinueOnError)
	var c common
	c.register(fs, e)
	as := fs.String("as", demoIdentity, "who you are: ROLE:AREA_ID (role head, official or admin)")
	lang := fs.String("lang", "", "language: vi or en (default: as last time, or vi)")
	defTTL, err := envDuration(e, "SOTHON_RUN_TTL", bot.DefaultRunTTL)
	if err != nil {
		return err
	}
	ttl := fs.Duration("run-ttl", defTTL, "how long an unanswered questionnaire is kept (SOTHON_RUN_TTL)")
	if err := parseFlags(fs, e, args); err != nil {
		return err
	}
	role, area, err := parseAs(*as)
	if err != nil {
		return err
	}
	if *lang != "" && !locales.Supported(*lang) {
		return usageError{fmt.Sprintf("--lang %q: use vi or en", *lang)}
	}
	if *ttl <= 0 {
		return usageError{"--run-ttl must be positive"}
	}
	w, err := c.openWorld(ctx)
	if err != nil {
		return err
	}
	defer w.db.Close()
	loc, forms, db := w.loc, w.forms, w.db
	eng := bot.New(bot.Config{Store: db, Forms: forms, Catalog: locales.MustLoad(), RunTTL: *ttl,
		Now: func() time.Time { return time.Now().In(loc) }})
	chatID := role + ":" + area
	if err := eng.RegisterTerminalUser(ctx, chatID, role, area, *lang); err != nil {
		return err
	}
	if _, err := eng.ExpireIdle(ctx); err != nil {
		return err
	}
	s := &console.Session{Engine: eng, Store: db, ChatID: chatID, Out: e.stdout}
	return s.Run(ctx, e.stdin)
}

func parseAs(as string) (role, area string, err error) {
	role, area, ok := strings.Cut(as, ":")
	switch {
	case !ok || area == "":
		return "", "", usageError{fmt.Sprintf("--as %q: use ROLE:AREA_ID, e.g. %s", as, demoIdentity)}
	case role != store.RoleHead && role != store.RoleOfficial && role != store.RoleAdmin:
		return "", "", usageError{fmt.Sprintf("--as %q: role must be head, official or admin", as)}
	}
	return role, area, nil
}

func envDuration(e *env, key string, def time.Duration) (time.Duration, error) {
	v := e.getenv(key)
	if v == "" {
		return def, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		return 0, usageError{fmt.Sprintf("%s=%q: use a duration such as 72h", key, v)}
	}
	return d, nil
}
