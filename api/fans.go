package api

import (
	"errors"
	"math/rand/v2"
	"net/http"
	"strconv"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"github.com/tryout/tryout/internal/captions"
	"github.com/tryout/tryout/internal/entries"
	"github.com/tryout/tryout/internal/gallery"
	"github.com/tryout/tryout/internal/httpx"
	"github.com/tryout/tryout/internal/ids"
	"github.com/tryout/tryout/internal/present"
	"github.com/tryout/tryout/internal/problem"
	"github.com/tryout/tryout/internal/ratelimit"
	"github.com/tryout/tryout/internal/referrals"
	"github.com/tryout/tryout/internal/views"
	"github.com/tryout/tryout/internal/webauth"
)

// Fans holds what the fan-facing endpoints need (gallery, views, share
// links, captions), kept apart from the entrant API's fields.
type Fans struct {
	Gallery   *gallery.Index
	Views     *views.Counter
	ViewLimit *ratelimit.Limiter // counted-view claims per client address and entry
	Referrals *referrals.Service
	PublicURL string
	// Captions stores uploaded WebVTT files next to the renditions.
	Captions *captions.Service
}

// CardView is one gallery card in JSON: public fields only.
type CardView struct {
	ID          string  `json:"id"`
	Title       string  `json:"title"`
	CreatorName string  `json:"creator_name,omitempty"`
	URL         string  `json:"url"`
	Poster      string  `json:"poster,omitempty"`
	Preview     string  `json:"preview,omitempty"`
	Duration    float64 `json:"duration_seconds"`
	Views       int64   `json:"views"`
	Votes       *int64  `json:"votes,omitempty"` // absent while the campaign hides totals
}

// gallery serves a page of a campaign's gallery as JSON: sort (shuffle,
// top, new), q (search), cursor, seed (for shuffle), limit (1-100).
func (a *API) gallery(c *gin.Context) {
	cp, err := a.Campaigns.GetBySlug(c, c.Param("slug"))
	if err != nil {
		httpx.Fail(c, a.Log, translate(err))
		return
	}
	seed, _ := strconv.ParseUint(c.Query("seed"), 10, 64)
	if seed == 0 { // a new visitor: their own order, returned so they can page through it
		seed = uint64(rand.IntN(4096)) + 1
	}
	limit, _ := strconv.Atoi(c.Query("limit"))
	q := gallery.Query{CampaignID: cp.ID, Order: gallery.ParseOrder(c.Query("sort")), Search: c.Query("q"), Cursor: c.Query("cursor"), Seed: seed, Limit: limit}
	hidden := cp.VoteRules().TotalsHidden(a.Now())
	if hidden && q.Order == gallery.Top {
		httpx.Fail(c, a.Log, httpx.E(http.StatusForbidden, "totals_hidden", "This campaign keeps vote totals secret until voting closes, so there is no Top order yet."))
		return
	}
	if utf8.RuneCountInString(q.Search) > 100 {
		httpx.Fail(c, a.Log, httpx.E(http.StatusBadRequest, "query_too_long", "Search with up to 100 characters."))
		return
	}
	page, err := a.Fans.Gallery.Page(c, q)
	if errors.Is(err, gallery.ErrBadCursor) {
		httpx.Fail(c, a.Log, httpx.E(http.StatusBadRequest, "bad_cursor", "That page cursor is not valid; start again without it."))
		return
	}
	if err != nil {
		httpx.Fail(c, a.Log, err)
		return
	}
	out := gin.H{"entries": cardViews(page.Cards, a.Fans.PublicURL, hidden), "next_cursor": page.Next, "total": page.Total}
	if q.Order == gallery.Shuffle {
		out["seed"] = strconv.FormatUint(seed, 10)
	}
	c.Header("Cache-Control", "public, max-age=5")
	c.JSON(http.StatusOK, out)
}

func cardViews(cards []gallery.Card, publicURL string, hideVotes bool) []CardView {
	out := make([]CardView, 0, len(cards))
	for _, c := range cards {
		v := CardView{c.ID, c.Title, c.CreatorName, publicURL + "/e/" + c.ID, c.Poster, c.Preview, c.DurationSeconds, c.Views, nil}
		if !hideVotes {
			v.Votes = &c.Votes
		}
		out = append(out, v)
	}
	return out
}

// startView issues the token the player claims a view with once the viewer
// has watched long enough. Only live entries count, and an entrant's own
// plays never do.
func (a *API) startView(c *gin.Context) {
	e, ok := a.liveEntry(c)
	if !ok {
		return
	}
	if e.OwnedBy(entrantID(c)) {
		c.JSON(http.StatusOK, gin.H{"token": "", "counts": false})
		return
	}
	c.JSON(http.StatusOK, gin.H{"token": a.Fans.Views.Start(e.ID, a.Sessions.Visitor(c)), "counts": true,
		"after_seconds": a.Fans.Views.MinWatch.Seconds()})
}

type viewInput struct {
	Token string `json:"token"`
}

