package register_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"sothon/office/register"
	"sothon/store"
	"sothon/tree"
)

// BenchmarkImportMillion stores one register file of 1,000,000 households
// in 10,000 villages into a new database, as `sothon import households`
// does: checked, then stored. peak_RSS_MB is the process's (the file is
// written first, by the benchmark, and never held whole).
//
//	go test ./office/register -run '^$' -bench ImportMillion -benchtime 1x
func BenchmarkImportMillion(b *testing.B) {
	const districts, communes, villages, perVillage = 10, 40, 25, 100
	dir := b.TempDir()
	var yaml strings.Builder
	yaml.WriteString("id: tinh\nname: \"Tỉnh lớn\"\nkind: city\nchildren:\n")
	for d := 1; d <= districts; d++ {
		fmt.Fprintf(&yaml, "  - {id: h%d, name: \"Huyện %d\", kind: district, children: [", d, d)
		for c := 1; c <= communes; c++ {
			fmt.Fprintf(&yaml, "{id: x%d, name: \"Xã %d\", kind: commune, children: [", c, c)
			for v := 1; v <= villages; v++ {
				fmt.Fprintf(&yaml, "{id: t%d, name: \"Thôn %d\", kind: village, households_total: %d},", v, v, perVillage)
			}
			yaml.WriteString("]},")
		}
		yaml.WriteString("]}\n")
	}
	areas, err := tree.Parse([]byte(yaml.String()))
	if err != nil {
		b.Fatal(err)
	}
	file := filepath.Join(dir, "register.csv")
	f, err := os.Create(file)
	if err != nil {
		b.Fatal(err)
	}
	w := bufio.NewWriter(f)
	w.WriteString("area_id,household_id,head_name,members,status\n")
	statuses := []string{"poor", "near_poor", "middle", "none", "none", "none", "none"}
	n := 0
	for d := 1; d <= districts; d++ {
		for c := 1; c <= communes; c++ {
			for v := 1; v <= villages; v++ {
				for h := range perVillage {
					fmt.Fprintf(w, "tinh/h%d/x%d/t%d,%02d%03d%02d%03d,Hoàng Văn Thắng %d,%d,%s\n", d, c, v, d, c, v, h, n, 1+n%6, statuses[n%len(statuses)])
					n++
				}
			}
		}
	}
	if err := w.Flush(); err != nil {
		b.Fatal(err)
	}
	f.Close()
	st, _ := os.Stat(file)
	b.ReportMetric(float64(st.Size())/1e6, "file_MB")
	for i := range b.N {
		b.StopTimer()
		db, err := store.Open(filepath.Join(dir, fmt.Sprintf("s%d.db", i)))
		if err != nil {
			b.Fatal(err)
		}
		if err := db.SaveAreas(context.Background(), areas); err != nil {
			b.Fatal(err)
		}
		in, err := os.Open(file)
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		res, err := register.Import(context.Background(), db, "register.csv", in, register.Options{Now: time.Now(), TempDir: dir})
		b.StopTimer()
		in.Close()
		if err != nil || res.Imported != n {
			b.Fatalf("imported %d of %d: %v %+v", res.Imported, n, err, res.Bad)
		}
		if dbst, err := os.Stat(db.Path()); err == nil {
			b.ReportMetric(float64(dbst.Size())/1e6, "db_MB")
		}
		db.Close()
		b.StartTimer()
	}
	b.StopTimer()
	b.ReportMetric(peakRSS()/1e6, "peak_RSS_MB")
}

// peakRSS is the process's peak resident memory, in bytes (Linux).
func peakRSS() float64 {
	data, _ := os.ReadFile("/proc/self/status")
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 64)
			return kb * 1024
		}
	}
	return 0
}
