package delivery

import (
	"strings"
	"unicode/utf8"
)

// SplitText cuts text into pieces of at most limit characters, at line
// boundaries where it can, so a long summary arrives as readable messages.
func SplitText(text string, limit int) []string {
	if utf8.RuneCountInString(text) <= limit {
		return []string{text}
	}
	var parts []string
	var cur strings.Builder
	curLen := 0
	flush := func() {
		if curLen > 0 {
			parts = append(parts, strings.TrimRight(cur.String(), "\n"))
			cur.Reset()
			curLen = 0
		}
	}
	for _, line := range strings.SplitAfter(text, "\n") {
		n := utf8.RuneCountInString(line)
		if curLen+n > limit {
			flush()
		}
		for n > limit { // a single line longer than the limit
			cut := byteIndexOfRune(line, limit)
			parts = append(parts, line[:cut])
			line = line[cut:]
			n -= limit
		}
		cur.WriteString(line)
		curLen += n
	}
	flush()
	return parts
}

func byteIndexOfRune(s string, n int) int {
	i := 0
	for pos := range s {
		if i == n {
			return pos
		}
		i++
	}
	return len(s)
}

// SendParts sends a text cut at limit, part by part, skipping the parts an
// earlier attempt delivered (out.PartsSent). A failure after some parts
// went out is a PartialError saying how many, so that the next attempt
// sends only the rest. send is told whether its part is the last (where
// buttons go).
func SendParts(out Outbound, text string, limit int, send func(part string, last bool) error) error {
	if out.PartsSent == 0 && utf8.RuneCountInString(text) <= limit { // most texts: one part, no list of them
		return send(text, true)
	}
	parts := SplitText(text, limit)
	for i := out.PartsSent; i < len(parts); i++ {
		if err := send(parts[i], i == len(parts)-1); err != nil {
			if i > 0 {
				return &PartialError{Sent: i, Err: err}
			}
			return err
		}
	}
	return nil
}
