package telegram

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"sothon/bot"
	"sothon/bot/delivery"
)

// Fetch implements bot.Fetcher: getFile for the file's path, then its
// download from the Bot API's file address. Both end with ctx, so a
// shutdown leaves the update in the inbox to be fetched again.
func (a *Adapter) Fetch(ctx context.Context, fileID string, limit int64) (io.ReadCloser, error) {
	api := a.newAPI(delivery.HTTPClient(a.cfg.HTTPTimeout), ctx)
	f, err := api.GetFile(tgbotapi.FileConfig{FileID: fileID})
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fetchError(err, a.cfg.Token)
	}
	if int64(f.FileSize) > limit {
		return nil, bot.ErrFileTooBig
	}
	if f.FilePath == "" || strings.Contains(f.FilePath, "..") {
		return nil, fmt.Errorf("telegram: getFile: no usable path: %w", bot.ErrFileGone)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, a.cfg.APIBase+"/file/bot"+a.cfg.Token+"/"+f.FilePath, nil)
	if err != nil {
		return nil, fmt.Errorf("telegram: download: %s", delivery.Redact(err.Error(), a.cfg.Token))
	}
	resp, err := delivery.HTTPClient(a.cfg.HTTPTimeout).Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("telegram: download: %s", delivery.Redact(err.Error(), a.cfg.Token))
	}
	switch {
	case resp.StatusCode == http.StatusOK:
		return resp.Body, nil
	case resp.StatusCode == http.StatusNotFound || resp.StatusCode == http.StatusBadRequest:
		resp.Body.Close()
		return nil, fmt.Errorf("telegram: download: %d: %w", resp.StatusCode, bot.ErrFileGone)
	}
	resp.Body.Close()
	return nil, fmt.Errorf("telegram: download: status %d", resp.StatusCode)
}

// fetchError tells a file Telegram will never give (too big for bots, an
// id it does not know) from a failure worth trying again.
func fetchError(err error, token string) error {
	var api *tgbotapi.Error
	if errors.As(err, &api) && api.Code == 400 {
		if strings.Contains(api.Message, "too big") {
			return bot.ErrFileTooBig
		}
		return fmt.Errorf("telegram: getFile: %s: %w", delivery.Redact(api.Message, token), bot.ErrFileGone)
	}
	return fmt.Errorf("telegram: getFile: %w", classify(err, token))
}
