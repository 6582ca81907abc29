package console_test

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
)

const village = "bac-kan/huyen-tung/ban-cau"

// registerOf writes a register of n good rows of Bản Cạu, each name
// carrying a mark to look for.
func registerOf(n int, mark string) func(io.Writer) error {
	return func(w io.Writer) error {
		fmt.Fprintln(w, "area_id,household_id,head_name,members,status")
		for i := range n {
			if _, err := fmt.Fprintf(w, "%s,BC-%06d,Hoàng Văn %s %d,4,nghèo\n", village, i, mark, i); err != nil {
				return err
			}
		}
		return nil
	}
}

var uploadID = regexp.MustCompile(`action="/register/([0-9a-f]+)"`)

// A file over 64 MB is answered "too large", and a form cut short
// "interrupted" — never "not from this page" — in the admin's language,
// with nothing kept; a file sent before the form's token is refused unread.
func TestUploadTooLargeOrCutIsSaid(t *testing.T) {
	t.Parallel()
	r := newUploadRig(t)
	status, page, _ := r.upload("so-ho.csv", oneCharRows(64<<20+1, "x"))
	if status != http.StatusRequestEntityTooLarge || !strings.Contains(page, "Tệp quá lớn: sổ hộ tải lên được tối đa 64 MB") {
		t.Fatalf("a file of 64 MB and a byte: %d\n%s", status, page)
	}

	u, _ := url.Parse(r.srv.URL)
	const boundary = "b0undary"
	form := "--" + boundary + "\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n" + r.csrf + "\r\n" +
		"--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"so-ho.csv\"\r\nContent-Type: text/csv\r\n\r\n" +
		"area_id,household_id,head_name,members,status\n" + village + ",BC-01,Hoàng Văn Thắng,4,nghèo\n"
	// The body promises more than comes: the line dropped after the file's
	// first row, or inside the form's token.
	for _, sent := range []string{form, form[:60]} {
		conn, err := net.Dial("tcp", u.Host)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(conn, "POST /register HTTP/1.1\r\nHost: %s\r\nCookie: sothon_session=%s\r\nContent-Type: multipart/form-data; boundary=%s\r\nContent-Length: %d\r\n\r\n%s",
			u.Host, r.session, boundary, len(form)+100_000, sent)
		conn.(*net.TCPConn).CloseWrite()
		conn.SetReadDeadline(time.Now().Add(10 * time.Second)) // a failsafe, not a wait
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			t.Fatalf("no answer to a cut upload: %v", err)
		}
		body, _ := io.ReadAll(resp.Body)
		conn.Close()
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(string(body), "Tải lên bị ngắt trước khi hết tệp") {
			t.Errorf("an upload cut after %d bytes: %d\n%s", len(sent), resp.StatusCode, body)
		}
	}

	// The file before the token: refused before any of it is kept.
	req, _ := http.NewRequest(http.MethodPost, r.srv.URL+"/register", strings.NewReader(
		"--"+boundary+"\r\nContent-Disposition: form-data; name=\"file\"; filename=\"so-ho.csv\"\r\n\r\narea_id\n\r\n"+
			"--"+boundary+"\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n"+r.csrf+"\r\n--"+boundary+"--\r\n"))
	req.Header.Set("Content-Type", "multipart/form-data; boundary="+boundary)
	if status, _, _ := r.do(req); status != http.StatusForbidden {
		t.Errorf("a file before the token: %d", status)
	}
	if files := r.files(); len(files) != 0 {
		t.Errorf("refused uploads left %d files", len(files))
	}
}

// A checked upload waits in a 0600 file of its own beside the database,
// never in it: the database does not grow by it nor hold a byte of it. The
// file goes when the admin cancels it, saves it, uploads two more, or
// leaves it an hour.
func TestUploadsStayOutOfTheDatabase(t *testing.T) {
	t.Parallel()
	r := newUploadRig(t)
	dbBefore := fileSize(t, r.db.Path())
	status, page := r.settled(r.upload("so-ho.csv", registerOf(40_000, "Dấu-Vết-Tải-Lên")))
	m := uploadID.FindStringSubmatch(page)
	if status != 200 || m == nil || !strings.Contains(page, "40000 dòng hợp lệ, 0 dòng lỗi") {
		t.Fatalf("the check: %d\n%s", status, page)
	}
	files := r.files()
	if len(files) != 1 {
		t.Fatalf("%d files in the uploads folder", len(files))
	}
	info, _ := files[0].Info()
	if info.Mode().Perm() != 0o600 || info.Size() < 2<<20 {
		t.Fatalf("the upload's file: %v, %d bytes", info.Mode(), info.Size())
	}
	if grown := fileSize(t, r.db.Path()) - dbBefore; grown > info.Size()/4 || holds(t, r.db.Path(), "Dấu-Vết-Tải-Lên") {
		t.Fatalf("the database grew %d bytes for an upload of %d, or holds a copy", grown, info.Size())
	}

	// Cancelled: gone, file and page.
	if status, _, next := r.post("/register/"+m[1]+"/cancel", "csrf="+r.csrf); status != http.StatusSeeOther || next != "/register" || len(r.files()) != 0 {
		t.Fatalf("cancel: %d → %q, %d files", status, next, len(r.files()))
	}
	if status, _, _ := r.get("/register/" + m[1]); status != http.StatusNotFound {
		t.Fatalf("a cancelled upload's page: %d", status)
	}

	// Three uploads: two files, the oldest replaced.
	var ids []string
	for i := range 3 {
		_, page := r.settled(r.upload("so-ho.csv", registerOf(10+i, "x")))
		ids = append(ids, uploadID.FindStringSubmatch(page)[1])
	}
	if n := len(r.files()); n != 2 {
		t.Fatalf("%d files after three uploads", n)
	}
	if status, _, _ := r.get("/register/" + ids[0]); status != http.StatusNotFound {
		t.Fatalf("the oldest of three uploads: %d", status)
	}
	// Saved: its file goes; the page says it was saved.
	status, page = r.settled(r.post("/register/"+ids[2], "csrf="+r.csrf))
	if status != 200 || !strings.Contains(page, "Đã lưu 12 hộ") || len(r.files()) != 1 {
		t.Fatalf("save: %d, %d files\n%s", status, len(r.files()), page)
	}
	if status, _, _ := r.post("/register/"+ids[2], "csrf="+r.csrf); status != http.StatusNotFound {
		t.Fatalf("saved twice: %d", status)
	}
	// Left an hour: removed by the housekeeping.
	r.later(59 * time.Minute)
	if n := r.console.PruneUploads(); n != 0 || len(r.files()) != 1 {
		t.Fatalf("within the hour: %d removed", n)
	}
	r.later(2 * time.Minute)
	if n := r.console.PruneUploads(); n != 2 || len(r.files()) != 0 {
		t.Fatalf("past the hour: %d removed, %d files left", n, len(r.files()))
	}
	if status, _, _ := r.get("/register/" + ids[1]); status != http.StatusNotFound {
		t.Fatalf("an upload past its hour: %d", status)
	}
}
