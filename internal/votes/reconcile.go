package votes

import (
	"context"
	"fmt"
	"sort"
)

// Counted is the system of record's view: counted ballots per entry.
type Counted interface {
	Counts(ctx context.Context, campaignID string) (map[string]int64, error)
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
	Ballots     int64 // counted ballots in the campaign (with those still in the journal)
	Entries     int   // entries with ballots
	Differences []Difference
}

// Reconcile recomputes a campaign's totals from its ballots, reports every
// counter that disagrees, and mends it. After Redis loses its data (and
// the gallery is rebuilt), this brings every total back.
//
// Counters are mended by adding the difference, never set, so votes cast
// while reconcile runs are kept. With a journal, the ballots are MongoDB's
// plus those still in the journal, read at the same instant as the
// counters while no drain runs, so each ballot is counted exactly once.
func Reconcile(ctx context.Context, campaignID string, ballots Counted, counters Counters, records Records, j *Journal) (Report, error) {
	var shown, pending map[string]int64
	if j != nil {
		unlock, err := j.waitLock(ctx)
		if err != nil {
			return Report{}, err
		}
		defer unlock()
		var at string
		if shown, at, err = j.snapshot(ctx, campaignID); err != nil {
			return Report{}, err
		}
		if pending, err = j.pending(ctx, campaignID, at); err != nil {
			return Report{}, err
		}
	}
	truth, err := ballots.Counts(ctx, campaignID)
	if err != nil {
		return Report{}, err
	}
	if j == nil {
		if shown, err = counters.Votes(ctx, campaignID); err != nil {
			return Report{}, err
		}
	}
	for id, n := range pending {
		truth[id] += n
	}
	var rep Report
	for _, n := range truth {
		rep.Ballots += n
		rep.Entries++
	}
	for id, n := range shown { // live entries without ballots count 0
		if _, ok := truth[id]; !ok && n != 0 {
			truth[id] = 0
		}
	}
	ids := make([]string, 0, len(truth))
	for id := range truth {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		n := truth[id]
		if have, live := shown[id]; live && have != n {
			rep.Differences = append(rep.Differences, Difference{id, n, have})
			if err := counters.AddVotes(ctx, campaignID, id, n-have); err != nil {
				return rep, fmt.Errorf("votes: reconcile %s: %w", id, err)
			}
		}
		if err := records.SetVotes(ctx, id, n); err != nil {
			return rep, fmt.Errorf("votes: reconcile %s: %w", id, err)
		}
	}
	return rep, nil
}

// Truth is a campaign's counted ballots per entry right now: MongoDB's
// plus those still in the journal (j may be nil), read under the journal's
// lock so no drain moves a ballot between the two reads. It is what every
// shown total must equal once votes stop.
func Truth(ctx context.Context, campaignID string, ballots Counted, j *Journal) (map[string]int64, error) {
	var pending map[string]int64
	if j != nil {
		unlock, err := j.waitLock(ctx)
		if err != nil {
			return nil, err
		}
		defer unlock()
		_, at, err := j.snapshot(ctx, campaignID)
		if err != nil {
			return nil, err
		}
		if pending, err = j.pending(ctx, campaignID, at); err != nil {
			return nil, err
		}
	}
	truth, err := ballots.Counts(ctx, campaignID)
	if err != nil {
		return nil, err
	}
	for id, n := range pending {
		truth[id] += n
	}
	return truth, nil
}
