package jobs

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"sothon/bot"
	"sothon/office"
	"sothon/store"
	"sothon/store/counting"
	"sothon/tree"
)

// DefaultReviewCron sends the village review's reminders every morning at
// 07:30: a posting's last day and a request's tenth are days, not weeks.
const DefaultReviewCron = "30 7 * * *"

// SendReviewReminders tells whoever is late in the review, each once: a
// village's head when its lists are complete and its meeting not held;
// the commune's reviewers when a meeting was held and the lists not
// posted; the head and the reviewers on a posting's last day; the
// reviewers when a request for review is at its tenth day, and again when
// it is past its fifteenth. It returns how many messages it queued.
func (j *Weekly) SendReviewReminders(ctx context.Context) (int, error) {
	now := j.Now()
	users, err := j.Store.Users(ctx)
	if err != nil {
		return 0, err
	}
	r := reviewReminder{j: j, users: users, now: now}
	rounds, err := j.Store.Rounds(ctx)
	if err != nil {
		return 0, err
	}
	areas, err := j.Store.Areas(ctx)
	if err != nil {
		return 0, err
	}
	for _, round := range rounds {
		if !round.IsOpen() {
			continue
		}
		// A round of the whole tree is the round of each of its tops.
		scopes := slices.DeleteFunc(slices.Clone(areas), func(a tree.Area) bool {
			return !(a.ID == round.AreaID || (round.AreaID == "" && a.Parent == ""))
		})
		for _, area := range scopes {
			p, err := office.ProgressOf(ctx, j.Store, area, round, now)
			if err != nil {
				return r.sent, err
			}
			for _, v := range p.Villages {
				if err := r.village(ctx, round, v); err != nil {
					return r.sent, err
				}
			}
		}
	}
	for _, top := range areas {
		if top.Parent != "" {
			continue
		}
		for _, filter := range []office.RequestFilter{office.RequestsToRemind, office.LateRequests} {
			rows, err := office.RequestsOf(ctx, j.Store, top.ID, filter, now)
			if err != nil {
				return r.sent, err
			}
			for _, row := range rows {
				if err := r.request(ctx, row, filter == office.LateRequests); err != nil {
					return r.sent, err
				}
			}
		}
	}
	return r.sent, nil
}

type reviewReminder struct {
	j     *Weekly
	users []store.User
	now   time.Time
	sent  int
}

// village reminds of a village's meeting and posting.
func (r *reviewReminder) village(ctx context.Context, round store.Round, v office.VillageProgress) error {
	id, day := v.Village.ID, r.now.Format(time.DateOnly)
	round1 := fmt.Sprint(round.ID)
	switch {
	case v.Meeting != store.MeetingHeld && v.Listed > 0:
		complete, err := r.complete(ctx, id)
		if err != nil || !complete {
			return err
		}
		return r.once(ctx, "meeting:"+round1+":"+id, r.heads(id), "remind.meeting_due",
			"village", v.Village.Name, "round", round.Name, "count", v.Listed)
	case v.Meeting == store.MeetingHeld && v.Posting == office.PostingNone && v.MeetingDay < day:
		return r.once(ctx, "posting:"+round1+":"+id, r.reviewers(id), "remind.posting_due",
			"village", v.Village.Name, "day", dmy(v.MeetingDay), "id", id)
	case v.Posting == office.PostingOpen && v.PostEnd == day:
		return r.once(ctx, "posting-ends:"+round1+":"+id, append(r.heads(id), r.reviewers(id)...), "remind.posting_ends",
			"village", v.Village.Name, "day", dmy(day))
	}
	return nil
}

// complete tells whether a village has no form waiting for review or
// returned: its lists are what its meeting votes on.
func (r *reviewReminder) complete(ctx context.Context, village string) (bool, error) {
	counters, err := r.j.Store.CountersIn(ctx, village)
	if err != nil {
		return false, err
	}
	c := counters[village]
	for _, state := range []string{store.ReviewReceived, store.ReviewResubmitted, store.ReviewReturned} {
		if c[counting.ReviewCounter(state)] > 0 {
			return false, nil
		}
	}
	return true, nil
}

// request reminds the reviewers of a request due its answer, or late.
func (r *reviewReminder) request(ctx context.Context, row office.RequestRow, late bool) error {
	key, step := "remind.request_due", "due"
	if late {
		key, step = "remind.request_late", "late"
	}
	name := row.Household
	if hh, err := r.j.Store.Household(ctx, row.Household); err == nil && hh.HeadName != "" {
		name = hh.HeadName
	}
	village := row.AreaID
	if _, label, err := r.j.Store.AreaLabel(ctx, row.AreaID); err == nil {
		village = label
	}
	return r.once(ctx, fmt.Sprintf("request:%d:%s", row.ID, step), r.reviewers(row.AreaID), key,
		"id", row.ID, "household", name, "village", village, "day", dmy(row.Day), "due", dmy(row.DueOn()))
}

// once queues a reminder to each of to, unless one went for the same
// key before; the key is kept only when someone was reached.
func (r *reviewReminder) once(ctx context.Context, key string, to []store.User, msg string, args ...any) error {
	key = "reminded:review:" + key
	if done, err := r.j.Store.Setting(ctx, key); err != nil || done != "" {
		return err
	}
	reached := 0
	for _, u := range to {
		text := r.j.Catalog.T(u.Lang, msg, append([]any{"who", bot.Addressee(r.j.Catalog, u.Lang, u.Name)}, args...)...)
		n, err := r.j.queueTo(ctx, u, store.Message{Text: text, NotBefore: NotBefore(r.now)}, "remind_review")
		if err != nil {
			return err
		}
		reached += n
	}
	r.sent += reached
	if reached == 0 {
		return nil
	}
	return r.j.Store.SetSetting(ctx, key, r.now.Format(time.DateOnly))
}

// heads are a village's heads who can be reached.
func (r *reviewReminder) heads(village string) []store.User {
	var out []store.User
	for _, u := range r.users {
		if u.Role == store.RoleHead && u.AreaID == village && !u.Revoked && !u.Unreachable {
			out = append(out, u)
		}
	}
	return out
}

// reviewers are the reviewers and officials nearest above a village: those
// of its commune, or else of the level above, and so on; admins are left
// out, and so are officials far above, whom every village would write to.
func (r *reviewReminder) reviewers(village string) []store.User {
	var out []store.User
	deepest := -1
	for _, u := range r.users {
		if (u.Role != store.RoleReviewer && u.Role != store.RoleOfficial) || u.Revoked || u.Unreachable || !tree.Within(village, u.AreaID) {
			continue
		}
		switch depth := strings.Count(u.AreaID, "/"); {
		case depth > deepest:
			out, deepest = []store.User{u}, depth
		case depth == deepest:
			out = append(out, u)
		}
	}
	return out
}

// dmy writes YYYY-MM-DD as dd/mm/yyyy.
func dmy(day string) string {
	if t, err := time.Parse(time.DateOnly, day); err == nil {
		return t.Format("02/01/2006")
	}
	return day
}
