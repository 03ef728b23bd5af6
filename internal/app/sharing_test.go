package app_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/tryout/tryout/internal/entrants"
	"github.com/tryout/tryout/internal/entries"
	"github.com/tryout/tryout/internal/testkit"
)

// TestOpenGraphOEmbedAndEmbeds: a live entry's page unfurls (Open Graph and
// Twitter tags with absolute URLs, oEmbed discovery); oEmbed answers for
// entries and campaigns and refuses everything else with stable codes; the
// embeddable pages may be framed, the rest may not.
func TestOpenGraphOEmbedAndEmbeds(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	now := time.Now()
	e.createCampaign("unfurl", now.Add(-time.Hour), now.Add(time.Hour), 50<<20, 60)
	en := e.liveEntry(t, "unfurl", "Kickflip at dawn", "Rae")
	pending := e.reviewEntry(t, "unfurl", "Not yet")
	base := e.app.Cfg.PublicURL
	anon := jar()

	res, page := e.get(anon, "/e/"+en.ID)
	for _, want := range []string{
		`<meta property="og:title" content="Kickflip at dawn">`,
		`<meta property="og:image" content="` + base + `/e/` + en.ID + `/card.jpg?v=`, // drawn from the poster (sharecard)
		`<meta property="og:video" content="` + base + `/api/entries/` + en.ID + `/media/fallback.mp4">`,
		`<meta property="og:url" content="` + base + `/e/` + en.ID + `">`,
		`<meta name="twitter:card" content="summary_large_image">`,
		`<link rel="alternate" type="application/json+oembed" href="` + base + `/oembed?format=json&amp;url=` + url.QueryEscape(base+"/e/"+en.ID) + `"`,
		`By <span class="creator">Rae</span>`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("entry page lacks %s", want)
		}
	}
	if csp := res.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "frame-ancestors 'none'") {
		t.Errorf("entry page may be framed: %s", csp)
	}
	// The entrant's own view of an entry in review is not indexable and has
	// no card.
	if _, err := e.app.Entries.Get(context.Background(), pending.ID); err != nil {
		t.Fatal(err)
	}
	if res, _ := e.get(anon, "/e/"+pending.ID); res.StatusCode != 404 {
		t.Errorf("entry in review to a visitor: %d", res.StatusCode)
	}

	type oembed struct {
		Version, Type, Title, HTML string
		AuthorName                 string `json:"author_name"`
		Width, Height              int
		ThumbnailURL               string `json:"thumbnail_url"`
		Error                      struct{ Code string }
	}
	ask := func(q string) (int, oembed) {
		var out oembed
		res, body := e.get(anon, "/oembed?"+q)
		_ = json.Unmarshal([]byte(body), &out)
		return res.StatusCode, out
	}
	code, o := ask("url=" + url.QueryEscape(base+"/e/"+en.ID) + "&maxwidth=320")
	if code != 200 || o.Version != "1.0" || o.Type != "video" || o.Title != "Kickflip at dawn" || o.AuthorName != "Rae" ||
		o.Width != 320 || o.Height != 180 || !strings.Contains(o.HTML, `src="`+base+`/embed/e/`+en.ID+`"`) || o.ThumbnailURL == "" {
		t.Errorf("oEmbed entry: %d %+v", code, o)
	}
	if code, o := ask("url=" + url.QueryEscape(base+"/e/"+en.ID) + "&maxwidth=640&maxheight=90"); code != 200 || o.Height != 90 || o.Width != 160 {
		t.Errorf("oEmbed maxheight: %d %dx%d", code, o.Width, o.Height)
	}
	if code, o := ask("url=" + url.QueryEscape(base+"/c/unfurl")); code != 200 || o.Type != "rich" || !strings.Contains(o.HTML, "/embed/c/unfurl") {
		t.Errorf("oEmbed campaign: %d %+v", code, o)
	}
	for q, want := range map[string]struct {
		status int
		code   string
	}{
		"": {400, "url_required"},
		"format=xml&url=" + url.QueryEscape(base+"/e/"+en.ID):     {501, "format_not_supported"},
		"url=" + url.QueryEscape("https://evil.example/e/"+en.ID): {404, "not_embeddable"},
		"url=" + url.QueryEscape(base+"/e/"+pending.ID):           {404, "not_embeddable"},
		"url=" + url.QueryEscape(base+"/me"):                      {404, "not_embeddable"},
	} {
		if code, o := ask(q); code != want.status || o.Error.Code != want.code {
			t.Errorf("oEmbed %q: %d %q, want %d %q", q, code, o.Error.Code, want.status, want.code)
		}
	}

	// Embeds may be framed by any site (default), and show public entries only.
	res, body := e.get(anon, "/embed/e/"+en.ID)
	if res.StatusCode != 200 || !strings.Contains(res.Header.Get("Content-Security-Policy"), "frame-ancestors *") || !strings.Contains(body, `id="player"`) {
		t.Errorf("embed player: %d %s", res.StatusCode, res.Header.Get("Content-Security-Policy"))
	}
	if res, _ := e.get(anon, "/embed/e/"+pending.ID); res.StatusCode != 404 {
		t.Errorf("embed of an entry in review: %d", res.StatusCode)
	}
	if res, body := e.get(anon, "/embed/c/unfurl?sort=new&n=3"); res.StatusCode != 200 || !strings.Contains(body, base+"/e/"+en.ID) {
		t.Errorf("gallery widget: %d", res.StatusCode)
	}
}

