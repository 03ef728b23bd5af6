package app

import (
	"context"

	"github.com/tryout/tryout/internal/analytics"
	"github.com/tryout/tryout/internal/votes"
)

// voteEffects is what every counted vote brings, whichever edge cast it:
// the share link's credit, the campaign funnel's credit and the
// milestone message (see votes.Effects).
func (a *App) voteEffects() *votes.Effects {
	return &votes.Effects{Referrals: a.Referrals, Milestones: a.Queue, Log: a.Log,
		Funnel: func(ctx context.Context, campaignID string) error {
			return a.Analytics.Credit(ctx, campaignID, analytics.Votes)
		}}
}
