package votes

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/tryout/tryout/internal/ids"
)

// Ballots is what the service needs of the ballot store.
type Ballots interface {
	Voted(ctx context.Context, entryID, voter, period string) (bool, error)
	ByVoter(ctx context.Context, campaignID, voter, period string) ([]Ballot, error)
	// RequestOf is the idempotency key the voter's ballot for the entry
	// in the period came with ("" when none, found false when no ballot),
	// and the checks holding it (none when it counts).
	RequestOf(ctx context.Context, entryID, voter, period string) (request string, hold []string, found bool, err error)
}

// Tally keeps the fast counters (the gallery card and its Top order).
type Tally interface {
	AddVotes(ctx context.Context, campaignID, entryID string, n int64) error
}

// Service casts votes.
type Service struct {
	// Gate checks every vote in Redis and, with a journal, records it.
	Gate *Gate
	// Commit writes ballots to MongoDB (group commit) when the gate has no
	// journal; Ballots then answers Standing.
	Commit interface {
		Insert(ctx context.Context, b Ballot) error
	}
	Ballots Ballots
	Tally   Tally
	// Days counts the votes cast each day per entry (the entrant's
	// dashboard); with a journal the drain counts them instead.
	Days interface {
		AddDay(ctx context.Context, entryID, field string, n int64, at time.Time) error
	}
	// Figures names more counters each counted ballot adds to (the
	// campaign's analytics); with a journal the drain adds them instead.
	Figures func(b Ballot) []Figure
	Now     func() time.Time
	// OnTallyError is told when a durable ballot could not be added to the
	// counters (reconcile mends them).
	OnTallyError func(b Ballot, err error)
	// After is told of every vote counted now (see AfterCount); nil: none.
	After AfterCount
}

// Target is what a vote is for.
type Target struct {
	CampaignID string
	EntryID    string
	EntrantID  string // who made the entry
	Live       bool
}

// Voter is who votes, and what they proved.
type Voter struct {
	ID       string // "e:" entrant id or "d:" device id
	Verified bool   // confirmed their email (signed in with an emailed link)
	Proof    *Proof // a solved proof-of-work challenge for this vote, if any
	// Request is the client's idempotency key for this vote ("": none): a
	// retry with the key of a vote that was counted gets that vote's
	// outcome back (Cast.Replayed) and counts nothing again.
	Request string
	// Referral is the share link the voter arrived through ("": none);
	// a counted vote credits it (see AfterCount).
	Referral string
}

// Cast is the outcome of a vote.
type Cast struct {
	Ballot    Ballot
	NextAt    time.Time // when this voter may vote for this entry again (zero: never)
	Remaining int       // votes left in this period (campaign scope)
	Votes     int64     // the entry's total after the vote; -1 when not known
	// Replayed: this was a retry of a vote already counted (same voter,
	// entry, period and idempotency key); nothing was counted now, and
	// Ballot holds only what the retry knows.
	Replayed bool
	// Held names the checks that held the vote: it is recorded, and will
	// count once cleared, but is not in the public total (Votes is then
	// -1). Zero: it counts now.
	Held Checks
}

// AlreadyVotedError carries when the voter may vote again.
type AlreadyVotedError struct {
	Err    error // ErrAlreadyVoted or ErrNoVotesLeft
	NextAt time.Time
}

func (e *AlreadyVotedError) Error() string { return e.Err.Error() }
func (e *AlreadyVotedError) Unwrap() error { return e.Err }

// Vote casts one vote under the rules. The ballot is durable when it
// returns nil. A duplicate is AlreadyVotedError; a vote over its
// address's limits is LimitedError; one that looks automated and brings
// no proof is ChallengeError; an entry not in the gallery ErrNotVotable.
// A vote that counts now (not a replay, not held) is then handed to
// After, whichever edge cast it.
func (s *Service) Vote(ctx context.Context, r Rules, t Target, v Voter, sig Signals) (Cast, error) {
	c, err := s.vote(ctx, r, t, v, sig)
	if err == nil && !c.Replayed && c.Held == 0 && s.After != nil {
		s.After.Counted(ctx, CountedVote{Target: t, Voter: v, Ballot: c.Ballot, Votes: c.Votes,
			Milestone: c.Votes > 0 && r.MilestoneAt(c.Votes)})
	}
	return c, err
}

func (s *Service) vote(ctx context.Context, r Rules, t Target, v Voter, sig Signals) (Cast, error) {
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
		Period: period, At: now, Signals: sig, Request: v.Request}
	slots := 0
	if r.Scope == PerCampaign {
		slots = r.PerPeriod
	}
	journal := s.Gate.Journal != nil
	if !journal && v.Request != "" {
		// Without voter records in Redis the ballot in MongoDB says
		// whether this is a retry of a counted vote (before the gate,
		// which would count the retry against the limits again).
		if c, ok, err := s.replay(ctx, b, slots, next); err != nil || ok {
			return c, err
		}
	}
	checks := AllChecks &^ r.ChecksOff
	gv := gateVote{entryID: t.EntryID, campaignID: t.CampaignID, ipHash: sig.IPHash, subnetHash: sig.SubnetHash,
		voter: v.ID, reasons: pageReasons(sig), verified: v.Verified, proof: v.Proof, slots: slots,
		voterKey: voterKey(t.CampaignID, v.ID, period), keep: keepFor(r, now, next), at: now, request: v.Request,
		sincePage: sig.SincePageMS, checks: checks}
	if s.Gate.Limits.Automation && checks.Has(CheckAutomation) && automated(sig) {
		gv.hold = CheckAutomation
	}
	if entrant, ok := strings.CutPrefix(v.ID, "e:"); ok && !r.SelfVote {
		gv.ownerCheck = entrant
	}
	if journal {
		gv.record = journalRecord(b)
	}
	res, err := s.Gate.pass(ctx, gv)
	switch {
	case errors.Is(err, ErrAlreadyVoted), errors.Is(err, ErrNoVotesLeft):
		return Cast{}, &AlreadyVotedError{err, next}
	case err != nil:
		return Cast{}, err
	case res.replayed:
		votes := res.votes
		if res.hold != 0 {
			votes = -1
		}
		return Cast{Ballot: b, NextAt: next, Remaining: max(slots-res.slot, 0), Votes: votes, Replayed: true, Held: res.hold}, nil
	}
	b.Signals.Challenge = res.challenge
	b.Held, b.Hold = res.hold != 0, res.hold.Names()
	if journal {
		b.Key = ballotKey(slots > 0, t.CampaignID, t.EntryID, v.ID, period, res.slot)
		return Cast{Ballot: b, NextAt: next, Remaining: max(slots-res.slot, 0), Votes: res.votes, Held: res.hold}, nil
	}
	return s.commit(ctx, b, max(slots, 1), next)
}

