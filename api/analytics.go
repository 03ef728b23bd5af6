package api

import (
	"context"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/tryout/tryout/internal/analytics"
)

// Analytics counts the funnel steps the API sees: sign-in links asked for
// from a campaign, and the source credit of votes (the ballot itself is
// counted when it is stored).
type Analytics interface {
	Count(ctx context.Context, campaignID string, step analytics.Step, subject string) error
	Credit(ctx context.Context, campaignID string, step analytics.Step) error
}

// attribution puts where the visitor came from (the landing page's
// first-party cookie) in the request context, for every step they take.
func (a *API) attribution(c *gin.Context) {
	if ck, err := c.Request.Cookie(analytics.CookieName); err == nil {
		if campaignID, source, ok := analytics.ParseCookie(ck.Value); ok {
			c.Request = c.Request.WithContext(analytics.WithSource(c.Request.Context(), campaignID, source))
		}
	}
	c.Next()
}

// countLink counts a sign-in link sent from a campaign's page (next is
// /c/{slug}...); links asked for elsewhere belong to no campaign.
func (a *API) countLink(c *gin.Context, next string) {
	rest, ok := strings.CutPrefix(next, "/c/")
	if !ok || a.Analytics == nil {
		return
	}
	slug, _, _ := strings.Cut(rest, "/")
	slug, _, _ = strings.Cut(slug, "?")
	cp, err := a.Campaigns.GetBySlug(c, slug)
	if err != nil {
		return // not a campaign: nothing to count
	}
	if err := a.Analytics.Count(c, cp.ID, analytics.Links, ""); err != nil {
		a.Log.Warn("api: analytics not counted", "step", analytics.Links, "err", err)
	}
}
