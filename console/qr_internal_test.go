package console

import (
	"regexp"
	"strconv"
	"strings"
	"testing"

	qrcode "github.com/skip2/go-qrcode"
)

// The SVG draws exactly the dark modules, run by run, of the QR code, in a square of
// the code's size: read back square by square, it is the same bitmap.
func TestQRSVGDrawsTheCode(t *testing.T) {
	t.Parallel()
	content := "https://t.me/sothon_bot?start=ABCD2345"
	q, err := qrcode.New(content, qrcode.Medium)
	if err != nil {
		t.Fatal(err)
	}
	want := q.Bitmap()
	svg := string(qrSVG(content))
	n := strconv.Itoa(len(want))
	if !strings.Contains(svg, `viewBox="0 0 `+n+` `+n+`"`) {
		t.Fatalf("viewBox of a %s-module code: %s", n, svg[:120])
	}
	got := make([][]bool, len(want))
	for i := range got {
		got[i] = make([]bool, len(want))
	}
	for _, m := range regexp.MustCompile(`M(\d+) (\d+)h(\d+)v1h-(\d+)z`).FindAllStringSubmatch(svg, -1) {
		x, _ := strconv.Atoi(m[1])
		y, _ := strconv.Atoi(m[2])
		run, _ := strconv.Atoi(m[3])
		for i := range run {
			got[y][x+i] = true
		}
	}
	for y := range want {
		for x := range want[y] {
			if got[y][x] != want[y][x] {
				t.Fatalf("module (%d,%d): drawn %v, code %v", x, y, got[y][x], want[y][x])
			}
		}
	}
}
