package main

import (
	"cmp"
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"sothon/console"
	"sothon/office"
	"sothon/server"
)

// newLoginLinkCmd makes a one-time console link from the terminal, for the
// first admin, who has no chat yet to ask /web from.
func newLoginLinkCmd(e *env, c *common) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "login-link --user USER_ID",
		Short: "print a one-time link to the office console (valid 10 minutes)",
		Args:  noWords,
	}
	user := cmd.Flags().String("user", "", "the user's id (see sothon users)")
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		public, err := server.PublicURL.Lookup(e.getenv, nil)
		if err != nil {
			return err
		}
		if *user == "" {
			return usageError{"usage: sothon login-link --user USER_ID"}
		}
		if public == "" {
			return usageError{"set SOTHON_PUBLIC_URL to the server's public address first"}
		}
		db, err := c.openExisting()
		if err != nil {
			return err
		}
		defer db.Close()
		link, err := console.LoginLink(cmd.Context(), db, public, *user, time.Now())
		var refusal *office.Refusal
		if errors.As(err, &refusal) {
			return usageError{fmt.Sprintf("--user: %v (see sothon users)", err)}
		} else if err != nil {
			return err
		}
		u, err := db.UserByID(cmd.Context(), *user)
		if err != nil {
			return err
		}
		_, place, err := db.AreaLabel(cmd.Context(), u.AreaID)
		if err != nil {
			place = u.AreaID
		}
		// Whose link it is, so that it goes to the right person.
		fmt.Fprintf(e.stdout, "%s\nfor %s (%s, %s); one use, within %v\n", link, cmp.Or(u.Name, u.ID), u.Role, place, console.LoginTTL)
		return nil
	}
	return cmd
}
