package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"sothon/bot"
	"sothon/bot/terminal"
	"sothon/locales"
	"sothon/store"
)

// demoIdentity is who `sothon chat` is without --as: the head of a demo village.
const demoIdentity = "head:Tổ Khuổi Pài" // by name: the same village in either built-in tree

func newChatCmd(e *env, c *common) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "chat",
		Short: "talk to the bot in this terminal",
		Args:  noWords,
	}
	f := cmd.Flags()
	as := f.String("as", demoIdentity, "who you are: ROLE:AREA, the area by id or name (role head, official, reviewer or admin)")
	lang := f.String("lang", "", "language: vi or en (default: as last time, or vi)")
	ttl := f.Duration("run-ttl", 0, "how long an unanswered questionnaire is kept (SOTHON_RUN_TTL, default 72h)")
	c.allowNew(cmd)
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		runTTL, err := runTTL(e, cmd, *ttl)
		if err != nil {
			return err
		}
		return chat(cmd.Context(), e, c, *as, *lang, runTTL)
	}
	return cmd
}

// runTTL is --run-ttl when given, else SOTHON_RUN_TTL, else the default.
func runTTL(e *env, cmd *cobra.Command, flag time.Duration) (time.Duration, error) {
	ttl := flag
	if !cmd.Flags().Changed("run-ttl") {
		var err error
		if ttl, err = envDuration(e, "SOTHON_RUN_TTL", bot.DefaultRunTTL); err != nil {
			return 0, err
		}
	}
	if ttl <= 0 {
		return 0, usageError{"--run-ttl must be positive"}
	}
	return ttl, nil
}

func chat(ctx context.Context, e *env, c *common, as, lang string, ttl time.Duration) error {
	role, area, err := parseAs(as)
	if err != nil {
		return err
	}
	if lang != "" && !locales.Supported(lang) {
		return usageError{fmt.Sprintf("--lang %q: use vi or en", lang)}
	}
	w, err := c.openWorld(ctx)
	if err != nil {
		return err
	}
	defer w.db.Close()
	db := w.db
	a, err := areaNamed(ctx, db, "--as", area) // an id, or a name: "head:khuoi pai"
	if err != nil {
		return err
	}
	area = a.ID
	// /web gives a link to the console of the server at the public
	// address, as in the chats that server answers.
	eng := bot.New(w.engineConfig(locales.MustLoad(), ttl, nil, e.getenv("SOTHON_PUBLIC_URL")))
	chatID := role + ":" + area
	if err := terminal.EnsureUser(ctx, db, chatID, role, area, lang, time.Now()); err != nil {
		return err
	}
	if _, err := eng.ExpireIdle(ctx); err != nil {
		return err
	}
	s := &terminal.Session{Engine: eng, Store: db, ChatID: chatID, Out: e.stdout}
	return s.Run(ctx, e.stdin)
}

func parseAs(as string) (role, area string, err error) {
	role, area, ok := strings.Cut(as, ":")
	switch {
	case !ok || area == "":
		return "", "", usageError{fmt.Sprintf("--as %q: use ROLE:AREA_ID, e.g. %s", as, demoIdentity)}
	case role != store.RoleHead && role != store.RoleOfficial && role != store.RoleReviewer && role != store.RoleAdmin:
		return "", "", usageError{fmt.Sprintf("--as %q: role must be head, official, reviewer or admin", as)}
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
