package web

import (
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/tryout/tryout/internal/entries"
	"github.com/tryout/tryout/internal/gallery"
	"github.com/tryout/tryout/internal/httpx"
	"github.com/tryout/tryout/internal/ids"
	"github.com/tryout/tryout/internal/moderation"
	"github.com/tryout/tryout/internal/present"
	"github.com/tryout/tryout/internal/referrals"
	"github.com/tryout/tryout/internal/webauth"
)

// entry shows one entry: to anyone once live, to its entrant always. A
// visit through a personal share link (?ref=) is credited, remembered, and
// redirected to the clean address (one URL per entry for caches and
// crawlers).
func (w *Web) entry(c *gin.Context) {
	id := c.Param("id")
	if !ids.Valid(entries.IDPrefix, id) {
		w.fail(c, entries.ErrNotFound)
		return
	}
	e, err := w.Entries.Get(c, id)
	if err != nil {
		w.fail(c, err)
		return
	}
	me, _ := webauth.EntrantID(c)
	if !e.VisibleTo(me) {
		w.fail(c, entries.ErrNotFound) // only the entrant sees an entry before it is live
		return
	}
	if code := c.Query("ref"); code != "" {
		w.click(c, e, code)
		c.Redirect(http.StatusSeeOther, "/e/"+e.ID)
		return
	}
	cp, err := w.Campaigns.Get(c, e.CampaignID)
	if err != nil {
		w.fail(c, err)
		return
	}
	meaning, next := e.Explain()
	data := map[string]any{"E": e, "C": cp, "Meaning": meaning, "Next": next, "Playback": present.NewPlayback(e, e.OwnedBy(me)),
		"Owner": e.OwnedBy(me), "Reasons": moderation.ReportReasons, "Share": w.share(e), "Views": e.Views, "Votes": e.Votes,
		"Meta": w.entryMeta(e, cp), "Action": nextAction(e, cp)}
	if card, ok, err := w.Gallery.Card(c, e.ID); err == nil && ok { // Redis has the live counts
		data["Views"], data["Votes"] = card.Views, card.Votes
	}
	rules := cp.VoteRules()
	data["VoteOpen"] = e.Status == entries.Live && rules.Open(w.Now())
	data["HideVotes"] = rules.TotalsHidden(w.Now())
	if w.PageToken != nil {
		data["PageToken"] = w.PageToken(e.ID)
	}
	if e.OwnedBy(me) && w.HeldVotes != nil && (e.Status == entries.Live || e.Status == entries.Removed) {
		if h, err := w.HeldVotes(c, e.CampaignID, e.ID); err == nil {
			data["UnderReview"] = present.NewReviewView(cp.Lang(), h)
		}
	}
	if e.Status == entries.Live && !e.OwnedBy(me) {
		c.Header("Cache-Control", "private, no-cache")
	} else {
		c.Header("Cache-Control", "no-store")
	}
	w.render(c, http.StatusOK, "entry.html", data)
}

// click credits a share link visit and remembers the code for 30 days.
func (w *Web) click(c *gin.Context, e entries.Entry, code string) {
	if e.Status != entries.Live || w.Referrals == nil {
		return
	}
	if _, _, err := w.Referrals.Click(c, code, e.ID, w.Sessions.Visitor(c)); err != nil {
		if err != referrals.ErrNotFound {
			w.Log.Error("web: share click", "entry", e.ID, "err", err)
		}
		return
	}
	http.SetCookie(c.Writer, &http.Cookie{Name: present.RefCookie, Value: code, Path: "/", MaxAge: 30 * 24 * 3600,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: strings.HasPrefix(w.PublicURL, "https://")})
}

// shareCard is what a link to a live entry unfurls into.
type shareCard struct{ URL, Description, Image, Video, OEmbed string }

