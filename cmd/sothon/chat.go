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
	"sothon/server"
	"sothon/setting"
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
	setting.AddFlags(f, server.RunTTL.Spec)
	c.allowNew(cmd)
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		ttl, err := server.RunTTL.Lookup(e.getenv, cmd.Flags())
		if err != nil {
			return err
		}
		public, err := server.PublicURL.Lookup(e.getenv, nil)
		if err != nil {
			return err
		}
		return chat(cmd.Context(), e, c, *as, *lang, ttl, public)
	}
	return cmd
}

func chat(ctx context.Context, e *env, c *common, as, lang string, ttl time.Duration, publicURL string) error {
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
	eng := bot.New(server.EngineConfig(db, w.forms, func() time.Time { return time.Now().In(w.loc) }, locales.MustLoad(), ttl, nil, publicURL))
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
