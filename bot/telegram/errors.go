package telegram

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"sothon/bot/delivery"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// classify maps a Bot API failure to the engine's send errors.
func classify(err error, token string) error {
	if err == nil {
		return nil
	}
	var api *tgbotapi.Error
	if !errors.As(err, &api) {
		var syntax *json.SyntaxError
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &syntax) || errors.As(err, &typeErr) {
			return &delivery.TemporaryError{Err: fmt.Errorf("telegram: malformed reply: %s", delivery.Redact(err.Error(), token))}
		}
		return &delivery.TemporaryError{Err: fmt.Errorf("telegram: %s", delivery.Redact(err.Error(), token))}
	}
	msg := fmt.Errorf("telegram: %d %s", api.Code, delivery.Redact(api.Message, token))
	switch {
	case api.Code == 429:
		after := time.Duration(api.RetryAfter) * time.Second
		if after <= 0 {
			after = time.Second
		}
		return &delivery.RetryAfterError{After: after, Err: msg}
	case api.Code == 403, api.Code == 400 && strings.Contains(api.Message, "chat not found"):
		return fmt.Errorf("%w: %v", delivery.ErrUnreachable, msg)
	case api.Code >= 500:
		return &delivery.TemporaryError{Err: msg}
	case api.Code == 400:
		return &delivery.PermanentError{Err: msg}
	}
	// 401 (a revoked token), 404 and the like: keep the message and retry,
	// so nothing is lost while the office fixes the configuration.
	return &delivery.TemporaryError{Err: msg}
}

// notModified is Telegram's answer to an edit that changes nothing, which
// counts as done.
func notModified(err error) bool {
	var api *tgbotapi.Error
	return errors.As(err, &api) && api.Code == 400 && strings.Contains(api.Message, "message is not modified")
}

// unsupported is a method the server does not know (a test server, an old
// local Bot API server): logged, and the bot carries on.
func unsupported(err error) bool {
	var api *tgbotapi.Error
	return errors.As(err, &api) && (api.Code == 404 || api.Code == 501)
}
