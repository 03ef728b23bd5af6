package web

import (
	"bytes"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"html"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/tryout/tryout/internal/campaigns"
	"github.com/tryout/tryout/internal/entries"
	"github.com/tryout/tryout/internal/gallery"
	"github.com/tryout/tryout/internal/i18n"
	"github.com/tryout/tryout/internal/ids"
	"github.com/tryout/tryout/internal/judging"
)

// seedCookie keeps a fan's shuffle order for a day, so paging and coming
// back show the same order, while tomorrow's visit gives others a turn.
const seedCookie = "tryout_seed"

// seedCount is how many shuffled orders there are: plenty for every entry
// to get its turn at the top across visitors, few enough that each order's
// first page is rendered for many visitors at once (see PageCache).
const seedCount = 4096

// shuffleSeed is the permutation key of the visitor's shuffled order: their
// seed mixed with the UTC day, so the 4096 orders are new every day and
// over the days every entry gets its turns near the top.
func (w *Web) shuffleSeed(c *gin.Context) uint64 {
	return w.seed(c)<<20 | uint64(w.Now().UTC().Unix()/86400)&(1<<20-1)
}

// seed returns the visitor's seed: from the query (links to the next page
// carry it, so paging works without cookies), else the cookie, else a new
// one.
func (w *Web) seed(c *gin.Context) uint64 {
	for _, v := range []string{c.Query("seed"), cookie(c, seedCookie)} {
		if n, err := strconv.ParseUint(v, 10, 64); err == nil && n > 0 && n <= seedCount {
			return n
		}
	}
	var b [8]byte
	_, _ = rand.Read(b[:])
	n := binary.BigEndian.Uint64(b[:])%seedCount + 1
	http.SetCookie(c.Writer, &http.Cookie{Name: seedCookie, Value: strconv.FormatUint(n, 10), Path: "/", MaxAge: 24 * 3600,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: strings.HasPrefix(w.PublicURL, "https://")})
	return n
}

func cookie(c *gin.Context, name string) string {
	if ck, err := c.Request.Cookie(name); err == nil {
		return ck.Value
	}
	return ""
}

// sortTab is one of the gallery's order links.
type sortTab struct {
	Label, URL string
	Current    bool
}

