package register_test

import (
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"sothon/office/register"
	"sothon/store/storetest"
)

// A file of several batches, each stored while the next is read, is all
// stored, in order, before Import returns.
func TestImportStoresEveryBatchInOrder(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t)
	const village, n = "bac-kan/huyen-tung/ban-cau", 25_000
	var csv strings.Builder
	csv.WriteString("area_id,household_id,head_name,members,status\n")
	for i := range n {
		fmt.Fprintf(&csv, "%s,B%05d,Hà Văn Sơn,%d,poor\n", village, i, 1+i%6)
	}
	var progress []int
	temp := t.TempDir()
	res, err := register.Import(ctx, db, "r.csv", strings.NewReader(csv.String()), register.Options{Now: now, TempDir: temp,
		Progress: func(done, total int) { progress = append(progress, done) }})
	if err != nil || res.Imported != n {
		t.Fatalf("import: %+v, %v", res, err)
	}
	if want := []int{10_000, 20_000, n}; !slices.Equal(progress, want) {
		t.Errorf("progress %v, want %v", progress, want)
	}
	if hh, err := db.HouseholdsIn(ctx, village); err != nil || len(hh) != n {
		t.Errorf("households in %s: %d, %v", village, len(hh), err)
	}
	if left, err := os.ReadDir(temp); err != nil || len(left) != 0 {
		t.Errorf("left in the temporary folder: %v, %v", left, err)
	}
}

// The rows kept while a file is checked are not stored when a row is bad,
// and are removed all the same.
func TestImportWithABadRowKeepsNothing(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t)
	const village = "bac-kan/huyen-tung/ban-cau"
	var csv strings.Builder
	csv.WriteString("area_id,household_id,head_name,members,status\n")
	for i := range 15_000 {
		members := 1 + i%6
		if i == 14_000 {
			members = 99
		}
		fmt.Fprintf(&csv, "%s,B%05d,Hà Văn Sơn,%d,poor\n", village, i, members)
	}
	temp := t.TempDir()
	res, err := register.Import(ctx, db, "r.csv", strings.NewReader(csv.String()), register.Options{Now: now, TempDir: temp})
	if !errors.Is(err, register.ErrBadRows) || res.Imported != 0 || res.BadCount != 1 || res.Bad[0].Line != 14_002 {
		t.Fatalf("import: %+v, %v", res, err)
	}
	if hh, err := db.HouseholdsIn(ctx, village); err != nil || len(hh) != 0 {
		t.Errorf("households in %s: %d, %v; want none", village, len(hh), err)
	}
	if left, err := os.ReadDir(temp); err != nil || len(left) != 0 {
		t.Errorf("left in the temporary folder: %v, %v", left, err)
	}
}
