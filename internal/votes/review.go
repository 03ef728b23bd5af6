package votes

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/tryout/tryout/internal/audit"
)

// Review discounts, restores and clears ballots (fraud review, and the
// automatic release of held votes). Every change runs under the ledger
// lock (the journal's, which drains and reconciles take too), so the
// counters move by exactly the ballots that changed.
type Review struct {
	Ballots interface {
		ByEntry(ctx context.Context, entryID string, limit int) ([]Ballot, error)
		SetDiscounted(ctx context.Context, ids []string, discounted bool, reason, by string) (int64, error)
		Clear(ctx context.Context, ids []string, by string) (int64, error)
		HeldBefore(ctx context.Context, campaignID string, t time.Time, limit int) ([]Ballot, error)
		Between(ctx context.Context, campaignID string, ips, nets []string, from, to time.Time, limit int) ([]Ballot, error)
	}
	Counters Counters
	Records  Records
	Redis    *redis.Client // held counts and the ledger lock
	Journal  *Journal      // nil without one
	// Drain moves journaled ballots to MongoDB before a change (nil: none),
	// so a change reaches the ballots cast until then.
	Drain func(ctx context.Context) error
	// Days counts a cleared vote in its day's figure (nil: not counted).
	Days interface {
		AddDay(ctx context.Context, entryID, field string, n int64, at time.Time) error
	}
	// Limits are the gate's: Release checks clusters against them.
	Limits Limits
	// Played reports which voters lately watched a video (nil: none known).
	Played func(ctx context.Context, voters []string) (map[string]bool, error)
	// Audit records what a person discounts, restores or clears (nil:
	// nothing is recorded).
	Audit *audit.Recorder
}

// maxReviewed bounds the ballots one review reads.
const maxReviewed = 200_000

// ForEntry is every ballot of the entry a person reviews, at most
// maxReviewed: the journal is drained first, so the ballots acknowledged
// a moment ago are there too, not only those MongoDB has so far.
func (r *Review) ForEntry(ctx context.Context, entryID string) ([]Ballot, error) {
	if r.Drain != nil {
		if err := r.Drain(ctx); err != nil {
			return nil, fmt.Errorf("votes: drain before review: %w", err)
		}
	}
	return r.Ballots.ByEntry(ctx, entryID, maxReviewed)
}

// Adjustment is what a discount, restore or clear changed.
type Adjustment struct {
	Changed       int64 // ballots discounted, counted again or cleared
	Before, After int64 // the entry's total in public (MongoDB's ballots)
	HeldBefore    int64 // the entry's held ballots
	HeldAfter     int64
}

// Discount marks the entry's ballots in a cluster discounted (or, with
// discount false, counts them again: a ballot counted again by a person is
// no longer held), then moves the entry's counters (public and held) by
// as many (adds, so votes cast meanwhile are kept) and sets its record
// from the ballots. It is audited as who's votes.discount (or
// votes.restore).
func (r *Review) Discount(ctx context.Context, who audit.Actor, campaignID, entryID, kind, key string, discount bool, reason string) (Adjustment, error) {
	adj, err := r.change(ctx, campaignID, entryID, func(b Ballot) bool { return b.Discounted != discount && InCluster(b, kind, key) },
		func(ids []string) (int64, error) { return r.Ballots.SetDiscounted(ctx, ids, discount, reason, who.ID) },
		func(b *Ballot) {
			b.Discounted = discount
			if !discount {
				b.Held = false
			}
		})
	if err != nil {
		return adj, err
	}
	verb := "votes.discount"
	if !discount {
		verb = "votes.restore"
	}
	r.Audit.Record(ctx, who, verb, entryID, map[string]string{"votes": strconv.FormatInt(adj.Before, 10)},
		map[string]string{"votes": strconv.FormatInt(adj.After, 10), "cluster": kind + " " + key, "ballots": strconv.FormatInt(adj.Changed, 10), "reason": reason})
	return adj, nil
}

