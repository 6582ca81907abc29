package bot

import "sothon/tree"

// InArea reports whether area is scope or below it.
func InArea(area, scope string) bool { return tree.Within(area, scope) }
