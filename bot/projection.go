package bot

import (
	"time"

	"sothon/flows"
	"sothon/flows/poverty"
	"sothon/store"
)

// projection is what a household form adds to the figures "by the new
// standard" while that standard is not yet in force: the household's class
// under the newest standard beside its class under the one in force on the
// form's day, when the form gave both. A newer such form of the household
// replaces it.
func projection(s *flows.Submission, ss poverty.Standards, at time.Time) []store.Contribution {
	newest, current := ss.Newest(), ss.At(at)
	next, okNext := s.Classes[newest.ID]
	now, okNow := s.Classes[current.ID]
	if newest.ID == current.ID || !okNext || !okNow {
		return nil
	}
	return []store.Contribution{{Kind: "projected", Key: newest.ID,
		Names: []string{store.ProjectedCounter(newest.ID, next), store.ProjectedBaseCounter(newest.ID, now)}}}
}