// claimView counts the view if the token is good and old enough.
func (a *API) claimView(c *gin.Context) {
	var in viewInput
	if err := httpx.BindJSON(c, &in); err != nil {
		httpx.Fail(c, a.Log, err)
		return
	}
	id := c.Param("id")
	if !ids.Valid(entries.IDPrefix, id) {
		httpx.Fail(c, a.Log, translate(entries.ErrNotFound))
		return
	}
	viewer := webauth.KnownVisitor(c)
	if l := a.Fans.ViewLimit; l != nil {
		if ok, _, err := l.Allow(c, a.HashIP(c.ClientIP())+":"+id); err == nil && !ok {
			c.JSON(http.StatusOK, gin.H{"counted": false}) // enough from this address for now; not an error to the viewer
			return
		}
	}
	counted, err := a.Fans.Views.Claim(c, id, viewer, in.Token)
	switch {
	case errors.Is(err, views.ErrBadToken):
		httpx.Fail(c, a.Log, httpx.E(http.StatusBadRequest, "view_token_invalid", "This view token is not valid for this video."))
	case errors.Is(err, views.ErrTooSoon):
		httpx.Fail(c, a.Log, httpx.E(http.StatusConflict, "view_too_soon", "Keep watching: a view counts after a few seconds."))
	case err != nil:
		httpx.Fail(c, a.Log, err)
	default:
		c.JSON(http.StatusOK, gin.H{"counted": counted})
	}
}

// shareLink returns the visitor's personal link to a live entry: the same
// link every time for the same sharer.
func (a *API) shareLink(c *gin.Context) {
	e, ok := a.liveEntry(c)
	if !ok {
		return
	}
	l, err := a.Fans.Referrals.LinkFor(c, a.Sessions.Visitor(c), e.ID, e.CampaignID)
	if err != nil {
		httpx.Fail(c, a.Log, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"code": l.Code, "url": a.Fans.PublicURL + "/e/" + e.ID + "?ref=" + l.Code})
}

// ShareStats is one of my share links and what it brought.
type ShareStats struct {
	EntryID string `json:"entry_id"`
	URL     string `json:"url"`
	Clicks  int64  `json:"clicks"`
	Entries int64  `json:"entries"`
	Votes   int64  `json:"votes"`
}

// myShareLinks lists the signed-in entrant's share links with their counts.
func (a *API) myShareLinks(c *gin.Context) {
	links, err := a.Fans.Referrals.Store.BySharer(c, "e:"+entrantID(c))
	if err != nil {
		httpx.Fail(c, a.Log, err)
		return
	}
	out := []ShareStats{}
	for _, l := range links {
		out = append(out, ShareStats{l.EntryID, a.Fans.PublicURL + "/e/" + l.EntryID + "?ref=" + l.Code, l.Clicks, l.Entries, l.Votes})
	}
	c.JSON(http.StatusOK, gin.H{"links": out})
}

// credit credits the share link the visitor arrived through (the ref
// cookie), if it is for this campaign, with an entry by actor. Votes are
// credited by the votes service (votes.Effects).
func (a *API) credit(c *gin.Context, campaignID string, kind referrals.Kind, actor string) {
	code := refCode(c)
	if code == "" || a.Fans.Referrals == nil {
		return
	}
	if _, err := a.Fans.Referrals.CreditFor(c, code, campaignID, kind, actor); err != nil {
		a.Log.Error("api: referral credit", "link", code, "kind", kind, "err", err)
	}
}

// refCode is the share link the visitor arrived through ("": none).
func refCode(c *gin.Context) string {
	ck, err := c.Request.Cookie(present.RefCookie)
	if err != nil {
		return ""
	}
	return ck.Value
}

// putCaptions stores the entrant's WebVTT captions for their entry
// (captions.Service.Put has the rules).
func (a *API) putCaptions(c *gin.Context) {
	e, err := a.Entries.Get(c, c.Param("id"))
	if err != nil || !e.OwnedBy(entrantID(c)) {
		httpx.Fail(c, a.Log, translate(entries.ErrNotFound))
		return
	}
	key, err := a.Fans.Captions.Put(c, e, c.Request.Body)
	if err != nil {
		httpx.Fail(c, a.Log, translateCaptions(err))
		return
	}
	c.JSON(http.StatusOK, gin.H{"captions_vtt": e.MediaPath(key)})
}

// translateCaptions answers a refused captions file.
func translateCaptions(err error) error {
	switch {
	case errors.Is(err, captions.ErrLocked):
		return httpx.E(http.StatusConflict, "captions_locked", problem.TextOf(err, ""))
	case errors.Is(err, captions.ErrNotReady):
		return httpx.E(http.StatusConflict, "video_not_ready", problem.TextOf(err, ""))
	case errors.Is(err, captions.ErrTooLarge):
		return httpx.E(http.StatusRequestEntityTooLarge, "captions_too_large", problem.TextOf(err, ""))
	case errors.Is(err, captions.ErrInvalid):
		return httpx.E(http.StatusBadRequest, "invalid_captions", problem.TextOf(err, ""))
	case errors.Is(err, captions.ErrCutOff):
		return httpx.E(http.StatusBadRequest, "invalid_request", problem.TextOf(err, ""))
	}
	return translate(err)
}

// liveEntry loads the route's entry if it is live, or answers 404.
func (a *API) liveEntry(c *gin.Context) (entries.Entry, bool) {
	id := c.Param("id")
	var e entries.Entry
	err := entries.ErrNotFound
	if ids.Valid(entries.IDPrefix, id) {
		e, err = a.Entries.Get(c, id)
	}
	if err == nil && e.Status != entries.Live {
		err = entries.ErrNotFound
	}
	if err != nil {
		httpx.Fail(c, a.Log, translate(err))
		return entries.Entry{}, false
	}
	return e, true
}