// TestReferralsAndViews: personal share links credit clicks (once per
// visitor, never the sharer's own) and the entries they lead to; views
// count after the minimum watch, once per viewer per hour, never the
// entrant's own, and reach MongoDB on flush.
func TestReferralsAndViews(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(_ *testing.T, k *testkit.Kit, _ *env) { k.Config.ViewAfter = 300 * time.Millisecond })
	now := time.Now()
	c := e.createCampaign("spread", now.Add(-time.Hour), now.Add(time.Hour), 50<<20, 60)
	en := e.liveEntry(t, "spread", "Share me", "Ada")
	ctx := context.Background()

	sharer := e.signIn("sharer@example.com")
	var link, again struct{ Code, URL string }
	e.doWith(sharer, e.jsonReq("POST", "/api/entries/"+en.ID+"/share-links", nil), &link)
	e.doWith(sharer, e.jsonReq("POST", "/api/entries/"+en.ID+"/share-links", nil), &again)
	if link.Code == "" || link.Code != again.Code || !strings.HasSuffix(link.URL, "/e/"+en.ID+"?ref="+link.Code) {
		t.Fatalf("share link %+v then %+v", link, again)
	}
	fanJar := jar()
	fanJar.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	visit := func(c *http.Client, code string) *http.Response {
		res, _ := e.get(c, "/e/"+en.ID+"?ref="+code)
		return res
	}
	if res := visit(fanJar, link.Code); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/e/"+en.ID || !strings.Contains(strings.Join(res.Header.Values("Set-Cookie"), " "), "tryout_ref="+link.Code) {
		t.Fatalf("click: %d %v", res.StatusCode, res.Header)
	}
	visit(fanJar, link.Code)                                                    // the same visitor again
	visit(sharer, link.Code)                                                    // the sharer's own click
	if res := visit(jar(), "notacode12"); res.Request.URL.Path != "/e/"+en.ID { // unknown code: just the page
		t.Errorf("unknown code landed on %s", res.Request.URL)
	}
	stats := func() (clicks, entries int64) {
		var out struct {
			Links []struct{ Clicks, Entries int64 }
		}
		e.doWith(sharer, e.jsonReq("GET", "/api/me/share-links", nil), &out)
		if len(out.Links) != 1 {
			t.Fatalf("my share links: %+v", out)
		}
		return out.Links[0].Clicks, out.Links[0].Entries
	}
	if clicks, _ := stats(); clicks != 1 {
		t.Errorf("clicks = %d, want 1 (repeat and own clicks do not count)", clicks)
	}
	// The fan signs in and enters the campaign: the link is credited once.
	fan := e.signIn("fan-turned-entrant@example.com")
	u, _ := url.Parse(e.srv.URL)
	fan.Jar.SetCookies(u, fanJar.Jar.Cookies(u))
	var d map[string]any
	if res := e.doWith(fan, e.jsonReq("POST", "/api/campaigns/"+c.Slug+"/drafts", map[string]any{"title": "Inspired", "accept_rules": "1", "media_release": true}), &d); res.StatusCode != 201 {
		t.Fatalf("draft: %d %v", res.StatusCode, d)
	}
	if _, n := stats(); n != 1 {
		t.Errorf("entries credited = %d, want 1", n)
	}

	// Views: the test moves the app's clock past the minimum watch
	// (TRYOUT_VIEW_AFTER, 300ms here) instead of sleeping.
	clk := &simClock{t: time.Now()}
	e.app.Now = clk.Now
	defer func() { e.app.Now = time.Now }()
	viewer := jar()
	start := func(c *http.Client) (token string, counts bool) {
		var out struct {
			Token  string
			Counts bool
		}
		e.doWith(c, e.jsonReq("POST", "/api/entries/"+en.ID+"/views/start", nil), &out)
		return out.Token, out.Counts
	}
	claim := func(c *http.Client, token string) (int, string, bool) {
		var out struct {
			Counted bool
			Error   struct{ Code string }
		}
		res := e.doWith(c, e.jsonReq("POST", "/api/entries/"+en.ID+"/views", map[string]string{"token": token}), &out)
		return res.StatusCode, out.Error.Code, out.Counted
	}
	tok, counts := start(viewer)
	if !counts || tok == "" {
		t.Fatal("no view token for a fan")
	}
	if st, code, _ := claim(viewer, tok); st != 409 || code != "view_too_soon" {
		t.Errorf("claim at once: %d %s", st, code)
	}
	clk.Add(400 * time.Millisecond)
	stranger := jar()
	start(stranger) // now has its own device cookie
	if st, code, _ := claim(stranger, tok); st != 400 || code != "view_token_invalid" {
		t.Errorf("another browser claiming this viewer's token: %d %s", st, code)
	}
	if st, _, counted := claim(viewer, tok); st != 200 || !counted {
		t.Errorf("claim after the minimum watch: %d counted=%v", st, counted)
	}
	if _, _, counted := claim(viewer, tok); counted {
		t.Error("the same token counted twice")
	}
	tok2, _ := start(viewer)
	clk.Add(400 * time.Millisecond)
	if _, _, counted := claim(viewer, tok2); counted {
		t.Error("a second view within the hour counted")
	}
	other := jar()
	tok3, _ := start(other)
	clk.Add(400 * time.Millisecond)
	if _, _, counted := claim(other, tok3); !counted {
		t.Error("another viewer's view did not count")
	}
	forged := e.jsonReq("POST", "/api/entries/"+en.ID+"/views", map[string]string{"token": tok3})
	forged.Header.Set("Origin", "https://evil.example")
	if res := e.doWith(other, forged, nil); res.StatusCode != http.StatusForbidden {
		t.Errorf("cross-site claim: %d", res.StatusCode)
	}
	owner := e.signIn("ada@example.com")
	ada, _ := e.app.Entrants.GetOrCreate(ctx, entrants.Entrant{Email: "ada@example.com"})
	if _, err := e.app.DB.Collection("entries").UpdateOne(ctx, map[string]any{"_id": en.ID}, map[string]any{"$set": map[string]any{"entrant_id": ada.ID}}); err != nil {
		t.Fatal(err)
	}
	if _, counts := start(owner); counts {
		t.Error("the entrant's own plays count")
	}
	if card, _, _ := e.app.Gallery.Card(ctx, en.ID); card.Views != 2 {
		t.Errorf("gallery card views = %d, want 2", card.Views)
	}
	if _, err := e.app.Views.Flush(ctx, e.app.Entries); err != nil {
		t.Fatal(err)
	}
	if got, _ := e.app.Entries.Get(ctx, en.ID); got.Views != 2 || got.UniqueViewers != 2 {
		t.Errorf("after flush: views %d uniques %d, want 2 2", got.Views, got.UniqueViewers)
	}

	// The entrant's dashboard: today's views, link clicks and what they brought.
	var dash struct {
		Days []struct {
			Date                              string
			Views, Votes, Shares, Conversions int64
		}
		Error struct{ Code string }
	}
	if res := e.doWith(owner, e.jsonReq("GET", "/api/me/entries/"+en.ID+"/stats?days=3", nil), &dash); res.StatusCode != 200 || len(dash.Days) != 3 {
		t.Fatalf("stats: %d %+v", res.StatusCode, dash)
	}
	today := dash.Days[2]
	if today.Date != time.Now().UTC().Format("2006-01-02") || today.Views != 2 || today.Shares != 1 || today.Conversions != 1 || dash.Days[0].Views != 0 {
		t.Errorf("today's figures: %+v", dash.Days)
	}
	if res := e.doWith(owner, e.jsonReq("GET", "/api/me/entries/"+en.ID+"/stats?days=500", nil), &dash); res.StatusCode != 400 || dash.Error.Code != "invalid_days" {
		t.Errorf("500 days: %d %+v", res.StatusCode, dash.Error)
	}
	if res := e.doWith(sharer, e.jsonReq("GET", "/api/me/entries/"+en.ID+"/stats", nil), nil); res.StatusCode != 404 {
		t.Errorf("someone else's figures: %d", res.StatusCode)
	}
}

