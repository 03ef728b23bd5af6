package app

import (
	"context"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/tryout/tryout/config"
	"github.com/tryout/tryout/internal/audit"
	"github.com/tryout/tryout/internal/campaigns"
	"github.com/tryout/tryout/internal/views"
	"github.com/tryout/tryout/internal/votes"
)

// voteLimits are the gate's limits, friction, escalation and hold checks
// from the config (docs/VOTING.md).
func voteLimits(cfg config.Config) votes.Limits {
	return votes.Limits{
		PerIP: int64(cfg.VoteLimitIP), PerNetwork: int64(cfg.VoteLimitNet), Window: 10 * time.Minute,
		Challenge: true, Burst: int64(cfg.VoteBurst), BurstWindow: time.Minute, Crowd: int64(cfg.VoteCrowd),
		PowBits: cfg.VotePoWBits, PowMaxBits: cfg.VotePoWMaxBits, VoterCap: int64(cfg.VoteVoterCap),
		HoldWindow: cfg.VoteHoldWindow, NewPerIP: int64(cfg.VoteHoldNewIP), NewPerNetwork: int64(cfg.VoteHoldNewNet),
		UnwatchedPerIP: int64(cfg.VoteHoldUnwatched), RegularStreak: int64(cfg.VoteHoldStreak), Automation: true,
	}
}

// VoteReview is fraud review and the automatic release of held votes,
// wired to the ballots, the counters and the journal.
func (a *App) VoteReview() *votes.Review {
	return &votes.Review{Ballots: a.Ballots, Counters: a.Gallery, Records: a.Entries, Redis: a.Redis,
		Journal: a.Votes.Gate.Journal, Drain: a.DrainVotes, Days: a.Gallery, Limits: a.Votes.Gate.Limits, Played: a.played}
}

// played reports which voters watched a video lately (views.PlayedKey).
func (a *App) played(ctx context.Context, voters []string) (map[string]bool, error) {
	out := make(map[string]bool, len(voters))
	cmds := make([]*redis.IntCmd, len(voters))
	_, err := a.Redis.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, v := range voters {
			cmds[i] = p.Exists(ctx, views.PlayedKey(v))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for i, v := range voters {
		out[v] = cmds[i].Val() > 0
	}
	return out, nil
}

// VoteTotals is a campaign's ballots per entry now, counted in public and
// held (MongoDB's and the journal's); see votes.TruthTotals.
func (a *App) VoteTotals(ctx context.Context, campaignID string) (votes.Totals, error) {
	return votes.TruthTotals(ctx, campaignID, a.Ballots, a.Votes.Gate.Journal)
}

// ReleaseHeldVotes runs the automatic release of held votes (see
// votes.Review.Release) over every campaign whose voting opened and closed
// less than a day ago, and audits each entry whose total it changed as the
// automatic check's doing (never a person's).
func (a *App) ReleaseHeldVotes(ctx context.Context) error {
	now := a.now()
	list, err := a.campaignsFor(ctx, "", func(c campaigns.Campaign) bool { return c.VotingRecent(now) })
	if err != nil {
		return err
	}
	review := a.VoteReview()
	for _, c := range list {
		released, err := review.Release(ctx, c.ID, now)
		for _, r := range released {
			a.Recorder.Record(ctx, audit.Actor{ID: "system", Email: "automatic vote check", Role: "system"}, "votes.release", r.EntryID,
				map[string]string{"votes": strconv.FormatInt(r.Before, 10), "held": strconv.FormatInt(r.HeldBefore, 10)},
				map[string]string{"votes": strconv.FormatInt(r.After, 10), "held": strconv.FormatInt(r.HeldAfter, 10),
					"ballots": strconv.FormatInt(r.Changed, 10), "reason": "their cluster no longer looks suspicious"})
			a.Log.Info("votes: held votes released by the automatic re-check", "campaign", c.Slug, "entry", r.EntryID, "ballots", r.Changed)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// heldVotes is how many of one entry's votes are held for review.
func (a *App) heldVotes(ctx context.Context, campaignID, entryID string) (votes.Held, error) {
	m, err := a.Votes.Held(ctx, campaignID, entryID)
	return m[entryID], err
}
