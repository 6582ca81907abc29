package office

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"sothon/flows"
	"sothon/report"
	"sothon/report/export"
	"sothon/store"
	"sothon/tree"
)

// The roles that read an area — its figures, its forms one by one, its
// spreadsheets, the office console — are the Reviewers: a reviewer checks
// an area's forms one by one, so seeing them together and the figures they
// make adds nothing they could not see already. A village head reads only
// their village's progress, in the weekly reminder.

// ErrNoSubmission: no form the actor may read by that id; one outside
// their area is said the same way.
var ErrNoSubmission = errors.New("office: no such submission of yours")

// reader refuses an actor who may not read an area's figures and forms.
func reader(actor store.User) error {
	if !mayReview(actor) {
		return refuse(ErrNotAllowed, "office.readers_only")
	}
	return nil
}

// MayUseConsole tells (nil) whether a user may use the office console: a
// reader of their area, not revoked.
func MayUseConsole(u store.User) error { return reader(u) }

// Area is the area of the reader's that named names: their own when it is
// "", else one within theirs by id or by name, diacritics optional ("huyen
// tung"). An unknown area and one outside theirs are refused the same way;
// a name several areas fit is refused with them in List.
func (o *Office) Area(ctx context.Context, actor store.User, named string) (tree.Area, error) {
	if err := reader(actor); err != nil {
		return tree.Area{}, err
	}
	if named == "" {
		return o.areaOf(ctx, actor, "")
	}
	a, err := o.Store.FindArea(ctx, named, actor.AreaID)
	var amb *tree.AmbiguousError
	switch {
	case errors.Is(err, tree.ErrUnknown) || errors.Is(err, tree.ErrOutsideScope):
		return tree.Area{}, refuse(ErrOutside, "office.outside", "area", named)
	case errors.As(err, &amb):
		r := &Refusal{Key: "office.area_ambiguous", Args: []any{"area", named}, Err: err}
		for _, c := range amb.Candidates {
			r.List = append(r.List, c.Label+" — "+c.ID)
		}
		return tree.Area{}, r
	case err != nil:
		return tree.Area{}, fmt.Errorf("office: area %s: %w", named, err)
	}
	return a, nil
}

// Areas are the areas a reader may ask about: theirs and those below, in
// the tree's order.
func (o *Office) Areas(ctx context.Context, actor store.User) ([]tree.Area, error) {
	if err := reader(actor); err != nil {
		return nil, err
	}
	all, err := o.Store.Areas(ctx)
	if err != nil {
		return nil, fmt.Errorf("office: areas: %w", err)
	}
	var out []tree.Area
	for _, a := range all {
		if tree.Within(a.ID, actor.AreaID) {
			out = append(out, a)
		}
	}
	return out, nil
}

// Figures are the figures of an area of the reader's ("" for their own)
// as of at: the round's when one is open there, else the week's.
func (o *Office) Figures(ctx context.Context, actor store.User, areaID string, at time.Time) (report.Stats, error) {
	return o.FiguresOfWeek(ctx, actor, areaID, at, at)
}

// FiguresOfWeek are an area's figures for the week day falls in, as they
// stood at its end (or now, for this week).
func (o *Office) FiguresOfWeek(ctx context.Context, actor store.User, areaID string, day, at time.Time) (report.Stats, error) {
	if err := reader(actor); err != nil {
		return report.Stats{}, err
	}
	area, err := o.areaOf(ctx, actor, areaID)
	if err != nil {
		return report.Stats{}, err
	}
	st, err := report.ComputeWeek(ctx, o.Store, area.ID, day, at)
	if err != nil {
		return report.Stats{}, fmt.Errorf("office: figures of %s: %w", area.ID, err)
	}
	return st, nil
}

// Export writes the submissions of an area of the reader's (the filter's,
// their own when it names none) as a spreadsheet, and how many it wrote.
func (o *Office) Export(ctx context.Context, actor store.User, forms *flows.Set, opts export.Options, w io.Writer) (int, error) {
	if err := o.scope(ctx, actor, &opts.Filter); err != nil {
		return 0, err
	}
	n, err := export.Write(ctx, o.Store, forms, opts, w)
	if err != nil {
		return n, fmt.Errorf("office: export: %w", err)
	}
	return n, nil
}

// Submissions gives fn the submissions of an area of the reader's that
// the filter selects (their own area when it names none), oldest first.
func (o *Office) Submissions(ctx context.Context, actor store.User, f store.SubmissionFilter, fn func(store.Submission) error) error {
	if err := o.scope(ctx, actor, &f); err != nil {
		return err
	}
	if err := o.Store.Submissions(ctx, f, fn); err != nil {
		return fmt.Errorf("office: submissions: %w", err)
	}
	return nil
}

// scope checks a reader and sets a filter's area to one of theirs.
func (o *Office) scope(ctx context.Context, actor store.User, f *store.SubmissionFilter) error {
	if err := reader(actor); err != nil {
		return err
	}
	area, err := o.areaOf(ctx, actor, f.AreaID)
	if err != nil {
		return err
	}
	f.AreaID = area.ID
	return nil
}

// Submission is one form of the reader's area, with its review.
func (o *Office) Submission(ctx context.Context, actor store.User, id uint64) (store.Submission, store.Review, error) {
	if err := reader(actor); err != nil {
		return store.Submission{}, store.Review{}, err
	}
	s, err := o.Store.Submission(ctx, id)
	switch {
	case errors.Is(err, store.ErrNotFound) || err == nil && !tree.Within(s.AreaID, actor.AreaID):
		return store.Submission{}, store.Review{}, refuse(ErrNoSubmission, "office.no_submission", "id", id)
	case err != nil:
		return store.Submission{}, store.Review{}, fmt.Errorf("office: submission %d: %w", id, err)
	}
	rv, err := o.Store.ReviewOf(ctx, id)
	if err != nil {
		return store.Submission{}, store.Review{}, fmt.Errorf("office: review of %d: %w", id, err)
	}
	return s, rv, nil
}