// share builds the entry's card for social networks: only for live
// entries, with absolute URLs, and nothing about the entrant.
func (w *Web) share(e entries.Entry) *shareCard {
	if e.Status != entries.Live {
		return nil
	}
	card := &shareCard{URL: w.PublicURL + "/e/" + e.ID, Description: e.Description}
	card.OEmbed = w.PublicURL + "/oembed?format=json&url=" + url.QueryEscape(card.URL)
	if card.Description == "" {
		card.Description = "Watch \"" + e.Title + "\" on Tryout."
	}
	if p := present.NewPlayback(e, false); p != nil {
		if p.Poster != "" {
			card.Image = w.PublicURL + p.Poster
		}
		if p.MP4 != "" {
			card.Video = w.PublicURL + p.MP4
		}
	}
	return card
}

// embedEntry is the entry's player alone, for brand sites' iframes.
func (w *Web) embedEntry(c *gin.Context) {
	e, err := w.publicEntry(c, c.Param("id"))
	if err != nil {
		w.failFramed(c, err)
		return
	}
	if cp, err := w.Campaigns.Get(c, e.CampaignID); err == nil {
		c.Set(langKey, cp.Lang()) // the player speaks its campaign's language
	}
	c.Header("Cache-Control", "public, no-cache")
	w.renderFramed(c, http.StatusOK, "embed_entry.html", "embed", w.embedAncestors(),
		map[string]any{"E": e, "Playback": present.NewPlayback(e, false), "URL": w.PublicURL + "/e/" + e.ID})
}

// embedGallery is a small grid of a campaign's entries (top or newest) for
// brand sites; each card opens the entry on Tryout.
func (w *Web) embedGallery(c *gin.Context) {
	cp, err := w.Campaigns.GetBySlug(c, c.Param("slug"))
	if err != nil {
		w.failFramed(c, err)
		return
	}
	// Top by default (a widget is the same for every visitor of a brand's
	// site), Newest on request or while totals are hidden.
	order, hidden := gallery.Top, cp.VoteRules().TotalsHidden(w.Now())
	if c.Query("sort") == "new" || hidden {
		order = gallery.Newest
	}
	page, err := w.Gallery.Page(c, gallery.Query{CampaignID: cp.ID, Order: order, Limit: min(atoiOr(c.Query("n"), 6), 12)})
	if err != nil {
		w.failFramed(c, err)
		return
	}
	c.Header("Cache-Control", "public, max-age=60")
	w.renderFramed(c, http.StatusOK, "embed_gallery.html", "embed", w.embedAncestors(),
		map[string]any{"C": cp, "Page": page, "PublicURL": w.PublicURL, "HideVotes": hidden})
}

func (w *Web) embedAncestors() string {
	if w.EmbedAncestors == "" {
		return "*"
	}
	return w.EmbedAncestors
}

func (w *Web) failFramed(c *gin.Context, err error) {
	if isNotFound(err) {
		c.String(http.StatusNotFound, "This video is not available.")
		return
	}
	w.fail(c, err)
}

// oembedResponse is an oEmbed 1.0 answer (https://oembed.com).
type oembedResponse struct {
	Version         string `json:"version"`
	Type            string `json:"type"`
	ProviderName    string `json:"provider_name"`
	ProviderURL     string `json:"provider_url"`
	Title           string `json:"title"`
	AuthorName      string `json:"author_name,omitempty"`
	HTML            string `json:"html"`
	Width           int    `json:"width"`
	Height          int    `json:"height"`
	ThumbnailURL    string `json:"thumbnail_url,omitempty"`
	ThumbnailWidth  int    `json:"thumbnail_width,omitempty"`
	ThumbnailHeight int    `json:"thumbnail_height,omitempty"`
	CacheAge        int    `json:"cache_age"`
}

