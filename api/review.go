package api

import (
	"context"
	"strings"

	"github.com/tryout/tryout/internal/entries"
	"github.com/tryout/tryout/internal/votes"
)

// ReviewView tells an entrant how many of their entry's votes are held for
// review, and why, in plain words. A machine held them: the note says so.
type ReviewView struct {
	Count   int64    `json:"count"`
	Because []string `json:"because"`
	Note    string   `json:"note"`
}

// NewReviewView describes held votes (nil when none are held).
func NewReviewView(h votes.Held) *ReviewView {
	if h.Total <= 0 {
		return nil
	}
	v := &ReviewView{Count: h.Total, Because: []string{}}
	for _, name := range votes.CheckNames() {
		if h.ByCheck[name] > 0 {
			v.Because = append(v.Because, votes.Plain(name))
		}
	}
	v.Note = reviewNote(h, v.Because)
	return v
}

// reviewNote says, in plain words, that a machine held the votes, why,
// and what happens next: votes held for automation count only when a
// person clears them.
func reviewNote(h votes.Held, because []string) string {
	it, is, counts, self := "them", "They are", "they count", "by themselves "
	if h.Total == 1 {
		it, is, counts, self = "it", "It is", "it counts", "by itself "
	}
	why := strings.Join(because, "; and ")
	if why == "" {
		why = "of how they were cast"
	}
	if h.ByCheck["automation"] == h.Total {
		return "Our automatic checks held " + it + " because " + why + ". " + is + " saved, but not in your public total: " + counts + " if the campaign team clears " + it + "."
	}
	return "Our automatic checks held " + it + " because " + why + ". " + is + " saved, but not in your public total yet: " + counts + " " + self +
		"once the pattern stops, or when the campaign team clears " + it + "."
}

// underReview fills in the held votes of the entrant's live entries
// (views[i] is list[i]'s view). A failure leaves them out: the list still
// shows.
func (a *API) underReview(ctx context.Context, list []entries.Entry, views []EntryView) {
	if a.Voting.Service == nil || a.Voting.Service.Gate == nil {
		return
	}
	byCampaign := map[string][]string{}
	for _, e := range list {
		if e.Status == entries.Live || e.Status == entries.Removed {
			byCampaign[e.CampaignID] = append(byCampaign[e.CampaignID], e.ID)
		}
	}
	held := map[string]votes.Held{}
	for cid, ids := range byCampaign {
		got, err := a.Voting.Service.Held(ctx, cid, ids...)
		if err != nil {
			a.Log.Warn("api: held votes not read", "campaign", cid, "err", err)
			continue
		}
		for id, h := range got {
			held[id] = h
		}
	}
	for i := range views {
		views[i].UnderReview = NewReviewView(held[views[i].ID])
	}
}
