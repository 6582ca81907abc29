package jobs

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"sothon/bot"
	"sothon/bot/terminal"
	"sothon/flows"
	"sothon/locales"
	"sothon/report"
	"sothon/report/progress"
	"sothon/store"
	"sothon/tree"
)

// Weekly is the office's scheduled work: weekly digests for officials and
// reminders for village heads. It puts messages in the outbox like any
// reply.
type Weekly struct {
	Store   *store.DB
	Forms   *flows.Set
	Catalog *locales.Catalog
	Now     func() time.Time
	Notify  func([]store.Message)
	Log     *slog.Logger
}

// Quiet hours: no reminder goes out between 21:00 and 06:00; one queued
// then waits for the morning.
const (
	quietFrom = 21
	quietTo   = 6
)

// NotBefore is now, or the end of the quiet hours when now is inside them.
func NotBefore(now time.Time) time.Time {
	h := now.Hour()
	if h >= quietTo && h < quietFrom {
		return time.Time{}
	}
	day := now
	if h >= quietFrom {
		day = now.AddDate(0, 0, 1)
	}
	return time.Date(day.Year(), day.Month(), day.Day(), quietTo, 0, 0, 0, now.Location())
}

// DigestFor renders the digest of an area in lang, with its chart.
func (j *Weekly) DigestFor(ctx context.Context, areaID, lang string) (string, []byte, report.Stats, error) {
	st, err := report.Compute(ctx, j.Store, areaID, j.Now())
	if err != nil {
		return "", nil, st, err
	}
	prev, err := j.Store.LastSnapshot(ctx, areaID, st.Week)
	if err != nil {
		return "", nil, st, err
	}
	if st.Review, err = progress.Lines(ctx, j.Store, st, j.Now(), j.Catalog, lang); err != nil {
		return "", nil, st, err
	}
	chart, err := report.Chart(st, j.Catalog, lang)
	if err != nil {
		return "", nil, st, err
	}
	return report.Digest(st, prev, j.Forms, j.Catalog, lang), chart, st, nil
}

// SendDigests queues each official's digest (with its chart) for their
// area, within scope, and keeps each area's figures for next week's change.
func (j *Weekly) SendDigests(ctx context.Context, scope string) (int, error) {
	users, err := j.Store.Users(ctx)
	if err != nil {
		return 0, err
	}
	sent := 0
	snapshots := map[string]store.Snapshot{}
	for _, u := range users {
		if (u.Role != store.RoleOfficial && u.Role != store.RoleAdmin) || u.Unreachable || u.Revoked || !tree.Within(u.AreaID, scope) {
			continue
		}
		text, chart, st, err := j.DigestFor(ctx, u.AreaID, u.Lang)
		if err != nil {
			return sent, err
		}
		snapshots[u.AreaID] = st.Snapshot()
		att := &store.Attachment{Name: "bieu-do-" + st.Week + ".png", Image: true, Data: chart}
		n, err := j.queueTo(ctx, u, store.Message{Text: text, Attachment: att}, "digest")
		if err != nil {
			return sent, err
		}
		sent += n
	}
	for area, snap := range snapshots {
		if err := j.Store.SaveSnapshot(ctx, area, snap); err != nil {
			return sent, err
		}
	}
	return sent, nil
}

// remindedKey marks the week a head was last reminded.
func remindedKey(userID string) string { return "reminded:" + userID }

// SendReminders queues a reminder for each head whose village is behind,
// at most one a week per head, never in the quiet hours.
func (j *Weekly) SendReminders(ctx context.Context) (int, error) {
	now := j.Now()
	behind, err := report.VillagesBehind(ctx, j.Store, now)
	if err != nil {
		return 0, err
	}
	week := store.ISOWeek(now)
	sent := 0
	for _, b := range behind {
		last, err := j.Store.Setting(ctx, remindedKey(b.User.ID))
		if err != nil {
			return sent, err
		}
		if last == week {
			continue
		}
		msg := store.Message{Text: j.reminderText(b), NotBefore: NotBefore(now), Question: flows.AwaitRemind,
			Options: []flows.Option{{Key: "1", Label: j.Forms.Forms[0].Title.In(b.User.Lang)}}}
		n, err := j.queueTo(ctx, b.User, msg, "remind")
		if err != nil {
			return sent, err
		}
		if n > 0 {
			sent++
			if err := j.Store.SetSetting(ctx, remindedKey(b.User.ID), week); err != nil {
				return sent, err
			}
		}
	}
	return sent, nil
}

func (j *Weekly) reminderText(b report.Behind) string {
	round := b.Round
	lang := b.User.Lang
	text := j.Catalog.T(lang, "remind.week", "who", bot.Addressee(j.Catalog, lang, b.User.Name))
	if b.Unreviewed > 0 && round != nil {
		text = j.Catalog.T(lang, "remind.round", "who", bot.Addressee(j.Catalog, lang, b.User.Name), "count", locales.Number(lang, float64(b.Unreviewed), 0), "round", round.Name)
	}
	if b.Returned > 0 { // corrections first: they hold up the village's list
		text = j.Catalog.T(lang, "remind.returned", "count", b.Returned) + "\n\n" + text
	}
	return text
}

// queueTo sends a message to one chat of the user: the first that is not
// the terminal. It returns how many it queued (0 or 1).
func (j *Weekly) queueTo(ctx context.Context, u store.User, m store.Message, action string) (int, error) {
	ids, err := j.Store.IdentitiesOf(ctx, u.ID)
	if err != nil {
		return 0, err
	}
	for _, id := range ids {
		if id.Channel == terminal.Name { // nobody reads the terminal between sessions
			continue
		}
		m.Channel, m.ChatID = id.Channel, id.ChatID
		queued, err := j.Store.Queue(ctx, j.Now(), []store.Message{m},
			[]store.AuditEntry{{At: j.Now(), Actor: "system", Action: action, Detail: u.ID}})
		if err != nil {
			return 0, fmt.Errorf("bot: queue %s: %w", action, err)
		}
		if j.Notify != nil {
			j.Notify(queued)
		}
		return 1, nil
	}
	return 0, nil
}
