package store_test

import (
	"fmt"
	"strconv"
	"testing"
	"time"

	"sothon/flows"
	"sothon/store"
	"sothon/store/storetest"
)

// BenchmarkChatTurn is the store's part of one answer in a chat, as
// `sothon serve` does it: "read" is the engine's read of the conversation
// alone; "turn" is the whole of it, the update kept in the inbox and read
// back, the conversation read, the turn applied (the run, the next
// question queued, the update marked seen and taken off the inbox, the
// user's last message), then the question read from the outbox and
// delivered, its buttons kept as the chat's open keyboard.
func BenchmarkChatTurn(b *testing.B) {
	db := storetest.Open(b)
	const village = "bac-kan/huyen-tung/khuoi-pai"
	u := store.User{Name: "Nông Văn Tý", Role: store.RoleHead, AreaID: village, Lang: "vi", Created: t0}
	chat := store.Identity{Channel: "telegram", ChatID: "5512345678"}
	if _, err := db.Apply(ctx, store.Change{At: t0, User: &u, Identity: &chat}); err != nil {
		b.Fatal(err)
	}
	run := &flows.Run{Form: "household", Version: "2024-1", AreaID: village, Stage: flows.StageAsk, Current: "q12",
		Answers: map[string]string{}, Started: t0, Updated: t0}
	for i := range 12 {
		q := "q" + strconv.Itoa(i)
		run.Answers[q], run.Trail = strconv.Itoa(i%4+1), append(run.Trail, q)
	}
	run.Answers["household"], run.HouseholdName = "demo-bac-kan-huyen-tung-khuoi-pai-01", "Hoàng Văn Páo"
	question := store.Message{Channel: chat.Channel, ChatID: chat.ChatID, Question: "q12",
		Text:    "Câu 13/22. Nhà ở của hộ thuộc loại nào?",
		Options: []flows.Option{{Key: "1", Label: "Nhà kiên cố"}, {Key: "2", Label: "Nhà bán kiên cố"}, {Key: "3", Label: "Nhà thiếu kiên cố"}, {Key: "4", Label: "Nhà đơn sơ"}}}
	if _, err := db.Apply(ctx, store.Change{At: t0, UserID: u.ID, Run: run}); err != nil {
		b.Fatal(err)
	}
	if err := db.Delivered(ctx, store.Message{Channel: chat.Channel, ChatID: chat.ChatID}, &store.Keyboard{MessageID: "100", Text: question.Text, Question: "q11"}); err != nil {
		b.Fatal(err)
	}
	b.Run("read", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			c, err := db.Conversation(ctx, chat.Channel, chat.ChatID)
			if err != nil || c.Run == nil || c.Keyboard == nil {
				b.Fatal(c, err)
			}
		}
	})
	n := 0 // across runs of "turn" (-count): each update is new to the store
	b.Run("turn", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			n++
			at := t0.Add(time.Duration(n) * time.Second)
			payload := fmt.Sprintf(`{"update_id":%d,"callback_query":{"id":"%d","from":{"id":5512345678,"first_name":"Tý"},"message":{"message_id":%d,"chat":{"id":5512345678,"type":"private"},"date":1686819600,"text":"Câu 12/22"},"data":"q11|2"}}`, n, n, 100+n)
			in := []store.Incoming{{Channel: chat.Channel, ChatID: chat.ChatID, Payload: []byte(payload)}}
			if err := db.Receive(ctx, in); err != nil {
				b.Fatal(err)
			}
			got, err := db.Inbox(ctx, in[0].ID-1, 10)
			if err != nil || len(got) != 1 {
				b.Fatal(got, err)
			}
			c, err := db.Conversation(ctx, chat.Channel, chat.ChatID)
			if err != nil || c.Run == nil {
				b.Fatal(c, err)
			}
			c.Run.Answers["q11"], c.Run.Updated = "2", at
			_, err = db.Apply(ctx, store.Change{At: at, SeenKey: store.SeenKeyInOrder("telegram", uint64(n), chat.ChatID), SeenAt: at, IncomingID: got[0].ID,
				From: c.User.ID, UserID: c.User.ID, Run: c.Run, Chat: store.ChatRef{Channel: chat.Channel, ChatID: chat.ChatID}, DropKeyboard: true,
				Replies: func(store.Applied) []store.Message { return []store.Message{question} }})
			if err != nil {
				b.Fatal(err)
			}
			out, err := db.Outbox(ctx, chat.Channel, 10)
			if err != nil || len(out) != 1 {
				b.Fatal(out, err)
			}
			kb := &store.Keyboard{MessageID: strconv.Itoa(200 + n), Text: out[0].Text, Question: out[0].Question}
			if err := db.Delivered(ctx, out[0], kb); err != nil {
				b.Fatal(err)
			}
		}
	})
}
