package retention

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/tryout/tryout/internal/campaigns"
	"github.com/tryout/tryout/internal/entries"
	"github.com/tryout/tryout/internal/ids"
)

// Runner applies every campaign's retention.
type Runner struct {
	Campaigns interface {
		List(ctx context.Context, limit int) ([]campaigns.Campaign, error)
	}
	Entries interface {
		ListByCampaign(ctx context.Context, campaignID string, limit int) ([]entries.Entry, error)
		MarkOriginalDeleted(ctx context.Context, id string, at time.Time) error
		MarkMediaDeleted(ctx context.Context, id string, at time.Time) error
	}
	Winners interface {
		Winners(ctx context.Context, campaignID string) ([]campaigns.Winner, error)
	}
	Blobs interface {
		RemovePrefix(ctx context.Context, bucket, prefix string) (int, error)
	}
	Ballots interface {
		ExpireSignals(ctx context.Context, campaignID string, before time.Time) (int64, error)
	}
	Runs                              RunStore
	Defaults                          Defaults
	OriginalsBucket, RenditionsBucket string
	Now                               func() time.Time
	Log                               *slog.Logger
}

// Run applies retention once to every campaign, records the run and logs
// it. A problem with one entry is recorded and the run goes on; what was
// not deleted is found again next time.
func (r *Runner) Run(ctx context.Context) (Run, error) {
	run := Run{ID: ids.New("rr_"), StartedAt: r.Now()}
	list, err := r.Campaigns.List(ctx, 0)
	if err != nil {
		return run, err
	}
	for _, c := range list {
		run.Campaigns++
		if err := r.campaign(ctx, c, &run); err != nil {
			run.Problems = append(run.Problems, fmt.Sprintf("campaign %s: %v", c.Slug, err))
		}
	}
	run.FinishedAt = r.Now()
	if err := r.Runs.Add(ctx, run); err != nil {
		r.Log.Error("retention: run not recorded", "err", err)
	}
	r.Log.Info("retention run", "campaigns", run.Campaigns, "originals_deleted", run.OriginalsDeleted, "media_deleted", run.MediaDeleted,
		"objects_deleted", run.ObjectsDeleted, "signals_expired", run.SignalsExpired, "problems", len(run.Problems))
	return run, nil
}

func (r *Runner) campaign(ctx context.Context, c campaigns.Campaign, run *Run) error {
	p := PolicyFor(c, r.Defaults)
	now := r.Now()
	if !c.VotingOpensAt.IsZero() && p.SignalsDays > 0 {
		n, err := r.Ballots.ExpireSignals(ctx, c.ID, now.Add(-days(p.SignalsDays)))
		if err != nil {
			return err
		}
		run.SignalsExpired += n
	}
	list, err := r.Entries.ListByCampaign(ctx, c.ID, 0)
	if err != nil {
		return err
	}
	keep, err := r.keep(ctx, c, p)
	if err != nil {
		return err
	}
	originalsDue := p.OriginalsDays > 0 && !now.Before(c.ClosesAt().Add(days(p.OriginalsDays)))
	for _, e := range list {
		var err error
		switch {
		case unpublishedDue(e, c, p, now):
			err = r.deleteMedia(ctx, e, run)
		case originalsDue && e.Original.Key != "" && e.OriginalDeletedAt.IsZero() && !keep[e.ID]:
			err = r.deleteOriginal(ctx, e, run)
		}
		if err != nil {
			run.Problems = append(run.Problems, fmt.Sprintf("entry %s: %v", e.ID, err))
		}
	}
	return nil
}

// keep is the entries whose originals stay: winners, when the campaign
// keeps theirs.
func (r *Runner) keep(ctx context.Context, c campaigns.Campaign, p Policy) (map[string]bool, error) {
	keep := map[string]bool{}
	if !p.KeepWinners {
		return keep, nil
	}
	ws, err := r.Winners.Winners(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	for _, w := range ws {
		keep[w.EntryID] = true
	}
	return keep, nil
}

// settled are the statuses an entry that never went live can rest in.
var settled = []entries.Status{entries.Rejected, entries.Withdrawn, entries.Draft, entries.Failed, entries.NeedsChanges}

// unpublishedDue reports whether a never-live entry's files are due for
// deletion: settled for M days, and past changing (a final status, or the
// entry window closed so no new video can come).
func unpublishedDue(e entries.Entry, c campaigns.Campaign, p Policy, now time.Time) bool {
	if p.UnpublishedDays <= 0 || !e.MediaDeletedAt.IsZero() || !e.LiveAt().IsZero() || !slices.Contains(settled, e.Status) {
		return false
	}
	if !e.Status.Final() && now.Before(c.EntryClosesAt) {
		return false
	}
	return !now.Before(e.UpdatedAt.Add(days(p.UnpublishedDays)))
}

func (r *Runner) deleteOriginal(ctx context.Context, e entries.Entry, run *Run) error {
	n, err := r.Blobs.RemovePrefix(ctx, r.OriginalsBucket, entries.OriginalsPrefix(e))
	if err != nil {
		return err
	}
	run.ObjectsDeleted += n
	if err := r.Entries.MarkOriginalDeleted(ctx, e.ID, r.Now()); err != nil {
		return err
	}
	run.OriginalsDeleted++
	return nil
}

func (r *Runner) deleteMedia(ctx context.Context, e entries.Entry, run *Run) error {
	for bucket, prefix := range map[string]string{r.OriginalsBucket: entries.OriginalsPrefix(e), r.RenditionsBucket: entries.RenditionsPrefix(e)} {
		n, err := r.Blobs.RemovePrefix(ctx, bucket, prefix)
		if err != nil {
			return err
		}
		run.ObjectsDeleted += n
	}
	if err := r.Entries.MarkMediaDeleted(ctx, e.ID, r.Now()); err != nil {
		return err
	}
	run.MediaDeleted++
	return nil
}
