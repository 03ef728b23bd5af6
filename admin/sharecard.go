package admin

import (
	"context"

	"github.com/tryout/tryout/internal/campaigns"
)

// drawCard draws the campaign's 1200x630 share card as soon as it is saved
// (its logo uploaded, its name or colour changed), so the first link
// anyone shares unfurls at once. A failure is logged: the public page draws
// the card on first request anyway.
func (a *Admin) drawCard(ctx context.Context, cp campaigns.Campaign) {
	if a.Cards == nil {
		return
	}
	o, err := a.Cards.Campaign(ctx, cp)
	if err != nil {
		a.Log.Warn("admin: draw share card", "campaign", cp.ID, "err", err)
		return
	}
	_ = o.Close()
}