// oembed answers for entry pages (a video player) and campaign pages (the
// gallery widget). Only JSON; private entries do not exist here.
func (w *Web) oembed(c *gin.Context) {
	if f := c.DefaultQuery("format", "json"); f != "json" {
		httpx.Fail(c, w.Log, httpx.E(http.StatusNotImplemented, "format_not_supported", "Only format=json is supported."))
		return
	}
	raw := c.Query("url")
	if raw == "" {
		httpx.Fail(c, w.Log, httpx.E(http.StatusBadRequest, "url_required", "Give the address of a Tryout entry or campaign in the url parameter."))
		return
	}
	u, err := url.Parse(raw)
	site, _ := url.Parse(w.PublicURL)
	if err != nil || site == nil || !strings.EqualFold(u.Host, site.Host) {
		httpx.Fail(c, w.Log, httpx.E(http.StatusNotFound, "not_embeddable", "That address is not a Tryout entry or campaign."))
		return
	}
	maxW, maxH := atoiOr(c.Query("maxwidth"), 640), atoiOr(c.Query("maxheight"), 0)
	resp := oembedResponse{Version: "1.0", ProviderName: "Tryout", ProviderURL: w.PublicURL, CacheAge: 3600}
	parts := strings.Split(strings.Trim(u.Path, "/"), "/")
	switch {
	case len(parts) == 2 && parts[0] == "e":
		e, err := w.publicEntry(c, parts[1])
		if err != nil {
			httpx.Fail(c, w.Log, httpx.E(http.StatusNotFound, "not_embeddable", "There is no public entry at that address."))
			return
		}
		vw, vh := 16, 9
		if m := e.Media; m != nil && m.Width > 0 && m.Height > 0 {
			vw, vh = m.Width, m.Height
			if m.Rotation == 90 || m.Rotation == -90 || m.Rotation == 270 {
				vw, vh = vh, vw
			}
		}
		resp.Width, resp.Height = fit(vw, vh, maxW, maxH)
		resp.Type, resp.Title, resp.AuthorName = "video", e.Title, e.CreatorName
		src := w.PublicURL + "/embed/e/" + e.ID
		resp.HTML = iframe(src, e.Title, resp.Width, resp.Height)
		if p := present.NewPlayback(e, false); p != nil && p.Poster != "" {
			resp.ThumbnailURL = w.PublicURL + p.Poster
			resp.ThumbnailWidth, resp.ThumbnailHeight = vw, vh
			if vw < 100 { // no probed size: the poster's nominal 16:9
				resp.ThumbnailWidth, resp.ThumbnailHeight = 1280, 720
			}
		}
	case parts[0] == "c" && (len(parts) == 2 || len(parts) == 3 && campaignTab(parts[2])):
		cp, err := w.Campaigns.GetBySlug(c, parts[1])
		if err != nil {
			httpx.Fail(c, w.Log, httpx.E(http.StatusNotFound, "not_embeddable", "There is no campaign at that address."))
			return
		}
		resp.Type, resp.Title = "rich", cp.Name
		resp.Width, resp.Height = min(maxW, 720), 480
		if maxH > 0 {
			resp.Height = min(resp.Height, maxH)
		}
		resp.HTML = iframe(w.PublicURL+"/embed/c/"+cp.Slug, cp.Name, resp.Width, resp.Height)
	default:
		httpx.Fail(c, w.Log, httpx.E(http.StatusNotFound, "not_embeddable", "That address is not a Tryout entry or campaign."))
		return
	}
	c.Header("Cache-Control", "public, max-age=300")
	c.JSON(http.StatusOK, resp)
}

// campaignTab reports whether a campaign page's last part is one that
// embeds as the campaign's gallery widget.
func campaignTab(s string) bool {
	return s == "gallery" || s == "leaderboard" || s == "winners" || s == "rules"
}

func iframe(src, title string, w, h int) string {
	return `<iframe src="` + htmlEscape(src) + `" width="` + strconv.Itoa(w) + `" height="` + strconv.Itoa(h) +
		`" title="` + htmlEscape(title) + `" frameborder="0" allow="autoplay; fullscreen; picture-in-picture" allowfullscreen loading="lazy"></iframe>`
}

// fit scales a w:h box to at most maxW wide and maxH high (0: no limit).
func fit(w, h, maxW, maxH int) (int, int) {
	if maxW <= 0 || maxW > 1280 {
		maxW = 1280
	}
	width := maxW
	height := int(math.Round(float64(width) * float64(h) / float64(w)))
	if maxH > 0 && height > maxH {
		height = maxH
		width = int(math.Round(float64(height) * float64(w) / float64(h)))
	}
	return max(width, 1), max(height, 1)
}

func atoiOr(s string, def int) int {
	if n, err := strconv.Atoi(s); err == nil && n > 0 {
		return n
	}
	return def
}
