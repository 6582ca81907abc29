package zalo

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"sothon/bot"
	"sothon/flows"
)

// Fetch implements bot.Fetcher for the Bot Platform: a photo's address,
// as the image event gave it.
func (b *Bot) Fetch(ctx context.Context, ref string, limit int64) (io.ReadCloser, error) {
	return download(ctx, b.http, ref, limit)
}

// SendsPlaces implements bot.PlaceSender: the Bot Platform has no
// location event.
func (b *Bot) SendsPlaces() bool { return false }

// Fetch implements bot.Fetcher for the OA: an image attachment's address.
func (o *OA) Fetch(ctx context.Context, ref string, limit int64) (io.ReadCloser, error) {
	return download(ctx, o.http, ref, limit)
}

// download fetches a photo from Zalo's file servers. The address came in
// a signed or secret-checked event; only http(s) addresses are followed.
// An address that no longer answers (expired links give 403, 404 or 410)
// is gone for good; anything else may be tried again.
func download(ctx context.Context, client *http.Client, ref string, limit int64) (io.ReadCloser, error) {
	u, err := url.Parse(ref)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, fmt.Errorf("zalo: photo address %q: %w", ref, bot.ErrFileGone)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, fmt.Errorf("zalo: photo: %w", bot.ErrFileGone)
	}
	resp, err := client.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("zalo: download photo: %w", err)
	}
	switch {
	case resp.StatusCode == http.StatusOK && resp.ContentLength > limit:
		resp.Body.Close()
		return nil, bot.ErrFileTooBig
	case resp.StatusCode == http.StatusOK:
		return resp.Body, nil
	case resp.StatusCode == http.StatusForbidden || resp.StatusCode == http.StatusNotFound || resp.StatusCode == http.StatusGone:
		resp.Body.Close()
		return nil, fmt.Errorf("zalo: download photo: %d: %w", resp.StatusCode, bot.ErrFileGone)
	}
	resp.Body.Close()
	return nil, fmt.Errorf("zalo: download photo: status %d", resp.StatusCode)
}

// oaAttachment is one attachment of an OA event: an image's address, a
// location's coordinates (which Zalo sends as strings or as numbers).
type oaAttachment struct {
	Type    string `json:"type"`
	Payload struct {
		URL         string `json:"url"`
		Coordinates *struct {
			Latitude  flexFloat `json:"latitude"`
			Longitude flexFloat `json:"longitude"`
		} `json:"coordinates"`
	} `json:"payload"`
}

// media fills in what an OA event's attachments carry.
func (ev oaEvent) media(in *bot.Inbound) {
	for _, a := range ev.Message.Attachments {
		switch {
		case a.Type == "image" && a.Payload.URL != "" && ev.EventName == "user_send_image":
			in.Photo = a.Payload.URL
			return
		case a.Type == "location" && a.Payload.Coordinates != nil:
			c := a.Payload.Coordinates
			in.Place = &flows.Point{Lat: float64(c.Latitude), Lon: float64(c.Longitude)}
			return
		}
	}
}

// flexFloat reads a number written as a number or as a string.
type flexFloat float64

func (f *flexFloat) UnmarshalJSON(b []byte) error {
	s := strings.Trim(string(b), `"`)
	x, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return fmt.Errorf("zalo: not a number: %s", b)
	}
	*f = flexFloat(x)
	return nil
}

var _ json.Unmarshaler = (*flexFloat)(nil)
