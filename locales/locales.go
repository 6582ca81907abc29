// Package locales holds every user-facing string of the chat interface, in
// Vietnamese (the default) and English, loaded from embedded files.
package locales

import (
	"bytes"
	"embed"
	"fmt"
	"math"
	"strconv"
	"strings"
	"sync"

	"github.com/nicksnyder/go-i18n/v2/i18n"
	"go.yaml.in/yaml/v3"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
	"golang.org/x/text/number"
)

// Default is the language of users who have not chosen one.
const Default = "vi"

// Languages lists the supported languages, default first.
var Languages = []string{"vi", "en"}

//go:embed *.yaml
var files embed.FS

// Catalog translates message keys into the supported languages.
type Catalog struct {
	localizers map[string]*i18n.Localizer
	fixed      sync.Map // lang + "\x00" + key → text of messages without arguments
}

// Load reads the embedded locale files.
func Load() (*Catalog, error) {
	bundle := i18n.NewBundle(language.Vietnamese)
	bundle.RegisterUnmarshalFunc("yaml", yaml.Unmarshal)
	c := &Catalog{localizers: map[string]*i18n.Localizer{}}
	for _, lang := range Languages {
		if _, err := bundle.LoadMessageFileFS(files, lang+".yaml"); err != nil {
			return nil, fmt.Errorf("locales: load %s: %w", lang, err)
		}
		c.localizers[lang] = i18n.NewLocalizer(bundle, lang)
	}
	return c, nil
}

// MustLoad is Load for program start, where the embedded files are known
// good. The files are read once per process (a command through the
// server's socket would otherwise parse them again): a Catalog is only read.
func MustLoad() *Catalog {
	c, err := loadOnce()
	if err != nil {
		panic(err)
	}
	return c
}

var loadOnce = sync.OnceValues(Load)

// Supported reports whether lang is one of Languages.
func Supported(lang string) bool {
	for _, l := range Languages {
		if l == lang {
			return true
		}
	}
	return false
}

// T translates key into lang, filling the template with args given as
// name, value pairs. A missing key yields the key itself in brackets, so a
// mistake shows in a transcript instead of failing a user's conversation;
// TestEveryKeyUsedExists keeps that from shipping.
func (c *Catalog) T(lang, key string, args ...any) string {
	if len(args) == 0 {
		// Option labels and hints are rendered on every step; the
		// localizer's language matching is the costly part.
		if s, ok := c.fixed.Load(lang + "\x00" + key); ok {
			return s.(string)
		}
		s := c.localize(lang, key, nil)
		c.fixed.Store(lang+"\x00"+key, s)
		return s
	}
	return c.localize(lang, key, args)
}

// Has reports whether the catalog holds key, for words looked up by a
// name the data gives (an audit entry's action).
func (c *Catalog) Has(key string) bool { return c.T(Default, key) != "["+key+"]" }

func (c *Catalog) localize(lang, key string, args []any) string {
	loc, ok := c.localizers[lang]
	if !ok {
		loc = c.localizers[Default]
	}
	data := make(map[string]any, len(args)/2)
	for i := 0; i+1 < len(args); i += 2 {
		name, ok := args[i].(string) // always, but for a mistake
		if !ok {
			name = fmt.Sprint(args[i])
		}
		data[name] = args[i+1]
	}
	s, err := loc.Localize(&i18n.LocalizeConfig{MessageID: key, TemplateData: data})
	if err != nil {
		return "[" + key + "]"
	}
	return strings.TrimRight(s, "\n")
}

// Number formats x for lang with at most maxFrac decimals: "1.234,5" in
// Vietnamese, "1,234.5" in English.
func Number(lang string, x float64, maxFrac int) string {
	if s, ok := plainNumber(lang, x, maxFrac); ok {
		return s
	}
	return printed(lang, x, maxFrac)
}

// printed is Number by the language's printer, for any number.
func printed(lang string, x float64, maxFrac int) string {
	return printer(lang).Sprint(number.Decimal(x, number.MaxFractionDigits(maxFrac)))
}

// plainNumber is Number for the numbers answers hold (finite, under 10¹⁵,
// not rounding to a negative zero), written out as the printer writes them
// (TestPlainNumbersAsPrinted) without its allocations: every answer read
// back shows one. The printer rounds the exact binary value, half to even,
// as strconv does; drops trailing zeros; groups by three.
func plainNumber(lang string, x float64, maxFrac int) (string, bool) {
	if math.IsNaN(x) || math.IsInf(x, 0) || math.Abs(x) >= 1e15 || maxFrac < 0 || maxFrac > 15 {
		return "", false
	}
	var digits [48]byte
	d := strconv.AppendFloat(digits[:0], x, 'f', maxFrac, 64)
	neg := d[0] == '-'
	if neg {
		d = d[1:]
	}
	whole, frac := d, d[:0]
	if i := bytes.IndexByte(d, '.'); i >= 0 {
		whole, frac = d[:i], bytes.TrimRight(d[i+1:], "0")
	}
	if neg && len(frac) == 0 && string(whole) == "0" {
		return "", false // -0: the printer's business
	}
	group, point := byte('.'), byte(',')
	if lang == "en" {
		group, point = ',', '.'
	}
	var out [64]byte
	o := out[:0]
	if neg {
		o = append(o, '-')
	}
	for i, c := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			o = append(o, group)
		}
		o = append(o, c)
	}
	if len(frac) > 0 {
		o = append(o, point)
		o = append(o, frac...)
	}
	return string(o), true
}

// Percent formats a share (0.0233) as "2,33%" or "2.33%".
func Percent(lang string, share float64) string {
	return Number(lang, share*100, 2) + "%"
}

// printers format numbers in each language. A Printer is only read once
// made (Sprint copies it), so one serves every goroutine; making one was
// most of the cost of a number.
var printers = struct{ en, vi *message.Printer }{message.NewPrinter(language.English), message.NewPrinter(language.Vietnamese)}

func printer(lang string) *message.Printer {
	if lang == "en" {
		return printers.en
	}
	return printers.vi
}
