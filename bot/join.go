package bot

import (
	"context"
	"errors"
	"math"
	"strings"
	"sync"
	"time"

	"sothon/locales"
	"sothon/store"
)

// Wrong invite codes are counted over throttleWindow: a chat that sent
// maxWrongCodes of them, and every chat while all together sent
// maxWrongCodesAll, have their wrong codes answered once and then dropped
// until the count falls. A valid unused code always joins, whatever the
// counts: the pause slows guessing, and must not lock out the people who
// were invited. (Eight characters of 31 are far too many to guess at the
// few messages a second a chat can send.)
const (
	maxWrongCodes    = 5   // from one chat
	maxWrongCodesAll = 100 // from all chats together
	throttleWindow   = time.Hour
)

// stranger answers a chat nobody registered: it joins with a valid invite
// code ("/start CODE" or the code alone), or gets a short refusal. Nothing
// is kept about a refused chat but a count.
func (t *turn) stranger(ctx context.Context) {
	t.lang = locales.Default
	if t.in.Lang == "en" {
		t.lang = "en"
	}
	chat := t.in.Channel + ":" + t.in.ChatID
	if t.in.Overflow {
		t.refuse(chat, "flood.too_fast", time.Minute)
		return
	}
	text := strings.TrimSpace(t.in.Text)
	if rest, ok := strings.CutPrefix(text, "/start"); ok {
		text = strings.TrimSpace(rest)
	}
	code, ok := store.NormalizeCode(text)
	if !ok {
		t.refuse(chat, "stranger.refusal", refusalPeriod)
		return
	}
	t.join(ctx, chat, code)
}

// refuse answers a stranger with key at most once a period, however much
// they send, and keeps nothing of their messages, not even their ids: a
// flood of strangers costs a count.
func (t *turn) refuse(chat, key string, period time.Duration, args ...any) {
	t.change.SeenKey, t.change.Count, t.low = "", "refusals", true
	if t.e.refused.first(chat+" "+key, t.in.At, period) {
		t.replyKey(key, args...)
	}
}

// wrongCode answers a code that is no invite's. It is counted; past the
// chat's own limit the chat hears that it typed wrong codes too often,
// past the limit of all chats together that many people did, each once an
// hour with when to try again, and their further wrong codes go unanswered.
func (t *turn) wrongCode(ctx context.Context, chat string) {
	t.change.WrongCode, t.change.WrongCodeWindow = chat, throttleWindow
	tries, err := t.e.store.WrongCodes(ctx, chat, t.in.At.Add(-throttleWindow))
	if err != nil {
		t.e.log.Error("wrong codes", "err", err)
	}
	switch {
	case len(tries.Chat) >= maxWrongCodes:
		t.refuse(chat, "join.throttled", throttleWindow, "minutes", t.minutesLeft(tries.Chat, maxWrongCodes))
	case len(tries.All) >= maxWrongCodesAll:
		t.refuse(chat, "join.paused", throttleWindow, "minutes", t.minutesLeft(tries.All, maxWrongCodesAll))
	default:
		t.change.Count = "refusals"
		t.replyKey("join.wrong_code")
	}
}

// minutesLeft is how long until fewer than limit of the tries (oldest
// first, this one not among them) fall within the window, if no more come.
func (t *turn) minutesLeft(tries []time.Time, limit int) int {
	tries = append(tries, t.in.At)
	free := tries[len(tries)-limit].Add(throttleWindow)
	return max(1, int(math.Ceil(free.Sub(t.in.At).Minutes())))
}

// refusalPeriod is how often a stranger hears the refusal.
const refusalPeriod = 24 * time.Hour

// maxRemembered bounds the strangers whose last refusal is remembered.
const maxRemembered = 10000

// onceEvery remembers, for a bounded number of chats, when each was last
// answered, so that it is answered at most once a period. Entries older
// than refusalPeriod, the longest period, are forgotten first.
type onceEvery struct {
	mu   sync.Mutex
	last map[string]time.Time
}

