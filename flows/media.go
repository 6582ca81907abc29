package flows

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
)

// Limits on the photos a form asks for, checked by `sothon forms check`:
// one question takes at most MaxPhotosPerQuestion, a whole form at most
// MaxPhotosPerForm, which bounds what one submission adds to the disk.
const (
	MaxPhotosPerQuestion = 5
	MaxPhotosPerForm     = 10
)

// Stored answers of the two kinds that do not come as text:
//
//	image     the photos' content hashes, in the order sent, parted by ";":
//	          "9f86d0…0f00a08;2c26b4…e7ae" (each the SHA-256 of the stored
//	          JPEG, 64 lowercase hex digits, as store.Files names it)
//	geopoint  "LAT LON" or "LAT LON ACCURACY": decimal degrees (WGS 84,
//	          6 decimals, about 10 cm) and the phone's accuracy in whole
//	          metres when it gave one: "21.150000 105.830000 12"
//
// An unanswered optional question is "" as for every type.

// PhotoCount is how many photos an image question takes.
func (q *Question) PhotoCount() int {
	if q.Type != Image {
		return 0
	}
	if q.Max == nil {
		return 1
	}
	return int(*q.Max)
}

// ImageHashes are the content hashes an image answer holds, none for "".
func ImageHashes(answer string) []string {
	if answer == "" {
		return nil
	}
	return strings.Split(answer, ";")
}

