package app

import (
	"context"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/tryout/tryout/config"
	"github.com/tryout/tryout/internal/views"
	"github.com/tryout/tryout/internal/votes"
	"github.com/tryout/tryout/worker"
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
		Journal: a.Votes.Gate.Journal, Drain: a.DrainVotes, Days: a.Gallery, Limits: a.Votes.Gate.Limits, Played: a.played, Audit: a.Recorder}
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

// ReleaseHeldVotes runs the automatic release of held votes now (the
// votes:release task's handler; see worker.ReleaseHandler).
func (a *App) ReleaseHeldVotes(ctx context.Context) error {
	return a.releaseHandler().ProcessTask(ctx, nil)
}

func (a *App) releaseHandler() *worker.ReleaseHandler {
	return &worker.ReleaseHandler{Campaigns: a.Campaigns, Review: a.VoteReview(), Audit: a.Recorder, Now: a.now, Log: a.Log}
}

// heldVotes is how many of one entry's votes are held for review.
func (a *App) heldVotes(ctx context.Context, campaignID, entryID string) (votes.Held, error) {
	m, err := a.Votes.Held(ctx, campaignID, entryID)
	return m[entryID], err
}
