// Package zalo connects the engine to Zalo, in two ways: a Zalo Bot
// (the Bot Platform, a Telegram-like API) and a Zalo Official Account (the
// OA API v3, for units that run an OA). Zalo shows no buttons, so options
// go out numbered and are answered by number or text.
package zalo

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"

	"sothon/bot/delivery"
)

// MaxText is the longest text Zalo accepts in one message.
const MaxText = 2000

// render writes the options under the text, numbered, as the terminal does.
func render(out delivery.Outbound) string {
	if len(out.Options) == 0 {
		return out.Text
	}
	var b strings.Builder
	b.WriteString(out.Text)
	b.WriteString("\n")
	for _, o := range out.Options {
		fmt.Fprintf(&b, "\n%s. %s", o.Key, o.Label)
	}
	return b.String()
}

// netError turns a transport failure into a temporary send error without
// the request URL, which holds the bot token.
func netError(err error, secret string) error {
	return &delivery.TemporaryError{Err: errors.New(delivery.Redact(err.Error(), secret))}
}

func quietLog(l *slog.Logger) *slog.Logger {
	if l == nil {
		return slog.New(slog.DiscardHandler)
	}
	return l
}

// DefaultLimits are Zalo's own, gentler than Telegram's: a few messages a
// second for the whole bot or OA, one a second per chat. An office whose
// account allows more raises them with SOTHON_ZALO_*_RATE.
var DefaultLimits = delivery.Limits{PerSecond: 8, PerChat: 1, ChatBurst: 3, Workers: 8}

// withAttachment is the text to send with an attachment: a spreadsheet as
// a line with its link, a chart as a photo to send after the text. Without
// a public address the text says where the file is not.
func withAttachment(ctx context.Context, out delivery.Outbound, link delivery.Linker) (text, photo string, err error) {
	text = render(out)
	a := out.Attachment
	if a == nil || out.PartsSent > 0 {
		return text, "", nil
	}
	if link == nil {
		return text + "\n\n📎 «" + a.Name + "»: Zalo nhận tệp qua đường dẫn, mà máy chủ chưa có địa chỉ công khai (SOTHON_PUBLIC_URL). Hãy xem tệp trên Telegram hoặc nhờ quản trị cấu hình.", "", nil
	}
	url, err := link(ctx, a)
	if err != nil {
		return "", "", &delivery.TemporaryError{Err: fmt.Errorf("zalo: link %s: %w", a.Name, err)}
	}
	if a.Image {
		return text, url, nil
	}
	return text + "\n\n📎 " + a.Name + " (tải trong 24 giờ): " + url, "", nil
}
