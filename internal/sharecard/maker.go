package sharecard

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/tryout/tryout/internal/blob"
	"github.com/tryout/tryout/internal/campaigns"
	"github.com/tryout/tryout/internal/entries"
)

// layout changes whenever the drawing changes, so every card is redrawn.
const layout = "1"

// maxSource bounds a logo or poster read from storage.
const maxSource = 8 << 20

// Store keeps the drawn cards beside the pictures they are drawn from.
type Store interface {
	Open(ctx context.Context, bucket, key string) (*blob.Object, error)
	Get(ctx context.Context, bucket, key string, max int64) ([]byte, error)
	Put(ctx context.Context, bucket, key string, r io.Reader, size int64, contentType string) (int64, error)
}

// Maker draws cards on first request and keeps them in Bucket (the
// renditions bucket): an entry's under the entry's renditions prefix, so
// deleting the entry's media deletes its card too.
type Maker struct {
	Store  Store
	Bucket string
}

// Brand is the name a campaign's links are shown under: its brand, or
// the campaign's own name when it names none.
func Brand(cp campaigns.Campaign) string {
	if b := strings.TrimSpace(cp.BrandName); b != "" {
		return b
	}
	return cp.Name
}

// CampaignVersion is a short hash of everything a campaign's card shows
// (it changes when the card would), for cache-busting image URLs.
func CampaignVersion(cp campaigns.Campaign) string {
	return version(layout, cp.Name, Brand(cp), cp.BrandColor, cp.LogoKey)
}

// EntryVersion is the same for an entry's card.
func EntryVersion(e entries.Entry, cp campaigns.Campaign) string {
	poster := ""
	if e.Renditions != nil {
		poster = e.Renditions.Poster
	}
	return version(layout, e.Title, e.CreatorName, cp.Name, cp.BrandColor, poster)
}

func version(parts ...string) string {
	sum := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	return hex.EncodeToString(sum[:6])
}

// Campaign opens the campaign's card, drawing it first if needed.
func (m *Maker) Campaign(ctx context.Context, cp campaigns.Campaign) (*blob.Object, error) {
	key := "campaigns/" + cp.ID + "/card-" + CampaignVersion(cp) + ".png"
	return m.open(ctx, key, "image/png", func() ([]byte, error) {
		in := CampaignCard{Name: cp.Name, Accent: cp.BrandColor, Line: "A video contest: watch, vote and enter"}
		if b := Brand(cp); b != cp.Name {
			in.Brand = "by " + b
		}
		if cp.LogoKey != "" {
			logo, err := m.Store.Get(ctx, m.Bucket, cp.LogoKey, maxSource)
			if err != nil {
				return nil, err
			}
			in.Logo = logo
		}
		return Campaign(in)
	})
}

// Entry opens a live entry's card, drawing it first if needed.
func (m *Maker) Entry(ctx context.Context, e entries.Entry, cp campaigns.Campaign) (*blob.Object, error) {
	if e.Renditions == nil || e.Renditions.Prefix == "" {
		return nil, fmt.Errorf("sharecard: entry %s has no media: %w", e.ID, blob.ErrNotFound)
	}
	key := e.Renditions.Prefix + "card-" + EntryVersion(e, cp) + ".jpg"
	return m.open(ctx, key, "image/jpeg", func() ([]byte, error) {
		in := EntryCard{Title: e.Title, Accent: cp.BrandColor, Byline: cp.Name}
		if e.CreatorName != "" {
			in.Byline = "by " + e.CreatorName + " · " + cp.Name
		}
		if e.Renditions.Poster != "" {
			p, err := m.Store.Get(ctx, m.Bucket, e.Renditions.Poster, maxSource)
			if err != nil && !errors.Is(err, blob.ErrNotFound) {
				return nil, err
			}
			in.Poster = p
		}
		return Entry(in)
	})
}

// open returns the stored card, or draws, stores and returns it. Two
// visitors drawing the same card at once write the same bytes.
func (m *Maker) open(ctx context.Context, key, contentType string, draw func() ([]byte, error)) (*blob.Object, error) {
	o, err := m.Store.Open(ctx, m.Bucket, key)
	if err == nil || !errors.Is(err, blob.ErrNotFound) {
		return o, err
	}
	b, err := draw()
	if err != nil {
		return nil, err
	}
	if _, err := m.Store.Put(ctx, m.Bucket, key, bytes.NewReader(b), int64(len(b)), contentType); err != nil {
		return nil, err
	}
	return m.Store.Open(ctx, m.Bucket, key)
}
