package flows

import (
	"strings"
	"sync"
	"sync/atomic"
	"unicode"
	"unicode/utf8"

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
	if isASCII(s) { // most answers ("1", "2,3", "co"): no marks to strip, nothing to normalise
		return squeeze(strings.ToLower(s))
	}
	return foldMarks(s)
}

// foldMarks is Fold for any text, through Unicode normalisation.
func foldMarks(s string) string {
	// Bytes that are not UTF-8 (a terminal in another encoding) become U+FFFD
	// first; the normaliser would otherwise stop decomposing after them.
	s = strings.ToValidUTF8(s, "\uFFFD")
	t := stripMarks.Get().(transform.Transformer)
	out, _, err := transform.String(t, s)
	stripMarks.Put(t)
	if err != nil {
		out = s
	}
	return squeeze(dStroke.Replace(strings.ToLower(out)))
}

// foldedLabels keeps the folds of options' labels, which come from the
// forms and the messages, so a few hundred: every typed answer is held
// against its question's labels, folded each time before. Past maxLabels
// (a label with someone's name, say) folds are no longer kept.
var (
	foldedLabels sync.Map // label → Fold(label)
	labelsKept   atomic.Int32
)

const maxLabels = 10000

// foldLabel is Fold for an option's label.
func foldLabel(l string) string {
	if f, ok := foldedLabels.Load(l); ok {
		return f.(string)
	}
	f := Fold(l)
	if labelsKept.Load() < maxLabels {
		if _, had := foldedLabels.LoadOrStore(l, f); !had {
			labelsKept.Add(1)
		}
	}
	return f
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// squeeze trims s and joins its words with one space, without a copy when
// it has nothing to change.
func squeeze(s string) string {
	prevSpace := true // a leading space is a change too
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r' || c == ' ' && prevSpace {
			return strings.Join(strings.Fields(s), " ")
		}
		prevSpace = c == ' '
	}
	if prevSpace && s != "" { // a trailing space
		return strings.Join(strings.Fields(s), " ")
	}
	return s
}
