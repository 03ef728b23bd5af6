package votes

import (
	"context"
	"fmt"
	"sort"

	"github.com/redis/go-redis/v9"
)

// Counted is the system of record's view: ballots per entry that count in
// public, and those held.
type Counted interface {
	Totals(ctx context.Context, campaignID string) (Totals, error)
}

// Counters are the fast counters reconcile checks and mends: the gallery
// read model (live entries).
type Counters interface {
	Votes(ctx context.Context, campaignID string) (map[string]int64, error)
	AddVotes(ctx context.Context, campaignID, entryID string, n int64) error
}

// Records are the entries' stored totals.
type Records interface {
	SetVotes(ctx context.Context, entryID string, n int64) error
}

// Difference is one entry whose counter disagreed with its ballots.
type Difference struct {
	EntryID string
	Ballots int64
	Counter int64
}

// Report says what reconcile found and mended.
type Report struct {
	Ballots     int64 // ballots that count in public (with those still in the journal)
	Held        int64 // ballots held for review
	Entries     int   // entries with ballots
	Differences []Difference
	// HeldDifferences are entries whose held count disagreed (Ballots and
	// Counter are then held counts).
	HeldDifferences []Difference
}

// Sources are what reconcile reads and mends.
type Sources struct {
	Ballots  Counted
	Counters Counters
	Records  Records
	Journal  *Journal      // nil without one
	Redis    *redis.Client // keeps the held counts; nil: they are not mended
}

// Reconcile recomputes a campaign's totals from its ballots, reports every
// counter that disagrees, and mends it: the public totals (gallery card,
// Top order, the entry's record) count the ballots neither discounted nor
// held; the held counts those held. After Redis loses its data (and the
// gallery is rebuilt), this brings every total back.
//
// Counters are mended by adding the difference, never set, so votes cast
// while reconcile runs are kept. With a journal, the ballots are MongoDB's
// plus those still in the journal, read at the same instant as the
// counters while no drain runs, so each ballot is counted exactly once.
// Clearing and discounting take the same lock.
func Reconcile(ctx context.Context, campaignID string, src Sources) (Report, error) {
	unlock, err := ledgerLock(ctx, src.Redis, src.Journal)
	if err != nil {
		return Report{}, err
	}
	defer unlock()
	shown, truth, err := readBoth(ctx, campaignID, src)
	if err != nil {
		return Report{}, err
	}
	var rep Report
	for _, n := range truth.Counted {
		rep.Ballots += n
	}
	for _, h := range truth.Held {
		rep.Held += h.Total
	}
	rep.Entries = len(union(truth.Counted, truth.Held))
	for id, n := range shown.Counted { // live entries without ballots count 0
		if _, ok := truth.Counted[id]; !ok && n != 0 {
			truth.Counted[id] = 0
		}
	}
	for _, id := range sortedKeys(truth.Counted) {
		n := truth.Counted[id]
		if have, live := shown.Counted[id]; live && have != n {
			rep.Differences = append(rep.Differences, Difference{id, n, have})
			if err := src.Counters.AddVotes(ctx, campaignID, id, n-have); err != nil {
				return rep, fmt.Errorf("votes: reconcile %s: %w", id, err)
			}
		}
		if err := src.Records.SetVotes(ctx, id, n); err != nil {
			return rep, fmt.Errorf("votes: reconcile %s: %w", id, err)
		}
	}
	if src.Redis == nil {
		return rep, nil
	}
	for _, id := range sortedKeys(union(truth.Held, shown.Held)) {
		want, have := truth.Held[id], shown.Held[id]
		if want.Total != have.Total {
			rep.HeldDifferences = append(rep.HeldDifferences, Difference{id, want.Total, have.Total})
		}
		if err := mendHeld(ctx, src.Redis, campaignID, id, want, have); err != nil {
			return rep, err
		}
	}
	return rep, nil
}

// readBoth reads the counters and the ballots (with the journal's, at the
// same instant; the caller holds the ledger lock).
func readBoth(ctx context.Context, campaignID string, src Sources) (shown, truth Totals, err error) {
	pending := newTotals()
	if j := src.Journal; j != nil {
		var at string
		if shown, at, err = j.snapshot(ctx, campaignID); err != nil {
			return
		}
		if pending, err = j.pending(ctx, campaignID, at); err != nil {
			return
		}
	}
	if truth, err = src.Ballots.Totals(ctx, campaignID); err != nil {
		return
	}
	if src.Journal == nil {
		shown = newTotals()
		if shown.Counted, err = src.Counters.Votes(ctx, campaignID); err != nil {
			return
		}
		if src.Redis != nil {
			var m map[string]string
			if m, err = src.Redis.HGetAll(ctx, heldKey(campaignID)).Result(); err != nil {
				err = fmt.Errorf("votes: reconcile: %w", err)
				return
			}
			shown.Held = parseHeld(m)
		}
	}
	truth.merge(pending)
	return shown, truth, nil
}

// mendHeld adds the differences between an entry's held counts and its
// held ballots.
func mendHeld(ctx context.Context, r *redis.Client, campaignID, id string, want, have Held) error {
	_, err := r.TxPipelined(ctx, func(p redis.Pipeliner) error {
		if d := want.Total - have.Total; d != 0 {
			p.HIncrBy(ctx, heldKey(campaignID), id, d)
		}
		for _, c := range checkNames {
			if d := want.ByCheck[c] - have.ByCheck[c]; d != 0 {
				p.HIncrBy(ctx, heldKey(campaignID), id+"|"+c, d)
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("votes: reconcile %s: %w", id, err)
	}
	return nil
}

// Truth is a campaign's ballots per entry that count in public right now:
// MongoDB's plus those still in the journal (j may be nil), read under the
// journal's lock so no drain moves a ballot between the two reads. It is
// what every shown total must equal once votes stop.
func Truth(ctx context.Context, campaignID string, ballots Counted, j *Journal) (map[string]int64, error) {
	t, err := TruthTotals(ctx, campaignID, ballots, j)
	return t.Counted, err
}

// TruthTotals is Truth with the held ballots too.
func TruthTotals(ctx context.Context, campaignID string, ballots Counted, j *Journal) (Totals, error) {
	pending := newTotals()
	if j != nil {
		unlock, err := j.waitLock(ctx)
		if err != nil {
			return Totals{}, err
		}
		defer unlock()
		_, at, err := j.snapshot(ctx, campaignID)
		if err != nil {
			return Totals{}, err
		}
		if pending, err = j.pending(ctx, campaignID, at); err != nil {
			return Totals{}, err
		}
	}
	truth, err := ballots.Totals(ctx, campaignID)
	if err != nil {
		return Totals{}, err
	}
	truth.merge(pending)
	return truth, nil
}

func union[A, B any](a map[string]A, b map[string]B) map[string]bool {
	out := make(map[string]bool, len(a)+len(b))
	for k := range a {
		out[k] = true
	}
	for k := range b {
		out[k] = true
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
