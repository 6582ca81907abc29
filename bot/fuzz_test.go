package bot_test

import (
	"fmt"
	"testing"

	"sothon/bot"
	"sothon/store"
)

// FuzzButtonPress sends any button data and any typed answer from an
// official of another ward, and from the village's head: nothing errs, and
// the waiting form of Khuổi Pài is never decided, since neither may.
//
//	go test ./bot -run '^$' -fuzz FuzzButtonPress -fuzztime 60s
func FuzzButtonPress(f *testing.F) {
	for _, seed := range []string{"a|review:1|1", "a|review:why:1|2", "a|review:1:bac-kan/huyen-tung|1", "a|approve:bac-kan/huyen-tung/khuoi-pai|1",
		"a|fix:1|1", "a|round:close|1", "a|review:|", "a|review:why:|", "t|review:1|1", "a|:|", "a|fix:18446744073709551616|1", "d|menu|",
		// Areas as no keyboard of ours writes them.
		"a|approve:bac-kan/huyen-tung/../duc-xuan|1", "a|approve:bac-kan/duc-xuan/..|1", "a|approve:bac-kan//duc-xuan|1",
		"a|approve:/bac-kan|1", "a|approve:bac-kan/|1", "a|approve:bac-kan/./duc-xuan|1", "a|approve:BAC-KAN|1",
		"a|review:1:bac-kan/huyen-tung/..|1", "a|review:why:1:bac-kan/../bac-kan/huyen-tung|1", "a|review:1:bac-kan/huyen_tung|1"} {
		f.Add(seed, "1")
	}
	fx := newFixture(f)
	fx.register(f, "head")
	fx.registerAs(f, "dx", store.RoleOfficial, "bac-kan/duc-xuan")
	fx.submit(f, "bac-kan/huyen-tung/khuoi-pai", "poor")
	n := 0
	f.Fuzz(func(t *testing.T, data, typed string) {
		for _, chat := range []string{"dx", "head"} {
			n++
			if _, err := fx.eng.Handle(ctx, bot.Inbound{Channel: "test", ChatID: chat, MessageID: fmt.Sprint("b", n), Button: data, CallbackID: "cb"}); err != nil {
				t.Fatalf("press %q: %v", data, err)
			}
			n++
			if _, err := fx.eng.Handle(ctx, bot.Inbound{Channel: "test", ChatID: chat, MessageID: fmt.Sprint("t", n), Text: typed}); err != nil {
				t.Fatalf("typed %q: %v", typed, err)
			}
		}
		if rv, err := fx.db.ReviewOf(ctx, 1); err != nil || rv.State() != store.ReviewReceived {
			t.Fatalf("after %q / %q the form is %q (%v)", data, typed, rv.State(), err)
		}
	})
}
