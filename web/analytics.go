package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/tryout/tryout/internal/analytics"
)

// Visits counts landing visits (once per visitor and day).
type Visits interface {
	Visit(ctx context.Context, campaignID, visitor string) (bool, error)
}

// landed counts a visit to a campaign's landing page, crediting where the
// visitor came from: the link's UTM parameters or the referring site, kept
// for 30 days in a first-party cookie so the steps they take next (sign-in,
// draft, upload, vote) are credited to it too. A direct visit keeps an
// earlier source for the same campaign. No third party sees any of it.
func (w *Web) landed(c *gin.Context, campaignID string) {
	if w.Analytics == nil {
		return
	}
	own := ""
	if u, err := url.Parse(w.PublicURL); err == nil {
		own = u.Host
	}
	ctx := context.Context(c)
	if src := analytics.SourceOf(c.Request.URL, c.GetHeader("Referer"), own); src != "" {
		http.SetCookie(c.Writer, &http.Cookie{Name: analytics.CookieName, Value: analytics.CookieValue(campaignID, src), Path: "/",
			MaxAge: 30 * 24 * 3600, HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: strings.HasPrefix(w.PublicURL, "https://")})
		ctx = analytics.WithSource(ctx, campaignID, src)
	} else if ck, err := c.Request.Cookie(analytics.CookieName); err == nil {
		if cid, src, ok := analytics.ParseCookie(ck.Value); ok {
			ctx = analytics.WithSource(ctx, cid, src)
		}
	}
	if _, err := w.Analytics.Visit(ctx, campaignID, w.Sessions.Visitor(c)); err != nil {
		w.Log.Warn("web: landing visit not counted", "campaign", campaignID, "err", err)
	}
}
