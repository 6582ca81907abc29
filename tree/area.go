// Package tree is the area tree, from the province down to its villages:
// its file format and the trees built in, how areas are named and found,
// and the reorganisation plans that rearrange it. It knows nothing of
// what is stored under an area.
package tree

import (
	"errors"
	"strings"

	"sothon/flows/poverty"
)

// Area kinds. Wards are urban and communes rural for the poverty lines;
// villages take the setting of the ward or commune they belong to.
const (
	Province = "province"
	City     = "city"
	District = "district"
	Ward     = "ward"
	Commune  = "commune"
	Village  = "village"
)

// Target is a poverty-reduction goal of an area for one year.
type Target struct {
	Year          int `yaml:"year" json:"year"`
	PoorReduction int `yaml:"poor_reduction" json:"poor_reduction"` // fewer poor households by year end
}

// Area is a node of the area tree. ID is the full path ("bac-kan/huyen-tung").
type Area struct {
	ID              string       `json:"id"`
	Name            string       `json:"name"`
	Kind            string       `json:"kind"`
	Setting         poverty.Kind `json:"setting"`
	Parent          string       `json:"parent,omitempty"`
	HouseholdsTotal int          `json:"households_total"` // a village's own, or the sum below
	Targets         []Target     `json:"targets,omitempty"`
	Order           int          `json:"order"` // position in the file, to print the tree
	Demo            []string     `json:"-"`     // demo register names from the file
}

// Errors for a name or id that finds no area of the asker's.
var (
	ErrUnknown      = errors.New("no such area (see `sothon areas`)")
	ErrOutsideScope = errors.New("that area is outside your own")
)

// Canonical reports whether id is written as the area tree writes
// ids: lowercase slugs joined by single slashes. Anything else ("..",
// "//", "./x", a slash at either end, capitals, other characters) is no
// area of ours, and must not reach a lookup or a prefix test.
func Canonical(id string) bool {
	if id == "" || len(id) > maxID {
		return false
	}
	for seg := range strings.SplitSeq(id, "/") {
		if !slugPattern.MatchString(seg) {
			return false
		}
	}
	return true
}

// maxID bounds an area id: far above a real one's length, far below
// what would make checking it cost anything.
const maxID = 512

// Within reports whether area is scope or one of the areas below it. An
// id no tree writes ("a/../b", "a//b", "a/") is below nothing: a prefix
// test must not let a path climb out of its scope.
func Within(area, scope string) bool {
	if area == scope {
		return true
	}
	if strings.Contains(area, "//") || strings.ContainsAny(area, ".\\") || strings.HasSuffix(area, "/") {
		return false
	}
	return len(area) > len(scope) && area[len(scope)] == '/' && strings.HasPrefix(area, scope)
}
