// Package liststest reads back what the lists' writers wrote, for tests.
package liststest

import (
	"bytes"
	"compress/zlib"
	"errors"
	"io"
	"strings"
	"unicode/utf16"
)

// PDFText reads the text shown on the pages of a PDF fpdf wrote with a
// UTF-8 font: there each character's code is its Unicode value (its
// ToUnicode map is the identity), so the strings of the compressed page
// streams read as UTF-16. Strings are joined by a space per text object.
func PDFText(data []byte) (string, error) {
	var text strings.Builder
	for rest := data; ; {
		start := bytes.Index(rest, []byte("stream\n"))
		if start < 0 {
			return text.String(), nil
		}
		rest = rest[start+len("stream\n"):]
		end := bytes.Index(rest, []byte("endstream"))
		if end < 0 {
			return "", errors.New("liststest: a stream without its end")
		}
		z, err := zlib.NewReader(bytes.NewReader(rest[:end]))
		rest = rest[end+len("endstream"):]
		if err != nil {
			continue // not a compressed stream (the font's own tables are)
		}
		content, err := io.ReadAll(z)
		if err != nil || !bytes.Contains(content, []byte("Tj")) {
			continue
		}
		for _, s := range pdfStrings(content) {
			u := make([]uint16, len(s)/2)
			for i := range u {
				u[i] = uint16(s[2*i])<<8 | uint16(s[2*i+1])
			}
			text.WriteString(string(utf16.Decode(u)))
		}
		text.WriteString(" ")
	}
}

// pdfStrings are the literal strings of a content stream, unescaped.
func pdfStrings(content []byte) [][]byte {
	var out [][]byte
	for i := 0; i < len(content); i++ {
		if content[i] != '(' {
			continue
		}
		var s []byte
		for i++; i < len(content) && content[i] != ')'; i++ {
			c := content[i]
			if c == '\\' && i+1 < len(content) {
				i++
				c = map[byte]byte{'n': '\n', 'r': '\r', 't': '\t', 'b': '\b', 'f': '\f'}[content[i]]
				if c == 0 {
					c = content[i]
				}
			}
			s = append(s, c)
		}
		out = append(out, s)
	}
	return out
}
