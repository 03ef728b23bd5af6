// Package votes holds the voting rules of a campaign and the ballot: who
// may vote, for what, how often, and the key that makes a second ballot in
// the same period impossible. The unique index on that key in MongoDB is
// the final judge of duplicates; everything else (counters, leaderboards)
// is derived from ballots and can be recomputed from them.
package votes

import (
	"errors"
	"fmt"
	"strconv"
	"time"
)

// Errors callers can test with errors.Is.
var (
	ErrVotingClosed   = errors.New("votes: voting is not open")
	ErrAlreadyVoted   = errors.New("votes: already voted in this period")
	ErrNoVotesLeft    = errors.New("votes: no votes left in this period")
	ErrSelfVote       = errors.New("votes: entrants may not vote for their own entry")
	ErrNotVotable     = errors.New("votes: entry is not live")
	ErrVerifyRequired = errors.New("votes: this campaign needs a verified email to vote")
)

// Frequency is how often a voter may vote again.
type Frequency string

// The frequencies a campaign can choose.
const (
	Once   Frequency = "once"
	Hourly Frequency = "hour"
	Daily  Frequency = "day"
	Weekly Frequency = "week"
)

// Scope says what one vote per period is counted against.
type Scope string

// The scopes a campaign can choose.
const (
	PerEntry    Scope = "entry"    // one vote per entry per period
	PerCampaign Scope = "campaign" // N votes across the campaign per period, at most one per entry
)

// Identity is how voters prove who they are.
type Identity string

// The identity modes.
const (
	Device   Identity = "device" // a signed anonymous cookie
	Verified Identity = "email"  // a signed-in (email-verified) person
	Either   Identity = "both"   // either; a verified vote weighs the same
)

// Rules are a campaign's voting rules.
type Rules struct {
	OpensAt, ClosesAt time.Time // zero OpensAt: no voting
	Frequency         Frequency
	Scope             Scope
	PerPeriod         int // votes per period for PerCampaign (1 for PerEntry)
	Identity          Identity
	SelfVote          bool // entrants may vote for their own entries
	HideTotals        bool // totals hidden from the public until voting closes
	// Location is the campaign's time zone: days and weeks start at its
	// midnight (nil: UTC).
	Location *time.Location
	// ChecksOff are the automatic cluster checks the campaign switched off
	// (zero: every check on).
	ChecksOff Checks
	// Milestones are the vote totals that earn the entrant a message (see
	// AfterCount); none: no messages.
	Milestones []int
}

// MilestoneAt reports whether a public vote total is one of the milestones.
func (r Rules) MilestoneAt(votes int64) bool {
	for _, m := range r.Milestones {
		if int64(m) == votes {
			return true
		}
	}
	return false
}

// Defaults fills what a campaign left empty: daily, one per entry, device
// or email, no self votes.
func (r Rules) Defaults() Rules {
	if r.Frequency == "" {
		r.Frequency = Daily
	}
	if r.Scope == "" {
		r.Scope = PerEntry
	}
	if r.PerPeriod <= 0 || r.Scope == PerEntry {
		r.PerPeriod = 1
	}
	if r.Identity == "" {
		r.Identity = Either
	}
	return r
}

// Validate names what is wrong with the rules, field by field.
func (r Rules) Validate() map[string]string {
	fe := map[string]string{}
	switch r.Frequency {
	case "", Once, Hourly, Daily, Weekly:
	default:
		fe["vote_frequency"] = "must be once, hour, day or week"
	}
	switch r.Scope {
	case "", PerEntry, PerCampaign:
	default:
		fe["vote_scope"] = "must be entry or campaign"
	}
	if r.PerPeriod < 0 || r.PerPeriod > 100 {
		fe["votes_per_period"] = "must be between 1 and 100"
	}
	switch r.Identity {
	case "", Device, Verified, Either:
	default:
		fe["voter_identity"] = "must be device, email or both"
	}
	return fe
}

// TotalsHidden reports whether vote totals (and so the Top order) are
// hidden from the public at now: with HideTotals, until voting closes.
func (r Rules) TotalsHidden(now time.Time) bool {
	return r.HideTotals && now.Before(r.ClosesAt)
}

// Open reports whether voting is open at now.
func (r Rules) Open(now time.Time) bool {
	return !r.OpensAt.IsZero() && !now.Before(r.OpensAt) && now.Before(r.ClosesAt)
}

// Period returns the period now falls in (a label used in ballot keys) and
// when the next one starts (zero for Once). Periods are calendar hours,
// days and ISO weeks in the campaign's time zone (UTC when it sets none),
// so "come back tomorrow" means the campaign's midnight to every voter.
func (r Rules) Period(now time.Time) (label string, next time.Time) {
	loc := r.Location
	if loc == nil {
		loc = time.UTC
	}
	t := now.In(loc)
	switch r.Defaults().Frequency {
	case Once:
		return "once", time.Time{}
	case Hourly:
		// The local hour began this many minutes and seconds ago (zones
		// with half-hour offsets included); the label is its start in UTC,
		// so the hour repeated when clocks go back is still two periods.
		start := now.Add(-time.Duration(t.Minute())*time.Minute - time.Duration(t.Second())*time.Second - time.Duration(t.Nanosecond()))
		return start.UTC().Format("2006010215"), start.Add(time.Hour)
	case Weekly:
		y, w := t.ISOWeek()
		monday := t.AddDate(0, 0, -((int(t.Weekday()) + 6) % 7))
		return fmt.Sprintf("%04dW%02d", y, w), time.Date(monday.Year(), monday.Month(), monday.Day()+7, 0, 0, 0, 0, loc)
	}
	return t.Format("20060102"), time.Date(t.Year(), t.Month(), t.Day()+1, 0, 0, 0, 0, loc)
}

// Key is a ballot's uniqueness key: per entry, the voter's one vote for
// that entry in the period; per campaign, the voter's slot-th vote in the
// period (one insert per free slot decides who got which).
func Key(r Rules, campaignID, entryID, voter, period string, slot int) string {
	return ballotKey(r.Defaults().Scope == PerCampaign, campaignID, entryID, voter, period, slot)
}

func ballotKey(campaignScope bool, campaignID, entryID, voter, period string, slot int) string {
	if campaignScope {
		return campaignID + "|" + voter + "|" + period + "|" + strconv.Itoa(slot)
	}
	return entryID + "|" + voter + "|" + period
}

// Ballot is one vote.
type Ballot struct {
	ID         string
	Key        string // unique: the final judge of duplicates
	CampaignID string
	EntryID    string
	Voter      string // "e:" entrant id (verified) or "d:" device id
	Verified   bool
	Period     string
	At         time.Time
	Signals    Signals
	Request    string // the client's idempotency key ("": none)
	// Held ballots are kept and will count, but are out of every public
	// total until an automatic re-check or a person clears them; Hold
	// names the checks that held them (see Checks).
	Held      bool
	Hold      []string
	ClearedBy string // who cleared a held ballot: a staff id, or "auto"
	// Discounted ballots are kept but not counted.
	Discounted     bool
	DiscountReason string
	DiscountedBy   string
}

// Signals are what fraud review looks at, none of it personal: keyed
// hashes of the address and its subnet, the device, timing and browser
// family.
type Signals struct {
	IPHash      string
	SubnetHash  string // /24 for IPv4, /64 for IPv6
	Device      string
	UAFamily    string
	SincePageMS int64  // from the page view to the vote; -1 when unknown
	Challenge   string // "", "pow" when a proof of work was solved
	Automation  string // "webdriver" when the page reported navigator.webdriver
}
