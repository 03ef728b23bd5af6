package votes

import (
	"context"
	"log/slog"
)

// CountedVote is a vote that counts now: newly cast (not a retry of one
// already counted) and not held. A held vote brings none of what
// AfterCount does, neither when cast nor when it is cleared later.
type CountedVote struct {
	Target Target
	Voter  Voter
	Ballot Ballot
	Votes  int64 // the entry's public total after this vote; -1 when not known
	// Milestone: Votes is one of the campaign's milestones (Rules.Milestones).
	Milestone bool
}

// AfterCount is told of every counted vote once its ballot is durable:
// what a vote brings besides its counters. It cannot fail the vote; it
// logs its own failures.
type AfterCount interface {
	Counted(ctx context.Context, c CountedVote)
}

// Effects is what a counted vote brings: the share link the voter arrived
// through is credited (once per voter and link), the visitor's source in
// the campaign's funnel is credited, and a milestone reached queues the
// entrant's message. Any of them may be nil.
type Effects struct {
	// Referrals credits a share link with a vote when the link is for
	// the campaign (referrals.Service).
	Referrals interface {
		CreditVote(ctx context.Context, code, campaignID, voter string) (bool, error)
	}
	// Funnel credits the campaign's analytics with a counted vote.
	Funnel func(ctx context.Context, campaignID string) error
	// Milestones queues the message an entrant gets when their entry
	// reaches a milestone (tasks.Queue).
	Milestones interface {
		EnqueueMilestone(ctx context.Context, entryID string, votes int64) error
	}
	Log *slog.Logger
}

var _ AfterCount = (*Effects)(nil)

// Counted implements AfterCount.
func (e *Effects) Counted(ctx context.Context, c CountedVote) {
	if c.Voter.Referral != "" && e.Referrals != nil {
		if _, err := e.Referrals.CreditVote(ctx, c.Voter.Referral, c.Target.CampaignID, c.Voter.ID); err != nil {
			e.Log.Error("votes: referral credit", "link", c.Voter.Referral, "err", err)
		}
	}
	if e.Funnel != nil {
		if err := e.Funnel(ctx, c.Target.CampaignID); err != nil {
			e.Log.Warn("votes: analytics not credited", "err", err)
		}
	}
	if c.Milestone && e.Milestones != nil {
		if err := e.Milestones.EnqueueMilestone(ctx, c.Target.EntryID, c.Votes); err != nil {
			e.Log.Error("votes: queue milestone message", "entry", c.Target.EntryID, "votes", c.Votes, "err", err)
		}
	}
}
