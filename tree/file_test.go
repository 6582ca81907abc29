package tree_test

import (
	"testing"

	"sothon/flows/poverty"
	"sothon/tree"
)

func TestDefaultIsBacKanCity(t *testing.T) {
	t.Parallel()
	areas := tree.Default()
	byID := map[string]tree.Area{}
	wards, communes := 0, 0
	for _, a := range areas {
		byID[a.ID] = a
		switch a.Kind {
		case tree.Ward:
			wards++
		case tree.Commune:
			communes++
		}
	}
	city := byID["bac-kan"]
	if city.HouseholdsTotal != 12232 || len(city.Targets) != 1 || city.Targets[0].PoorReduction != 23 {
		t.Fatalf("city: %+v", city)
	}
	if wards != 6 || communes != 2 {
		t.Fatalf("%d wards and %d communes, want 6 and 2", wards, communes)
	}
	if s := byID["bac-kan/huyen-tung/khuoi-pai"].Setting; s != poverty.Urban {
		t.Errorf("a ward's village is %s, want urban", s)
	}
	if s := byID["bac-kan/nong-thuong/na-rao"].Setting; s != poverty.Rural {
		t.Errorf("a commune's village is %s, want rural", s)
	}
}

func TestFileErrors(t *testing.T) {
	t.Parallel()
	for name, data := range map[string]string{
		"bad slug":         "id: Bac Kan\nname: x\nkind: city",
		"unknown kind":     "id: a\nname: x\nkind: province-ish",
		"total on a ward":  "id: a\nname: x\nkind: city\nchildren:\n - {id: b, name: y, kind: ward, households_total: 3, children: [{id: c, name: z, kind: village}]}",
		"duplicate child":  "id: a\nname: x\nkind: city\nchildren:\n - {id: b, name: y, kind: ward}\n - {id: b, name: y, kind: ward}",
		"unknown field":    "id: a\nname: x\nkind: city\nhouseholds: 3\nfoo: 1",
		"village children": "id: a\nname: x\nkind: village\nchildren:\n - {id: b, name: y, kind: village}",
	} {
		if _, err := tree.Parse([]byte(data)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
