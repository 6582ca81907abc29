package bot_test

import (
	"strings"
	"testing"
)

// The next question goes out before the edit that closes the answered
// one's buttons, so that it does not wait for the edit; each answer still
// gets one reply, and the answered keyboard is closed all the same.
func TestNextQuestionGoesBeforeTheClosing(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.register(t, "h1")
	f.say(t, "h1", "1", "/start")
	if out := f.say(t, "h1", "2", "1"); len(out) == 0 || out[len(out)-1].Question != "household" {
		t.Fatalf("the household picker: %+v", out)
	}
	before := len(f.ch.sent)
	f.say(t, "h1", "3", "3")
	sent := f.ch.sent[before:]
	if len(sent) != 2 || sent[0].Edit != "" || sent[0].Question != "members" ||
		sent[1].Edit == "" || len(sent[1].Options) > 0 || !strings.HasSuffix(sent[1].Text, "→ 3") {
		t.Fatalf("sent %+v; want the next question, then the closing", sent)
	}
}
