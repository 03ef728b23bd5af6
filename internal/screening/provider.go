package screening

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"time"
)

// Input is what an external moderation service is shown (the contract is
// documented in docs/SCREENING.md): the texts, and signed, time-limited
// URLs of the poster and of a few pictures sampled across the video.
type Input struct {
	EntryID         string     `json:"entry_id"`
	CampaignID      string     `json:"campaign_id"`
	Title           string     `json:"title"`
	Description     string     `json:"description"`
	DurationSeconds float64    `json:"duration_seconds"`
	PosterURL       string     `json:"poster_url,omitempty"`
	Frames          []FrameURL `json:"frames"`
	// Transcript is what is said in the video; empty until a speech
	// provider fills it.
	Transcript string `json:"transcript"`
	// URLsExpireAt is when the signed URLs stop working.
	URLsExpireAt time.Time `json:"urls_expire_at"`
}

// FrameURL is one sampled picture: a signed URL and the time it shows.
type FrameURL struct {
	URL       string  `json:"url"`
	AtSeconds float64 `json:"at_seconds"`
}

// Provider is an external moderation service.
type Provider interface {
	Screen(ctx context.Context, in Input) ([]Finding, error)
}

// None is the default provider: it finds nothing.
type None struct{}

// Screen implements Provider.
func (None) Screen(context.Context, Input) ([]Finding, error) { return nil, nil }

// HTTP posts the input as JSON to a moderation endpoint and reads back
// {"findings": [{"kind", "detail", "value", "at_seconds"}]}, with a
// timeout per attempt and retries with backoff on network errors and 5xx
// answers. It never connects to a private, loopback or link-local address
// unless AllowPrivate is set (see NewHTTP).
type HTTP struct {
	URL      string
	Client   *http.Client
	Timeout  time.Duration
	Attempts int
	Backoff  time.Duration
}

// NewHTTP is the provider hook for url, with a client that refuses
// private and loopback addresses unless allowPrivate.
func NewHTTP(url string, timeout time.Duration, allowPrivate bool) *HTTP {
	return &HTTP{URL: url, Client: PublicClient(allowPrivate), Timeout: timeout, Attempts: 3, Backoff: time.Second}
}

type httpFinding struct {
	Kind      string   `json:"kind"`
	Detail    string   `json:"detail"`
	Value     float64  `json:"value"`
	AtSeconds *float64 `json:"at_seconds"`
}

// Screen implements Provider.
func (h *HTTP) Screen(ctx context.Context, in Input) ([]Finding, error) {
	body, _ := json.Marshal(in)
	var last error
	for attempt := 0; attempt < max(1, h.Attempts); attempt++ {
		if attempt > 0 {
			select {
			case <-ctx.Done():
				return nil, ctx.Err()
			case <-time.After(h.Backoff << (attempt - 1)):
			}
		}
		out, retry, err := h.once(ctx, body)
		if err == nil {
			return out, nil
		}
		last = err
		if !retry {
			break
		}
	}
	return nil, fmt.Errorf("screening: provider: %w", last)
}

func (h *HTTP) once(ctx context.Context, body []byte) ([]Finding, bool, error) {
	ctx, cancel := context.WithTimeout(ctx, h.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, h.URL, bytes.NewReader(body))
	if err != nil {
		return nil, false, err
	}
	req.Header.Set("Content-Type", "application/json")
	res, err := h.Client.Do(req)
	if err != nil {
		return nil, true, err
	}
	defer res.Body.Close()
	if res.StatusCode >= 500 {
		return nil, true, fmt.Errorf("status %d", res.StatusCode)
	}
	if res.StatusCode != http.StatusOK {
		return nil, false, fmt.Errorf("status %d", res.StatusCode)
	}
	var got struct {
		Findings []httpFinding `json:"findings"`
	}
	if err := json.NewDecoder(http.MaxBytesReader(nil, res.Body, 1<<20)).Decode(&got); err != nil {
		return nil, false, fmt.Errorf("bad answer: %w", err)
	}
	var out []Finding
	for _, f := range got.Findings {
		fd := Finding{Kind: External, Detail: f.Kind + ": " + f.Detail, Value: f.Value}
		if f.AtSeconds != nil && *f.AtSeconds >= 0 {
			fd.Start, fd.End = *f.AtSeconds, *f.AtSeconds
		}
		out = append(out, fd)
	}
	return out, false, nil
}
