package tree_test

import (
	"testing"

	"sothon/tree"
)

// Places are named by their kind and parent of today, with no district.
func TestFullName(t *testing.T) {
	t.Parallel()
	byID := map[string]tree.Area{}
	for _, name := range tree.BuiltinTrees {
		areas, err := tree.Builtin(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range areas {
			byID[a.ID] = a
		}
	}
	for id, want := range map[string]string{
		"thai-nguyen/duc-xuan/khuoi-pai":    "Tổ Khuổi Pài, phường Đức Xuân",
		"thai-nguyen/phong-quang/na-chuong": "Thôn Nà Chuông, xã Phong Quang",
		"thai-nguyen/duc-xuan":              "Phường Đức Xuân, tỉnh Thái Nguyên",
		"thai-nguyen":                       "Tỉnh Thái Nguyên",
		"bac-kan/huyen-tung/khuoi-pai":      "Tổ Khuổi Pài, phường Huyền Tụng",
		"bac-kan/huyen-tung":                "Phường Huyền Tụng", // under a city: no district named
	} {
		a := byID[id]
		if got := tree.FullName(a, byID[a.Parent]); got != want {
			t.Errorf("%s: %q, want %q", id, got, want)
		}
	}
}
