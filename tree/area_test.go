package tree_test

import (
	"strings"
	"testing"

	"sothon/tree"
)

func TestCanonical(t *testing.T) {
	t.Parallel()
	for _, id := range []string{"bac-kan", "bac-kan/huyen-tung/khuoi-pai", "x1/2-b", "12"} {
		if !tree.Canonical(id) {
			t.Errorf("%q refused", id)
		}
	}
	for _, id := range []string{"", "..", "bac-kan/..", "bac-kan/../duc-xuan", "bac-kan//huyen-tung", "/bac-kan", "bac-kan/",
		"./bac-kan", "bac-kan/./huyen-tung", "Bac-kan", "bac_kan", "bac-kan/huyền-tụng", "bac kan", "-bac", "bac-", "bac--kan",
		"bac-kan\x00", "bac-kan:1", strings.Repeat("a/", 300) + "a"} {
		if tree.Canonical(id) {
			t.Errorf("%q accepted", id)
		}
	}
}

// A path that climbs out of its scope is within nothing.
func TestWithinRefusesClimbing(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		area, scope string
		want        bool
	}{
		{"bac-kan/huyen-tung", "bac-kan", true},
		{"bac-kan", "bac-kan", true},
		{"bac-kan/huyen-tung/../duc-xuan", "bac-kan/huyen-tung", false},
		{"bac-kan/huyen-tung/./x", "bac-kan/huyen-tung", false},
		{"bac-kan/huyen-tung//x", "bac-kan/huyen-tung", false},
		{"bac-kan/huyen-tung/", "bac-kan/huyen-tung", false},
		{`bac-kan/huyen-tung\..\duc-xuan`, "bac-kan/huyen-tung", false},
		{"bac-kan/duc-xuan", "bac-kan/huyen-tung", false},
	} {
		if got := tree.Within(c.area, c.scope); got != c.want {
			t.Errorf("Within(%q, %q) = %v", c.area, c.scope, got)
		}
	}
}
