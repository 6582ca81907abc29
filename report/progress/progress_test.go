package progress_test

import (
	"strings"
	"testing"

	"sothon/locales"
	"sothon/office"
	"sothon/report/progress"
	"sothon/store"
	"sothon/tree"
)

func TestVillageLine(t *testing.T) {
	cat := locales.MustLoad()
	v := office.VillageProgress{Village: tree.Area{Name: "Tổ Khuổi Pài"}, Households: 3, Listed: 3}
	for _, c := range []struct {
		step func(*office.VillageProgress)
		want string
	}{
		{func(*office.VillageProgress) {}, "• Tổ Khuổi Pài: chưa họp (3 hộ trong danh sách)"},
		{func(v *office.VillageProgress) { v.Meeting, v.MeetingDay = store.MeetingInProgress, "2023-06-15" }, "đang họp (từ 15/06/2023)"},
		{func(v *office.VillageProgress) {
			v.Meeting, v.Returned, v.Posting, v.PostStart, v.PostEnd = store.MeetingHeld, 1, office.PostingOpen, "2023-06-16", "2023-06-20"
			v.Complaints, v.OpenComplaints = 1, 1
		}, "đã họp 15/06/2023 (1 hộ phải rà soát lại) · đang niêm yết 16/06/2023–20/06/2023 · 1 khiếu nại (1 chưa rà soát lại xong)"},
		{func(v *office.VillageProgress) { v.Posting, v.OpenComplaints, v.Final = office.PostingEnded, 0, true },
			"đã niêm yết 16/06/2023–20/06/2023 · 1 khiếu nại (0 chưa rà soát lại xong) · ✅ đã chốt danh sách"},
	} {
		c.step(&v)
		if got := progress.VillageLine(v, cat, "vi"); !strings.Contains(got, c.want) {
			t.Errorf("%q, want %q in it", got, c.want)
		}
	}
}

func TestRequestLines(t *testing.T) {
	cat := locales.MustLoad()
	if got := progress.RequestLines(nil, cat, "vi"); got != nil {
		t.Fatalf("no request: %q", got)
	}
	rows := []office.RequestRow{{ReviewRequest: store.ReviewRequest{ID: 3}}, {ReviewRequest: store.ReviewRequest{ID: 4}, RemindDue: true},
		{ReviewRequest: store.ReviewRequest{ID: 7}, Late: true}}
	want := "Đề nghị rà soát thường xuyên chờ xã trả lời: 3. 1 đã quá 10 ngày, cần trả lời sớm. ⚠️ Quá hạn 15 ngày: 1 (#7); xem /traloi."
	if got := progress.RequestLines(rows, cat, "vi"); len(got) != 1 || got[0] != want {
		t.Fatalf("%q\nwant %q", got, want)
	}
}