// first reports whether chat was not answered within the period, and
// notes that it is now.
func (o *onceEvery) first(chat string, now time.Time, period time.Duration) bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	if at, ok := o.last[chat]; ok && now.Sub(at) < period {
		return false
	}
	if o.last == nil {
		o.last = map[string]time.Time{}
	}
	if len(o.last) >= maxRemembered {
		for c, at := range o.last {
			if now.Sub(at) >= refusalPeriod {
				delete(o.last, c)
			}
		}
	}
	if len(o.last) >= maxRemembered {
		return false // a flood of strangers: nobody new hears the refusal
	}
	o.last[chat] = now
	return true
}

func (t *turn) join(ctx context.Context, chat, code string) {
	inv, err := t.e.store.InviteByCode(ctx, code)
	switch {
	case errors.Is(err, store.ErrNotFound):
		t.wrongCode(ctx, chat)
		return
	case err != nil:
		t.replyKey("join.try_later")
		return
	case inv.UsedBy != "":
		t.replyKey("join.used_code")
		return
	case t.in.At.After(inv.Expires):
		t.replyKey("join.expired_code")
		return
	}
	if inv.UserID != "" {
		t.link(ctx, inv)
		return
	}
	name := inv.Name
	if name == "" {
		name = t.in.Name
	}
	t.user = store.User{Name: name, Role: inv.Role, AreaID: inv.AreaID, Lang: t.lang, Created: t.in.At}
	t.change.User = &t.user
	t.change.Identity = &store.Identity{Channel: t.in.Channel, ChatID: t.in.ChatID}
	t.change.UseInvite = inv.Code
	t.change.Audit = append(t.change.Audit, store.AuditEntry{At: t.in.At, Actor: "invite:" + inv.Code, Action: "join",
		Detail: inv.Role + " " + inv.AreaID + " " + t.in.Channel})
	t.greet(ctx, "join.welcome")
	t.menu(ctx)
}

// link joins this chat to the user who asked for the link code elsewhere.
func (t *turn) link(ctx context.Context, inv store.Invite) {
	if inv.Channel == t.in.Channel { // a code for another channel's chat, not another chat here
		t.replyKey("link.same_channel")
		return
	}
	u, err := t.e.store.UserByID(ctx, inv.UserID)
	if err != nil {
		t.replyKey("join.try_later")
		return
	}
	// The chats the person had hear of the new one, and how to undo it.
	ids, err := t.e.store.IdentitiesOf(ctx, u.ID)
	if err != nil {
		t.replyKey("join.try_later")
		return
	}
	for _, id := range ids {
		t.notices = append(t.notices, store.Message{Channel: id.Channel, ChatID: id.ChatID,
			Text: t.e.cat.T(u.Lang, "link.notice", "channel", t.in.Channel)})
	}
	t.user, t.lang = u, u.Lang
	t.change.Identity = &store.Identity{Channel: t.in.Channel, ChatID: t.in.ChatID, UserID: u.ID}
	t.change.UseInvite = inv.Code
	t.change.Audit = append(t.change.Audit, store.AuditEntry{At: t.in.At, Actor: u.ID, Action: "link", Detail: t.in.Channel})
	t.replyKey("link.done", "name", u.Name, "channel", t.in.Channel)
	t.menu(ctx)
}

// inviteRace is the turn again after the code was used by someone else a
// moment before: the same refusal as for a used code.
func (t *turn) inviteRace() *turn {
	again := &turn{e: t.e, in: t.in, lang: t.lang}
	again.change.SeenKey, again.change.IncomingID, again.change.Chat = t.change.SeenKey, t.change.IncomingID, t.change.Chat
	again.replyKey("join.used_code")
	return again
}

// RoleKey is the locale key that names a role for people.
func RoleKey(role string) string { return roleKeys[role] }

// roleKeys name each role for people: every role has its words, or a
// welcome would read "vai trò []".
var roleKeys = map[string]string{store.RoleHead: "role.head", store.RoleOfficial: "role.official", store.RoleAdmin: "role.admin",
	store.RoleReviewer: "role.reviewer"}
