// Package outreach is the campaign team talking to entrants: messages to
// one entrant or to a segment (all, live, finalists, top N by votes, ...)
// counted before they are sent, sent now or at a chosen time through the
// queue with a delivery status per recipient, and the entrants' replies.
package outreach

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/tryout/tryout/internal/entries"

	"github.com/tryout/tryout/internal/problem"
)

// Segment kinds.
const (
	All           = "all"            // everyone with an entry
	Live          = "live"           // a live entry
	NeedsChanges  = "needs_changes"  // an entry waiting for a change
	Rejected      = "rejected"       // an entry not accepted
	Finalists     = "finalists"      // an entry on the shortlist
	Winners       = "winners"        // an entry that won
	NonWinners    = "non_winners"    // entries, none of which won
	NeverUploaded = "never_uploaded" // started an entry but never sent a video
	Top           = "top"            // the N live entries with most votes
	Marketing     = "marketing"      // agreed to hear from the brand
	One           = "entrant"        // one entrant, from their page
	// Results is the announcement at close: each winner gets the winner
	// message, everyone else with an entry the campaign's thank-you.
	Results = "results"
)

// SegmentKinds lists the segments staff choose from, in the order shown.
var SegmentKinds = []string{All, Live, NeedsChanges, Rejected, Finalists, Winners, NonWinners, NeverUploaded, Top, Marketing}

// MaxTop bounds a top-N segment.
const MaxTop = 1000

// Segment says who a message goes to, within one campaign.
type Segment struct {
	Kind      string
	TopN      int    // for Top
	EntrantID string // for One
}

// Label is the segment as staff read it.
func (s Segment) Label() string {
	switch s.Kind {
	case All:
		return "Everyone who entered"
	case Live:
		return "Entrants with a live entry"
	case NeedsChanges:
		return "Entrants asked for a change"
	case Rejected:
		return "Entrants not accepted"
	case Finalists:
		return "Finalists"
	case Winners:
		return "Winners"
	case NonWinners:
		return "Everyone but the winners"
	case NeverUploaded:
		return "Started but never uploaded"
	case Top:
		return fmt.Sprintf("Top %d by votes", s.TopN)
	case Marketing:
		return "Agreed to marketing emails"
	case One:
		return "One entrant"
	case Results:
		return "Results: winners and a thank-you to everyone else"
	}
	return s.Kind
}

// Validate checks the segment.
func (s Segment) Validate() error {
	switch {
	case s.Kind == Top && (s.TopN < 1 || s.TopN > MaxTop):
		return problem.New(ErrInvalid, "Give a number from 1 to %d for the top entries.", MaxTop)
	case s.Kind == One && s.EntrantID == "":
		return problem.New(ErrInvalid, "No entrant chosen.")
	case s.Kind != One && s.Kind != Results && !slices.Contains(SegmentKinds, s.Kind):
		return problem.New(ErrInvalid, "No segment %q.", s.Kind)
	}
	return nil
}

// Recipient is one entrant a message goes to, with the entry their merge
// fields are taken from (their live entry with most votes, else their
// newest).
type Recipient struct {
	EntrantID string
	Entry     entries.Entry
}

// Select picks a segment's recipients from a campaign's entries (newest
// first, as stores list them) and its winners (entry ids). Each entrant is
// picked once.
func Select(seg Segment, list []entries.Entry, winners map[string]bool) []Recipient {
	byEntrant := map[string][]entries.Entry{}
	var order []string
	for _, e := range list {
		if e.EntrantID == "" {
			continue
		}
		if _, ok := byEntrant[e.EntrantID]; !ok {
			order = append(order, e.EntrantID)
		}
		byEntrant[e.EntrantID] = append(byEntrant[e.EntrantID], e)
	}
	if seg.Kind == Top {
		return top(list, seg.TopN)
	}
	var out []Recipient
	for _, id := range order {
		es := byEntrant[id]
		if in(seg, id, es, winners) {
			out = append(out, Recipient{id, best(es)})
		}
	}
	return out
}

func in(seg Segment, entrantID string, es []entries.Entry, winners map[string]bool) bool {
	any := func(f func(entries.Entry) bool) bool { return slices.ContainsFunc(es, f) }
	status := func(s entries.Status) bool { return any(func(e entries.Entry) bool { return e.Status == s }) }
	uploaded := func(e entries.Entry) bool { return e.Original.Key != "" }
	switch seg.Kind {
	case All:
		return true
	case Live, NeedsChanges, Rejected:
		return status(entries.Status(seg.Kind))
	case Finalists:
		return any(func(e entries.Entry) bool { return e.Finalist })
	case Winners:
		return any(func(e entries.Entry) bool { return winners[e.ID] })
	case NonWinners:
		return any(uploaded) && !any(func(e entries.Entry) bool { return winners[e.ID] })
	case NeverUploaded:
		return !any(uploaded) && !status(entries.Withdrawn)
	case Marketing:
		return any(func(e entries.Entry) bool {
			return slices.ContainsFunc(e.Consents, func(c entries.Consent) bool { return c.Kind == "marketing" && c.Accepted })
		})
	case One:
		return entrantID == seg.EntrantID
	case Results:
		return any(uploaded)
	}
	return false
}

// best is the entry an entrant's message is about: live with most votes,
// else the newest.
func best(es []entries.Entry) entries.Entry {
	b := es[0]
	for _, e := range es[1:] {
		if e.Status == entries.Live && (b.Status != entries.Live || e.Votes > b.Votes) {
			b = e
		}
	}
	return b
}

// top is the entrants of the n live entries with most votes (an entrant
// with two such entries is picked once, for the higher).
func top(list []entries.Entry, n int) []Recipient {
	live := slices.DeleteFunc(slices.Clone(list), func(e entries.Entry) bool { return e.Status != entries.Live || e.EntrantID == "" })
	slices.SortStableFunc(live, func(a, b entries.Entry) int { return cmp.Compare(b.Votes, a.Votes) })
	seen := map[string]bool{}
	var out []Recipient
	for _, e := range live[:min(n, len(live))] {
		if !seen[e.EntrantID] {
			seen[e.EntrantID] = true
			out = append(out, Recipient{e.EntrantID, e})
		}
	}
	return out
}
