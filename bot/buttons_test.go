package bot

import (
	"strings"
	"testing"
)

func TestButtonData(t *testing.T) {
	t.Parallel()
	question := strings.Repeat("q", 40)
	for _, data := range []string{ButtonData(question, "10", true), DoneButtonData(question)} {
		if len(data) > 64 {
			t.Errorf("%q is %d bytes, over Telegram's 64", data, len(data))
		}
		p, ok := parseButton(data)
		if !ok || p.question != question {
			t.Errorf("%q does not parse back: %+v", data, p)
		}
	}
	for _, bad := range []string{"", "x|q|1", "a|q", "hello"} {
		if _, ok := parseButton(bad); ok {
			t.Errorf("parseButton(%q) accepted", bad)
		}
	}
}
