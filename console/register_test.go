package console_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/unicode"
)

// upload posts a file as the register form does.
func (r *rig) upload(client, csrf, name string, data []byte) (int, string) {
	r.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("csrf", csrf)
	part, _ := mw.CreateFormFile("file", name)
	part.Write(data)
	mw.Close()
	resp, err := r.client(client).Post(r.srv.URL+"/register", mw.FormDataContentType(), &body)
	if err != nil {
		r.t.Fatal(err)
	}
	return r.settle(client, resp)
}

// settle follows an upload's answer to its report: a check or a saving
// that takes long is answered with a page that reloads itself until the
// work is done.
func (r *rig) settle(client string, resp *http.Response) (int, string) {
	r.t.Helper()
	status, page := resp.StatusCode, readAll(resp)
	for next := resp.Header.Get("Location"); status == http.StatusSeeOther || strings.Contains(page, `http-equiv="refresh"`); {
		status, page, _ = r.get(client, next)
	}
	return status, page
}

// save posts an upload's save form and follows it to its end.
func (r *rig) save(client, path string, form url.Values) (int, string) {
	r.t.Helper()
	resp, err := r.client(client).PostForm(r.srv.URL+path, form)
	if err != nil {
		r.t.Fatal(err)
	}
	return r.settle(client, resp)
}

func (r *rig) households(area string) int {
	r.t.Helper()
	hhs, err := r.db.HouseholdsIn(ctx, area)
	if err != nil {
		r.t.Fatal(err)
	}
	return len(hhs)
}

// An uploaded register is checked row by row, in Vietnamese, and nothing is
// saved until the admin says so; then the good rows are saved, once, and
// the audit log tells. (Which rows an admin may import is the office's
// rule, tested there.)
func TestAdminUploadsARegister(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	token := r.adminHT()
	const village = "bac-kan/huyen-tung/ban-cau"
	before := r.households(village)
	file := "area_id,household_id,head_name,members,status\n" +
		village + ",BC-01,Hoàng Văn Thắng,4,nghèo\n" +
		village + ",BC-02,Nông Văn Hùng,0,poor\n" +
		village + ",BC-03,Lý Thị Hoa,5,cận nghèo\n"
	if status, _ := r.upload("a", "forged", "so-ho.csv", []byte(file)); status != http.StatusForbidden {
		t.Fatalf("a forged upload: %d", status)
	}
	status, page := r.upload("a", token, "so-ho.csv", []byte(file))
	for _, want := range []string{"2 dòng hợp lệ, 1 dòng lỗi", "<td>3</td><td>số nhân khẩu «0»", "Chưa lưu gì"} {
		if status != 200 || !strings.Contains(page, want) {
			t.Errorf("the report: %d, lacks %q\n%s", status, want, page)
		}
	}
	if n := r.households(village); n != before {
		t.Fatalf("checking saved %d households", n-before)
	}
	m := regexp.MustCompile(`action="(/register/[0-9a-f]+)"`).FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no form to save:\n%s", page)
	}
	save := m[1]
	if status := r.post("a", save, url.Values{"csrf": {token}}); status != http.StatusBadRequest || r.households(village) != before {
		t.Fatalf("saving a file with bad rows without leaving them out: %d", status)
	}
	// Another admin of the ward cannot save this admin's upload.
	r.adminNamed("b", "a2-ht")
	if status := r.post("b", save, url.Values{"csrf": {r.csrfOf("b")}, "skip_bad": {"yes"}}); status != http.StatusNotFound {
		t.Fatalf("another admin saved the upload: %d", status)
	}
	if status, body := r.save("a", save, url.Values{"csrf": {token}, "skip_bad": {"yes"}}); status != 200 || !strings.Contains(body, "Đã lưu 2 hộ từ tệp so-ho.csv") {
		t.Fatalf("save: %d\n%s", status, body)
	}
	if n := r.households(village); n != before+2 {
		t.Fatalf("after saving: %d new households in Bản Cạu", n-before)
	}
	if status := r.post("a", save, url.Values{"csrf": {token}, "skip_bad": {"yes"}}); status != http.StatusNotFound {
		t.Fatalf("saved twice: %d", status)
	}
	if _, body, _ := r.get("a", "/audit"); !strings.Contains(body, "<td>nhập danh sách hộ</td>") || !strings.Contains(body, "2 households from so-ho.csv") {
		t.Errorf("the import is not in the audit log:\n%s", body)
	}
}

