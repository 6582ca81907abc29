package bot

import "strings"

// Button data is "KIND|QUESTION|KEY": KIND is a (answer), t (toggle a
// multi-choice option) or d (done with a multi-choice); QUESTION is what
// the keyboard belongs to, so a press on an old keyboard is recognised.
// Question ids are at most 40 characters, which keeps data within
// Telegram's 64 bytes.
const (
	buttonAnswer = "a"
	buttonToggle = "t"
	buttonDone   = "d"
	// typedAnswer is the kind of an answer typed rather than pressed.
	typedAnswer = ""
)

// ButtonData is the data of the button for option key of a keyboard that
// answers question; multi toggles the option instead of answering.
func ButtonData(question, key string, multi bool) string {
	kind := buttonAnswer
	if multi {
		kind = buttonToggle
	}
	return kind + "|" + question + "|" + key
}

// DoneButtonData is the data of a multi-choice keyboard's "done" button.
func DoneButtonData(question string) string { return buttonDone + "|" + question + "|" }

// press is an answer: a button's kind, question and key, or (kind
// typedAnswer) the text typed as key.
type press struct {
	kind, question, key string
}

func parseButton(data string) (press, bool) {
	parts := strings.SplitN(data, "|", 3)
	if len(parts) != 3 || (parts[0] != buttonAnswer && parts[0] != buttonToggle && parts[0] != buttonDone) {
		return press{}, false
	}
	return press{kind: parts[0], question: parts[1], key: parts[2]}, true
}
