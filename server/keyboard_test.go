package server

import (
	"context"
	"maps"
	"slices"
	"strconv"
	"strings"
	"testing"

	"sothon/bot"
	"sothon/store"
)

// calls counts the Bot API calls that only buttons bound to a message
// cost: the acknowledgement of a press and the edits of its message.
func (h *harness) calls() (acks, edits int) {
	return len(h.fake.Calls("answerCallbackQuery")), len(h.fake.Calls("editMessageText"))
}

// Questions whose options are plain answers come with the chat's own
// keyboard (one-time, its buttons the options' labels): a button sends its
// label as a message, which answers the question with no acknowledgement
// and no edit. A question answered by typing removes that keyboard; a
// multi-choice keeps its buttons on its message, with their marks and the
// edit that closes them.
func TestChatKeyboardAnswersWithoutCallbacksOrEdits(t *testing.T) {
	t.Parallel()
	h, chat := joined(t)
	menu := h.sentTo(chat)[len(h.sentTo(chat))-1]
	if labels, oneTime := menu.ChatKeyboard(); len(labels) != 3 || !oneTime {
		t.Fatalf("menu: %v, one-time %v", labels, oneTime)
	}
	picker := h.press(chat, "mô hình") // the model questionnaire, by its title
	if labels, _ := picker.Keyboard(); len(labels) == 0 {
		t.Fatalf("the household picker has no buttons of its own: %s", picker.Params["reply_markup"])
	}
	model := h.say(chat, "1") // the first household; the picker's buttons close
	forms, err := testForms()
	if err != nil {
		t.Fatal(err)
	}
	f := forms.Form("model")
	var want []string
	for _, ch := range f.ChoicesOf(f.Question("model")) {
		want = append(want, ch.Label.In("vi"))
	}
	if labels, oneTime := model.ChatKeyboard(); !slices.Equal(labels, want) || !oneTime {
		t.Fatalf("single choice: %v (one-time %v), want %v", labels, oneTime, want)
	}
	if labels, _ := model.Keyboard(); len(labels) != 0 {
		t.Fatalf("single choice has inline buttons too: %v", labels)
	}
	acks, edits := h.calls()
	status := h.press(chat, want[0])
	scale := h.press(chat, "Đang") // status, by the label of its first choice
	if a, e := h.calls(); a != acks || e != edits {
		t.Fatalf("two answers from the chat's keyboard cost %d acknowledgements and %d edits", a-acks, e-edits)
	}
	if labels, _ := status.ChatKeyboard(); len(labels) == 0 {
		t.Fatalf("status: %s", status.Params["reply_markup"])
	}
	if !scale.RemovesKeyboard() || !strings.Contains(scale.Params["text"], "Quy mô") {
		t.Fatalf("a number question leaves the chat's keyboard: %q %s", scale.Params["text"], scale.Params["reply_markup"])
	}
	h.say(chat, "10")
	h.press(chat, "Có") // labour, yes/no
	h.press(chat, "")   // cofund: its first choice
	difficulties := h.say(chat, "2tr")
	_, data := difficulties.Keyboard()
	if len(data) < 3 || !strings.HasPrefix(data[0], "t|difficulties|") {
		t.Fatalf("multi-choice: %s", difficulties.Params["reply_markup"])
	}
	if a, e := h.calls(); a != acks || e != edits {
		t.Fatalf("answers from the chat's keyboard cost %d acknowledgements and %d edits", a-acks, e-edits)
	}
	h.pressData(chat, difficulties.MessageID, data[0], false)
	marks := h.fake.Calls("editMessageText")
	if m := marks[len(marks)-1]; !strings.Contains(m.Params["reply_markup"], "✅ 1.") {
		t.Fatalf("toggle did not redraw the marks: %v", m.Params)
	}
	note := h.pressData(chat, difficulties.MessageID, data[len(data)-1], true)
	if !note.RemovesKeyboard() {
		t.Fatalf("a text question leaves the chat's keyboard: %s", note.Params["reply_markup"])
	}
	if a, e := h.calls(); a != acks+2 || e != edits+2 {
		t.Fatalf("a multi-choice's mark and done: %d acknowledgements and %d edits, want 2 and 2", a-acks, e-edits)
	}
	closing := h.fake.Calls("editMessageText")[edits+1]
	if closing.Params["reply_markup"] != "" || !strings.Contains(closing.Params["text"], "→") {
		t.Fatalf("the multi-choice's buttons not closed: %v", closing.Params)
	}
	summary := h.say(chat, "-")
	if labels, _ := summary.ChatKeyboard(); len(labels) != 3 {
		t.Fatalf("summary: %s", summary.Params["reply_markup"])
	}
	if saved := h.press(chat, "Gửi"); !strings.Contains(saved.Params["text"], "Đã lưu phiếu") {
		t.Fatalf("after submit: %q", saved.Params["text"])
	}
	if a, e := h.calls(); a != acks+2 || e != edits+2 {
		t.Fatalf("%d acknowledgements and %d edits after the multi-choice", a-acks-2, e-edits-2)
	}
	h.stop()
}

