package web

import (
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"github.com/tryout/tryout/internal/campaigns"
	"github.com/tryout/tryout/internal/entries"
	"github.com/tryout/tryout/internal/httpx"
	"github.com/tryout/tryout/internal/present"
	"github.com/tryout/tryout/internal/sharecard"
)

// shareMeta is what a page's link unfurls into when it is pasted in a chat
// or a post (Open Graph and X card tags), and its canonical address.
type shareMeta struct {
	Type        string // website or video.other
	SiteName    string // the campaign's brand
	Title       string
	Description string
	URL         string // canonical, absolute
	Image       string // a 1200x630 card, absolute
	ImageType   string
	ImageAlt    string
	Video       string // an entry's MP4, absolute
	OEmbed      string // oEmbed discovery, where there is an embed
}

func (w *Web) shareRoutes(r gin.IRoutes, page func(gin.HandlerFunc) []gin.HandlerFunc) {
	r.POST("/signout", page(w.signout)...)
	r.GET("/c/:slug/card.png", w.campaignCard)
	r.GET("/e/:id/card.jpg", w.entryCard)
}

// campaignMeta is the card of a campaign's page (landing, gallery,
// leaderboard, winners): the campaign's drawn card, its brand, and the
// gallery widget as its embed.
func (w *Web) campaignMeta(cp campaigns.Campaign, path, title string) *shareMeta {
	u := w.PublicURL + path
	desc := summary(cp.Description, 200)
	if desc == "" {
		desc = cp.Lang().T("A video contest by %s: watch the entries, vote, and enter your own.", sharecard.Brand(cp))
	}
	return &shareMeta{Type: "website", SiteName: sharecard.Brand(cp), Title: title, Description: desc, URL: u,
		Image:     w.PublicURL + "/c/" + cp.Slug + "/card.png?v=" + sharecard.CampaignVersion(cp),
		ImageType: "image/png", ImageAlt: cp.Lang().T("%s, a video contest by %s", cp.Name, sharecard.Brand(cp)),
		OEmbed: w.PublicURL + "/oembed?format=json&url=" + url.QueryEscape(u)}
}

func (w *Web) leaderboardMeta(cp campaigns.Campaign) *shareMeta {
	return w.campaignMeta(cp, "/c/"+cp.Slug+"/leaderboard", cp.Lang().T("Leaderboard: %s", cp.Name))
}

// entryMeta is a live entry's card: its drawn card (poster and title),
// the video itself, and the player as its embed.
func (w *Web) entryMeta(e entries.Entry, cp campaigns.Campaign) *shareMeta {
	s := w.share(e)
	if s == nil {
		return nil
	}
	m := &shareMeta{Type: "video.other", SiteName: sharecard.Brand(cp), Title: e.Title, Description: summary(s.Description, 200),
		URL: s.URL, Video: s.Video, OEmbed: s.OEmbed,
		Image: w.PublicURL + "/e/" + e.ID + "/card.jpg?v=" + sharecard.EntryVersion(e, cp), ImageType: "image/jpeg",
		ImageAlt: cp.Lang().T("A still from “%s”, an entry in %s", e.Title, cp.Name)}
	if s.Description == "" || strings.HasPrefix(s.Description, "Watch \"") {
		m.Description = cp.Lang().T("Watch “%s” in %s and vote for your favourite.", e.Title, cp.Name)
	}
	return m
}

// summary shortens s to at most n characters, at a word.
func summary(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)[:n]
	if i := strings.LastIndexByte(string(r), ' '); i > n/2 {
		return string(r)[:i] + "…"
	}
	return string(r) + "…"
}

// campaignCard serves the campaign's 1200x630 card, drawn on first ask.
func (w *Web) campaignCard(c *gin.Context) {
	cp, err := w.Campaigns.GetBySlug(c, c.Param("slug"))
	if err != nil {
		c.Status(http.StatusNotFound)
		return
	}
	o, err := w.Cards.Campaign(c, cp)
	if err != nil {
		w.Log.Error("web: campaign card", "campaign", cp.Slug, "err", err)
		c.Status(http.StatusNotFound)
		return
	}
	defer o.Close()
	httpx.ServeObject(c, o, cardCache(c, sharecard.CampaignVersion(cp)))
}

// entryCard serves a live entry's 1200x630 card, drawn on first ask.
func (w *Web) entryCard(c *gin.Context) {
	e, err := w.publicEntry(c, c.Param("id"))
	if err != nil {
		c.Status(http.StatusNotFound)
		return
	}
	cp, err := w.Campaigns.Get(c, e.CampaignID)
	if err != nil {
		c.Status(http.StatusNotFound)
		return
	}
	if p := present.NewPlayback(e, false); p == nil || !p.Ready {
		c.Status(http.StatusNotFound)
		return
	}
	o, err := w.Cards.Entry(c, e, cp)
	if err != nil {
		w.Log.Error("web: entry card", "entry", e.ID, "err", err)
		c.Status(http.StatusNotFound)
		return
	}
	defer o.Close()
	httpx.ServeObject(c, o, cardCache(c, sharecard.EntryVersion(e, cp)))
}

// cardCache lets a versioned card URL be cached for a day; anything else
// (an old version, no version) for a few minutes.
func cardCache(c *gin.Context, current string) string {
	if c.Query("v") == current {
		return "public, max-age=86400"
	}
	return "public, max-age=300"
}
