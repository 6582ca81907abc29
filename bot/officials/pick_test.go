package officials

import (
	"strings"
	"testing"
	"time"
)

func TestParseDay(t *testing.T) {
	today := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
	for in, want := range map[string]string{
		"hôm nay": "2026-11-30", "Hom nay": "2026-11-30", "20/11/2026": "2026-11-20", "2/9/2026": "2026-09-02",
		"2026-11-20": "2026-11-20", "31/02/2026": "", "20-11-2026": "", "mai": "", "": "",
	} {
		got, ok := parseDay(in, today)
		if got != want || ok != (want != "") {
			t.Errorf("parseDay(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	if d, ok := expandDay(compactDay("2026-11-20")); !ok || d != "2026-11-20" {
		t.Errorf("a day through a question id: %q %v", d, ok)
	}
}

// A question naming a long area id is asked without buttons, whose data
// Telegram would refuse.
func TestLongQuestionsHaveNoButtons(t *testing.T) {
	short := "hop:vote:bac-kan/huyen-tung/khuoi-pai:12"
	long := "hop:vote:" + strings.Repeat("thanh-pho-thai-nguyen/", 3) + "to-dan-pho-so-1:12"
	if !fits(short, "300") || fits(long, "300") {
		t.Fatalf("fits: %v %v", fits(short, "300"), fits(long, "300"))
	}
}
