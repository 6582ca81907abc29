package flows

import (
	"errors"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"sothon/locales"
)

func TestTypedPlaces(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want, err string }{
		{"21.15, 105.83", "21.150000 105.830000", ""},
		{"21.15 105.83", "21.150000 105.830000", ""},
		{"21.15,105.83", "21.150000 105.830000", ""},
		{"21,15; 105,83", "21.150000 105.830000", ""},
		{"21,15 105,83", "21.150000 105.830000", ""},
		{"-33.8688, 151.2093", "-33.868800 151.209300", ""},
		{"21.15", "", "answer.place"},
		{"đầu làng", "", "answer.place"},
		{"1, 2, 3", "", "answer.place"},
		{"91, 105", "", "answer.place_range"},
		{"21, 181", "", "answer.place_range"},
		{"0, 0", "", "answer.place_range"},
	}
	for _, tt := range tests {
		p, err := parseTypedPoint(tt.in)
		switch {
		case tt.err != "" && (err == nil || err.Key != tt.err):
			t.Errorf("%q: %v, want %s", tt.in, err, tt.err)
		case tt.err == "" && (err != nil || p.String() != tt.want):
			t.Errorf("%q: %q %v, want %q", tt.in, p.String(), err, tt.want)
		}
	}
}

func TestStoredPlaces(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"21.150000 105.830000", "21.150000 105.830000 12"} {
		p, err := ParsePoint(s)
		if err != nil || p.String() != s {
			t.Errorf("%q read back as %q, %v", s, p.String(), err)
		}
	}
	for _, s := range []string{"", "21.15", "x y", "95 10", "1 2 3 4"} {
		if _, err := ParsePoint(s); err == nil {
			t.Errorf("%q read as a place", s)
		}
	}
	if !IsFileHash(strings.Repeat("ab", 32)) || IsFileHash(strings.Repeat("AB", 32)) || IsFileHash("../x") {
		t.Error("IsFileHash")
	}
}

const mediaForm = `
id: media
version: "1"
title: {vi: "Ảnh", en: "Photos"}
questions:
  - {id: photo, type: image, max: 2, label: {vi: "Ảnh?", en: "Photo?"}}
  - {id: place, type: geopoint, required: false, label: {vi: "Nơi?", en: "Where?"}}
  - {id: note, type: text, required: false, label: {vi: "Ghi chú?", en: "Note?"}}
`

func TestFormsCheckPhotoLimits(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, yaml, want string }{
		{"too many for a question", strings.Replace(mediaForm, "max: 2", "max: 6", 1), "question photo: max of an image question"},
		{"not a count", strings.Replace(mediaForm, "max: 2", "max: 1.5", 1), "question photo: max of an image question"},
		{"min on an image", strings.Replace(mediaForm, "max: 2", "min: 1", 1), "question photo: min does not go"},
		{"range on a place", strings.Replace(mediaForm, "required: false, label: {vi: \"Nơi?\"", "max: 3, label: {vi: \"Nơi?\"", 1), "question place: min and max do not go"},
		{"too many for a form", strings.Replace(mediaForm, "  - {id: place", "  - {id: p2, type: image, max: 5, label: {vi: \"A?\", en: \"A?\"}}\n  - {id: p3, type: image, max: 5, label: {vi: \"B?\", en: \"B?\"}}\n  - {id: place", 1),
			"take 12 photos in all; a form may take at most 10"},
	}
	for _, tt := range tests {
		_, err := LoadFS(fstest.MapFS{"media.yaml": {Data: []byte(tt.yaml)}})
		var probs ProblemsError
		if !errors.As(err, &probs) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: %v, want %q", tt.name, err, tt.want)
		}
	}
}

func mediaRun(t *testing.T, noMedia bool) (*Form, *Run, Context, Outcome) {
	t.Helper()
	set, err := LoadFS(fstest.MapFS{"media.yaml": {Data: []byte(mediaForm)}})
	if err != nil {
		t.Fatal(err)
	}
	c := Context{Lang: "vi", T: locales.MustLoad(), NoMedia: noMedia, Circumstances: Circumstances{Now: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}}
	f := set.Form("media")
	r, o := Start(f, "a", c)
	return f, r, c, o
}

