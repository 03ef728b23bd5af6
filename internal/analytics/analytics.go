// Package analytics counts a campaign's funnel as its events happen: landing
// visits, sign-in links, drafts, uploads, live entries, votes and what
// share links brought. Counters are pre-aggregated in Redis per campaign
// (totals, one hash per UTC day, one per source), so the analytics page
// reads a few hashes and never scans ballots or entries. Where a visitor
// came from (the referring site or the link's UTM parameters) is captured
// at landing in a first-party cookie, put in the request context by the
// edges, and credited to every step that visitor takes; an entry keeps its
// source, so its going live is credited too.
package analytics

import (
	"context"
	"strings"
)

// Step is one counted event of the funnel, or a vote-integrity figure.
type Step string

// The funnel, in order.
const (
	Visits           Step = "visits"            // landing page, once per visitor per day
	Links            Step = "links"             // sign-in links sent from the campaign
	Drafts           Step = "drafts"            // entries saved before any upload
	UploadsStarted   Step = "uploads_started"   // once per entry
	UploadsCompleted Step = "uploads_completed" // once per entry: the video is stored
	Live             Step = "live"              // once per entry: first time live
	Votes            Step = "votes"             // ballots counted
	ShareVisits      Step = "share_visits"      // visits through a personal share link (once per visitor and link a day)
	ShareEntries     Step = "share_entries"     // entries those links brought
	ShareVotes       Step = "share_votes"       // votes those links brought
)

// Vote-integrity figures, counted with the ballots.
const (
	// VotesFlagged are counted ballots with a sign fraud review looks for
	// on a single ballot: no page view or under 2 s, an automation browser.
	VotesFlagged Step = "votes_flagged"
	// VotesDiscounted is the net of ballots discounted minus restored by
	// fraud review.
	VotesDiscounted Step = "votes_discounted"
	VotesVerified   Step = "votes_verified"   // cast by a signed-in voter
	VotesChallenged Step = "votes_challenged" // cast after solving a proof of work
)

// Funnel lists the funnel's steps in order.
var Funnel = []Step{Visits, Links, Drafts, UploadsStarted, UploadsCompleted, Live, Votes, ShareVisits, ShareEntries, ShareVotes}

// Label is a step's name for people.
func (s Step) Label() string {
	switch s {
	case Visits:
		return "Landing visits"
	case Links:
		return "Sign-in links sent"
	case Drafts:
		return "Drafts"
	case UploadsStarted:
		return "Uploads started"
	case UploadsCompleted:
		return "Uploads completed"
	case Live:
		return "Live entries"
	case Votes:
		return "Votes counted"
	case ShareVisits:
		return "Share-link visits"
	case ShareEntries:
		return "Entries from shares"
	case ShareVotes:
		return "Votes from shares"
	}
	return strings.ReplaceAll(string(s), "_", " ")
}

// Events is what the places that count call. Subject names what must be
// counted once ("" counts every call): the entry for entry steps.
type Events interface {
	Count(ctx context.Context, campaignID string, step Step, subject string) error
}

type ctxKey struct{}

type attribution struct{ campaignID, source string }

// WithSource returns ctx carrying where the visitor came from when they
// landed on a campaign (see SourceOf).
func WithSource(ctx context.Context, campaignID, source string) context.Context {
	if campaignID == "" || source == "" {
		return ctx
	}
	return context.WithValue(ctx, ctxKey{}, attribution{campaignID, source})
}

// SourceFor is the source in ctx when it was captured for this campaign.
func SourceFor(ctx context.Context, campaignID string) string {
	if a, ok := ctx.Value(ctxKey{}).(attribution); ok && a.campaignID == campaignID {
		return a.source
	}
	return ""
}