// galleryPage shows a campaign's live entries in the chosen order, or the
// matches of a search, a page at a time.
func (w *Web) galleryPage(c *gin.Context) {
	cp, err := w.Campaigns.GetBySlug(c, c.Param("slug"))
	if err != nil {
		w.fail(c, err)
		return
	}
	q := gallery.Query{CampaignID: cp.ID, Order: gallery.ParseOrder(c.Query("sort")), Search: c.Query("q"), Cursor: c.Query("cursor"), Limit: 24}
	hidden := cp.VoteRules().TotalsHidden(w.Now())
	if hidden && q.Order == gallery.Top { // the order would give the totals away
		q.Order = gallery.Shuffle
	}
	if q.Order == gallery.Shuffle && q.Search == "" {
		q.Seed = w.shuffleSeed(c)
	}
	if q.Order == gallery.Shuffle {
		c.Header("Cache-Control", "private, no-cache")
	} else {
		c.Header("Cache-Control", "public, no-cache")
	}
	st, err := w.Gallery.Stat(c, cp.ID)
	if err != nil {
		w.fail(c, err)
		return
	}
	hdr := nav(c) // the header differs signed in and out: part of the keys
	key := strings.Join([]string{cp.ID, string(cp.Lang()), strconv.FormatInt(st.Version, 10), string(q.Order), q.Search, q.Cursor, strconv.FormatUint(q.Seed, 10), strconv.FormatBool(hidden), strconv.FormatBool(hdr.SignedIn)}, "\x00")
	if p, ok := w.Pages.get(key, w.Now()); ok {
		w.send(c, http.StatusOK, "'none'", p)
		return
	}
	page, err := w.Gallery.PageAt(c, q, st)
	if errors.Is(err, gallery.ErrBadCursor) {
		c.Redirect(http.StatusSeeOther, "/c/"+cp.Slug+"/gallery") // an old or edited link: start again
		return
	}
	if err != nil {
		w.fail(c, err)
		return
	}
	link := func(order gallery.Order, cursor string) string {
		v := url.Values{"sort": {string(order)}}
		if q.Search != "" {
			v.Set("q", q.Search)
		}
		if cursor != "" {
			v.Set("cursor", cursor)
		}
		if order == gallery.Shuffle && q.Seed != 0 && cursor != "" {
			v.Set("seed", strconv.FormatUint(q.Seed>>20, 10))
		}
		return "/c/" + cp.Slug + "/gallery?" + v.Encode()
	}
	var tabs []sortTab
	for _, o := range []struct {
		o     gallery.Order
		label string
	}{{gallery.Shuffle, i18n.Mark("Discover")}, {gallery.Top, i18n.Mark("Top")}, {gallery.Newest, i18n.Mark("Newest")}} {
		if o.o == gallery.Top && hidden {
			continue
		}
		tabs = append(tabs, sortTab{cp.Lang().T(o.label), link(o.o, ""), o.o == q.Order && q.Search == ""})
	}
	next := ""
	if page.Next != "" {
		next = link(q.Order, page.Next)
	}
	// The page around the cards is the same for every visitor of this
	// order (whatever their seed): render it once per version and moment,
	// and write only the cards per request.
	frameKey := strings.Join([]string{"frame", cp.ID, string(cp.Lang()), strconv.FormatInt(st.Version, 10), string(q.Order), q.Search, strconv.FormatBool(q.Cursor == ""), strconv.FormatBool(hidden), strconv.FormatBool(hdr.SignedIn)}, "\x00")
	frame, ok := w.Pages.get(frameKey, w.Now())
	if !ok {
		if frame, err = w.build(cp.Lang(), "gallery.html", "layout", map[string]any{"C": cp, "Page": page, "Tabs": tabs, "Search": q.Search,
			"Voting": w.votingState(cp), "Body": template.HTML(bodyMarker), "Nav": hdr,
			"Meta": w.campaignMeta(cp, "/c/"+cp.Slug+"/gallery", cp.Lang().T("Watch the entries: %s", cp.Name))}); err != nil {
			w.fail(c, err)
			return
		}
		frame.expires = w.Now().Add(w.Pages.ttl())
		w.Pages.put(frameKey, frame)
	}
	p := fill(frame.body, galleryBody(cp.Lang(), cp.Slug, page, q, next, hidden))
	p.expires = w.Now().Add(w.Pages.ttl())
	w.Pages.put(key, p)
	w.send(c, http.StatusOK, "'none'", p)
}

// leaderboard ranks the top 50 by votes.
func (w *Web) leaderboard(c *gin.Context) {
	cp, err := w.Campaigns.GetBySlug(c, c.Param("slug"))
	if err != nil {
		w.fail(c, err)
		return
	}
	if cp.VoteRules().TotalsHidden(w.Now()) {
		c.Header("Cache-Control", "public, no-cache")
		w.render(c, http.StatusOK, "leaderboard.html", map[string]any{"C": cp, "Hidden": true, "Voting": w.votingState(cp), "Meta": w.leaderboardMeta(cp)})
		return
	}
	page, err := w.Gallery.Page(c, gallery.Query{CampaignID: cp.ID, Order: gallery.Top, Limit: 50})
	if err != nil {
		w.fail(c, err)
		return
	}
	type row struct {
		Rank int
		gallery.Card
	}
	var rows []row
	for i, card := range page.Cards {
		rank := i + 1
		if i > 0 && card.Votes == page.Cards[i-1].Votes { // equal votes share a rank
			rank = rows[i-1].Rank
		}
		rows = append(rows, row{rank, card})
	}
	c.Header("Cache-Control", "public, no-cache")
	w.render(c, http.StatusOK, "leaderboard.html", map[string]any{"C": cp, "Rows": rows, "Total": page.Total, "Voting": w.votingState(cp), "Meta": w.leaderboardMeta(cp)})
}

// winnerView is a winner with the entry's public card.
type winnerView struct {
	campaigns.Winner
	Card gallery.Card
}

// Cards is the card as a grid of one, for the cards template function.
func (v winnerView) Cards() []gallery.Card { return []gallery.Card{v.Card} }

