package bot_test

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"sothon/bot"
	"sothon/store"
)

// oneHousehold is a complete household questionnaire as a village head types
// it: menu, household, 19 answers, causes and plan (poor), needs, note, submit.
var oneHousehold = []string{"1", "household", "5", "2", "2", "4tr5", "co", "khong", "có", "k", "k", "k",
	"-", "-", "45", "co", "co", "co", "co", "2,3", "co", "1", "-", "1"}

// villageSize is the register of the benchmark's village.
const villageSize = 300

// BenchmarkHouseholdQuestionnaire compares complete questionnaires through
// the engine, each answer a durable bbolt commit, with a bare bbolt Update
// loop writing the same number of transactions, records and bytes. Each
// op runs one questionnaire of each, back to back, so that both see the
// same disk: fsync times drift on a shared machine.
func BenchmarkHouseholdQuestionnaire(b *testing.B) {
	txs := calibrate(b)
	records, size := 0, 0
	for _, tx := range txs {
		records += tx.records
		size += tx.bytes
	}
	b.Logf("one questionnaire: %d transactions, %d records, %d bytes written", len(txs), records, size)

	f := newFixture(b)
	f.register(b, "1")
	// A village of 300 households, each reviewed once per 300
	// questionnaires: a household's forms are few, as in a round, not
	// hundreds (every form of a household is read when it is picked and
	// when its standing is derived).
	var more []store.Household
	for i := range villageSize - 12 {
		more = append(more, store.Household{ID: fmt.Sprintf("bench-%03d", i), AreaID: "bac-kan/huyen-tung/khuoi-pai", HeadName: fmt.Sprint("Hộ ", i), Members: 4, Status: "none", StatusAt: f.now})
	}
	if err := f.db.ImportHouseholds(ctx, more); err != nil {
		b.Fatal(err)
	}
	raw, err := bolt.Open(filepath.Join(b.TempDir(), "raw.db"), 0o600, &bolt.Options{FreelistType: bolt.FreelistMapType})
	if err != nil {
		b.Fatal(err)
	}
	defer raw.Close()
	var engineTime, rawTime time.Duration
	var seq uint64
	msg := 0
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := time.Now()
		for _, text := range oneHousehold {
			if text == "household" { // a different household each time, as in a village
				text = fmt.Sprint(i%villageSize + 1)
			}
			msg++
			if _, err := f.eng.Handle(ctx, bot.Inbound{Channel: "test", ChatID: "1", MessageID: fmt.Sprint(msg), InOrder: true, Text: text}); err != nil {
				b.Fatal(err)
			}
		}
		engineTime += time.Since(start)
		start = time.Now()
		for _, tx := range txs {
			if err := rawUpdate(raw, tx, &seq); err != nil {
				b.Fatal(err)
			}
		}
		rawTime += time.Since(start)
	}
	b.StopTimer()
	engineRate, rawRate := float64(b.N)/engineTime.Seconds(), float64(b.N)/rawTime.Seconds()
	b.ReportMetric(engineRate, "engine_q/s")
	b.ReportMetric(rawRate, "raw_q/s")
	b.ReportMetric(100*engineRate/rawRate, "engine_%_of_raw")
	if n := countSubmissions(b, f); n != b.N {
		b.Fatalf("%d submissions stored, want %d", n, b.N)
	}
}

// rawUpdate writes one transaction's worth of records with sequential keys.
func rawUpdate(db *bolt.DB, tx txWrites, seq *uint64) error {
	return db.Update(func(t *bolt.Tx) error {
		bk, err := t.CreateBucketIfNotExists([]byte("records"))
		if err != nil {
			return err
		}
		value := bytes.Repeat([]byte{'x'}, tx.bytes/tx.records)
		for r := 0; r < tx.records; r++ {
			*seq++
			if err := bk.Put(binary.BigEndian.AppendUint64(nil, *seq), value); err != nil {
				return err
			}
		}
		return nil
	})
}

// txWrites is what one engine transaction wrote.
type txWrites struct{ records, bytes int }

// calibrate runs one questionnaire through the engine and, after each
// message, compares a backup of the database with the one before, to learn
// how many records (new or changed) and bytes each transaction wrote.
func calibrate(b *testing.B) []txWrites {
	f := newFixture(b)
	f.register(b, "1")
	prev := snapshot(b, f)
	var out []txWrites
	for i, text := range oneHousehold {
		if text == "household" {
			text = "1"
		}
		if _, err := f.eng.Handle(ctx, bot.Inbound{Channel: "test", ChatID: "1", MessageID: fmt.Sprint(i + 1), InOrder: true, Text: text}); err != nil {
			b.Fatal(err)
		}
		next := snapshot(b, f)
		var w txWrites
		for k, v := range next {
			if old, ok := prev[k]; !ok || old != v {
				w.records++
				w.bytes += len(k) + len(v)
			}
		}
		if w.records == 0 {
			b.Fatalf("message %d (%q) wrote nothing", i, text)
		}
		out = append(out, w)
		prev = next
	}
	return out
}

// snapshot reads every record of a backup of the fixture's database.
func snapshot(b *testing.B, f *fixture) map[string]string {
	path := filepath.Join(b.TempDir(), "snap.db")
	file, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := f.db.Backup(ctx, file); err != nil {
		b.Fatal(err)
	}
	file.Close()
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	out := map[string]string{}
	err = db.View(func(tx *bolt.Tx) error {
		return tx.ForEach(func(name []byte, bk *bolt.Bucket) error {
			return bk.ForEach(func(k, v []byte) error {
				out[string(name)+"\x00"+string(k)] = string(v)
				return nil
			})
		})
	})
	if err != nil {
		b.Fatal(err)
	}
	return out
}

// BenchmarkReviewNext answers /review for a ward with 5,000 forms waiting:
// the queue is an index by area and time, so the card costs the same
// whatever waits behind it.
//
//	go test ./bot -run '^$' -bench ReviewNext -benchmem
func BenchmarkReviewNext(b *testing.B) {
	f := newFixture(b)
	f.registerAs(b, "o1", "official", "bac-kan/huyen-tung")
	villages := []string{"bac-kan/huyen-tung/khuoi-pai", "bac-kan/huyen-tung/ban-cau", "bac-kan/huyen-tung/na-pai"}
	for i := range 5000 {
		f.submit(b, villages[i%len(villages)], "poor")
	}
	b.ResetTimer()
	for i := range b.N {
		if _, err := f.eng.Handle(ctx, bot.Inbound{Channel: "test", ChatID: "o1", MessageID: fmt.Sprint("r", i), Text: "/review"}); err != nil {
			b.Fatal(err)
		}
	}
}
