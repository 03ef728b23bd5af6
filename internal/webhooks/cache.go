package webhooks

import (
	"context"
	"sync"
	"time"

	"github.com/tryout/tryout/internal/audit"
)

// endpointCache keeps each campaign's endpoints for a few seconds, so a
// staff message to 100k entrants (an event per recipient) does not read
// them 100k times. Changes made in this process clear it at once; other
// processes see them within the TTL.
type endpointCache struct {
	mu      sync.Mutex
	entries map[string]cachedEndpoints
}

type cachedEndpoints struct {
	at  time.Time
	eps []Endpoint
}

const endpointTTL = 5 * time.Second

// endpoints returns the campaign's endpoints, from the cache when fresh.
func (s *Service) endpoints(ctx context.Context, campaignID string) ([]Endpoint, error) {
	now := time.Now()
	s.cache.mu.Lock()
	c, ok := s.cache.entries[campaignID]
	s.cache.mu.Unlock()
	if ok && now.Sub(c.at) < endpointTTL {
		return c.eps, nil
	}
	eps, err := s.Store.Endpoints(ctx, campaignID)
	if err != nil {
		return nil, err
	}
	s.cache.mu.Lock()
	if s.cache.entries == nil {
		s.cache.entries = map[string]cachedEndpoints{}
	}
	s.cache.entries[campaignID] = cachedEndpoints{now, eps}
	s.cache.mu.Unlock()
	return eps, nil
}

// forget drops a campaign's cached endpoints after a change.
func (s *Service) forget(campaignID string) {
	s.cache.mu.Lock()
	delete(s.cache.entries, campaignID)
	s.cache.mu.Unlock()
}

// DeleteEndpoint removes an endpoint; its deliveries stay in the log and
// its pending ones are given up when their task runs. Audited as who's
// webhook.delete.
func (s *Service) DeleteEndpoint(ctx context.Context, who audit.Actor, ep Endpoint) error {
	defer s.forget(ep.CampaignID)
	if err := s.Store.DeleteEndpoint(ctx, ep.ID); err != nil {
		return err
	}
	s.Audit.Record(ctx, who, "webhook.delete", ep.CampaignID, map[string]string{"endpoint": ep.ID, "url": ep.URL}, nil)
	return nil
}