// A file that is no register says why, and a good XLSX saves all its rows.
func TestRegisterUploadFormats(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	token := r.adminHT()
	status, page := r.upload("a", token, "x.csv", []byte("household_id,head_name\nH1,An\n"))
	if status != http.StatusBadRequest || !strings.Contains(page, "Không đọc được tệp") || !strings.Contains(page, "area_id") || strings.Contains(page, `action="/register/`) {
		t.Fatalf("a file without the columns: %d\n%s", status, page)
	}
	x := excelize.NewFile()
	for i, row := range [][]any{{"Mã địa bàn", "Mã hộ", "Họ tên chủ hộ", "Số nhân khẩu", "Phân loại"},
		{"bac-kan/huyen-tung/ban-cau", "BC-10", "Đinh Văn Tài", 3, "nghèo"}} {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		x.SetSheetRow("Sheet1", cell, &row)
	}
	var data bytes.Buffer
	x.Write(&data)
	status, page = r.upload("a", token, "so-ho.xlsx", data.Bytes())
	m := regexp.MustCompile(`action="(/register/[0-9a-f]+)"`).FindStringSubmatch(page)
	if status != 200 || m == nil || !strings.Contains(page, "1 dòng hợp lệ, 0 dòng lỗi") || strings.Contains(page, "skip_bad") {
		t.Fatalf("an XLSX register: %d\n%s", status, page)
	}
	if status, _ := r.save("a", m[1], url.Values{"csrf": {token}}); status != 200 || !hasHousehold(t, r, "BC-10") {
		t.Fatalf("saving the XLSX: %d", status)
	}
}

func hasHousehold(t *testing.T, r *rig, id string) bool {
	t.Helper()
	_, err := r.db.Household(ctx, id)
	return err == nil
}

// Excel's "Unicode Text" (UTF-16, tabs) is read as it was typed, and a
// file that is no text is refused in the admin's language, nothing kept.
func TestRegisterUploadEncodings(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	token := r.adminHT()
	const village = "bac-kan/huyen-tung/ban-cau"
	text := "Mã địa bàn\tMã hộ\tHọ tên chủ hộ\tSố nhân khẩu\tPhân loại\r\n" +
		village + "\tBC-21\tNguyễn Thị Hồng Nhung\t4\tcận nghèo\r\n"
	data, err := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().Bytes([]byte(text))
	if err != nil {
		t.Fatal(err)
	}
	status, page := r.upload("a", token, "so-ho.txt", data)
	m := regexp.MustCompile(`action="(/register/[0-9a-f]+)"`).FindStringSubmatch(page)
	if status != 200 || m == nil || !strings.Contains(page, "1 dòng hợp lệ, 0 dòng lỗi") {
		t.Fatalf("a Unicode Text register: %d\n%s", status, page)
	}
	if status, _ := r.save("a", m[1], url.Values{"csrf": {token}}); status != 200 {
		t.Fatalf("saving it: %d", status)
	}
	if hh, err := r.db.Household(ctx, "BC-21"); err != nil || hh.HeadName != "Nguyễn Thị Hồng Nhung" {
		t.Fatalf("stored %q, %v", hh.HeadName, err)
	}

	before := r.households(village)
	var zipped bytes.Buffer
	excelize.NewFile().Write(&zipped)
	for _, f := range []struct{ name, want string }{
		{"so-ho.csv", "Không đọc được tệp: tệp «so-ho.csv» không phải bảng tính lưu dạng chữ (CSV)"},
		{"so-ho.xls", "Không đọc được tệp: tệp «so-ho.xls» là tệp Excel đời cũ (.xls)"},
	} {
		status, page := r.upload("a", token, f.name, zipped.Bytes())
		if status != http.StatusBadRequest || !strings.Contains(page, f.want) || strings.Contains(page, `action="/register/`) {
			t.Errorf("%s refused: %d\n%s", f.name, status, page)
		}
	}
	if n := r.households(village); n != before {
		t.Fatalf("a refused file stored %d households", n-before)
	}
}
