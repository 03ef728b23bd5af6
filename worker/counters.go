package worker

import (
	"context"
	"log/slog"
	"time"

	"github.com/hibiken/asynq"

	"github.com/tryout/tryout/internal/campaigns"
	"github.com/tryout/tryout/internal/views"
	"github.com/tryout/tryout/internal/votes"
)

// CountersHandler runs counters:flush: qualified views counted in Redis
// are added to the entries' records in MongoDB.
type CountersHandler struct {
	Views *views.Counter
	Sink  views.Sink // the entries' records
	Log   *slog.Logger
}

// ProcessTask implements asynq.Handler.
func (h *CountersHandler) ProcessTask(ctx context.Context, _ *asynq.Task) error {
	n, err := h.Views.Flush(ctx, h.Sink)
	if n > 0 {
		h.Log.Debug("view counts flushed", "entries", n)
	}
	return err
}

// CampaignLister lists campaigns (campaigns.Store).
type CampaignLister interface {
	List(ctx context.Context, limit int) ([]campaigns.Campaign, error)
}

// ReconcileHandler runs votes:reconcile: the vote counters of every
// campaign whose voting is open or closed less than a day ago are checked
// against the ballots and mended (votes.Reconcile). A difference is logged.
type ReconcileHandler struct {
	Campaigns CampaignLister
	Sources   votes.Sources
	Now       func() time.Time
	Log       *slog.Logger
}

// ProcessTask implements asynq.Handler.
func (h *ReconcileHandler) ProcessTask(ctx context.Context, _ *asynq.Task) error {
	list, err := h.Campaigns.List(ctx, 0)
	if err != nil {
		return err
	}
	now := h.Now()
	for _, c := range list {
		if !c.VotingRecent(now) {
			continue
		}
		r, err := votes.Reconcile(ctx, c.ID, h.Sources)
		if err != nil {
			return err
		}
		if len(r.Differences)+len(r.HeldDifferences) > 0 {
			h.Log.Warn("votes: counters differed from ballots and were mended", "campaign", c.Slug, "ballots", r.Ballots, "differences", r.Differences,
				"held", r.Held, "held_differences", r.HeldDifferences)
		}
	}
	return nil
}
