// Package retention deletes what campaigns no longer need, per campaign,
// run by the worker every few hours:
//
//   - originals, N days after the campaign closes (entries and voting both
//     over); renditions stay, so the gallery keeps playing; winners'
//     originals are kept when the campaign says so;
//   - every stored file of an entry that never went live, M days after it
//     last changed, once it is settled (rejected or withdrawn, or a draft,
//     failed or needs-changes entry after the entry window closed);
//   - voters' signal hashes (address, network, device) on ballots older
//     than K days; the ballots and every total stay.
//
// N, M and K come from the campaign, or the server's defaults. Every run
// is logged and recorded for staff.
package retention

import (
	"context"
	"time"

	"github.com/tryout/tryout/internal/campaigns"
)

// Defaults are the server's retention periods in days (TRYOUT_RETAIN_*).
type Defaults struct {
	OriginalsDays, UnpublishedDays, SignalsDays int
}

// Policy is one campaign's retention, defaults filled in.
type Policy struct {
	OriginalsDays   int
	KeepWinners     bool
	UnpublishedDays int
	SignalsDays     int
}

// PolicyFor is the campaign's policy: its own periods, else the defaults.
func PolicyFor(c campaigns.Campaign, d Defaults) Policy {
	pick := func(own, def int) int {
		if own > 0 {
			return own
		}
		return def
	}
	return Policy{OriginalsDays: pick(c.RetainOriginalsDays, d.OriginalsDays), KeepWinners: c.KeepWinnerOriginals,
		UnpublishedDays: pick(c.RetainUnpublishedDays, d.UnpublishedDays), SignalsDays: pick(c.RetainSignalsDays, d.SignalsDays)}
}

func days(n int) time.Duration { return time.Duration(n) * 24 * time.Hour }

// Run is the record of one retention run.
type Run struct {
	ID               string
	StartedAt        time.Time
	FinishedAt       time.Time
	Campaigns        int      // campaigns looked at
	OriginalsDeleted int      // entries whose original was deleted
	MediaDeleted     int      // never-live entries whose files were all deleted
	ObjectsDeleted   int      // storage objects removed in all
	SignalsExpired   int64    // ballots whose signal hashes were erased
	Problems         []string // what could not be done (retried next run)
}

// RunStore keeps run records.
type RunStore interface {
	Add(ctx context.Context, r Run) error
	Recent(ctx context.Context, limit int) ([]Run, error)
}
