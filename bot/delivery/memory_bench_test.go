package delivery

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"testing"

	"sothon/bot/platformtest"
	"sothon/store"
	"sothon/store/storetest"
)

// nullChannel takes every message at once.
type nullChannel struct{}

func (nullChannel) Name() string                                   { return "test" }
func (nullChannel) Send(context.Context, Outbound) (string, error) { return "", nil }

// BenchmarkSenderManyChats sends one message to each of 100,000 distinct
// chats and reports the memory the sender keeps afterwards: per-chat
// limiters are dropped once idle, so it does not grow with the chats ever
// seen.
//
//	go test ./bot/delivery -run '^$' -bench ManyChats -benchtime 1x
func BenchmarkSenderManyChats(b *testing.B) {
	const chats = 100000
	for range b.N {
		db := storetest.Open(b)
		s := &Sender{Store: db, Channel: nullChannel{}, Limits: Limits{PerSecond: 1e6, PerChat: 1, ChatBurst: 1, Workers: 32}}
		s.init()
		ctx, stop := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- s.Run(ctx) }()
		for from := 0; from < chats; from += 5000 {
			msgs := make([]store.Message, 5000)
			for i := range msgs {
				msgs[i] = store.Message{Channel: "test", ChatID: strconv.Itoa(from + i), Text: "Xin chào"}
			}
			queued, err := db.Queue(ctx, s.Now(), msgs, nil)
			if err != nil {
				b.Fatal(err)
			}
			s.Enqueue(queued)
		}
		if !platformtest.WaitFor(10*60e9, func() bool { _, out, err := db.Queues(ctx); return err == nil && out == 0 }) {
			b.Fatal("the outbox was not drained")
		}
		stop()
		<-done
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		s.mu.Lock()
		limiters, queues := len(s.chats), len(s.queues)
		s.mu.Unlock()
		b.ReportMetric(float64(limiters), "limiters")
		b.ReportMetric(float64(queues), "queues")
		b.ReportMetric(float64(m.HeapInuse)/(1<<20), "heap_MB")
		b.ReportMetric(rssMB(), "rss_MB")
	}
}

// rssMB reads the process's resident memory from /proc, where there is one.
func rssMB() float64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range bytes.Split(data, []byte("\n")) {
		var kb float64
		if n, _ := fmt.Sscanf(string(line), "VmRSS: %f kB", &kb); n == 1 {
			return kb / 1024
		}
	}
	return 0
}

// BenchmarkSenderRun queues messages to 1,000 chats, a batch at a time as
// the engine commits them, and times the sender delivering them all: the
// outbox's writes, the dispatch, the hand-offs to the workers and back. An
// op is one message.
//
//	go test ./bot/delivery -run '^$' -bench SenderRun -benchmem
func BenchmarkSenderRun(b *testing.B) {
	const chats, batch = 1000, 100
	db := storetest.Open(b)
	s := &Sender{Store: db, Channel: nullChannel{}, Limits: Limits{PerSecond: 1e6, PerChat: 1e6, ChatBurst: 10, Workers: 32}}
	s.init()
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	b.ReportAllocs()
	b.ResetTimer()
	for from := 0; from < b.N; from += batch {
		msgs := make([]store.Message, min(batch, b.N-from))
		for i := range msgs {
			msgs[i] = store.Message{Channel: "test", ChatID: strconv.Itoa((from + i) % chats), Text: "Câu 3/22. Hộ có người làm việc không?"}
		}
		queued, err := db.Queue(ctx, s.Now(), msgs, nil)
		if err != nil {
			b.Fatal(err)
		}
		s.Enqueue(queued)
	}
	if !platformtest.WaitFor(10*60e9, func() bool { _, out, err := db.Queues(ctx); return err == nil && out == 0 }) {
		b.Fatal("the outbox was not drained")
	}
	b.StopTimer()
	stop()
	<-done
}
