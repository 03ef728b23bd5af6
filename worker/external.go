package worker

import (
	"context"
	"time"

	"github.com/tryout/tryout/internal/campaigns"
	"github.com/tryout/tryout/internal/entries"
	"github.com/tryout/tryout/internal/media"
	"github.com/tryout/tryout/internal/screening"
)

// URLSigner makes signed, time-limited download URLs of stored files.
type URLSigner interface {
	SignedGet(ctx context.Context, bucket, key string, ttl time.Duration) (string, error)
}

// providerURLTTL is how long the pictures' URLs given to the moderation
// provider work (when the handler sets no other).
const providerURLTTL = 30 * time.Minute

// external asks the moderation provider, showing it the texts and signed
// URLs of the poster and sampled pictures. A provider that cannot be
// reached is a finding: a person looks instead.
func (h *MediaHandler) external(ctx context.Context, e entries.Entry, c campaigns.Campaign, p media.Probe, r entries.Renditions) []screening.Finding {
	in := screening.Input{EntryID: e.ID, CampaignID: c.ID, Title: e.Title, Description: e.Description,
		DurationSeconds: p.DurationSeconds, Frames: []screening.FrameURL{}}
	if h.Sign != nil {
		ttl := h.SignedTTL
		if ttl <= 0 {
			ttl = providerURLTTL
		}
		in.URLsExpireAt = h.Now().Add(ttl).UTC()
		if r.Poster != "" {
			in.PosterURL = h.sign(ctx, r.Poster, ttl)
		}
		for _, f := range r.Frames {
			if u := h.sign(ctx, f.Key, ttl); u != "" {
				in.Frames = append(in.Frames, screening.FrameURL{URL: u, AtSeconds: f.At})
			}
		}
	}
	found, err := h.Provider.Screen(ctx, in)
	if err != nil { // the outside service is down: a person looks instead
		h.Log.Warn("screening provider failed", "entry", e.ID, "err", err)
		return []screening.Finding{{Kind: screening.External, Detail: "the external moderation service could not be reached"}}
	}
	return found
}

func (h *MediaHandler) sign(ctx context.Context, key string, ttl time.Duration) string {
	u, err := h.Sign.SignedGet(ctx, h.RenditionsBucket, key, ttl)
	if err != nil {
		h.Log.Warn("screening: could not sign a picture's URL", "key", key, "err", err)
		return ""
	}
	return u
}
