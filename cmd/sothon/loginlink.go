package main

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"sothon/report/web"
	"sothon/store"
)

// newLoginLinkCmd makes a one-time console link from the terminal, for the
// first admin, who has no chat yet to ask /web from.
func newLoginLinkCmd(e *env, c *common) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "login-link --user USER_ID",
		Short: "print a one-time link to the office console (valid 10 minutes)",
		Args:  noWords,
	}
	user := cmd.Flags().String("user", "", "the user's id (see the audit log, or ask the person to type /web in the chat)")
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		public := e.getenv("SOTHON_PUBLIC_URL")
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
		u, err := db.UserByID(cmd.Context(), *user)
		if err != nil || u.Role == store.RoleHead {
			return usageError{fmt.Sprintf("--user %q: no official or admin with that id", *user)}
		}
		link, err := web.LoginLink(cmd.Context(), db, public, u.ID, time.Now())
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "%s\n(one use, within %v, for %s)\n", link, web.LoginTTL, u.Name)
		return nil
	}
	return cmd
}
