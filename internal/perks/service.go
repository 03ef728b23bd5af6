package perks

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"time"

	"github.com/tryout/tryout/internal/audit"
	"github.com/tryout/tryout/internal/campaigns"
	"github.com/tryout/tryout/internal/problem"
)

// Refusals of a staff change; each comes as a *problem.Error with its
// text for people.
var (
	ErrPoolFull = errors.New("perks: the pool would hold too many codes")
	ErrBadStage = errors.New("perks: unknown stage")
)

// Stages are when a campaign hands out its codes: "" (never), or at one
// of campaigns' perk stages.
var Stages = []string{"", campaigns.PerkAtReceived, campaigns.PerkAtLive, campaigns.PerkAtClose}

// Service is what staff change about a campaign's perks: they add codes
// to the pool and choose when codes are handed out. Each change is
// recorded in the audit log with who made it.
type Service struct {
	Store     Store
	Campaigns interface {
		Update(ctx context.Context, c campaigns.Campaign) error
	}
	Audit *audit.Recorder
	Now   func() time.Time
}

// Upload adds codes (already parsed with ParseCSV) to the campaign's pool.
// A pool that would hold more than MaxCodes is ErrPoolFull and nothing is
// added. Codes already in the pool are returned and left as they were
// (perhaps handed out).
func (s *Service) Upload(ctx context.Context, who audit.Actor, campaignID string, codes []string) (taken []string, err error) {
	st, err := s.Store.Stats(ctx, campaignID)
	if err != nil {
		return nil, err
	}
	if st.Total+len(codes) > MaxCodes {
		return nil, problem.New(ErrPoolFull, "A pool holds at most %d codes; this one has %d.", MaxCodes, st.Total)
	}
	taken, err = s.Store.Add(ctx, campaignID, codes, s.Now())
	if err != nil {
		return nil, err
	}
	s.Audit.Record(ctx, who, "perks.upload", campaignID, nil, map[string]string{"added": strconv.Itoa(len(codes) - len(taken))})
	return taken, nil
}

// SetStage chooses when the campaign's entrants get their code (one of
// Stages; anything else is ErrBadStage) and records the change.
func (s *Service) SetStage(ctx context.Context, who audit.Actor, c campaigns.Campaign, stage string) (campaigns.Campaign, error) {
	if !slices.Contains(Stages, stage) {
		return c, problem.New(ErrBadStage, "Choose when entrants get their code.")
	}
	before := c.PerkStage
	c.PerkStage = stage
	if err := s.Campaigns.Update(ctx, c); err != nil {
		return c, err
	}
	s.Audit.Record(ctx, who, "perks.stage", c.ID, map[string]string{"stage": before}, map[string]string{"stage": stage})
	return c, nil
}