// TestCaptions: the entrant adds WebVTT captions before the entry is live;
// bad files are refused with stable codes; once live the player offers the
// track to everyone; a live entry's captions are locked.
func TestCaptions(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	now := time.Now()
	e.createCampaign("subtitled", now.Add(-time.Hour), now.Add(time.Hour), 50<<20, 60)
	ctx := context.Background()
	en := e.reviewEntry(t, "subtitled", "With words")
	prefix := "renditions/" + en.ID + "/v1/"
	r := entries.Renditions{Prefix: prefix, Master: prefix + "hls/master.m3u8", Poster: prefix + "poster.jpg"}
	if err := e.app.Entries.SetRenditions(ctx, en.ID, r, now); err != nil {
		t.Fatal(err)
	}
	owner := e.signIn("subtitler@example.com")
	who, _ := e.app.Entrants.GetOrCreate(ctx, entrants.Entrant{Email: "subtitler@example.com"})
	if _, err := e.app.DB.Collection("entries").UpdateOne(ctx, map[string]any{"_id": en.ID}, map[string]any{"$set": map[string]any{"entrant_id": who.ID}}); err != nil {
		t.Fatal(err)
	}
	put := func(c *http.Client, body string) (int, string, string) {
		req, _ := http.NewRequest("PUT", e.srv.URL+"/api/entries/"+en.ID+"/captions", strings.NewReader(body))
		req.Header.Set("Content-Type", "text/vtt")
		var out struct {
			Captions string `json:"captions_vtt"`
			Error    struct{ Code string }
		}
		res := e.doWith(c, req, &out)
		return res.StatusCode, out.Error.Code, out.Captions
	}
	const vtt = "WEBVTT\n\n00:00:00.000 --> 00:00:02.000\nHello <b>fans</b>\n"
	for body, want := range map[string]string{
		"just some text\n":              "invalid_captions",
		"WEBVTT\n\nno cues here\n":      "invalid_captions",
		"WEBVTT\n\xff\xfe\n00:00 --> x": "invalid_captions",
		"WEBVTT\n" + strings.Repeat("00:00:00.000 --> 00:00:01.000\nla\n\n", 10000): "captions_too_large",
	} {
		if st, code, _ := put(owner, body); code != want {
			t.Errorf("captions %.20q: %d %s, want %s", body, st, code, want)
		}
	}
	if st, code, _ := put(e.signIn("not-the-owner@example.com"), vtt); st != 404 || code != "entry_not_found" {
		t.Errorf("another entrant: %d %s", st, code)
	}
	st, _, path := put(owner, vtt)
	if st != 200 || path != "/api/entries/"+en.ID+"/media/captions.vtt" {
		t.Fatalf("captions: %d %q", st, path)
	}
	if res, body := e.get(owner, path); res.StatusCode != 200 || body != vtt {
		t.Errorf("owner reads captions: %d %q", res.StatusCode, body)
	}
	if res, _ := e.get(jar(), path); res.StatusCode != 404 {
		t.Errorf("a visitor reads captions before live: %d", res.StatusCode)
	}
	en, _ = e.app.Entries.Get(ctx, en.ID)
	if _, err := entries.Move(ctx, e.app.Entries, en, entries.Live, "", time.Now()); err != nil {
		t.Fatal(err)
	}
	if _, page := e.get(jar(), "/e/"+en.ID); !strings.Contains(page, `<track kind="captions" src="`+path+`"`) {
		t.Error("the live entry's player has no captions track")
	}
	if res, body := e.get(jar(), path); res.StatusCode != 200 || body != vtt {
		t.Errorf("a visitor reads live captions: %d", res.StatusCode)
	}
	if st, code, _ := put(owner, vtt); st != 409 || code != "captions_locked" {
		t.Errorf("captions on a live entry: %d %s", st, code)
	}
}
