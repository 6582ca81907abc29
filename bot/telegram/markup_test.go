package telegram

import (
	"bytes"
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"sothon/bot"
	"sothon/bot/delivery"
	"sothon/flows"
)

// typedMarkup is what markupJSON encodes, in the library's own types:
// what encoding/json makes of it is the form the Bot API has always had
// from the bot.
func typedMarkup(out delivery.Outbound) any {
	switch {
	case out.PlaceLabel != "":
		rows := [][]tgbotapi.KeyboardButton{{tgbotapi.NewKeyboardButtonLocation(out.PlaceLabel)}}
		for _, o := range out.Options {
			rows = append(rows, []tgbotapi.KeyboardButton{tgbotapi.NewKeyboardButton(o.Label)})
		}
		return oneTime(rows)
	case inline(out):
		return keyboard(out)
	case len(out.Options) > 0:
		perRow := rowWidth(out.Options)
		var rows [][]tgbotapi.KeyboardButton
		var row []tgbotapi.KeyboardButton
		for _, o := range out.Options {
			row = append(row, tgbotapi.NewKeyboardButton(o.Label))
			if len(row) == perRow {
				rows, row = append(rows, row), nil
			}
		}
		if len(row) > 0 {
			rows = append(rows, row)
		}
		return oneTime(rows)
	case out.Question != "":
		return tgbotapi.NewRemoveKeyboard(false)
	}
	return nil
}

func oneTime(rows [][]tgbotapi.KeyboardButton) tgbotapi.ReplyKeyboardMarkup {
	kb := tgbotapi.NewOneTimeReplyKeyboard(rows...)
	kb.ResizeKeyboard = true
	return kb
}

// checkMarkup fails when markupJSON differs from the library's types as
// encoding/json marshals them, or when it is not valid JSON.
func checkMarkup(t *testing.T, out delivery.Outbound) {
	t.Helper()
	got := markupJSON(out)
	typed := typedMarkup(out)
	if typed == nil {
		if got != nil {
			t.Fatalf("%+v: a keyboard %s where none is due", out, got)
		}
		return
	}
	want, err := json.Marshal(typed)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("%+v:\n got %s\nwant %s", out, got, want)
	}
	if !json.Valid(got) {
		t.Fatalf("%+v: not JSON: %s", out, got)
	}
}

// Every kind of keyboard goes out as the library's types would have it,
// byte for byte: labels with quotes, HTML's characters, control
// characters, U+2028, invalid UTF-8; rows of three and of one.
func TestMarkupJSON(t *testing.T) {
	yesNo := []flows.Option{{Key: "1", Label: "Có"}, {Key: "2", Label: "Không"}}
	odd := []flows.Option{{Key: "1", Label: `<b>"Có"</b> & \ /`}, {Key: "2\t", Label: "a\u2028b\u2029c\x00\x1f\b\f\n\r"},
		{Key: "3", Label: "bad \xff\xe1\xbb utf-8"}, {Key: "4", Label: "✅ 🏠"}}
	long := []flows.Option{{Key: "1", Label: "Vay vốn ưu đãi"}, {Key: "2", Label: "Hỗ trợ giống, vật tư sản xuất"}, {Key: "3", Label: "x"}}
	seven := []flows.Option{{Key: "1", Label: "a"}, {Key: "2", Label: "b"}, {Key: "3", Label: "c"}, {Key: "4", Label: "d"},
		{Key: "5", Label: "e"}, {Key: "6", Label: "f"}, {Key: "7", Label: "g"}}
	for _, out := range []delivery.Outbound{
		{},
		{Text: "notice"},
		{Question: "members"},
		{Question: "job", Options: yesNo, Typed: true},
		{Question: "job", Options: yesNo},
		{Question: "q<&>", Options: odd},
		{Question: "q", Options: odd, Typed: true},
		{Question: "needs", Options: long, Multi: true, Typed: true, DoneLabel: "Xong <&>", Selected: []string{"2", "9"}},
		{Question: "needs", Options: seven, Multi: true, DoneLabel: "Xong", Selected: []string{"1", "7"}},
		{Question: "pick", Options: seven},
		{Question: "pick", Options: seven, Typed: true},
		{Question: "place", PlaceLabel: "📍 Gửi vị trí", Options: []flows.Option{{Key: "1", Label: "Bỏ qua"}}, Typed: true},
		{Question: "place", PlaceLabel: "<\"\xff\">"},
	} {
		checkMarkup(t, out)
	}
}

