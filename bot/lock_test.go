package bot_test

import (
	"strings"
	"testing"

	"sothon/store"
)

// The engine remembers whose a chat is from its last message, to read the
// conversation once per message; a chat revoked or registered since is
// found out at its next message all the same.
func TestWhoseChatIsFoundOutAtEachMessage(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.register(t, "h1")
	if out := f.say(t, "h1", "1", "/start"); len(out) == 0 || out[len(out)-1].Question == "" {
		t.Fatalf("the menu: %+v", out)
	}
	if err := f.db.Revoke(ctx, "u-h1", "admin", f.now); err != nil {
		t.Fatal(err)
	}
	if out := f.say(t, "h1", "2", "1"); len(out) != 1 || !strings.Contains(out[0].Text, "/start") {
		t.Fatalf("a revoked chat was answered as its user's: %+v", out)
	}
	u := store.User{ID: "u-h2", Name: "Head h2", Role: store.RoleHead, AreaID: "bac-kan/huyen-tung/khuoi-pai", Lang: "vi"}
	if _, err := f.db.Apply(ctx, store.Change{At: f.now, User: &u, Identity: &store.Identity{Channel: "test", ChatID: "h1", UserID: u.ID}}); err != nil {
		t.Fatal(err)
	}
	if out := f.say(t, "h1", "3", "1"); len(out) == 0 || out[len(out)-1].Question != "household" {
		t.Fatalf("the chat registered again was not its new user's: %+v", out)
	}
}