// IsFileHash reports whether s is a content hash as an image answer holds
// it: 64 lowercase hex digits.
func IsFileHash(s string) bool {
	if len(s) != 64 {
		return false
	}
	for _, c := range []byte(s) {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// Files are the content hashes of every photo the submission's answers
// hold, in question order: what the store keeps beside it.
func (f *Form) Files(answers map[string]string) []string {
	var out []string
	for _, q := range f.Questions {
		if q.Type == Image {
			out = append(out, ImageHashes(answers[q.ID])...)
		}
	}
	return out
}

// Point is a place as a phone reports it.
type Point struct {
	Lat      float64 `json:"lat"`
	Lon      float64 `json:"lon"`
	Accuracy float64 `json:"accuracy,omitempty"` // metres; 0 when the phone gave none
}

// String is the stored form of a geopoint answer.
func (p Point) String() string {
	s := strconv.FormatFloat(p.Lat, 'f', 6, 64) + " " + strconv.FormatFloat(p.Lon, 'f', 6, 64)
	if acc := math.Round(p.Accuracy); acc > 0 {
		s += " " + strconv.FormatFloat(acc, 'f', 0, 64)
	}
	return s
}

// MapURL is p on OpenStreetMap's map, marked, close enough to see the
// houses.
func (p Point) MapURL() string {
	lat, lon := strconv.FormatFloat(p.Lat, 'f', 6, 64), strconv.FormatFloat(p.Lon, 'f', 6, 64)
	return "https://www.openstreetmap.org/?mlat=" + lat + "&mlon=" + lon + "#map=18/" + lat + "/" + lon
}

// Valid reports whether p is a place on the Earth; 0, 0 (what a phone
// sends when it has no fix) is not taken for one.
func (p Point) Valid() bool {
	return p.Lat >= -90 && p.Lat <= 90 && p.Lon >= -180 && p.Lon <= 180 &&
		!(p.Lat == 0 && p.Lon == 0) && p.Accuracy >= 0 && !math.IsNaN(p.Lat+p.Lon+p.Accuracy)
}

// ParsePoint reads a stored geopoint answer.
func ParsePoint(stored string) (Point, error) {
	f := strings.Fields(stored)
	if len(f) != 2 && len(f) != 3 {
		return Point{}, fmt.Errorf("flows: geopoint %q: want LAT LON [ACCURACY]", stored)
	}
	var x [3]float64
	for i, s := range f {
		v, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return Point{}, fmt.Errorf("flows: geopoint %q: %w", stored, err)
		}
		x[i] = v
	}
	p := Point{Lat: x[0], Lon: x[1], Accuracy: x[2]}
	if !p.Valid() {
		return Point{}, fmt.Errorf("flows: geopoint %q: not a place", stored)
	}
	return p, nil
}

// parseTypedPoint reads a place typed as two numbers, "21.15, 105.83",
// "21.15 105.83", "21.15,105.83" or with decimal commas "21,15 105,83"
// and "21,15; 105,83".
func parseTypedPoint(text string) (Point, *AnswerError) {
	var parts []string
	if strings.Contains(text, ";") {
		parts = strings.Split(text, ";")
	} else if parts = strings.Fields(strings.ReplaceAll(text, ", ", " ")); len(parts) == 1 {
		parts = strings.Split(parts[0], ",")
	}
	if len(parts) != 2 {
		return Point{}, answerErr("answer.place")
	}
	var x [2]float64
	for i, s := range parts {
		v, err := strconv.ParseFloat(strings.ReplaceAll(strings.TrimSpace(s), ",", "."), 64)
		if err != nil {
			return Point{}, answerErr("answer.place")
		}
		x[i] = v
	}
	p := Point{Lat: x[0], Lon: x[1]}
	if !p.Valid() {
		return Point{}, answerErr("answer.place_range")
	}
	return p, nil
}

// skipWords are what a person may answer to an optional question to leave
// it unanswered, besides "-" (folded).
var skipWords = map[string]bool{"bo qua": true, "boqua": true, "skip": true}

// skipping reports whether text leaves an optional question unanswered.
func skipping(q *Question, text string) bool {
	return !q.IsRequired() && (text == "-" || skipWords[strings.Trim(Fold(text), ".!")])
}

// mediaKey is what a media question's single button answers: skip it, or
// (photos already sent) be done with it.
const mediaKey = "1"

var doneWords = map[string]bool{"xong": true, "done": true, "het": true, "du roi": true}

// Wants is the type of the question the run waits for an answer to, ""
// when it waits for something else (the summary, a confirmation). A
// channel fetches a photo only when the run wants one.
func (r *Run) Wants(f *Form) Type {
	if r.Stage != StageAsk {
		return ""
	}
	if q := f.Question(r.Current); q != nil {
		return q.Type
	}
	return ""
}

// Photo takes a stored photo, by its content hash, as the answer (or one
// of the answers) to the image question the run waits for. The question
// is answered once it has as many as it takes; before that the person may
// send more or say they are done.
func (r *Run) Photo(f *Form, c Context, hash string) Outcome {
	r.Updated = c.Now
	q := f.Question(r.Current)
	if r.Wants(f) != Image || !IsFileHash(hash) {
		return r.Refuse(f, c)
	}
	if !slices.Contains(r.Photos, hash) { // the same photo sent twice counts once
		r.Photos = append(r.Photos, hash)
	}
	if len(r.Photos) < q.PhotoCount() {
		p := r.ask(f, q, c)
		p.Text = c.t("run.photo_more", "count", len(r.Photos), "max", q.PhotoCount())
		return Outcome{Prompts: []Prompt{p}}
	}
	return r.acceptMedia(f, q, c, strings.Join(r.Photos, ";"))
}

// Place takes a place sent from the phone as the answer to the geopoint
// question the run waits for.
func (r *Run) Place(f *Form, c Context, p Point) Outcome {
	r.Updated = c.Now
	q := f.Question(r.Current)
	if r.Wants(f) != Geopoint {
		return r.Refuse(f, c)
	}
	if !p.Valid() {
		return Outcome{Prompts: []Prompt{r.reask(f, q, c, answerErr("answer.place_range"))}}
	}
	return r.acceptMedia(f, q, c, p.String())
}

func (r *Run) acceptMedia(f *Form, q *Question, c Context, val string) Outcome {
	if err := r.checkConstraint(f, q, c, val); err != nil {
		r.Photos = nil
		return Outcome{Prompts: []Prompt{r.reask(f, q, c, err)}}
	}
	r.accept(q.ID, val)
	return r.advance(f, c)
}

// Refuse answers a message of a kind the run cannot take (a sticker, a
// voice note; a photo where a place is asked): the question again, with
// how to answer it. Nothing changes.
func (r *Run) Refuse(f *Form, c Context) Outcome {
	switch r.Wants(f) {
	case Image:
		return Outcome{Prompts: []Prompt{r.reask(f, f.Question(r.Current), c, r.photoExpected(c))}}
	case Geopoint:
		return Outcome{Prompts: []Prompt{r.reask(f, f.Question(r.Current), c, placeExpected(c))}}
	}
	return Outcome{Prompts: append([]Prompt{{Text: c.t("answer.not_text")}}, r.Show(f, c).Prompts...)}
}

func (r *Run) photoExpected(c Context) *AnswerError {
	if c.NoMedia {
		return answerErr("answer.photo_here")
	}
	return answerErr("answer.photo")
}

func placeExpected(c Context) *AnswerError {
	if c.NoMedia || c.NoPlace {
		return answerErr("answer.place")
	}
	return answerErr("answer.place_send")
}

// replyMedia takes a typed answer to an image or geopoint question: the
// button's "1" (skip, or done with the photos sent), a skip word, typed
// coordinates. It reports false for text left to the ordinary parsing.
func (r *Run) replyMedia(f *Form, q *Question, c Context, text string) (Outcome, bool) {
	text = strings.TrimSpace(text)
	done := text == mediaKey || doneWords[strings.Trim(Fold(text), ".!")]
	switch {
	case q.Type == Image && len(r.Photos) > 0 && done:
		return r.acceptMedia(f, q, c, strings.Join(r.Photos, ";")), true
	case len(r.Photos) == 0 && (text == mediaKey || skipping(q, text)) && !q.IsRequired():
		r.accept(q.ID, "")
		return r.advance(f, c), true
	case q.Type == Image:
		return Outcome{Prompts: []Prompt{r.reask(f, q, c, r.photoExpected(c))}}, true
	}
	if _, err := parseTypedPoint(text); err != nil && err.Key == "answer.place" { // words, not a place
		return Outcome{Prompts: []Prompt{r.reask(f, q, c, placeExpected(c))}}, true
	}
	return Outcome{}, false
}

// askMedia adds to an image or geopoint question's prompt how to answer
// it on this channel, and its one button.
func (r *Run) askMedia(q *Question, c Context, lines []string, p *Prompt) []string {
	switch {
	case q.Type == Image && c.NoMedia:
		lines = append(lines, c.t("run.photo_hint_here"))
	case q.Type == Image:
		lines = append(lines, c.t("run.photo_hint", "max", q.PhotoCount()))
	case c.NoMedia || c.NoPlace:
		lines = append(lines, c.t("run.place_hint_here"))
	default:
		lines = append(lines, c.t("run.place_hint"))
		p.Place = true
	}
	switch {
	case len(r.Photos) > 0:
		p.Options = []Option{{Key: mediaKey, Label: c.t("run.photos_done")}}
		p.Typed = doneWords[strings.Trim(Fold(p.Options[0].Label), ".!")]
	case !q.IsRequired():
		p.Options = []Option{{Key: mediaKey, Label: c.t("run.skip")}}
		p.Typed = skipping(q, p.Options[0].Label)
	}
	return lines
}

// displayMedia shows a stored photo or place answer.
func displayMedia(q *Question, val string, c Context) string {
	if q.Type == Image {
		return c.t("run.photos", "count", len(ImageHashes(val)))
	}
	p, err := ParsePoint(val)
	if err != nil {
		return val
	}
	s := strconv.FormatFloat(p.Lat, 'f', 5, 64) + ", " + strconv.FormatFloat(p.Lon, 'f', 5, 64)
	if p.Accuracy > 0 {
		s += " " + c.t("run.place_accuracy", "metres", int(math.Round(p.Accuracy)))
	}
	return s
}
