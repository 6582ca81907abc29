package delivery

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestSplitText(t *testing.T) {
	line := strings.Repeat("ạ", 30) + "\n" // 31 characters, 61 bytes
	text := strings.Repeat(line, 10)
	parts := SplitText(text, 100)
	if len(parts) != 4 {
		t.Fatalf("%d parts, want 4 (3 lines each)", len(parts))
	}
	for _, p := range parts {
		if n := utf8.RuneCountInString(p); n > 100 {
			t.Fatalf("part of %d characters", n)
		}
		if strings.HasPrefix(p, "\n") || !strings.HasPrefix(p, "ạ") {
			t.Fatalf("part does not start at a line: %q", p[:10])
		}
	}
	if got := strings.Join(parts, "\n"); got != strings.TrimRight(text, "\n") {
		t.Fatal("splitting lost or changed text")
	}
	long := strings.Repeat("đ", 250)
	parts = SplitText(long, 100)
	if len(parts) != 3 || strings.Join(parts, "") != long {
		t.Fatalf("a long line: %d parts", len(parts))
	}
	if parts := SplitText("ngắn", 100); len(parts) != 1 || parts[0] != "ngắn" {
		t.Fatalf("short text: %q", parts)
	}
}