const hashA, hashB = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"

// Two photos, the same one twice counted once, "xong" after one, a place
// refused for a photo, "bỏ qua" for the optional place.
func TestRunTakesPhotosAndPlaces(t *testing.T) {
	t.Parallel()
	f, r, c, _ := mediaRun(t, false)
	if o := r.Reply(f, c, "bỏ qua"); !strings.Contains(o.Prompts[0].Text, "cần một tấm ảnh") || r.Awaits() != "photo" {
		t.Fatalf("a required photo skipped: %+v", o.Prompts)
	}
	if o := r.Place(f, c, Point{Lat: 21, Lon: 105}); r.Awaits() != "photo" || !strings.Contains(o.Prompts[0].Text, "cần một tấm ảnh") {
		t.Fatalf("a place for a photo: %+v", o.Prompts)
	}
	o := r.Photo(f, c, hashA)
	o = r.Photo(f, c, hashA)
	if r.Awaits() != "photo" || !strings.Contains(o.Prompts[0].Text, "Đã nhận 1 ảnh") || o.Prompts[0].Options[0].Label != "Xong" {
		t.Fatalf("one photo: %+v", o.Prompts)
	}
	o = r.Reply(f, c, "xong")
	if r.Awaits() != "place" || !o.Prompts[0].Place || r.Answers["photo"] != hashA {
		t.Fatalf("done after one: %q %+v", r.Answers["photo"], o.Prompts)
	}
	r.Back(f, c)
	r.Photo(f, c, hashA)
	r.Photo(f, c, hashB)
	if r.Answers["photo"] != hashA+";"+hashB || r.Awaits() != "place" {
		t.Fatalf("two photos: %q", r.Answers["photo"])
	}
	if o := r.Photo(f, c, hashA); r.Awaits() != "place" || !strings.Contains(o.Prompts[0].Text, "cần vị trí") {
		t.Fatalf("a photo for a place: %+v", o.Prompts)
	}
	r.Reply(f, c, "Bỏ qua")
	if v, ok := r.Answers["place"]; !ok || v != "" || r.Awaits() != "note" {
		t.Fatalf("place skipped: %q %v, awaiting %s", v, ok, r.Awaits())
	}
	o = r.Reply(f, c, "-")
	if !strings.Contains(o.Prompts[0].Text, "2 ảnh") {
		t.Fatalf("summary: %q", o.Prompts[0].Text)
	}
	if got := f.Files(r.Answers); len(got) != 2 || got[1] != hashB {
		t.Fatalf("files %v", got)
	}
}

// On the terminal a photo cannot be sent: the question says to skip it,
// and a place is typed.
func TestTerminalSaysToSkipAPhoto(t *testing.T) {
	t.Parallel()
	f, r, c, o := mediaRun(t, true)
	if !strings.Contains(o.Prompts[0].Text, "Ở đây không gửi được ảnh") {
		t.Fatalf("photo prompt: %q", o.Prompts[0].Text)
	}
	if o := r.Reply(f, c, "bỏ qua"); !strings.Contains(o.Prompts[0].Text, "Ở đây không gửi được ảnh") || r.Awaits() != "photo" {
		t.Fatalf("required photo: %q", o.Prompts[0].Text)
	}
	f.Questions[0].Required = new(bool) // made optional
	o = r.Reply(f, c, "bỏ qua")
	if r.Awaits() != "place" || o.Prompts[0].Place || !strings.Contains(o.Prompts[0].Text, "Gõ vĩ độ") {
		t.Fatalf("place prompt: %+v", o.Prompts)
	}
	r.Reply(f, c, "21.15, 105.83")
	if r.Answers["place"] != "21.150000 105.830000" {
		t.Fatalf("typed place: %q", r.Answers["place"])
	}
}
