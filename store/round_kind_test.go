package store_test

import (
	"errors"
	"testing"
	"time"

	"sothon/store"
	"sothon/store/storetest"
)

// An annual round classifies for 1 January after its last day; a regular
// one, and any round stored before kinds, for the form's own day.
func TestRoundKindClassifyAt(t *testing.T) {
	t.Parallel()
	nov := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	jan := time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		round store.Round
		want  time.Time
	}{
		{store.Round{Kind: store.RoundAnnual, From: "2026-09-01", To: "2026-12-14"}, jan},
		{store.Round{Kind: store.RoundRegular, From: "2026-11-15", To: "2026-11-30"}, nov},
		{store.Round{From: "2026-11-15", To: "2026-11-30"}, nov},
	} {
		if got := tt.round.ClassifyAt(nov); !got.Equal(tt.want) {
			t.Errorf("%q round: classifies at %v, want %v", tt.round.Kind, got, tt.want)
		}
	}
	for word, want := range map[string]string{"dinh-ky": store.RoundAnnual, "định-kỳ": store.RoundAnnual, "Annual": store.RoundAnnual,
		"thuong-xuyen": store.RoundRegular, "regular": store.RoundRegular, "yearly": ""} {
		if got, _ := store.RoundKind(word); got != want {
			t.Errorf("RoundKind(%q) = %q, want %q", word, got, want)
		}
	}
	db := storetest.Open(t)
	r, err := db.OpenRound(t.Context(), store.Round{Name: "Cũ", From: "2026-11-01", To: "2026-11-30", Opened: nov})
	if err != nil || r.Kind != store.RoundRegular {
		t.Fatalf("a round opened without a kind: %+v %v", r, err)
	}
	if _, err := db.OpenRound(t.Context(), store.Round{Name: "X", From: "2026-11-01", To: "2026-11-30", Kind: "yearly"}); !errors.Is(err, store.ErrRoundBad) {
		t.Fatalf("a round of an unknown kind: %v", err)
	}
}
