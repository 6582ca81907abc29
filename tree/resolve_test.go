package tree_test

import (
	"errors"
	"slices"
	"testing"

	"sothon/tree"
)

// People name areas as they say them, without diacritics more often than
// not; an id always works, a name fitting several areas lists them.
func TestResolveByIDOrName(t *testing.T) {
	t.Parallel()
	areas := tree.Default()
	for _, tt := range []struct {
		query, scope, want string
	}{
		{"bac-kan/huyen-tung", "", "bac-kan/huyen-tung"},
		{"  bac-kan/huyen-tung ", "", "bac-kan/huyen-tung"},
		{"huyen tung", "", "bac-kan/huyen-tung"},
		{"Huyền Tụng", "", "bac-kan/huyen-tung"},
		{"PHƯỜNG HUYỀN TỤNG", "", "bac-kan/huyen-tung"},
		{"na rao", "", "bac-kan/nong-thuong/na-rao"},
		{"khuoi pai", "bac-kan/huyen-tung", "bac-kan/huyen-tung/khuoi-pai"},
		{"to 1 (duc xuan)", "", "bac-kan/duc-xuan/to-1"},
		{"to 1", "bac-kan/song-cau", "bac-kan/song-cau/to-1"}, // one Tổ 1 in the scope
		{"thanh pho bac kan", "", "bac-kan"},
	} {
		a, err := tree.Resolve(areas, tt.query, tt.scope)
		if err != nil || a.ID != tt.want {
			t.Errorf("Resolve(%q, %q) = %q, %v; want %q", tt.query, tt.scope, a.ID, err, tt.want)
		}
	}
}

func TestResolveRefusals(t *testing.T) {
	t.Parallel()
	areas := tree.Default()
	for _, q := range []string{"", "  ", "ha noi", "bac-kan/nowhere"} {
		if _, err := tree.Resolve(areas, q, ""); !errors.Is(err, tree.ErrUnknown) {
			t.Errorf("%q: %v, want ErrAreaUnknown", q, err)
		}
	}
	// A name outside the scope is as unknown; an id outside it is refused as such.
	if _, err := tree.Resolve(areas, "na rao", "bac-kan/huyen-tung"); !errors.Is(err, tree.ErrUnknown) {
		t.Errorf("name outside the scope: %v", err)
	}
	if _, err := tree.Resolve(areas, "bac-kan/nong-thuong", "bac-kan/huyen-tung"); !errors.Is(err, tree.ErrOutsideScope) {
		t.Errorf("id outside the scope: %v", err)
	}
	// Tổ Bản Cạu and Tổ Bản Cáu differ only by a tone mark.
	_, err := tree.Resolve(areas, "ban cau", "")
	var amb *tree.AmbiguousError
	if !errors.As(err, &amb) {
		t.Fatalf("ban cau: %v, want an ambiguity", err)
	}
	ids := []string{}
	for _, c := range amb.Candidates {
		ids = append(ids, c.ID)
	}
	if !slices.Equal(ids, []string{"bac-kan/huyen-tung/ban-cau", "bac-kan/xuat-hoa/ban-cau"}) || amb.Candidates[0].Label != "Tổ Bản Cạu (Huyền Tụng)" {
		t.Errorf("candidates: %+v", amb.Candidates)
	}
	if _, err := tree.Resolve(areas, "to 1", ""); !errors.As(err, &amb) || len(amb.Candidates) != 4 {
		t.Errorf("to 1: %v", err)
	}
}
