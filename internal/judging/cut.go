package judging

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/tryout/tryout/internal/audit"
	"github.com/tryout/tryout/internal/entries"
	"github.com/tryout/tryout/internal/messages"
	"github.com/tryout/tryout/internal/notify"
)

// Candidates are the entries that may enter a round, with their votes and
// (for a top-score rule) their place in the previous round: every live
// entry for the first round, for every-live-entry and for a selection;
// the previous round's entries still live for the top-N rules.
func (s *Service) Candidates(ctx context.Context, r Round) ([]Candidate, error) {
	live, err := s.live(ctx, r.CampaignID)
	if err != nil {
		return nil, err
	}
	votes, err := s.votes(ctx, r.CampaignID, live)
	if err != nil {
		return nil, err
	}
	pool := live
	places := map[string]Standing{}
	if r.Number > 1 && (r.Rule == TopVotes || r.Rule == TopScore) {
		prev, err := s.previous(ctx, r)
		if err != nil {
			return nil, err
		}
		pool = map[string]entries.Entry{}
		for _, id := range prev.Entries {
			if e, ok := live[id]; ok {
				pool[id] = e
			}
		}
		if r.Rule == TopScore {
			ranking, err := s.Ranking(ctx, prev)
			if err != nil {
				return nil, err
			}
			for _, st := range ranking {
				places[st.ID] = st
			}
		}
	}
	out := make([]Candidate, 0, len(pool))
	for id, e := range pool {
		out = append(out, Candidate{ID: id, Title: e.Title, Votes: votes[id], Place: places[id].Place, Final: places[id].Final, CreatedAt: e.CreatedAt})
	}
	sort.Slice(out, func(i, j int) bool { return byVotes(out[i], out[j]) })
	return out, nil
}

// previous returns the round before r, which must have its entries.
func (s *Service) previous(ctx context.Context, r Round) (Round, error) {
	rounds, err := s.Store.Rounds(ctx, r.CampaignID)
	if err != nil {
		return Round{}, err
	}
	for _, p := range rounds {
		if p.Number == r.Number-1 {
			if !p.Cut {
				return Round{}, ErrPreviousOpen
			}
			return p, nil
		}
	}
	return Round{}, fmt.Errorf("judging: round %d: %w", r.Number-1, ErrNotFound)
}

// Preview shows who would enter the round under its rule now.
func (s *Service) Preview(ctx context.Context, r Round, selected []string) (Cut, error) {
	if r.Cut {
		return Cut{}, ErrCutApplied
	}
	cands, err := s.Candidates(ctx, r)
	if err != nil {
		return Cut{}, err
	}
	return CutBy(r.Rule, r.TopN, cands, selected), nil
}

// Applied is what applying a cut did.
type Applied struct {
	Round  Round
	Cut    Cut
	Told   int // entrants who were sent the advanced message
	Failed int // messages that could not be queued
}

// ApplyCut puts the previewed entries in the round, once. digest is the
// preview's Digest: if a rule's entries would differ now (votes moved, an
// entry went down), nothing is applied and ErrCutChanged says to look
// again. A selection takes the ticked entries that are still live.
// From the second round on, each entrant hears they advanced; entries of
// a final round become finalists. The cut is recorded with who applied it.
func (s *Service) ApplyCut(ctx context.Context, who audit.Actor, r Round, selected []string, digest string) (Applied, error) {
	c, err := s.Preview(ctx, r, selected)
	if err != nil {
		return Applied{}, err
	}
	// A selection is what the owner ticked; a rule's result is checked
	// against the preview they saw.
	if r.Rule != Selection && c.Digest() != digest {
		return Applied{Cut: c}, ErrCutChanged
	}
	if len(c.In) == 0 {
		return Applied{Cut: c}, FieldErrors{"cut": "no entry would enter the round"}
	}
	r.Entries, r.Cut, r.CutAt, r.CutBy = c.IDs(), true, s.Now(), who.ID
	if err := s.Store.SetCut(ctx, r); err != nil {
		return Applied{}, err
	}
	a := Applied{Round: r, Cut: c}
	for _, id := range r.Entries {
		if !s.advance(ctx, r, id) {
			a.Failed++
		} else if r.Number > 1 {
			a.Told++
		}
	}
	s.Audit.Record(ctx, who, "round.cut", r.ID, nil, map[string]string{"round": r.Title(), "rule": string(r.Rule), "entries": strings.Join(r.Entries, " "),
		"told": strconv.Itoa(a.Told), "failed": strconv.Itoa(a.Failed)})
	return a, nil
}

// advance marks one entry's entry into a round and tells its entrant; it
// reports false when either failed (the cut stands; the message can be
// sent again by applying the same stage later).
func (s *Service) advance(ctx context.Context, r Round, id string) bool {
	e, err := s.Entries.Get(ctx, id)
	if err != nil {
		return false
	}
	if r.Kind == Final {
		if err := s.Entries.SetFinalist(ctx, id, true); err != nil {
			return false
		}
		e.Finalist = true
	}
	if r.Number == 1 {
		return true
	}
	err = s.Teller.Tell(ctx, messages.Advanced, e, notify.Note{Round: r.Title(), Key: e.ID + "|advanced|" + r.ID})
	return err == nil
}