// Clear counts in public the entry's ballots a check held (check "": all
// its held ballots), as who decided; audited as votes.clear.
func (r *Review) Clear(ctx context.Context, who audit.Actor, campaignID, entryID, check string) (Adjustment, error) {
	adj, err := r.clearWhere(ctx, campaignID, entryID, who.ID, func(b Ballot) bool {
		return b.Held && !b.Discounted && (check == "" || InCluster(b, "held", check))
	})
	if err != nil {
		return adj, err
	}
	what := "all held"
	if check != "" {
		what = "held by " + check
	}
	r.Audit.Record(ctx, who, "votes.clear", entryID, map[string]string{"votes": strconv.FormatInt(adj.Before, 10), "held": strconv.FormatInt(adj.HeldBefore, 10)},
		map[string]string{"votes": strconv.FormatInt(adj.After, 10), "held": strconv.FormatInt(adj.HeldAfter, 10), "cluster": what, "ballots": strconv.FormatInt(adj.Changed, 10)})
	return adj, nil
}

func (r *Review) clearWhere(ctx context.Context, campaignID, entryID, by string, pick func(Ballot) bool) (Adjustment, error) {
	var cleared []Ballot
	adj, err := r.change(ctx, campaignID, entryID, pick,
		func(ids []string) (int64, error) { return r.Ballots.Clear(ctx, ids, by) },
		func(b *Ballot) {
			b.Held = false
			cleared = append(cleared, *b)
		})
	if err == nil && r.Days != nil && adj.Changed == int64(len(cleared)) {
		for _, b := range cleared {
			_ = r.Days.AddDay(ctx, b.EntryID, "votes", 1, b.At) // the entrant's daily figure; reconcile does not mend it
		}
	}
	return adj, err
}

// change applies update to the entry's ballots that pick selects (apply
// says what it does to one), under the ledger lock, and moves the
// counters by the difference it made.
func (r *Review) change(ctx context.Context, campaignID, entryID string, pick func(Ballot) bool,
	update func(ids []string) (int64, error), apply func(*Ballot)) (Adjustment, error) {
	if r.Drain != nil {
		if err := r.Drain(ctx); err != nil {
			return Adjustment{}, err
		}
	}
	unlock, err := ledgerLock(ctx, r.Redis, r.Journal)
	if err != nil {
		return Adjustment{}, err
	}
	defer unlock()
	bs, err := r.Ballots.ByEntry(ctx, entryID, maxReviewed)
	if err != nil {
		return Adjustment{}, err
	}
	before := entryTotals(bs)
	var ids []string
	for _, b := range bs {
		if pick(b) {
			ids = append(ids, b.ID)
		}
	}
	changed, err := update(ids)
	if err != nil {
		return Adjustment{}, err
	}
	if changed == int64(len(ids)) {
		for i := range bs {
			if pick(bs[i]) {
				apply(&bs[i])
			}
		}
	} else if bs, err = r.Ballots.ByEntry(ctx, entryID, maxReviewed); err != nil { // someone else changed some: read what is
		return Adjustment{}, err
	}
	after := entryTotals(bs)
	adj := Adjustment{Changed: changed, Before: before.Counted[entryID], After: after.Counted[entryID],
		HeldBefore: before.Held[entryID].Total, HeldAfter: after.Held[entryID].Total}
	if d := adj.After - adj.Before; d != 0 {
		if err := r.Counters.AddVotes(ctx, campaignID, entryID, d); err != nil {
			return Adjustment{}, err
		}
	}
	if r.Redis != nil {
		if err := mendHeld(ctx, r.Redis, campaignID, entryID, after.Held[entryID], before.Held[entryID]); err != nil {
			return Adjustment{}, fmt.Errorf("votes: review: %w", err)
		}
	}
	if err := r.Records.SetVotes(ctx, entryID, adj.After); err != nil {
		return Adjustment{}, err
	}
	return adj, nil
}

// entryTotals counts ballots (of one entry) that are not discounted.
func entryTotals(bs []Ballot) Totals {
	t := newTotals()
	for _, b := range bs {
		if !b.Discounted {
			t.add(b, 1)
		}
	}
	return t
}
