package api

import (
	"context"

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
	v := &ReviewView{Count: h.Total, Because: []string{}, Note: reviewNote}
	for _, name := range votes.CheckNames() {
		if h.ByCheck[name] > 0 {
			v.Because = append(v.Because, votes.Plain(name))
		}
	}
	return v
}

// reviewNote is what happens to held votes.
const reviewNote = "Our automatic checks held these votes: they are saved, but not in your public total yet. " +
	"They count by themselves once the pattern that held them stops, or when the campaign team clears them."

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
