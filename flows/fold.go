package flows

import (
	"strings"
	"sync"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// stripMarks removes combining marks after decomposition. A transformer
// chain keeps buffers, so each goroutine borrows its own from the pool.
var stripMarks = sync.Pool{New: func() any {
	return transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
}}

var dStroke = strings.NewReplacer("đ", "d", "Đ", "d")

// Fold lowercases s, drops Vietnamese diacritics (đ becomes d) and squeezes
// spaces, so that "Không" and "khong" compare equal the way people type on
// phones without a Vietnamese keyboard.
func Fold(s string) string {
	// Bytes that are not UTF-8 (a terminal in another encoding) become U+FFFD
	// first; the normaliser would otherwise stop decomposing after them.
	s = strings.ToValidUTF8(s, "\uFFFD")
	t := stripMarks.Get().(transform.Transformer)
	out, _, err := transform.String(t, s)
	stripMarks.Put(t)
	if err != nil {
		out = s
	}
	out = dStroke.Replace(strings.ToLower(out))
	return strings.Join(strings.Fields(out), " ")
}
