package flows

import (
	"strconv"
	"strings"
	"time"
)

// AnswerError says why an answer was not accepted, as a locale key and its
// arguments, translated only when the reply is written.
type AnswerError struct {
	Key  string
	Args []any
	Text string // a reason already in the user's language (constraint messages)
}

func (e *AnswerError) Error() string { return e.Key }

func answerErr(key string, args ...any) *AnswerError { return &AnswerError{Key: key, Args: args} }

var (
	yesWords = map[string]bool{"co": true, "c": true, "yes": true, "y": true, "dung": true, "u": true, "uh": true, "vang": true, "ok": true}
	noWords  = map[string]bool{"khong": true, "k": true, "ko": true, "kg": true, "no": true, "n": true, "chua": true, "khong co": true, "sai": true}
)

// ParseYesNo reads có/không in the ways people type them; 1 is yes and 2 is
// no, matching the numbered options shown.
func ParseYesNo(s string) (bool, error) {
	f := strings.Trim(Fold(s), ".!")
	switch {
	case f == "1" || yesWords[f]:
		return true, nil
	case f == "2" || noWords[f]:
		return false, nil
	}
	return false, answerErr("answer.yesno")
}

// echoLen bounds how much of a person's text a reply quotes back.
const echoLen = 40

// echo is a person's text as a reply quotes it: trimmed, and cut short
// with "…" so that a pasted essay is not sent back in several messages.
func echo(s string) string {
	s = strings.TrimSpace(s)
	if r := []rune(s); len(r) > echoLen {
		return string(r[:echoLen]) + "…"
	}
	return s
}

// ParseChoice picks one option by its number, by its whole label, or by
// whole words of it, diacritics optional ("lon" and "nuoi lon" both pick
// "Chăn nuôi lợn thịt"). labels are the options as shown; the result is an
// index. Words that fit several options, a fragment of a word ("hoa" for
// "hoàn thành") and a two-letter answer ("co" could be "Có" or "Công
// nhân") never pick silently: the candidates are listed back so the person
// can pick one by number.
func ParseChoice(s string, labels []string) (int, error) {
	f := Fold(s)
	if n, err := strconv.Atoi(f); err == nil {
		if n >= 1 && n <= len(labels) {
			return n - 1, nil
		}
		return 0, answerErr("answer.choice_number", "max", len(labels))
	}
	if i, ok := exactLabel(f, labels); ok {
		return i, nil
	}
	whole, found := matchLabels(f, labels)
	switch {
	case len(found) == 0:
		return 0, answerErr("answer.choice", "text", echo(s), "max", len(labels))
	case len(found) == 1 && len(whole) == 1 && len(f) > shortAnswer:
		return found[0], nil
	}
	list := make([]string, len(found))
	for i, k := range found {
		list[i] = strconv.Itoa(k+1) + ". " + labels[k]
	}
	key := "answer.choice_ambiguous"
	if len(found) == 1 {
		key = "answer.choice_unsure"
	}
	return 0, answerErr(key, "text", echo(s), "list", strings.Join(list, "; "))
}

// shortAnswer is the longest folded answer that only picks an option by its
// whole label: two letters are as likely a fragment as a word.
const shortAnswer = 2

// matchLabels finds the options in which f starts a word (found) and those
// in which it is whole words (whole), both in option order. One letter
// would start a word of nearly every option, so it finds none.
func matchLabels(f string, labels []string) (whole, found []int) {
	if len(f) < 2 {
		return nil, nil
	}
	for i, l := range labels {
		fl := foldLabel(l)
		starts, words := wordMatch(fl, f)
		if starts {
			found = append(found, i)
		}
		if words {
			whole = append(whole, i)
		}
	}
	return whole, found
}

// wordMatch reports whether f occurs in s starting at a word (starts), and
// whether it does so ending at one too (words).
func wordMatch(s, f string) (starts, words bool) {
	for from := 0; from < len(s); {
		i := strings.Index(s[from:], f)
		if i < 0 {
			break
		}
		at := from + i
		if at == 0 || !isWordByte(s[at-1]) {
			starts = true
			if end := at + len(f); end == len(s) || !isWordByte(s[end]) {
				return true, true
			}
		}
		from = at + 1
	}
	return starts, false
}

func isWordByte(b byte) bool {
	return b >= 'a' && b <= 'z' || b >= '0' && b <= '9' || b >= 0x80
}

// exactLabel finds the option whose folded text is f.
func exactLabel(f string, labels []string) (int, bool) {
	for i, l := range labels {
		if foldLabel(l) == f {
			return i, true
		}
	}
	return 0, false
}

// ParseChoices picks several options: "1,3", "1 3", "1;3" or texts
// separated by commas. A label that itself holds a comma ("Ốm đau, tai
// nạn") typed in full is one choice. The result is sorted and without
// repeats.
func ParseChoices(s string, labels []string) ([]int, error) {
	f := Fold(s)
	if i, ok := exactLabel(f, labels); ok {
		return []int{i}, nil
	}
	parts := strings.FieldsFunc(f, func(r rune) bool { return r == ',' || r == ';' || r == '/' })
	if len(parts) == 1 && strings.Trim(parts[0], "0123456789 ") == "" {
		parts = strings.Fields(parts[0])
	}
	if len(parts) == 0 {
		return nil, answerErr("answer.choices", "max", len(labels))
	}
	chosen := make([]bool, len(labels))
	for i := 0; i < len(parts); i++ {
		k, used, err := choiceAt(parts[i:], labels)
		if err != nil {
			return nil, err
		}
		chosen[k] = true
		i += used - 1
	}
	var out []int
	for i, c := range chosen {
		if c {
			out = append(out, i)
		}
	}
	return out, nil
}

// choiceAt reads the choice that parts start with: the most parts that,
// joined again with commas, are one label, or else the first part alone.
func choiceAt(parts, labels []string) (choice, used int, err error) {
	for n := len(parts); n > 1; n-- {
		joined := strings.Join(trimAll(parts[:n]), ", ")
		if i, ok := exactLabel(joined, labels); ok {
			return i, n, nil
		}
	}
	i, err := ParseChoice(parts[0], labels)
	if ae, ok := err.(*AnswerError); ok && ae.Key != "answer.choice_ambiguous" && ae.Key != "answer.choice_unsure" {
		err = answerErr("answer.choices", "max", len(labels))
	}
	return i, 1, err
}

func trimAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = strings.TrimSpace(s)
	}
	return out
}

// ParseDate reads a day as dd/mm/yyyy (also with - or .) or yyyy-mm-dd.
func ParseDate(s string) (time.Time, error) {
	f := strings.TrimSpace(s)
	for _, layout := range []string{"2/1/2006", "2-1-2006", "2.1.2006", "2006-01-02"} {
		if t, err := time.Parse(layout, f); err == nil {
			return t, nil
		}
	}
	return time.Time{}, answerErr("answer.date")
}