// householdKeys answer the household questionnaire by the options' keys:
// the menu, the picker, the counts and income, the indicators, the photo
// and place skipped, the area, the services, the causes, the exit plan,
// the needs, no note, and "Gửi".
var householdKeys = []string{"1", "1", "5", "2", "2", "4tr5", "1", "2", "1", "2", "2", "2",
	"1", "1", "45", "1", "1", "1", "2", "2,3", "1", "1", "-", "1"}

// fillByButtons answers each step as a head pressing buttons: the label
// of the chosen option from the chat's keyboard, sent as a message; on a
// message's own buttons, the presses (each mark, then "done"); typed
// when there are no buttons.
func (h *harness) fillByButtons(chat int64, keys []string) {
	h.t.Helper()
	for _, key := range keys {
		last := h.sentTo(chat)[len(h.sentTo(chat))-1]
		labels, _ := last.ChatKeyboard()
		_, data := last.Keyboard()
		switch {
		case len(labels) > 0:
			n, err := strconv.Atoi(key)
			if err != nil || n < 1 || n > len(labels) {
				h.t.Fatalf("no button %q in %v (%q)", key, labels, last.Params["text"])
			}
			h.say(chat, labels[n-1])
		case len(data) > 0 && strings.HasPrefix(data[0], "t|"):
			for k := range strings.SplitSeq(key, ",") {
				question := strings.Split(data[0], "|")[1]
				h.pressData(chat, last.MessageID, bot.ButtonData(question, k, true), false)
			}
			h.pressData(chat, last.MessageID, data[len(data)-1], true)
		case len(data) > 0:
			i := slices.IndexFunc(data, func(d string) bool { return strings.HasSuffix(d, "|"+key) })
			if i < 0 {
				h.t.Fatalf("no button %q in %v", key, data)
			}
			h.pressData(chat, last.MessageID, data[i], true)
		default:
			h.say(chat, key)
		}
	}
}

// submitted is the one submission stored, read once the server stopped.
func (h *harness) submitted() store.Submission {
	h.t.Helper()
	db, err := store.Open(h.dbPath)
	if err != nil {
		h.t.Fatal(err)
	}
	defer db.Close()
	var subs []store.Submission
	db.Submissions(context.Background(), store.SubmissionFilter{}, func(s store.Submission) error { subs = append(subs, s); return nil })
	if len(subs) != 1 {
		h.t.Fatalf("%d submissions stored, want 1", len(subs))
	}
	return subs[0]
}

// A whole questionnaire answered by pressing buttons, every label of the
// chat's keyboard sent as a message, stores the same submission as the
// same answers typed as numbers; the presses cost acknowledgements and
// edits only on the message-bound buttons (the picker, the two
// multi-choices), and typing closes those the same.
func TestButtonsStoreWhatNumbersStore(t *testing.T) {
	t.Parallel()
	byButtons, chatB := joined(t)
	byButtons.fillByButtons(chatB, householdKeys)
	buttonAcks, buttonEdits := byButtons.calls()
	byButtons.stop()

	typed, chatT := joined(t)
	for _, k := range householdKeys {
		typed.say(chatT, k)
	}
	typedAcks, typedEdits := typed.calls()
	typed.stop()

	got, want := byButtons.submitted(), typed.submitted()
	if !maps.Equal(got.Answers, want.Answers) || got.Class != want.Class || got.HouseholdID != want.HouseholdID || want.Class == "" {
		t.Fatalf("by buttons: %s %s %v\ntyped:      %s %s %v", got.HouseholdID, got.Class, got.Answers, want.HouseholdID, want.Class, want.Answers)
	}
	// The picker (one press), the causes (two marks and done), the needs
	// (one mark and done); each closed once answered, its marks redrawn.
	if buttonAcks != 6 || buttonEdits != 3+3 {
		t.Errorf("by buttons: %d acknowledgements, %d edits; want 6 and 6", buttonAcks, buttonEdits)
	}
	if typedAcks != 0 || typedEdits != 3 {
		t.Errorf("typed: %d acknowledgements, %d edits; want 0 and 3", typedAcks, typedEdits)
	}
}
