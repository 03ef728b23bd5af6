package votes

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/tryout/tryout/internal/ids"
)

// Ballots is what the service needs of the ballot store.
type Ballots interface {
	Voted(ctx context.Context, entryID, voter, period string) (bool, error)
	ByVoter(ctx context.Context, campaignID, voter, period string) ([]Ballot, error)
}

// Tally keeps the fast counters (the gallery card and its Top order).
type Tally interface {
	AddVotes(ctx context.Context, campaignID, entryID string, n int64) error
}

// Service casts votes.
type Service struct {
	Commit interface {
		Insert(ctx context.Context, b Ballot) error
	}
	Ballots Ballots
	Tally   Tally
	// Days counts the votes cast each day per entry (the entrant's
	// dashboard); the journal design counts them in its script instead.
	Days interface {
		AddDay(ctx context.Context, entryID, field string, n int64, at time.Time) error
	}
	// Journal, when set, decides and records votes in Redis (see Journal);
	// Commit and Ballots are then not used to cast.
	Journal *Journal
	Now     func() time.Time
	// OnTallyError is told when a durable ballot could not be added to the
	// counters (reconcile mends them).
	OnTallyError func(b Ballot, err error)
}

// Target is what a vote is for.
type Target struct {
	CampaignID string
	EntryID    string
	EntrantID  string // who made the entry
	Live       bool
}

// Voter is who votes.
type Voter struct {
	ID       string // "e:" entrant id or "d:" device id
	Verified bool
}

// Cast is the outcome of a vote.
type Cast struct {
	Ballot    Ballot
	NextAt    time.Time // when this voter may vote for this entry again (zero: never)
	Remaining int       // votes left in this period (campaign scope)
	Votes     int64     // the entry's total after the vote; -1 when not known
}

// AlreadyVotedError carries when the voter may vote again.
type AlreadyVotedError struct {
	Err    error // ErrAlreadyVoted or ErrNoVotesLeft
	NextAt time.Time
}

func (e *AlreadyVotedError) Error() string { return e.Err.Error() }
func (e *AlreadyVotedError) Unwrap() error { return e.Err }

// Vote casts one vote under the rules. The ballot is durable when it
// returns nil; a duplicate is AlreadyVotedError.
func (s *Service) Vote(ctx context.Context, r Rules, t Target, v Voter, sig Signals) (Cast, error) {
	now := s.Now()
	r = r.Defaults()
	switch {
	case !r.Open(now):
		return Cast{}, ErrVotingClosed
	case !t.Live:
		return Cast{}, ErrNotVotable
	case r.Identity == Verified && !v.Verified:
		return Cast{}, ErrVerifyRequired
	case !r.SelfVote && t.EntrantID != "" && v.ID == "e:"+t.EntrantID:
		return Cast{}, ErrSelfVote
	}
	period, next := r.Period(now)
	b := Ballot{ID: ids.New("bl_"), CampaignID: t.CampaignID, EntryID: t.EntryID, Voter: v.ID, Verified: v.Verified,
		Period: period, At: now, Signals: sig}
	slots := 1
	if r.Scope == PerCampaign {
		slots = r.PerPeriod
	}
	if s.Journal != nil {
		b.Key = keyBase(r, t.CampaignID, t.EntryID, v.ID, period)
		slot, total, err := s.Journal.cast(ctx, r, b, keepFor(r, now, next))
		switch {
		case errors.Is(err, ErrAlreadyVoted), errors.Is(err, ErrNoVotesLeft):
			return Cast{}, &AlreadyVotedError{err, next}
		case err != nil:
			return Cast{}, err
		}
		b.Key = Key(r, t.CampaignID, t.EntryID, v.ID, period, slot)
		return Cast{Ballot: b, NextAt: next, Remaining: slots - min(slot, slots), Votes: total}, nil
	}
	for slot := 1; slot <= slots; slot++ {
		b.Key = Key(r, t.CampaignID, t.EntryID, v.ID, period, slot)
		err := s.Commit.Insert(ctx, b)
		if err == nil {
			s.tally(ctx, b)
			return Cast{Ballot: b, NextAt: next, Remaining: slots - slot, Votes: -1}, nil
		}
		if !errors.Is(err, ErrDuplicate) {
			return Cast{}, err
		}
		if slots == 1 {
			return Cast{}, &AlreadyVotedError{ErrAlreadyVoted, next}
		}
		// Campaign scope: the slot is taken, or this entry already has the
		// voter's vote this period (the second unique index).
		voted, err := s.Ballots.Voted(ctx, t.EntryID, v.ID, period)
		if err != nil {
			return Cast{}, err
		}
		if voted {
			return Cast{}, &AlreadyVotedError{ErrAlreadyVoted, next}
		}
	}
	return Cast{}, &AlreadyVotedError{ErrNoVotesLeft, next}
}

func (s *Service) tally(ctx context.Context, b Ballot) {
	if err := s.Tally.AddVotes(ctx, b.CampaignID, b.EntryID, 1); err != nil && s.OnTallyError != nil {
		s.OnTallyError(b, err)
	}
	if s.Days != nil {
		if err := s.Days.AddDay(ctx, b.EntryID, "votes", 1, b.At); err != nil && s.OnTallyError != nil {
			s.OnTallyError(b, err)
		}
	}
}

// Standing is a voter's position in a campaign's current period.
type Standing struct {
	Period    string
	Voted     []string // entry ids voted for in this period
	Remaining int      // votes left in the period (campaign scope; per entry: 1 for each entry not in Voted)
	NextAt    time.Time
}

// Standing tells a voter what they have left.
func (s *Service) Standing(ctx context.Context, r Rules, campaignID string, v Voter) (Standing, error) {
	r = r.Defaults()
	period, next := r.Period(s.Now())
	st := Standing{Period: period, NextAt: next, Voted: []string{}}
	if s.Journal != nil {
		voted, err := s.Journal.voted(ctx, campaignID, v.ID, period)
		if err != nil {
			return Standing{}, err
		}
		st.Voted = append(st.Voted, voted...)
	} else {
		bs, err := s.Ballots.ByVoter(ctx, campaignID, v.ID, period)
		if err != nil {
			return Standing{}, fmt.Errorf("votes: standing: %w", err)
		}
		for _, b := range bs {
			st.Voted = append(st.Voted, b.EntryID)
		}
	}
	slices.Sort(st.Voted)
	st.Remaining = 1
	if r.Scope == PerCampaign {
		st.Remaining = max(r.PerPeriod-len(st.Voted), 0)
	}
	return st, nil
}
