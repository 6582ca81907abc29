package console_test

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"
)

// uploadMemoryLimit is what an upload of up to 64 MB may take of the heap,
// whatever it holds.
const uploadMemoryLimit = 256

// The uploads an attack run used: 63 MB of one-character rows, and an XLSX
// whose sheet unpacks to 485 MB from under a megabyte. Each is sent through
// the console as a browser sends it and answered with what is wrong, the
// heap in use staying far under 256 MB; nothing of either is kept, in the
// uploads folder or in the database.
func TestAttackUploadsTakeBoundedMemory(t *testing.T) {
	r := newUploadRig(t)
	dbBefore := fileSize(t, r.db.Path())
	for _, tc := range []struct {
		name  string
		write func(io.Writer) error
		want  string
	}{
		{"one-char.csv", oneCharRows(63<<20, "x"), "có hơn 1000000 dòng"},
		{"bomb.xlsx", xlsxOf(485<<20, `<row><c t="inlineStr"><is><t>x</t></is></c></row>`), "trang tính giải nén ra 485 MB, quá giới hạn 256 MB"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			peak := measureMemory()
			status, page := r.settled(r.upload(tc.name, tc.write))
			inUse := peak.end()
			t.Logf("%s: %d, peak heap in use %.1f MB", tc.name, status, inUse)
			if status != http.StatusBadRequest || !strings.Contains(page, tc.want) {
				t.Fatalf("%d, lacks %q:\n%s", status, tc.want, page)
			}
			if inUse > uploadMemoryLimit {
				t.Errorf("the heap held %.1f MB at its peak; at most %d", inUse, uploadMemoryLimit)
			}
			if files := r.files(); len(files) != 0 {
				t.Errorf("a refused upload left %d files", len(files))
			}
		})
	}
	if grown := fileSize(t, r.db.Path()) - dbBefore; grown > 1<<20 {
		t.Errorf("the database grew %d bytes", grown)
	}
}

func fileSize(t testing.TB, path string) int64 {
	t.Helper()
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return st.Size()
}

// holds tells whether a file holds a text, read in blocks.
func holds(t testing.TB, path, text string) bool {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	buf := make([]byte, 1<<20+len(text))
	carry := 0
	for {
		n, err := f.Read(buf[carry:])
		if bytes.Contains(buf[:carry+n], []byte(text)) {
			return true
		}
		if err != nil {
			return false
		}
		carry = copy(buf, buf[max(0, carry+n-len(text)):carry+n])
	}
}

// BenchmarkRegisterUploads sends registers through the console as a
// browser does, follows each check to its report (and saving, when there is
// one) and reports the peak of the heap in use, sampled every 2 ms:
//
//   - the attack run's uploads: 63 MB of one-character rows (refused at
//     row 1,000,001), 63 MB of blank lines (read to the end), an XLSX whose
//     sheet unpacks to 485 MB (refused from the zip's directory), an XLSX
//     whose shared strings are 64 MB of one-letter texts (the most its
//     table may hold);
//   - the largest a register may be: an XLSX whose 250 MB sheet holds
//     306,700 good rows (read to the end), and a CSV of 500,000 good rows,
//     checked and saved.
//
// Meanwhile another client asks for a small page every 10 ms: the longest
// it waited is reported too.
//
//	go test ./console -run '^$' -bench RegisterUploads -benchtime 1x -v
func BenchmarkRegisterUploads(b *testing.B) {
	notes := strings.Repeat("ghi chú ", 64)
	for _, tc := range []struct {
		name  string
		write func(io.Writer) error
		want  string
		save  bool
	}{
		{"one-char-rows.csv", oneCharRows(63<<20, "x"), "có hơn 1000000 dòng", false},
		{"blank-lines.csv", oneCharRows(63<<20, ""), "0 dòng hợp lệ, 0 dòng lỗi", false},
		{"bomb.xlsx", xlsxOf(485<<20, `<row><c t="inlineStr"><is><t>x</t></is></c></row>`), "giải nén ra 485 MB", false},
		{"strings-64MB.xlsx", xlsxStrings(64<<20, `<si><t>x</t></si>`), "0 dòng hợp lệ, 0 dòng lỗi", false},
		{"sheet-250MB.xlsx", xlsxRows(250<<20, func(i int) string {
			var b strings.Builder
			for j := range 100 {
				fmt.Fprintf(&b, `<row>%s<c><v>4</v></c>%s</row>`,
					inlineCells(village, fmt.Sprintf("BC-%07d", i*100+j), fmt.Sprintf("Hoàng Văn Thắng %d", i*100+j)), inlineCells("nghèo", notes))
			}
			return b.String()
		}), "306700 dòng hợp lệ, 0 dòng lỗi", false},
		{"500k-households.csv", registerOf(500_000, "Hộ"), "Đã lưu 500000 hộ", true},
	} {
		b.Run(tc.name, func(b *testing.B) {
			for range b.N {
				r := newUploadRig(b)
				stopProbe, slowest := probe(r.srv.URL + "/static/style.css")
				peak := measureMemory()
				start := time.Now()
				status, page := r.settled(r.upload(tc.name, tc.write))
				checked := time.Since(start)
				if tc.save {
					m := uploadID.FindStringSubmatch(page)
					if m == nil {
						b.Fatalf("no save form: %d\n%s", status, page)
					}
					status, page = r.settled(r.post("/register/"+m[1], "csrf="+r.csrf))
				}
				took := time.Since(start)
				inUse := peak.end()
				stopProbe()
				b.ReportMetric(slowest().Seconds()*1000, "other-max-ms")
				b.Logf("%s: %d, %s", tc.name, status, regexp.MustCompile(`<p( class="problem")?>[^<]*</p>`).FindString(page))
				if !strings.Contains(page, tc.want) {
					b.Fatalf("%d, lacks %q:\n%.2000s", status, tc.want, page)
				}
				b.ReportMetric(inUse, "peak-heap-MB")
				b.ReportMetric(checked.Seconds(), "check-s")
				b.ReportMetric(took.Seconds(), "total-s")
			}
		})
	}
}

// probe asks for a page every 10 ms until stopped, and tells the longest
// it waited for an answer.
func probe(url string) (stop func(), slowest func() time.Duration) {
	done, finished := make(chan struct{}), make(chan struct{})
	var worst time.Duration
	go func() {
		defer close(finished)
		tick := time.NewTicker(10 * time.Millisecond)
		defer tick.Stop()
		for {
			start := time.Now()
			if resp, err := http.Get(url); err == nil {
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
			worst = max(worst, time.Since(start))
			select {
			case <-done:
				return
			case <-tick.C:
			}
		}
	}()
	return func() { close(done); <-finished }, func() time.Duration { return worst }
}
