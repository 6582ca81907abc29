package officials

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"sothon/bot"
	"sothon/flows"
	"sothon/store"
)

// What the village review's commands share: the day typed, the village a
// command is for, a household picked from a list, and a step's answer
// kept until the next step.

// parseDay reads a day typed in the chat: "hôm nay" for today, dd/mm/yyyy
// or YYYY-MM-DD; it gives YYYY-MM-DD.
func parseDay(s string, today time.Time) (string, bool) {
	s = strings.TrimSpace(s)
	switch flows.Fold(strings.ToLower(s)) {
	case "hom nay", "today":
		return today.Format(time.DateOnly), true
	}
	for _, layout := range []string{"2/1/2006", time.DateOnly} {
		if d, err := time.Parse(layout, s); err == nil {
			return d.Format(time.DateOnly), true
		}
	}
	return "", false
}

// compactDay writes YYYY-MM-DD as a word a question id may carry.
func compactDay(day string) string { return strings.ReplaceAll(day, "-", "") }

// expandDay reads a compactDay back.
func expandDay(s string) (string, bool) {
	d, err := time.Parse("20060102", s)
	if err != nil {
		return "", false
	}
	return d.Format(time.DateOnly), true
}

// villageOf is the village a review command is for: a head's own, or
// the one an official, reviewer or admin names (their own area when it is
// a village).
func (o *Commands) villageOf(ctx context.Context, t bot.Turn, args string) (string, bool) {
	if t.User().Role == store.RoleHead {
		return t.User().AreaID, true
	}
	return o.askedArea(ctx, t, args)
}

// pickable is a household a command offers to pick.
type pickable struct {
	ID, Name string
}

// pickShown bounds the households offered as buttons; more are listed
// with their numbers, to be typed.
const pickShown = 20

// askHousehold lists households by number and asks for one: its number,
// or a part of the head's name.
func askHousehold(t bot.Turn, intro, question string, all []pickable, only []int) {
	if only == nil {
		only = make([]int, len(all))
		for i := range all {
			only[i] = i
		}
	}
	var options []flows.Option
	lines := []string{intro}
	buttons := len(only) <= pickShown && fits(question, strconv.Itoa(len(all)))
	for _, i := range only {
		if buttons {
			options = append(options, flows.Option{Key: strconv.Itoa(i + 1), Label: all[i].Name})
			continue
		}
		lines = append(lines, fmt.Sprintf("%d. %s", i+1, all[i].Name))
	}
	lines = append(lines, t.T("pick.how"))
	t.Ask(strings.Join(lines, "\n"), question, options)
}

// fits tells whether a button answering question with key fits in
// Telegram's button data; a question that does not is asked for typed
// answers only (an area id can be long).
func fits(question, key string) bool {
	return len(bot.ButtonData(question, key, false)) <= maxButtonData
}

// ask asks question with options when their buttons fit, else typed only:
// the text says what to type.
func ask(t bot.Turn, text, question string, options []flows.Option) {
	for _, o := range options {
		if !fits(question, o.Key) {
			options = nil
			break
		}
	}
	t.Ask(text, question, options)
}

// pickHousehold reads the answer to askHousehold: the household's index,
// or -1 after asking again (several names fit, or none).
func pickHousehold(t bot.Turn, intro, question string, all []pickable, answer string) int {
	answer = strings.TrimSpace(answer)
	if n, err := strconv.Atoi(answer); err == nil {
		if n >= 1 && n <= len(all) {
			return n - 1
		}
		t.Reply("pick.none", "answer", answer)
		askHousehold(t, intro, question, all, nil)
		return -1
	}
	want := flows.Fold(strings.ToLower(answer))
	var fit []int
	for i, h := range all {
		if want != "" && strings.Contains(flows.Fold(strings.ToLower(h.Name)), want) {
			fit = append(fit, i)
		}
	}
	switch len(fit) {
	case 1:
		return fit[0]
	case 0:
		t.Reply("pick.none", "answer", answer)
		askHousehold(t, intro, question, all, nil)
	default:
		askHousehold(t, t.T("pick.several", "answer", answer), question, all, fit)
	}
	return -1
}

// keep holds a step's answer (a name typed) until the next step of the
// same command asks for it.
func (o *Commands) keep(ctx context.Context, t bot.Turn, step, text string) error {
	return o.Store.SetSetting(ctx, "draft:"+step+":"+t.User().ID, text)
}

// kept is what keep held, and forgets it.
func (o *Commands) kept(ctx context.Context, t bot.Turn, step string) (string, error) {
	key := "draft:" + step + ":" + t.User().ID
	v, err := o.Store.Setting(ctx, key)
	if err != nil || v == "" {
		return v, err
	}
	return v, o.Store.SetSetting(ctx, key, "")
}

// busy tells the user, when a questionnaire is in progress, that the
// command asks for typed answers only once it is sent or cancelled.
func busy(t bot.Turn, command string) bool {
	form := t.Questionnaire().InProgress()
	if form != "" {
		t.Reply("hop.busy", "form", form, "command", command)
	}
	return form != ""
}

// failed logs an error no refusal explains and tells the user to try later.
func (o *Commands) failed(t bot.Turn, what string, err error) {
	o.Log.Error(what, "err", err)
	t.Reply("join.try_later")
}
