package store

import "sothon/tree"

// The area tree was the store's before it became package tree. These
// names stay, as aliases, only until the code that still says store.Area
// (and the rest below) says tree.Area; new code uses package tree.

type (
	// Deprecated: use tree.Area.
	Area = tree.Area
	// Deprecated: use tree.Target.
	Target = tree.Target
	// Deprecated: use tree.Plan.
	Plan = tree.Plan
	// Deprecated: use tree.AmbiguousError.
	AmbiguousAreaError = tree.AmbiguousError
)

// Deprecated: use tree.Province, tree.City and so on.
const (
	KindProvince = tree.Province
	KindCity     = tree.City
	KindDistrict = tree.District
	KindWard     = tree.Ward
	KindCommune  = tree.Commune
	KindVillage  = tree.Village
)

// Deprecated: use tree.ErrUnknown, tree.ErrOutsideScope and tree.ErrPlan.
var (
	ErrAreaUnknown  = tree.ErrUnknown
	ErrOutsideScope = tree.ErrOutsideScope
	ErrPlan         = tree.ErrPlan
)

// Deprecated: use tree.Default.
func DefaultAreas() []Area { return tree.Default() }

// Deprecated: use tree.Builtin.
func BuiltinAreas(name string) ([]Area, error) { return tree.Builtin(name) }

// Deprecated: use tree.BuiltinPlan.
func BuiltinPlan(name string) (Plan, []byte, error) { return tree.BuiltinPlan(name) }

// Deprecated: use tree.Parse.
func ParseAreas(data []byte) ([]Area, error) { return tree.Parse(data) }

// Deprecated: use tree.ParsePlan.
func ParsePlan(data []byte) (Plan, error) { return tree.ParsePlan(data) }

// Deprecated: use tree.Within.
func Within(area, scope string) bool { return tree.Within(area, scope) }

// Deprecated: use tree.Canonical.
func CanonicalArea(id string) bool { return tree.Canonical(id) }

// Deprecated: use tree.Label.
func Label(a, parent Area) string { return tree.Label(a, parent) }

// Deprecated: use tree.ShortName.
func ShortName(a Area) string { return tree.ShortName(a) }

// Deprecated: use tree.Resolve.
func ResolveArea(areas []Area, query, scope string) (Area, error) {
	return tree.Resolve(areas, query, scope)
}