// pageReasons are the signs of automation a vote carries before Redis
// sees it: no page view, or a vote within two seconds of it.
func pageReasons(sig Signals) int64 {
	switch {
	case sig.SincePageMS < 0:
		return 1
	case sig.SincePageMS < 2000:
		return 2
	}
	return 0
}

// automated reports whether the browser says it is automated: the page
// reported navigator.webdriver, or the User-Agent calls itself headless.
func automated(sig Signals) bool {
	return sig.Automation != "" || sig.UAFamily == "headless"
}

// commit writes a ballot the gate let through to MongoDB, trying each of
// the period's slots in turn (the unique indexes decide), then counts it.
func (s *Service) commit(ctx context.Context, b Ballot, slots int, next time.Time) (Cast, error) {
	for slot := 1; slot <= slots; slot++ {
		b.Key = ballotKey(slots > 1, b.CampaignID, b.EntryID, b.Voter, b.Period, slot)
		err := s.Commit.Insert(ctx, b)
		if err == nil {
			s.tally(ctx, b)
			c := Cast{Ballot: b, NextAt: next, Remaining: slots - slot, Votes: -1}
			c.Held, _ = ParseChecks(b.Hold)
			return c, nil
		}
		if !errors.Is(err, ErrDuplicate) {
			return Cast{}, err
		}
		if c, ok, err := s.replay(ctx, b, slots, next); err != nil || ok {
			return c, err
		}
		if slots == 1 {
			return Cast{}, &AlreadyVotedError{ErrAlreadyVoted, next}
		}
		// Campaign scope: the slot is taken, or this entry already has the
		// voter's vote this period (the second unique index).
		voted, err := s.Ballots.Voted(ctx, b.EntryID, b.Voter, b.Period)
		if err != nil {
			return Cast{}, err
		}
		if voted {
			return Cast{}, &AlreadyVotedError{ErrAlreadyVoted, next}
		}
	}
	return Cast{}, &AlreadyVotedError{ErrNoVotesLeft, next}
}

// replay reports whether b retries a counted vote: the voter's ballot for
// the entry in the period came with the same idempotency key. slots is
// the period's votes per voter in campaign scope (0 per entry).
func (s *Service) replay(ctx context.Context, b Ballot, slots int, next time.Time) (Cast, bool, error) {
	if b.Request == "" {
		return Cast{}, false, nil
	}
	req, hold, found, err := s.Ballots.RequestOf(ctx, b.EntryID, b.Voter, b.Period)
	if err != nil || !found || req != b.Request {
		return Cast{}, false, err
	}
	c := Cast{Ballot: b, NextAt: next, Votes: -1, Replayed: true}
	c.Held, _ = ParseChecks(hold)
	if slots > 0 {
		bs, err := s.Ballots.ByVoter(ctx, b.CampaignID, b.Voter, b.Period)
		if err != nil {
			return Cast{}, false, fmt.Errorf("votes: replay: %w", err)
		}
		c.Remaining = max(slots-len(bs), 0)
	}
	return c, true, nil
}

func (s *Service) tally(ctx context.Context, b Ballot) {
	if b.Held {
		// Out of the public totals until cleared: the held count instead.
		if err := addHeld(ctx, s.Gate.Redis, b.CampaignID, b.EntryID, 1, b.Hold); err != nil && s.OnTallyError != nil {
			s.OnTallyError(b, err)
		}
		return
	}
	if err := s.Tally.AddVotes(ctx, b.CampaignID, b.EntryID, 1); err != nil && s.OnTallyError != nil {
		s.OnTallyError(b, err)
	}
	if s.Days != nil {
		if err := s.Days.AddDay(ctx, b.EntryID, "votes", 1, b.At); err != nil && s.OnTallyError != nil {
			s.OnTallyError(b, err)
		}
	}
	if fs := s.figures(b); len(fs) > 0 {
		p := s.Gate.Redis.Pipeline()
		for _, f := range fs {
			p.HIncrBy(ctx, f.Key, f.Field, 1)
		}
		if _, err := p.Exec(ctx); err != nil && s.OnTallyError != nil {
			s.OnTallyError(b, err)
		}
	}
}

func (s *Service) figures(b Ballot) []Figure {
	if s.Figures == nil || s.Gate == nil {
		return nil
	}
	return s.Figures(b)
}

// Figure is one Redis hash field a counted ballot adds one to.
type Figure struct{ Key, Field string }

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
	if j := s.Gate.Journal; j != nil {
		voted, err := j.voted(ctx, campaignID, v.ID, period)
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
