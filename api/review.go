package api

import (
	"context"

	"github.com/tryout/tryout/internal/entries"
	"github.com/tryout/tryout/internal/i18n"
	"github.com/tryout/tryout/internal/present"
	"github.com/tryout/tryout/internal/votes"
)

// underReview fills in the held votes of the entrant's live entries
// (views[i] is list[i]'s view). A failure leaves them out: the list still
// shows.
func (a *API) underReview(ctx context.Context, l i18n.Lang, list []entries.Entry, views []EntryView) {
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
		views[i].UnderReview = present.NewReviewView(l, held[views[i].ID])
	}
}
