package tree_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"sothon/tree"
)

// The built-in tree after 2025 is what the city's plan makes of the 2023
// tree, so the demo works on either and a database moves from one to the
// other.
func TestCityPlanGivesTheBuiltinTree(t *testing.T) {
	t.Parallel()
	plan, _, err := tree.BuiltinPlan("bac-kan-2025")
	if err != nil {
		t.Fatal(err)
	}
	got, mapping, err := plan.Apply(tree.Default())
	if err != nil {
		t.Fatal(err)
	}
	want, err := tree.Builtin("thai-nguyen-2025")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) {
		t.Fatalf("%d areas, the built-in tree has %d", len(got), len(want))
	}
	for i := range want {
		g, w := got[i], want[i]
		if g.ID != w.ID || g.Name != w.Name || g.Kind != w.Kind || g.Setting != w.Setting || g.Parent != w.Parent ||
			g.HouseholdsTotal != w.HouseholdsTotal || !slices.Equal(g.Targets, w.Targets) || !slices.Equal(g.Demo, w.Demo) {
			t.Errorf("area %d: plan gives %+v, the tree has %+v", i, g, w)
		}
	}
	for old, want := range map[string]string{
		"bac-kan":                           "thai-nguyen",
		"bac-kan/huyen-tung":                "thai-nguyen/duc-xuan",
		"bac-kan/nong-thuong/na-rao":        "thai-nguyen/bac-kan/na-rao",
		"bac-kan/song-cau/to-2":             "thai-nguyen/bac-kan/song-cau-to-2",
		"bac-kan/duong-quang/khuoi-mat":     "thai-nguyen/phong-quang/khuoi-mat",
		"bac-kan/nguyen-thi-minh-khai":      "thai-nguyen/duc-xuan",
		"bac-kan/duc-xuan/to-1":             "thai-nguyen/duc-xuan/to-1",
		"bac-kan/huyen-tung/ban-cau":        "thai-nguyen/duc-xuan/ban-cau",
		"bac-kan/xuat-hoa/ban-cau":          "thai-nguyen/bac-kan/ban-cau",
		"bac-kan/nguyen-thi-minh-khai/to-3": "thai-nguyen/duc-xuan/nguyen-thi-minh-khai-to-3",
	} {
		if mapping[old] != want {
			t.Errorf("%s goes to %s, want %s", old, mapping[old], want)
		}
	}
	if len(mapping) != len(tree.Default()) {
		t.Errorf("%d areas mapped of %d", len(mapping), len(tree.Default()))
	}
}

// A plan that leaves a village out, places one twice or makes two villages
// of one id is refused, naming what is wrong.
func TestPlanMistakesRefused(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct{ plan, says string }{
		"left out": {`effective: 2025-07-01
top: {id: thai-nguyen, name: "Tỉnh Thái Nguyên", kind: province, from: bac-kan}
units:
  - {id: phong-quang, name: "Xã Phong Quang", kind: commune, from: [bac-kan/duong-quang]}
`, "no unit takes in bac-kan/duc-xuan/to-1"},
		"clash": {`effective: 2025-07-01
top: {id: thai-nguyen, name: "Tỉnh Thái Nguyên", kind: province, from: bac-kan}
units:
  - {id: a, name: "Phường A", kind: ward, from: [bac-kan/duc-xuan, bac-kan/nguyen-thi-minh-khai]}
`, "would both be thai-nguyen/a/to-1"},
		"twice": {`effective: 2025-07-01
top: {id: thai-nguyen, name: "Tỉnh Thái Nguyên", kind: province, from: bac-kan}
units:
  - {id: a, name: "Phường A", kind: ward, from: [bac-kan/duc-xuan]}
  - {id: b, name: "Phường B", kind: ward, from: [bac-kan/duc-xuan]}
`, "placed twice"},
		"wrong top": {`effective: 2025-07-01
top: {id: thai-nguyen, name: "Tỉnh Thái Nguyên", kind: province, from: bac-kan/duc-xuan}
units: []
`, "not the top"},
	} {
		t.Run(name, func(t *testing.T) {
			p, err := tree.ParsePlan([]byte(tc.plan))
			if err != nil {
				t.Fatal(err)
			}
			_, _, err = p.Apply(tree.Default())
			if !errors.Is(err, tree.ErrPlan) || !strings.Contains(err.Error(), tc.says) {
				t.Fatalf("got %v, want it to say %q", err, tc.says)
			}
		})
	}
	if _, err := tree.ParsePlan([]byte("effective: 1/7/2025\n")); !errors.Is(err, tree.ErrPlan) {
		t.Fatalf("a date not YYYY-MM-DD: %v", err)
	}
}
