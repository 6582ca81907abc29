package bot

import "sothon/store"

// InArea reports whether area is scope or below it.
func InArea(area, scope string) bool { return store.Within(area, scope) }
