package store_test

import (
	"testing"

	"sothon/store/storetest"
)

func TestFindAreaReadsTheStoredTree(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t)
	a, err := db.FindArea(ctx, "xuat hoa", "")
	if err != nil || a.ID != "bac-kan/xuat-hoa" {
		t.Fatalf("FindArea: %+v, %v", a, err)
	}
}
