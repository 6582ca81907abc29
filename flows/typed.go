package flows

import (
	"strconv"
	"strings"
	"sync"
)

// Typed options. A prompt is Typed when each of its options' labels, sent
// back as text, is read as that option, exactly as its button would be: a
// channel may then offer the options as buttons that send their label
// (Telegram's reply keyboard), which belong to no message, need no
// acknowledgement and no closing, and are replaced by the next message.
// Each kind of prompt says so only after checking its labels against the
// reading its typed answers get; anything else keeps buttons bound to its
// message.

// PlainLabels reports whether ParseChoice reads each label as its own
// option: no label is empty, a number (read as a position) or a command,
// and no two fold alike (the first would be taken for both).
func PlainLabels(labels []string) bool {
	folded := make([]string, 0, len(labels))
	for _, l := range labels {
		f := foldLabel(l)
		if f == "" || strings.HasPrefix(strings.TrimSpace(l), "/") {
			return false
		}
		if _, err := strconv.Atoi(f); err == nil {
			return false
		}
		for _, g := range folded {
			if g == f {
				return false
			}
		}
		folded = append(folded, f)
	}
	return len(labels) > 0
}

// typedAs reports whether read takes each option's label as it takes the
// option's key, the answer its button gives.
func typedAs(opts []Option, read func(string) (string, bool)) bool {
	for _, o := range opts {
		want, ok := read(o.Key)
		if !ok || strings.HasPrefix(strings.TrimSpace(o.Label), "/") {
			return false
		}
		if got, ok := read(o.Label); !ok || got != want {
			return false
		}
	}
	return len(opts) > 0
}

// labels are the options' labels.
func labels(opts []Option) []string {
	out := make([]string, len(opts))
	for i, o := range opts {
		out[i] = o.Label
	}
	return out
}

// verdicts keeps what typedChoice and typedYesNo found, by what their
// answer depends on: the labels, and whether the question may be skipped
// and has labels of its own. The forms' and the catalog's labels are few
// and fixed, and the check folds every label each time a question is
// asked. Past maxVerdicts (labels of someone's making) no more are kept.
var verdicts = struct {
	sync.RWMutex
	m map[string]bool
}{m: map[string]bool{}}

const maxVerdicts = 10000

func remembered(kind string, q *Question, opts []Option, check func() bool) bool {
	// The key is made on the stack and looked up without a copy: this runs
	// every time a question with options is asked.
	var buf [512]byte
	key := append(buf[:0], kind...)
	if q != nil {
		key = strconv.AppendBool(key, q.IsRequired())
		key = strconv.AppendBool(key, len(q.YesLabel) > 0)
	}
	for _, o := range opts {
		key = append(key, 0)
		key = append(key, o.Key...)
		key = append(key, 0)
		key = append(key, o.Label...)
	}
	verdicts.RLock()
	v, ok := verdicts.m[string(key)]
	verdicts.RUnlock()
	if ok {
		return v
	}
	v = check()
	verdicts.Lock()
	if len(verdicts.m) < maxVerdicts {
		verdicts.m[string(key)] = v
	}
	verdicts.Unlock()
	return v
}

// typedChoice reports whether a single-choice question's labels are read
// as their options: plain labels, none of which an optional question
// would take for "skip".
func typedChoice(q *Question, opts []Option) bool {
	return remembered("choice", q, opts, func() bool {
		for _, o := range opts {
			if skipping(q, o.Label) {
				return false
			}
		}
		return PlainLabels(labels(opts))
	})
}

// typedYesNo reports whether a yes/no question's labels (Có and Không, or
// the question's own) are read as yes and no.
func typedYesNo(q *Question, c Context, opts []Option) bool {
	return remembered("yesno", q, opts, func() bool { return readAsYesNo(q, c, opts) })
}

func readAsYesNo(q *Question, c Context, opts []Option) bool {
	return typedAs(opts, func(s string) (string, bool) {
		if q != nil && skipping(q, s) {
			return "", false
		}
		if q == nil {
			yes, err := ParseYesNo(s)
			return canonical(yes), err == nil
		}
		v, err := parseYesNoAnswer(q, c, s)
		return v, err == nil
	})
}
