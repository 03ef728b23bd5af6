package screening

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"time"
)

// Input is what an external moderation service is shown.
type Input struct {
	EntryID     string `json:"entry_id"`
	CampaignID  string `json:"campaign_id"`
	Title       string `json:"title"`
	Description string `json:"description"`
	PosterURL   string `json:"poster_url,omitempty"`
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
// {"findings": [{"kind", "detail", "value"}]}, with a timeout per attempt
// and retries with backoff on network errors and 5xx answers.
type HTTP struct {
	URL      string
	Client   *http.Client
	Timeout  time.Duration
	Attempts int
	Backoff  time.Duration
}

type httpFinding struct {
	Kind   string  `json:"kind"`
	Detail string  `json:"detail"`
	Value  float64 `json:"value"`
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
		out = append(out, Finding{Kind: External, Detail: f.Kind + ": " + f.Detail, Value: f.Value})
	}
	return out, false, nil
}