func FuzzMarkupJSON(f *testing.F) {
	f.Add("job", "1", "Có", "Không", "Xong", "", byte(0))
	f.Add("q<&>", "2\t", "a\u2028b\x00", "bad \xff\xe1\xbb", "✔ <", "", byte(0xff))
	f.Add("place", "1", "Bỏ qua", "", "", "📍 Gửi vị trí", byte(7))
	f.Fuzz(func(t *testing.T, question, key, label1, label2, done, place string, flags byte) {
		opts := []flows.Option{{Key: key, Label: label1}, {Key: key + "b", Label: label2}}
		opts = opts[:min(int(flags>>4)%3, len(opts))]
		for range int(flags>>6) % 3 { // more short ones, to fill rows
			opts = append(opts, flows.Option{Key: "k", Label: "c"})
		}
		out := delivery.Outbound{Question: question, Options: opts, DoneLabel: done, Multi: flags&1 != 0, Typed: flags&2 != 0}
		if flags&4 != 0 {
			out.PlaceLabel = place
		}
		if flags&8 != 0 {
			out.Selected = []string{key}
		}
		checkMarkup(t, out)
	})
}

// The form a question goes out in is the library's own: the keyboard
// encoded here arrives as the library would have marshalled it, and no
// part but the last carries it.
func TestKeyboardGoesAsTheLibraryMarshalsIt(t *testing.T) {
	fake, a := onFake(t)
	outs := append(slices.Clone(benchQuestions),
		delivery.Outbound{ChatID: "9", Text: strings.Repeat("dòng\n", 1000), Question: "q<&>", Options: []flows.Option{{Key: "1", Label: `<Có> & "x"`}}},
		delivery.Outbound{ChatID: "9", Text: "typed", Question: "members"},
		delivery.Outbound{ChatID: "9", Text: "notice", NoPreview: true})
	for _, out := range outs {
		if _, err := a.Send(context.Background(), out); err != nil {
			t.Fatal(err)
		}
	}
	sent := fake.Calls("sendMessage")
	if len(sent) != len(outs)+1 {
		t.Fatalf("%d messages sent, want %d", len(sent), len(outs)+1)
	}
	if m, ok := sent[2].Params["reply_markup"]; ok {
		t.Errorf("the long text's first part has a keyboard: %s", m)
	}
	sent = append(sent[:2], sent[3:]...)
	for i, out := range outs {
		got, ok := sent[i].Params["reply_markup"]
		typed := typedMarkup(out)
		if typed == nil {
			if ok {
				t.Errorf("%q: a keyboard %s", out.Text, got)
			}
			continue
		}
		want, _ := json.Marshal(typed)
		if got != string(want) {
			t.Errorf("%q: reply_markup\n %s\nwant %s", out.Text, got, want)
		}
	}
}

// keyboard is the inline keyboard built with the library's types, which
// keyboardJSON must encode alike: it lays out the options as buttons: short ones three to a row,
// long ones one to a row, and "done" under a multi-choice.
func keyboard(out delivery.Outbound) tgbotapi.InlineKeyboardMarkup {
	selected := map[string]bool{}
	for _, k := range out.Selected {
		selected[k] = true
	}
	perRow := rowWidth(out.Options)
	var rows [][]tgbotapi.InlineKeyboardButton
	var row []tgbotapi.InlineKeyboardButton
	for _, o := range out.Options {
		label := o.Key + ". " + o.Label
		if selected[o.Key] {
			label = "✅ " + label
		}
		row = append(row, tgbotapi.NewInlineKeyboardButtonData(label, bot.ButtonData(out.Question, o.Key, out.Multi)))
		if len(row) == perRow {
			rows, row = append(rows, row), nil
		}
	}
	if len(row) > 0 {
		rows = append(rows, row)
	}
	if out.Multi {
		rows = append(rows, tgbotapi.NewInlineKeyboardRow(tgbotapi.NewInlineKeyboardButtonData("✔ "+out.DoneLabel, bot.DoneButtonData(out.Question))))
	}
	return tgbotapi.NewInlineKeyboardMarkup(rows...)
}
