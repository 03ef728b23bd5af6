package worker

import (
	"context"
	"log/slog"
	"strconv"
	"time"

	"github.com/hibiken/asynq"

	"github.com/tryout/tryout/internal/audit"
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

// ReleaseHandler runs votes:release: the held votes of every campaign
// whose voting is open or closed less than a day ago are re-checked
// (votes.Review.Release), and each entry whose total changed is audited as
// the automatic check's doing, never a person's.
type ReleaseHandler struct {
	Campaigns CampaignLister
	Review    *votes.Review
	Audit     *audit.Recorder
	Now       func() time.Time
	Log       *slog.Logger
}

// checker is who the audit log names for a release.
var checker = audit.Actor{ID: "system", Email: "automatic vote check", Role: "system"}

// ProcessTask implements asynq.Handler.
func (h *ReleaseHandler) ProcessTask(ctx context.Context, _ *asynq.Task) error {
	list, err := h.Campaigns.List(ctx, 0)
	if err != nil {
		return err
	}
	now := h.Now()
	for _, c := range list {
		if !c.VotingRecent(now) {
			continue
		}
		released, err := h.Review.Release(ctx, c.ID, now)
		for _, r := range released {
			h.Audit.Record(ctx, checker, "votes.release", r.EntryID,
				map[string]string{"votes": strconv.FormatInt(r.Before, 10), "held": strconv.FormatInt(r.HeldBefore, 10)},
				map[string]string{"votes": strconv.FormatInt(r.After, 10), "held": strconv.FormatInt(r.HeldAfter, 10),
					"ballots": strconv.FormatInt(r.Changed, 10), "reason": "their cluster no longer looks suspicious"})
			h.Log.Info("votes: held votes released by the automatic re-check", "campaign", c.Slug, "entry", r.EntryID, "ballots", r.Changed)
		}
		if err != nil {
			return err
		}
	}
	return nil
}
