package telegram

import (
	"context"
	"errors"
	"net/http"

	"sothon/bot/delivery"
)

// client is the HTTP client the library uses. It ties requests to a
// context (so shutdown ends a long poll at once) and scrubs the token out of
// errors, which carry request URLs such as ".../bot<token>/sendMessage".
type client struct {
	http  *http.Client
	token string
	ctx   context.Context
}

func (c *client) Do(req *http.Request) (*http.Response, error) {
	if c.ctx != nil && req.Context() != c.ctx { // call makes its requests with it
		req = req.WithContext(c.ctx)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, &redactedError{msg: delivery.Redact(err.Error(), c.token), timeout: isTimeout(err)}
	}
	return resp, nil
}

// redactedError keeps whether the failure was a timeout, without the URL.
type redactedError struct {
	msg     string
	timeout bool
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Timeout() bool { return e.timeout }

func isTimeout(err error) bool {
	var t interface{ Timeout() bool }
	return errors.As(err, &t) && t.Timeout()
}
