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

// ParseChoice picks one option by its number or by its words, diacritics
// optional: the whole label, or words of it from the start of a word
// ("lon" and "nuoi lon" both pick "Chăn nuôi lợn thịt"). labels are the
// options as shown; the result is an index. Several candidates are listed
// back so the person can pick one by number.
func ParseChoice(s string, labels []string) (int, error) {
	f := Fold(s)
	if n, err := strconv.Atoi(f); err == nil {
		if n >= 1 && n <= len(labels) {
			return n - 1, nil
		}
		return 0, answerErr("answer.choice_number", "max", len(labels))
	}
	found := matchLabels(f, labels)
	switch len(found) {
	case 1:
		return found[0], nil
	case 0:
		return 0, answerErr("answer.choice", "text", echo(s), "max", len(labels))
	}
	list := make([]string, len(found))
	for i, k := range found {
		list[i] = strconv.Itoa(k+1) + ". " + labels[k]
	}
	return 0, answerErr("answer.choice_ambiguous", "text", echo(s), "list", strings.Join(list, "; "))
}

// matchLabels finds the options whose folded text equals f or, failing
// that, every option with f at the start of one of its words.
func matchLabels(f string, labels []string) []int {
	if f == "" {
		return nil
	}
	var found []int
	for i, l := range labels {
		fl := Fold(l)
		if fl == f {
			return []int{i}
		}
		// One letter would pick every option with a word starting with it.
		if len(f) > 1 && containsAtWord(fl, f) {
			found = append(found, i)
		}
	}
	return found
}

// containsAtWord reports whether f occurs in s starting at a word.
func containsAtWord(s, f string) bool {
	for from := 0; from < len(s); {
		i := strings.Index(s[from:], f)
		if i < 0 {
			return false
		}
		at := from + i
		if at == 0 || !isWordByte(s[at-1]) {
			return true
		}
		from = at + 1
	}
	return false
}

func isWordByte(b byte) bool {
	return b >= 'a' && b <= 'z' || b >= '0' && b <= '9' || b >= 0x80
}

// exactLabel finds the option whose folded text is f.
func exactLabel(f string, labels []string) (int, bool) {
	for i, l := range labels {
		if Fold(l) == f {
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
	if ae, ok := err.(*AnswerError); ok && ae.Key != "answer.choice_ambiguous" {
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
