package telegram

import (
	"bytes"
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
	if c.ctx != nil {
		req = req.WithContext(c.ctx)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, &redactedError{msg: delivery.Redact(err.Error(), c.token), timeout: isTimeout(err)}
	}
	return resp, nil
}

// post sends a JSON body to url for call. It goes to the transport
// itself: the Bot API neither redirects nor sets cookies, and what
// http.Client does for them (a copy of each request and of its header,
// closures) was a tenth of a send's objects (BenchmarkSendQuestion). The
// client's timeout is the request's deadline, for the answer's body too:
// cancel ends it once the answer is read.
func (c *client) post(url string, body []byte) (resp *http.Response, cancel context.CancelFunc, err error) {
	ctx := c.ctx
	if ctx == nil {
		ctx = context.Background()
	}
	cancel = func() {}
	if c.http.Timeout > 0 {
		ctx, cancel = context.WithTimeout(ctx, c.http.Timeout)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err == nil {
		req.Header["Content-Type"] = jsonType
		rt := c.http.Transport
		if rt == nil {
			rt = http.DefaultTransport
		}
		resp, err = rt.RoundTrip(req)
	}
	if err != nil { // an address that does not parse names the token too
		cancel()
		return nil, nil, &redactedError{msg: delivery.Redact(err.Error(), c.token), timeout: isTimeout(err)}
	}
	return resp, cancel, nil
}

// jsonType is every request's Content-Type, shared: nothing changes a
// request's header once it is made.
var jsonType = []string{"application/json"}

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
