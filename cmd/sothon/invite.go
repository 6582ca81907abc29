package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"sothon/bot/telegram"
	"sothon/office"
	"sothon/store"
)

func newInviteCmd(e *env, c *common) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "invite --role head|official|reviewer|admin --area AREA [--name NAME]",
		Short: "create a one-time invite code for a person to join",
		Args:  noWords,
	}
	f := cmd.Flags()
	role := f.String("role", "", "head, official, reviewer or admin")
	area := f.String("area", "", "the area, by id or name (see sothon areas)")
	name := f.String("name", "", "the person's name, shown when they join")
	ttl := f.Duration("ttl", store.DefaultInviteTTL, "how long the code can be used")
	c.allowNew(cmd)
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		return invite(cmd.Context(), e, c, *role, *area, *name, *ttl)
	}
	return cmd
}

func invite(ctx context.Context, e *env, c *common, role, area, name string, ttl time.Duration) error {
	if role == "" || area == "" {
		return usageError{"usage: sothon invite --role head|official|reviewer|admin --area AREA [--name NAME]"}
	}
	if ttl <= 0 {
		return usageError{"--ttl must be positive"}
	}
	loc, err := c.location()
	if err != nil {
		return err
	}
	db, err := c.openDB(ctx)
	if errors.Is(err, store.ErrLocked) {
		return fmt.Errorf("%w\nWhile the server runs, an admin can create an invite in the chat: /invite ROLE AREA_ID [name]", err)
	}
	if err != nil {
		return err
	}
	defer db.Close()
	var inv store.Invite
	err = asTerminal(ctx, db, area, func(o *office.Office, actor store.User, areaID string) (err error) {
		inv, err = o.Invite(ctx, actor, office.Invitation{Role: role, AreaID: areaID, Name: name, TTL: ttl}, time.Now().In(loc))
		return err
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "invite code: %s (%s, %s), single use, expires %s\n", inv.Code, inv.Role, inv.AreaID, inv.Expires.In(loc).Format(time.DateTime))
	if link := telegram.InviteLinks(db)(ctx, inv.Code); link != "" {
		fmt.Fprintf(e.stdout, "Telegram link: %s\n", link)
	} else {
		fmt.Fprintf(e.stdout, "In the bot, send: /start %s\n", inv.Code)
	}
	return nil
}
