package telegram

import (
	"context"
	"testing"

	"sothon/bot/delivery"
	"sothon/flows"
)

// benchQuestions are the two kinds of question the questionnaire sends
// most: one answered on the chat's own keyboard, one with buttons bound to
// the message (whose id comes back, to close them later).
var benchQuestions = []delivery.Outbound{
	{ChatID: "10042", Text: "Câu 3/22. Hộ có người làm việc tạo ra thu nhập không?", Question: "job", Typed: true,
		Options: []flows.Option{{Key: "1", Label: "Có"}, {Key: "2", Label: "Không"}, {Key: "3", Label: "Bỏ qua"}}},
	{ChatID: "10042", Text: "Câu 7/22. Hộ cần hỗ trợ gì? (chọn nhiều)", Question: "needs", Multi: true, Typed: true,
		DoneLabel: "Xong", Selected: []string{"2"},
		Options: []flows.Option{{Key: "1", Label: "Vay vốn ưu đãi"}, {Key: "2", Label: "Hỗ trợ giống, vật tư sản xuất"},
			{Key: "3", Label: "Đào tạo nghề"}}},
}

// BenchmarkSendQuestion sends questions through the real adapter and the
// library's client to the fake Bot API: what one message costs on the
// send path (the fake's own work included).
//
//	go test ./bot/telegram -run '^$' -bench SendQuestion -benchmem
func BenchmarkSendQuestion(b *testing.B) {
	fake, a := onFake(b)
	fake.Quiet = true
	ctx := context.Background()
	for _, q := range benchQuestions { // the connection is open before the clock starts
		if _, err := a.Send(ctx, q); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		if _, err := a.Send(ctx, benchQuestions[i%len(benchQuestions)]); err != nil {
			b.Fatal(err)
		}
	}
}
