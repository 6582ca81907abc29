package bot_test

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
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
// the engine, each answer a durable bbolt commit, with two bare bbolt
// Update loops: one writing the same number of transactions, records and
// bytes as appends to a single bucket (engine_%_of_raw), and one writing
// the very records the engine writes, bucket by bucket, a new key where
// the engine adds one (engine_%_of_same). The first counts the cost of
// the engine's data (three trees a message: seen marks, run, outbox) with
// its work; the second its work alone. Each op runs one questionnaire of
// each, back to back, so that all see the same disk: fsync times drift on
// a shared machine.
//
// delivered: each reply is sent before the next answer, outside the
// engine's time, as serve's sender does (a head answers the question they
// were sent); the outbox stays small. undelivered: nothing is sent, and
// the outbox holds every reply of the run (7,200 in 300 questionnaires),
// the benchmark's form before issue 22's seventh session.
func BenchmarkHouseholdQuestionnaire(b *testing.B) {
	b.Run("delivered", func(b *testing.B) { benchmarkHousehold(b, true) })
	b.Run("undelivered", func(b *testing.B) { benchmarkHousehold(b, false) })
}

func benchmarkHousehold(b *testing.B, deliver bool) {
	txs := calibrate(b, deliver)
	records, size := 0, 0
	for _, tx := range txs {
		records += tx.records
		size += tx.bytes
	}
	b.Logf("one questionnaire: %d transactions, %d records, %d bytes written", len(txs), records, size)
	byBucket := map[string]int{}
	for _, tx := range txs {
		for _, w := range tx.writes {
			byBucket[w.bucket]++
		}
	}
	b.Logf("records written or deleted, by bucket: %v", byBucket)

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
	same, err := bolt.Open(filepath.Join(b.TempDir(), "same.db"), 0o600, &bolt.Options{FreelistType: bolt.FreelistMapType})
	if err != nil {
		b.Fatal(err)
	}
	defer same.Close()
	var engineTime, rawTime, sameTime time.Duration
	var seq uint64
	fresh := map[string]uint64{}
	msg := 0
	var engineAlloc allocated
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, text := range oneHousehold {
			if text == "household" { // a different household each time, as in a village
				text = fmt.Sprint(i%villageSize + 1)
			}
			msg++
			engineAlloc.start()
			start := time.Now()
			if _, err := f.eng.Handle(ctx, bot.Inbound{Channel: "test", ChatID: "1", MessageID: fmt.Sprint(msg), InOrder: true, Text: text}); err != nil {
				b.Fatal(err)
			}
			engineTime += time.Since(start)
			engineAlloc.stop()
			if deliver {
				if err := f.sender.Flush(ctx); err != nil {
					b.Fatal(err)
				}
			}
		}
		start := time.Now()
		for _, tx := range txs {
			if err := rawUpdate(raw, tx, &seq); err != nil {
				b.Fatal(err)
			}
		}
		rawTime += time.Since(start)
		for _, tx := range txs {
			start := time.Now()
			if err := sameUpdate(same, tx.writes, fresh); err != nil {
				b.Fatal(err)
			}
			sameTime += time.Since(start)
			// The sender's writes, outside the time, as the engine's
			// loop delivers: the outbox emptied, the keyboard kept.
			if err := sameUpdate(same, tx.sent, fresh); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.StopTimer()
	engineRate, rawRate, sameRate := float64(b.N)/engineTime.Seconds(), float64(b.N)/rawTime.Seconds(), float64(b.N)/sameTime.Seconds()
	b.ReportMetric(engineRate, "engine_q/s")
	b.ReportMetric(rawRate, "raw_q/s")
	b.ReportMetric(100*engineRate/rawRate, "engine_%_of_raw")
	b.ReportMetric(sameRate, "same_q/s")
	b.ReportMetric(100*engineRate/sameRate, "engine_%_of_same")
	b.ReportMetric(float64(engineAlloc.bytes)/float64(b.N), "engine_B/q")
	b.ReportMetric(float64(engineAlloc.objects)/float64(b.N), "engine_allocs/q")
	if n := countSubmissions(b, f); n != b.N {
		b.Fatalf("%d submissions stored, want %d", n, b.N)
	}
	if _, outbox, err := f.db.Queues(ctx); err != nil || deliver && outbox != 0 {
		b.Fatalf("%d replies left undelivered (%v)", outbox, err)
	}
	if deliver { // the same-records loop's outbox is emptied as the engine's
		err := same.View(func(t *bolt.Tx) error {
			if n := t.Bucket([]byte("outbox")).Stats().KeyN; n != 0 {
				return fmt.Errorf("%d records left in the same-records loop's outbox", n)
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}

// allocated counts what the heap allocated between its starts and stops.
// It reads runtime.ReadMemStats, which flushes every P's cached spans
// first: runtime/metrics counts a small object only when the span it came
// from leaves its P's cache (a refill or a collection), so between two
// reads of it a message's objects went to whichever part of the loop
// happened to refill (the sender, the raw loops), and the engine's count
// moved by hundreds of objects a questionnaire from run to run. The flush
// stops the world, before and after the timer; the engine then refills
// its spans, a few microseconds a message in its time.
type allocated struct {
	bytes, objects uint64
	m              runtime.MemStats
}

func (a *allocated) start() {
	runtime.ReadMemStats(&a.m)
	a.bytes -= a.m.TotalAlloc
	a.objects -= a.m.Mallocs
}

func (a *allocated) stop() {
	runtime.ReadMemStats(&a.m)
	a.bytes += a.m.TotalAlloc
	a.objects += a.m.Mallocs
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

// sameUpdate writes, in one transaction, the records an engine
// transaction wrote, in the same buckets: a record the engine changed (a
// run, a counter) under its own key, a record written once (a seen mark, a
// queued message, a form) under a new key that sorts after the bucket's
// others, as the engine's sequences and update numbers do.
func sameUpdate(db *bolt.DB, writes []record, fresh map[string]uint64) error {
	if len(writes) == 0 {
		return nil
	}
	return db.Update(func(t *bolt.Tx) error {
		for _, w := range writes {
			bk, err := t.CreateBucketIfNotExists([]byte(w.bucket))
			if err != nil {
				return err
			}
			if denseBuckets[w.bucket] {
				bk.FillPercent = 1 // as the store fills the buckets whose keys only grow
			}
			key := []byte(w.key)
			if w.once {
				fresh[w.bucket]++
				key = binary.BigEndian.AppendUint64(nil, fresh[w.bucket])
				if len(w.key) > len(key) {
					key = append(key, w.key[len(key):]...)
				}
			}
			if w.del {
				err = bk.Delete(key)
			} else {
				err = bk.Put(key, []byte(w.value))
			}
			if err != nil {
				return err
			}
		}
		return nil
	})
}

// denseBuckets are the buckets the store fills whole when their pages
// split (store's denseFill): their keys only grow.
var denseBuckets = map[string]bool{"seen": true, "outbox": true, "submissions": true, "audit": true, "inbox": true}

// txWrites is what one engine transaction wrote, and what the sender
// wrote after it (delivered: the replies settled, their keyboard kept).
type txWrites struct {
	records, bytes int
	writes, sent   []record
}

// record is one record an engine transaction wrote or deleted. once: it
// was new and not written again in the questionnaire.
type record struct {
	bucket, key, value string
	del, once          bool
}

// calibrate runs one questionnaire through the engine and, after each
// message, compares a backup of the database with the one before, to learn
// how many records (new or changed) and bytes each transaction wrote;
// with deliver, the replies are sent after each message, as in the
// benchmark, and what the sender wrote is kept apart (sent), for the
// same-records loop to replay outside its time.
func calibrate(b *testing.B, deliver bool) []txWrites {
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
		w := diff(prev, next)
		if w.records == 0 {
			b.Fatalf("message %d (%q) wrote nothing", i, text)
		}
		prev = next
		if deliver { // the sender's writes are not the engine's
			if err := f.sender.Flush(ctx); err != nil {
				b.Fatal(err)
			}
			prev = snapshot(b, f)
			w.sent = diff(next, prev).writes
		}
		out = append(out, w)
	}
	// A record written again or deleted later is not written once: the
	// replay keeps its key (a run, created, changed, then removed).
	later := map[[2]string]bool{}
	for i := len(out) - 1; i >= 0; i-- {
		for _, ws := range [][]record{out[i].sent, out[i].writes} {
			for j := range ws {
				r := &ws[j]
				k := [2]string{r.bucket, r.key}
				r.once = r.once && !later[k]
				later[k] = true
			}
		}
	}
	return out
}

// diff is what changed from one snapshot to the next: the records new or
// changed, and those deleted.
func diff(prev, next map[string]string) txWrites {
	var w txWrites
	for _, k := range slices.Sorted(maps.Keys(next)) {
		v := next[k]
		if old, ok := prev[k]; !ok || old != v {
			w.records++
			w.bytes += len(k) + len(v)
			bucket, key, _ := strings.Cut(k, "\x00")
			w.writes = append(w.writes, record{bucket: bucket, key: key, value: v, once: !ok})
		}
	}
	for _, k := range slices.Sorted(maps.Keys(prev)) {
		if _, ok := next[k]; !ok {
			bucket, key, _ := strings.Cut(k, "\x00")
			w.writes = append(w.writes, record{bucket: bucket, key: key, del: true})
		}
	}
	return w
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
