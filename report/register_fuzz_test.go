package report_test

import (
	"bytes"
	"errors"
	"reflect"
	"testing"

	"sothon/report"
	"sothon/store/storetest"
)

// A register file from outside must never crash the import, and what it
// imports must be all or nothing.
func FuzzImportRegister(f *testing.F) {
	f.Add([]byte("area_id,household_id,head_name,members,status\nbac-kan/huyen-tung/khuoi-pai,H1,Hà Văn Sơn,4,nghèo\n"))
	f.Add([]byte("household_id,area_id,status,members,head_name\nH1,bac-kan/nong-thuong/na-rao,cận nghèo,2,Bàn Thị Xuân\n"))
	f.Add([]byte("\ufeffarea_id,household_id,head_name,members,status\n\"bac-kan/duc-xuan/to-1\",\"H,1\",\"A \"\"B\"\"\",30,none\n"))
	f.Add([]byte("area_id\n\n\n"))
	f.Add([]byte("Mã địa bàn;Mã hộ;Họ tên chủ hộ;Số nhân khẩu;Phân loại\r\nbac-kan/huyen-tung/khuoi-pai;K1;\"A; B\";4;Hộ nghèo\r\n"))
	f.Add([]byte("area_id\thousehold_id\thead_name\tmembers\tstatus\nbac-kan/huyen-tung/khuoi-pai\tK1\tA, B\t4\tpoor\n"))
	f.Add([]byte("\"mã hộ;x\",area_id;household_id\n"))
	db := storetest.Open(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		before, err := db.CountersIn(ctx, "bac-kan")
		if err != nil {
			t.Fatal(err)
		}
		res, err := report.ImportRegister(ctx, db, "fuzz.csv", bytes.NewReader(data), report.ImportOptions{})
		if errors.Is(err, report.ErrBadRows) && res.Imported != 0 {
			t.Fatalf("a file with bad rows imported %d households", res.Imported)
		}
		if err != nil {
			after, cerr := db.CountersIn(ctx, "bac-kan")
			if cerr != nil {
				t.Fatal(cerr)
			}
			if !reflect.DeepEqual(after, before) {
				t.Fatalf("a refused file changed the counters")
			}
		}
	})
}
