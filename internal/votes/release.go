package votes

import (
	"context"
	"sort"
	"time"

	"github.com/redis/go-redis/v9"
)

// Released is what one automatic release did for one entry.
type Released struct {
	EntryID string
	Adjustment
}

// maxReleased bounds the held ballots one release pass looks at.
const maxReleased = 5000

// Release clears, by itself, the held ballots of a campaign whose cluster
// no longer looks suspicious once the hold window after them has passed.
// Each held ballot is checked again against the checks that held it, over
// the ballots from its address (and network) within one window either
// side of it, with what is known now: voters who have since watched a
// video (Played) or who confirmed their email no longer count as unproven
// new devices. A ballot held for automation is never released by a
// machine; the others are released when none of their checks would fire
// again. Released ballots count in public at once (cleared by "auto").
func (r *Review) Release(ctx context.Context, campaignID string, now time.Time) ([]Released, error) {
	w := r.Limits.holdWindow()
	held, err := r.Ballots.HeldBefore(ctx, campaignID, now.Add(-w), maxReleased)
	if err != nil {
		return nil, err
	}
	if r.Drain != nil {
		// Held ballots still in the journal are checked too, and so are
		// the ballots around them; with nothing held, voting is left alone.
		if len(held) == 0 {
			if held, err = r.heldInJournal(ctx, campaignID, now.Add(-w)); err != nil || len(held) == 0 {
				return nil, err
			}
		}
		if err := r.Drain(ctx); err != nil {
			return nil, err
		}
		if held, err = r.Ballots.HeldBefore(ctx, campaignID, now.Add(-w), maxReleased); err != nil {
			return nil, err
		}
	}
	if len(held) == 0 {
		return nil, nil
	}
	ips, nets := map[string]bool{}, map[string]bool{}
	for _, b := range held {
		ips[b.Signals.IPHash], nets[b.Signals.SubnetHash] = true, true
	}
	all, err := r.Ballots.Between(ctx, campaignID, sortedKeys(ips), sortedKeys(nets), held[0].At.Add(-w), held[len(held)-1].At.Add(w), maxReviewed)
	if err != nil {
		return nil, err
	}
	watched := map[string]bool{}
	if r.Played != nil {
		voters := map[string]bool{}
		for _, b := range all {
			voters[b.Voter] = true
		}
		if watched, err = r.Played(ctx, sortedKeys(voters)); err != nil {
			return nil, err
		}
	}
	c := clusters{byIP: map[string][]Ballot{}, byNet: map[string][]Ballot{}, watched: watched, l: r.Limits, w: w}
	for _, b := range all {
		c.byIP[b.Signals.IPHash] = append(c.byIP[b.Signals.IPHash], b)
		c.byNet[b.Signals.SubnetHash] = append(c.byNet[b.Signals.SubnetHash], b)
	}
	free := map[string]map[string]bool{} // entry -> ballot ids to release
	for _, b := range held {
		if c.stillSuspicious(b) {
			continue
		}
		if free[b.EntryID] == nil {
			free[b.EntryID] = map[string]bool{}
		}
		free[b.EntryID][b.ID] = true
	}
	var out []Released
	for _, entryID := range sortedKeys(free) {
		ids := free[entryID]
		adj, err := r.clearWhere(ctx, campaignID, entryID, "auto", func(b Ballot) bool { return ids[b.ID] && b.Held && !b.Discounted })
		if err != nil {
			return out, err
		}
		if adj.Changed > 0 {
			out = append(out, Released{entryID, adj})
		}
	}
	return out, nil
}

// clusters are the ballots around held ones, by address and network.
type clusters struct {
	byIP, byNet map[string][]Ballot // each oldest first
	watched     map[string]bool
	l           Limits
	w           time.Duration
}

// stillSuspicious reports whether any check that held b would hold it
// again, over the ballots within a window either side of it.
func (c clusters) stillSuspicious(b Ballot) bool {
	near := around(c.byIP[b.Signals.IPHash], b.At, c.w)
	for _, check := range b.Hold {
		switch check {
		case "automation":
			return true
		case "new_devices":
			if over(c.unproven(near), c.l.NewPerIP) || over(c.unproven(around(c.byNet[b.Signals.SubnetHash], b.At, c.w)), c.l.NewPerNetwork) {
				return true
			}
		case "no_playback":
			if !c.watched[b.Voter] && over(c.unproven(near), c.l.UnwatchedPerIP) {
				return true
			}
		case "regular_timing":
			if over(streak(near)+1, c.l.RegularStreak) {
				return true
			}
		}
	}
	return false
}

// over reports whether n is past a limit (0: off).
func over(n, limit int64) bool { return limit > 0 && n > limit }

// unproven counts the distinct voters among bs who neither confirmed
// their email nor watched a video.
func (c clusters) unproven(bs []Ballot) int64 {
	seen := map[string]bool{}
	for _, b := range bs {
		if !b.Verified && !c.watched[b.Voter] {
			seen[b.Voter] = true
		}
	}
	return int64(len(seen))
}

// around is the ballots of bs (oldest first) within w either side of at.
func around(bs []Ballot, at time.Time, w time.Duration) []Ballot {
	from := sort.Search(len(bs), func(i int) bool { return !bs[i].At.Before(at.Add(-w)) })
	to := sort.Search(len(bs), func(i int) bool { return bs[i].At.After(at.Add(w)) })
	return bs[from:to]
}

// streak is the longest run of machine-regular votes in bs (oldest first),
// by the gate's measure: the same gap between votes, or the same delay
// after the page loaded.
func streak(bs []Ballot) int64 {
	var best, gaps, delays int64
	lastGap, lastDelay := int64(-1), int64(-1)
	for i, b := range bs {
		if i > 0 {
			gap := b.At.Sub(bs[i-1].At).Milliseconds()
			if gap >= 1000 && lastGap >= 0 && abs(gap-lastGap) <= max(100, gap/50) {
				gaps++
			} else {
				gaps = 0
			}
			lastGap = gap
		}
		d := b.Signals.SincePageMS
		if d >= 2000 && lastDelay >= 2000 && abs(d-lastDelay) <= 100 {
			delays++
		} else {
			delays = 0
		}
		lastDelay = d
		best = max(best, gaps, delays)
	}
	return best
}

func abs(n int64) int64 {
	if n < 0 {
		return -n
	}
	return n
}

// heldInJournal lists the campaign's held ballots cast before t that are
// still in the journal (none without one).
func (r *Review) heldInJournal(ctx context.Context, campaignID string, t time.Time) ([]Ballot, error) {
	if r.Journal == nil {
		return nil, nil
	}
	var out []Ballot
	err := r.Journal.scan(ctx, "+", 1000, func(m redis.XMessage) bool {
		bs, _ := decodeEntry(m.Values)
		for _, b := range bs {
			if b.CampaignID == campaignID && b.Held && b.At.Before(t) {
				out = append(out, b)
			}
		}
		return len(out) == 0
	})
	return out, err
}