// winners lists the picked winners by place; only entries still live are
// shown (a winner taken down is not celebrated).
func (w *Web) winners(c *gin.Context) {
	cp, err := w.Campaigns.GetBySlug(c, c.Param("slug"))
	if err != nil {
		w.fail(c, err)
		return
	}
	list, err := w.winnersOf(c, cp)
	if err != nil {
		w.fail(c, err)
		return
	}
	draws, err := w.drawsOf(c, cp)
	if err != nil {
		w.fail(c, err)
		return
	}
	c.Header("Cache-Control", "public, no-cache")
	w.render(c, http.StatusOK, "winners.html", map[string]any{"C": cp, "Winners": list, "Voting": w.votingState(cp), "Draws": draws, "Method": judging.Method,
		"Meta": w.campaignMeta(cp, "/c/"+cp.Slug+"/winners", cp.Lang().T("The winners of %s", cp.Name))})
}

func (w *Web) winnersOf(c *gin.Context, cp campaigns.Campaign) ([]winnerView, error) {
	ws, err := w.Winners.Winners(c, cp.ID)
	if err != nil {
		return nil, err
	}
	var out []winnerView
	for _, win := range ws {
		card, ok, err := w.Gallery.Card(c, win.EntryID)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, winnerView{win, card})
		}
	}
	return out, nil
}

// voting says where a campaign's voting stands, for the pages' countdowns.
type voting struct {
	State string // none, soon, open, closed
	At    time.Time
	C     campaigns.Campaign // whose zone the deadline is shown in
}

func (w *Web) votingState(cp campaigns.Campaign) voting {
	now := w.Now()
	switch {
	case cp.VotingOpensAt.IsZero():
		return voting{State: "none"}
	case now.Before(cp.VotingOpensAt):
		return voting{"soon", cp.VotingOpensAt, cp}
	case now.Before(cp.VotingClosesAt):
		return voting{"open", cp.VotingClosesAt, cp}
	}
	return voting{"closed", cp.VotingClosesAt, cp}
}

// publicEntry is an entry anyone may see, or ErrNotFound.
func (w *Web) publicEntry(c *gin.Context, id string) (entries.Entry, error) {
	if !ids.Valid(entries.IDPrefix, id) {
		return entries.Entry{}, entries.ErrNotFound
	}
	e, err := w.Entries.Get(c, id)
	if err != nil {
		return entries.Entry{}, err
	}
	if e.Status != entries.Live {
		return entries.Entry{}, entries.ErrNotFound
	}
	return e, nil
}

// humanCount shortens big counts: 950, 1.2k, 34k, 1.5M.
func humanCount(n int64) string {
	switch {
	case n < 1000:
		return strconv.FormatInt(n, 10)
	case n < 10_000:
		return strconv.FormatFloat(float64(n)/1000, 'f', 1, 64) + "k"
	case n < 1_000_000:
		return strconv.FormatInt(n/1000, 10) + "k"
	}
	return strconv.FormatFloat(float64(n)/1e6, 'f', 1, 64) + "M"
}

// bodyMarker stands in the cached frame of a gallery page where the cards go.
const bodyMarker = "<!--gallery-cards-->"

// fill puts body into a frame at the marker and hashes the whole page.
func fill(frame []byte, body string) cachedPage {
	i := bytes.Index(frame, []byte(bodyMarker))
	out := make([]byte, 0, len(frame)+len(body))
	return pageOf(append(append(append(out, frame[:i]...), body...), frame[i+len(bodyMarker):]...))
}

// galleryBody is the per-request part of a gallery page: the cards, or
// why there are none, and the link to the next page.
func galleryBody(l i18n.Lang, slug string, page gallery.Page, q gallery.Query, next string, hideVotes bool) string {
	var b strings.Builder
	switch {
	case len(page.Cards) > 0:
		b.WriteString(string(cardsHTML(l, page.Cards, hideVotes)))
	case q.Search != "":
		b.WriteString(`<p class="notice">` + html.EscapeString(l.T("Nothing matches. Try part of a title or a first name.")) + `</p>`)
	case q.Cursor == "":
		b.WriteString(`<p class="notice">` + html.EscapeString(l.T("No entries are live yet. Be the first:")) + ` <a href="/c/` + html.EscapeString(slug) + `">` +
			html.EscapeString(l.T("enter the campaign")) + `</a>.</p>`)
	}
	if next != "" {
		b.WriteString("\n" + `<p><a class="button" id="more" href="` + html.EscapeString(next) + `" rel="next">` + html.EscapeString(l.T("More entries")) + `</a></p>`)
	}
	return b.String()
}
