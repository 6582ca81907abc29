package server

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// An admin's register upload may take longer than the server's timeouts
// allow any other request (an office's slow line): it is read and answered
// past both the read timeout and the write timeout, while a request that
// trickles elsewhere is still cut at the read timeout. Its file waits
// beside the database, never in it.
func TestSlowRegisterUploadIsAnswered(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.env["SOTHON_ADDR"] = freePort(t)
	h.env["SOTHON_PUBLIC_URL"] = "http://" + h.env["SOTHON_ADDR"]
	h.env["SOTHON_HTTP_TIMEOUT"] = "300ms" // writing gets 900 ms
	code := h.invite("admin", "bac-kan/huyen-tung")
	h.start()
	h.say(802, "/start "+code)
	link := regexp.MustCompile(`http://\S+/login/[0-9a-f]+`).FindString(h.say(802, "/web").Params["text"])
	jar, _ := cookiejar.New(nil)
	browser := &http.Client{Jar: jar}
	resp, err := browser.Post(link, "", nil) // the login page's button
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	resp, err = browser.Get(h.env["SOTHON_PUBLIC_URL"] + "/register")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	csrf := regexp.MustCompile(`name="csrf" value="([0-9a-f]+)"`).FindSubmatch(page)
	u, _ := url.Parse(h.env["SOTHON_PUBLIC_URL"])
	if csrf == nil || len(jar.Cookies(u)) == 0 {
		t.Fatalf("no session or form: %s", page)
	}

	const boundary = "b0undary"
	form := "--" + boundary + "\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n" + string(csrf[1]) + "\r\n" +
		"--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"so-ho.csv\"\r\n\r\n" +
		"area_id,household_id,head_name,members,status\nbac-kan/huyen-tung/ban-cau,BC-01,Hoàng Văn Thắng,4,nghèo\n" +
		"\r\n--" + boundary + "--\r\n"
	upload, err := net.Dial("tcp", u.Host)
	if err != nil {
		t.Fatal(err)
	}
	defer upload.Close()
	half := len(form) / 2
	fmt.Fprintf(upload, "POST /register HTTP/1.1\r\nHost: %s\r\nCookie: %s=%s\r\nContent-Type: multipart/form-data; boundary=%s\r\nContent-Length: %d\r\n\r\n%s",
		u.Host, jar.Cookies(u)[0].Name, jar.Cookies(u)[0].Value, boundary, len(form), form[:half])

	// Three requests, one after another, each cut by the read timeout:
	// when the third is cut, the upload's own read and write deadlines,
	// had the console not moved them, have passed.
	for range 3 {
		other, err := net.Dial("tcp", u.Host)
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(other, "GET /healthz HTTP/1.1\r\nHost: x\r\n") // headers never finished
		other.SetReadDeadline(time.Now().Add(10 * time.Second))       // a failsafe, not a wait
		if _, err := io.ReadAll(other); err != nil {
			t.Fatalf("a request trickling its headers was not cut: %v", err)
		}
		other.Close()
	}
	io.WriteString(upload, form[half:])
	upload.SetReadDeadline(time.Now().Add(10 * time.Second))
	resp, err = http.ReadResponse(bufio.NewReader(upload), nil)
	if err != nil {
		t.Fatalf("no answer to the slow upload: %v", err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), "1 dòng hợp lệ, 0 dòng lỗi") {
		t.Fatalf("the slow upload: %d\n%s", resp.StatusCode, body)
	}
	files, err := os.ReadDir(h.dbPath + ".uploads")
	if err != nil || len(files) != 1 || filepath.Ext(files[0].Name()) != ".upload" {
		t.Fatalf("the uploads folder beside the database: %v %v", files, err)
	}
}
