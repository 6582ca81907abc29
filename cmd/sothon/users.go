package main

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"sothon/office"
	"sothon/store"
)

func newUsersCmd(e *env, c *common) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "users [--area AREA] [--format table|json]",
		Short: "list the people who have joined: id, name, role, area and chats",
		Args:  noWords,
	}
	area := cmd.Flags().String("area", "", "only the people of this area and the areas below it, by id or name")
	format := cmd.Flags().String("format", "table", "table or json")
	cmd.RunE = func(cmd *cobra.Command, _ []string) error { return users(cmd.Context(), e, c, *area, *format) }
	return cmd
}

// userJSON is one person as `sothon users --format json` gives them.
type userJSON struct {
	ID          string   `json:"id"`
	Name        string   `json:"name"`
	Role        string   `json:"role"`
	AreaID      string   `json:"area_id"`
	Area        string   `json:"area"`     // the area's label
	Channels    []string `json:"channels"` // the chats they write from: telegram, zalo, console
	Revoked     bool     `json:"revoked,omitempty"`
	Unreachable bool     `json:"unreachable,omitempty"`
}

func users(ctx context.Context, e *env, c *common, area, format string) error {
	if format != "table" && format != "json" {
		return usageError{fmt.Sprintf("--format %q: use table or json", format)}
	}
	db, err := c.openReading()
	if err != nil {
		return err
	}
	defer db.Close()
	list, err := listUsers(ctx, db, area)
	if err != nil {
		return err
	}
	if format == "json" {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(list)
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tNAME\tROLE\tAREA\tCHANNELS")
	for _, u := range list {
		channels := cmp.Or(strings.Join(u.Channels, ", "), "-")
		if u.Revoked {
			channels = "revoked"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", u.ID, cmp.Or(u.Name, "-"), u.Role, u.AreaID, channels)
	}
	return tw.Flush()
}

// listUsers reads the people of an area (all without one) in the area
// tree's order, by name within an area.
func listUsers(ctx context.Context, db *store.DB, area string) ([]userJSON, error) {
	scope := ""
	if area != "" {
		a, err := areaNamed(ctx, db, "--area", area)
		if err != nil {
			return nil, err
		}
		scope = a.ID
	}
	actor, err := office.Terminal(ctx, db)
	if err != nil {
		return nil, err
	}
	members, err := (&office.Office{Store: db}).Users(ctx, actor, scope)
	if err != nil {
		return nil, err
	}
	out := make([]userJSON, len(members))
	for i, u := range members {
		out[i] = userJSON{ID: u.ID, Name: u.Name, Role: u.Role, AreaID: u.AreaID, Area: u.Area,
			Channels: u.Channels, Revoked: u.Revoked, Unreachable: u.Unreachable}
	}
	return out, nil
}
