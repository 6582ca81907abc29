package console_test

import (
	"net/http"
	"strings"
	"testing"

	"sothon/office"
	"sothon/store"
)

// The meeting's minutes and the decision's annex download from the lists'
// route, as the office gives them to the user: the dashboard links them,
// the ward's annex comes as PDF and XLSX, another ward's is not there, and
// a village without a meeting says so.
func TestDocumentsFromTheConsole(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	r.login("o", "o-ht")
	if _, err := r.db.OpenRound(ctx, store.Round{Name: "Cuối năm", AreaID: "bac-kan/huyen-tung", From: "2026-11-01", To: "2026-12-31", Opened: r.now}); err != nil {
		t.Fatal(err)
	}
	if _, body, _ := r.get("o", "/"); !strings.Contains(body, `href="/lists/xlsx?doc=annex&amp;area=bac-kan%2fhuyen-tung"`) {
		t.Fatalf("no annex on the dashboard:\n%s", body)
	}
	if _, body, _ := r.get("o", "/?area=bac-kan/huyen-tung/khuoi-pai"); !strings.Contains(body, `href="/lists/pdf?doc=minutes&amp;area=bac-kan%2fhuyen-tung%2fkhuoi-pai"`) {
		t.Fatalf("no minutes on the village's dashboard:\n%s", body)
	}
	for format, magic := range map[string]string{"pdf": "%PDF", "xlsx": "PK"} {
		status, body, header := r.get("o", "/lists/"+format+"?doc=annex")
		if status != 200 || !strings.HasPrefix(body, magic) || !strings.Contains(header.Get("Content-Disposition"), "phu-luc-bac-kan-huyen-tung."+format) {
			t.Errorf("the annex as %s: %d %q", format, status, header)
		}
	}
	if status, body, _ := r.get("o", "/lists/pdf?doc=minutes&area=bac-kan/huyen-tung/khuoi-pai"); status != http.StatusBadRequest || !strings.Contains(body, "chưa mở cuộc họp thôn") {
		t.Errorf("minutes before the meeting: %d\n%s", status, body)
	}
	official, err := r.db.UserByID(ctx, "o-ht")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := (&office.Office{Store: r.db}).OpenMeeting(ctx, official, office.MeetingOpening{Village: "bac-kan/huyen-tung/khuoi-pai",
		Day: "2026-11-20", Present: 9, Chair: "Hoàng Văn Thắng", Secretary: "Lục Thị Mai", Front: "Nông Văn Hùng"}, r.now); err != nil {
		t.Fatal(err)
	}
	status, body, header := r.get("o", "/lists/pdf?doc=minutes&area=bac-kan/huyen-tung/khuoi-pai")
	if status != 200 || !strings.HasPrefix(body, "%PDF") || !strings.Contains(header.Get("Content-Disposition"), "bien-ban-hop-bac-kan-huyen-tung-khuoi-pai.pdf") {
		t.Errorf("the minutes: %d %q", status, header)
	}
	for _, path := range []string{"/lists/pdf?doc=annex&area=bac-kan/duc-xuan", "/lists/xlsx?doc=annex&area=bac-kan",
		"/lists/pdf?doc=minutes&area=bac-kan/duc-xuan/to-1", "/lists/xlsx?doc=minutes&area=bac-kan/huyen-tung/khuoi-pai", "/lists/pdf?doc=plan"} {
		if status, _, _ := r.get("o", path); status != http.StatusNotFound {
			t.Errorf("%s: %d", path, status)
		}
	}
}
