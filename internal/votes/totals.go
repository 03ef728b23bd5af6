package votes

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/redis/go-redis/v9"
)

// Totals are a campaign's ballots per entry: those that count in public
// (not discounted, not held) and those held for review.
type Totals struct {
	Counted map[string]int64
	Held    map[string]Held
}

func newTotals() Totals {
	return Totals{Counted: map[string]int64{}, Held: map[string]Held{}}
}

// add counts n ballots like b.
func (t Totals) add(b Ballot, n int64) {
	if !b.Held {
		t.Counted[b.EntryID] += n
		return
	}
	h := t.Held[b.EntryID]
	if h.ByCheck == nil {
		h.ByCheck = map[string]int64{}
	}
	h.Total += n
	for _, c := range b.Hold {
		h.ByCheck[c] += n
	}
	t.Held[b.EntryID] = h
}

// merge adds o to t.
func (t Totals) merge(o Totals) {
	for id, n := range o.Counted {
		t.Counted[id] += n
	}
	for id, h := range o.Held {
		t.add(Ballot{EntryID: id, Held: true}, h.Total)
		for c, n := range h.ByCheck {
			t.Held[id].ByCheck[c] += n
		}
	}
}

// addHeld moves an entry's held count (and each named check's) by n.
func addHeld(ctx context.Context, r *redis.Client, campaignID, entryID string, n int64, checks []string) error {
	_, err := r.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.HIncrBy(ctx, heldKey(campaignID), entryID, n)
		for _, c := range checks {
			p.HIncrBy(ctx, heldKey(campaignID), entryID+"|"+c, n)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("votes: held count: %w", err)
	}
	return nil
}

// parseHeld reads a campaign's held hash (HGETALL).
func parseHeld(m map[string]string) map[string]Held {
	out := map[string]Held{}
	for f, v := range m {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			continue
		}
		id, check, _ := strings.Cut(f, "|")
		h := out[id]
		if h.ByCheck == nil {
			h.ByCheck = map[string]int64{}
		}
		if check == "" {
			h.Total = n
		} else {
			h.ByCheck[check] = n
		}
		out[id] = h
	}
	return out
}

// Held returns the held counts of some of a campaign's entries (every
// entry asked for is in the answer, with zero when none is held).
func (s *Service) Held(ctx context.Context, campaignID string, entryIDs ...string) (map[string]Held, error) {
	out := make(map[string]Held, len(entryIDs))
	if len(entryIDs) == 0 {
		return out, nil
	}
	fields := make([]string, 0, len(entryIDs)*(1+len(checkNames)))
	for _, id := range entryIDs {
		fields = append(fields, id)
		for _, c := range checkNames {
			fields = append(fields, id+"|"+c)
		}
	}
	vals, err := s.Gate.Redis.HMGet(ctx, heldKey(campaignID), fields...).Result()
	if err != nil {
		return nil, fmt.Errorf("votes: held: %w", err)
	}
	m := map[string]string{}
	for i, v := range vals {
		if str, ok := v.(string); ok {
			m[fields[i]] = str
		}
	}
	got := parseHeld(m)
	for _, id := range entryIDs {
		h := got[id]
		if h.ByCheck == nil {
			h.ByCheck = map[string]int64{}
		}
		for c, n := range h.ByCheck {
			if n <= 0 {
				delete(h.ByCheck, c)
			}
		}
		h.Total = max(h.Total, 0)
		out[id] = h
	}
	return out, nil
}
