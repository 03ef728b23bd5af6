package gallery

import (
	"context"
	"fmt"
	"sync"

	"github.com/redis/go-redis/v9"
)

// maxCachedEntries bounds the entry-to-campaign cache (about 100 bytes an
// entry); when full it starts again empty.
const maxCachedEntries = 100_000

// campaignCache remembers which campaign an entry belongs to, which never
// changes.
type campaignCache struct {
	mu sync.RWMutex
	m  map[string]string
}

// CampaignOf returns the campaign of an entry that is (or was, in this
// process) in the gallery, ok false when it has no card. A vote needs it
// before it can read its campaign's rules; the cache saves a round trip
// per vote, and the vote itself checks the card is still there.
func (x *Index) CampaignOf(ctx context.Context, id string) (string, bool, error) {
	c := &x.campaigns
	c.mu.RLock()
	campaign, ok := c.m[id]
	c.mu.RUnlock()
	if ok {
		return campaign, true, nil
	}
	campaign, err := x.Redis.HGet(ctx, cardKey(id), "campaign").Result()
	if err == redis.Nil {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("gallery: campaign of %s: %w", id, err)
	}
	c.mu.Lock()
	if c.m == nil || len(c.m) >= maxCachedEntries {
		c.m = map[string]string{}
	}
	c.m[id] = campaign
	c.mu.Unlock()
	return campaign, true, nil
}
