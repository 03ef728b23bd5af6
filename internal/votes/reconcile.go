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
// read model (live entries) and the entry records.
type Counters interface {
	Votes(ctx context.Context, campaignID string) (map[string]int64, error)
	SetVotes(ctx context.Context, campaignID, entryID string, n int64) error
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
	Ballots     int64 // counted ballots in the campaign
	Entries     int   // entries with ballots
	Differences []Difference
}

// Reconcile recomputes a campaign's totals from its ballots, reports every
// counter that disagrees, and sets the counters and entry records to the
// ballots' figures. After Redis loses its data (and the gallery is
// rebuilt), this brings every total back.
func Reconcile(ctx context.Context, campaignID string, ballots Counted, counters Counters, records Records) (Report, error) {
	truth, err := ballots.Counts(ctx, campaignID)
	if err != nil {
		return Report{}, err
	}
	shown, err := counters.Votes(ctx, campaignID)
	if err != nil {
		return Report{}, err
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
		}
		if _, live := shown[id]; live {
			if err := counters.SetVotes(ctx, campaignID, id, n); err != nil {
				return rep, fmt.Errorf("votes: reconcile %s: %w", id, err)
			}
		}
		if err := records.SetVotes(ctx, id, n); err != nil {
			return rep, fmt.Errorf("votes: reconcile %s: %w", id, err)
		}
	}
	return rep, nil
}
