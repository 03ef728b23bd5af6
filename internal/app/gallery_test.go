package app_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tryout/tryout/internal/entrants"
	"github.com/tryout/tryout/internal/entries"
	"github.com/tryout/tryout/internal/testkit"
)

// liveEntry makes an entry with published (placeholder) renditions and
// moves it live through the app's store, as approval does.
func (e *env) liveEntry(t *testing.T, slug, title, creator string) entries.Entry {
	t.Helper()
	en := e.reviewEntry(t, slug, title)
	ctx := context.Background()
	prefix := "renditions/" + en.ID + "/v1/"
	r := entries.Renditions{Prefix: prefix, Master: prefix + "hls/master.m3u8", Fallback: prefix + "fallback.mp4", Poster: prefix + "poster.jpg",
		Sprite: prefix + "sprite.jpg", SpriteVTT: prefix + "sprite.vtt"}
	if err := e.app.Entries.SetRenditions(ctx, en.ID, r, time.Now()); err != nil {
		t.Fatal(err)
	}
	en.Renditions = &r
	if creator != "" {
		if _, err := e.app.DB.Collection("entries").UpdateOne(ctx, map[string]any{"_id": en.ID}, map[string]any{"$set": map[string]any{"creator_name": creator}}); err != nil {
			t.Fatal(err)
		}
	}
	en, err := e.app.Entries.Get(ctx, en.ID)
	if err != nil {
		t.Fatal(err)
	}
	live, err := entries.Move(ctx, e.app.Entries, en, entries.Live, "", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return live
}

// get fetches a path with a client and returns the response and body.
func (e *env) get(c *http.Client, path string, hdr ...string) (*http.Response, string) {
	e.t.Helper()
	req, _ := http.NewRequest("GET", e.srv.URL+path, nil)
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	res, err := c.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}

var (
	entryLinkRE = regexp.MustCompile(`href="/e/(en_[A-Za-z0-9]+)"`)
	moreRE      = regexp.MustCompile(`id="more" href="([^"]+)"`)
)

// galleryIDs pages through a gallery page by its "More entries" links.
func (e *env) galleryIDs(c *http.Client, path string) []string {
	e.t.Helper()
	var out []string
	for range 50 {
		res, body := e.get(c, path)
		if res.StatusCode != 200 {
			e.t.Fatalf("GET %s: %d", path, res.StatusCode)
		}
		for _, m := range entryLinkRE.FindAllStringSubmatch(body, -1) {
			out = append(out, m[1])
		}
		m := moreRE.FindStringSubmatch(body)
		if m == nil {
			return out
		}
		path = strings.ReplaceAll(m[1], "&amp;", "&")
	}
	e.t.Fatal("more than 50 pages")
	return nil
}

func jar() *http.Client {
	j, _ := cookiejar.New(nil)
	return &http.Client{Jar: j}
}

// TestGalleryPages: every order of the public gallery, paging, search,
// leaderboard and winners are served from the read model, which follows
// approvals and takedowns at once and is rebuilt from MongoDB after Redis
// loses it.
func TestGalleryPages(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	now := time.Now()
	e.createCampaign("fest", now.Add(-time.Hour), now.Add(time.Hour), 50<<20, 60,
		map[string]any{"voting_opens_at": now.Add(-time.Minute), "voting_closes_at": now.Add(48 * time.Hour)})
	ctx := context.Background()
	var live []entries.Entry
	for i := range 30 {
		creator := []string{"Maya Ortiz", "Jon Bell", ""}[i%3]
		live = append(live, e.liveEntry(t, "fest", fmt.Sprintf("Trick number %d", i), creator))
	}
	hidden := e.reviewEntry(t, "fest", "Still in review") // never public
	for i, en := range live {
		if err := e.app.Gallery.AddVotes(ctx, en.CampaignID, en.ID, int64((i*11)%30)); err != nil {
			t.Fatal(err)
		}
	}
	anon := jar()

	newest := e.galleryIDs(anon, "/c/fest/gallery?sort=new")
	if len(newest) != 30 || newest[0] != live[29].ID || newest[29] != live[0].ID {
		t.Fatalf("newest: %d entries, first %s last %s", len(newest), newest[0], newest[len(newest)-1])
	}
	if slices.Contains(newest, hidden.ID) {
		t.Error("an entry in review is in the gallery")
	}
	top := e.galleryIDs(anon, "/c/fest/gallery?sort=top")
	votes := map[string]int{}
	for i, en := range live {
		votes[en.ID] = (i * 11) % 30
	}
	for i := 1; i < len(top); i++ {
		if votes[top[i]] > votes[top[i-1]] {
			t.Fatalf("top order broken at %d", i)
		}
	}
	if len(top) != 30 {
		t.Errorf("top has %d entries", len(top))
	}
	// Shuffle: the same visitor gets the same order (paging included); two
	// visitors get different orders, each holding every entry once.
	mine := e.galleryIDs(anon, "/c/fest/gallery")
	again := e.galleryIDs(anon, "/c/fest/gallery")
	other := e.galleryIDs(jar(), "/c/fest/gallery")
	if !slices.Equal(mine, again) {
		t.Error("the same visitor's shuffle changed between visits")
	}
	if slices.Equal(mine, other) || slices.Equal(mine, newest) {
		t.Error("the shuffle is the same for two visitors, or is just newest first")
	}
	for _, order := range [][]string{mine, other, top} {
		s := slices.Sorted(slices.Values(order))
		if !slices.Equal(s, slices.Sorted(slices.Values(newest))) {
			t.Errorf("an order lost or repeated entries: %v", order)
		}
	}
	// Search by creator name and by title words.
	if got := e.galleryIDs(anon, "/c/fest/gallery?q=maya"); len(got) != 10 {
		t.Errorf("search maya: %d entries, want 10", len(got))
	}
	if got := e.galleryIDs(anon, "/c/fest/gallery?q=trick+number+17"); !slices.Equal(got, []string{live[17].ID}) {
		t.Errorf("search 'trick number 17' = %v", got)
	}
	if _, body := e.get(anon, "/c/fest/gallery?q=zzz"); !strings.Contains(body, "Nothing matches") {
		t.Error("an empty search does not say so")
	}
	if res, _ := e.get(anon, "/c/fest/gallery?sort=new&cursor=garbage"); res.StatusCode != 200 || res.Request.URL.RawQuery != "" {
		t.Errorf("bad cursor: %d at %s (want a fresh first page)", res.StatusCode, res.Request.URL)
	}
	// ETag revalidation.
	res, _ := e.get(anon, "/c/fest/gallery?sort=new")
	etag := res.Header.Get("ETag")
	if res, _ := e.get(anon, "/c/fest/gallery?sort=new", "If-None-Match", etag); etag == "" || res.StatusCode != http.StatusNotModified {
		t.Errorf("revalidation with %q: %d", etag, res.StatusCode)
	}
	// Leaderboard: ranked by votes, ties share a rank.
	_, board := e.get(anon, "/c/fest/leaderboard")
	first := entryLinkRE.FindStringSubmatch(board)
	if first == nil || votes[first[1]] != 29 || !strings.Contains(board, "Voting closes") {
		t.Errorf("leaderboard first = %v", first)
	}
	// JSON API: same read model, cursor errors are stable codes.
	var page struct {
		Entries []struct {
			ID, Title, URL string
			Votes          int64
		} `json:"entries"`
		Next  string `json:"next_cursor"`
		Total int64  `json:"total"`
	}
	e.doWith(anon, e.jsonReq("GET", "/api/campaigns/fest/gallery?sort=new&limit=5", nil), &page)
	if len(page.Entries) != 5 || page.Total != 30 || page.Next == "" || page.Entries[0].ID != live[29].ID {
		t.Errorf("JSON page: %+v", page)
	}
	var apiErr apiError
	if res := e.doWith(anon, e.jsonReq("GET", "/api/campaigns/fest/gallery?sort=top&cursor=x", nil), &apiErr); res.StatusCode != 400 || apiErr.Error.Code != "bad_cursor" {
		t.Errorf("bad cursor JSON: %d %+v", res.StatusCode, apiErr)
	}

	// A takedown leaves the gallery at once.
	if _, err := entries.Move(ctx, e.app.Entries, live[29], entries.Removed, "copyright", time.Now()); err != nil {
		t.Fatal(err)
	}
	if got := e.galleryIDs(anon, "/c/fest/gallery?sort=new"); len(got) != 29 || slices.Contains(got, live[29].ID) {
		t.Errorf("after takedown: %d entries", len(got))
	}

	// Winners: none yet, then an owner picks one in the console.
	if _, body := e.get(anon, "/c/fest/winners"); !strings.Contains(body, "not been announced") {
		t.Error("winners page before any pick")
	}
	owner := e.staffLogin(e.user, e.pass)
	if res, body := owner.post("/admin/entries/"+hidden.ID+"/winner", url.Values{"place": {"1"}, "action": {"set"}}); res.StatusCode != http.StatusConflict || !strings.Contains(body, "Only a live entry") {
		t.Errorf("winner in review: %d", res.StatusCode)
	}
	if res, body := owner.post("/admin/entries/"+live[3].ID+"/winner", url.Values{"place": {"0"}, "action": {"set"}}); res.StatusCode != 422 || !strings.Contains(body, "place must be") {
		t.Errorf("place 0: %d", res.StatusCode)
	}
	if res, _ := owner.post("/admin/entries/"+live[3].ID+"/winner", url.Values{"place": {"1"}, "prize": {"A weekend in Lisbon"}, "action": {"set"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("pick winner: %d", res.StatusCode)
	}
	if _, body := e.get(anon, "/c/fest/winners"); !strings.Contains(body, "A weekend in Lisbon") || !strings.Contains(body, "/e/"+live[3].ID) {
		t.Error("winners page does not show the pick")
	}
	if log, _ := e.app.Audit.List(ctx, live[3].ID, 10); len(log) == 0 || log[0].Action != "winner.set" {
		t.Errorf("winner pick not audited: %+v", log)
	}

	// Redis loses everything; the rebuild brings the same gallery back.
	e.kit.Redis.FlushDB(ctx)
	if got := e.galleryIDs(anon, "/c/fest/gallery?sort=new"); len(got) != 0 {
		t.Fatalf("after the flush the gallery still has %d entries", len(got))
	}
	if err := e.app.RebuildGalleries(ctx, "", func(string, int, time.Duration) {}); err != nil {
		t.Fatal(err)
	}
	if got := e.galleryIDs(anon, "/c/fest/gallery?sort=new"); !slices.Equal(got, newest[1:]) {
		t.Errorf("after rebuild newest differs:\n%v\n%v", got, newest[1:])
	}
}

// TestPublicPagesLeakNothingPrivate crawls every public route, following
// links, for a planted entrant email and client address (and their hashes
// and the entrant's id) and finds none of them.
func TestPublicPagesLeakNothingPrivate(t *testing.T) {
	t.Parallel()
	const email, ip = "planted-9f3a7c@example.org", "203.0.113.77"
	e := newEnv(t, func(_ *testing.T, k *testkit.Kit, _ *env) { k.Config.TrustedProxies = []string{"127.0.0.1", "::1"} })
	now := time.Now()
	e.createCampaign("leak", now.Add(-time.Hour), now.Add(time.Hour), 50<<20, 60,
		map[string]any{"voting_opens_at": now.Add(-time.Minute), "voting_closes_at": now.Add(time.Hour)})
	ctx := context.Background()
	c := e.signIn(email)
	who, err := e.app.Entrants.GetOrCreate(ctx, entrants.Entrant{Email: email})
	if err != nil || who.ID == "" {
		t.Fatal(err)
	}
	en := e.liveEntry(t, "leak", "Planted entry", "")
	// Make the planted entrant its owner, with a consent from the planted IP.
	if _, err := e.app.DB.Collection("entries").UpdateOne(ctx, map[string]any{"_id": en.ID}, map[string]any{"$set": map[string]any{
		"entrant_id": who.ID, "consents": []map[string]any{{"kind": "rules", "version": "1", "accepted": true, "at": now, "ip_hash": e.app.Signer.Hash("consent-ip", ip)}}}}); err != nil {
		t.Fatal(err)
	}
	if err := e.app.RebuildGalleries(ctx, "leak", func(string, int, time.Duration) {}); err != nil { // the read model from the changed record
		t.Fatal(err)
	}
	// A report and a share link from the planted address.
	rep := e.jsonReq("POST", "/api/entries/"+en.ID+"/reports", map[string]any{"reason": "spam"})
	rep.Header.Set("X-Forwarded-For", ip)
	e.doWith(jar(), rep, nil)
	share := e.jsonReq("POST", "/api/entries/"+en.ID+"/share-links", nil)
	share.Header.Set("X-Forwarded-For", ip)
	var link map[string]string
	e.doWith(c, share, &link)
	e.liveEntry(t, "leak", "Another", "Sam")

	secrets := []string{email, strings.Split(email, "@")[0], ip, who.ID,
		e.app.Signer.Hash("consent-ip", ip), e.app.Signer.Hash("report-ip", ip)}
	seen := map[string]bool{}
	queue := []string{"/", "/c/leak", "/c/leak/gallery", "/c/leak/gallery?sort=top", "/c/leak/gallery?sort=new", "/c/leak/gallery?q=planted",
		"/c/leak/leaderboard", "/c/leak/winners", "/e/" + en.ID, "/embed/e/" + en.ID, "/embed/c/leak",
		"/oembed?url=" + url.QueryEscape(e.app.Cfg.PublicURL+"/e/"+en.ID), "/oembed?url=" + url.QueryEscape(e.app.Cfg.PublicURL+"/c/leak"),
		"/api/campaigns", "/api/campaigns/leak", "/api/campaigns/leak/gallery", "/api/campaigns/leak/gallery?sort=new&q=planted",
		"/api/entries/" + en.ID, "/c/leak/brand.css", "/c/leak/rules", "/guardian?token=x", "/account/delete?token=x"}
	if link["url"] != "" {
		u, _ := url.Parse(link["url"])
		queue = append(queue, u.RequestURI())
	}
	hrefRE := regexp.MustCompile(`(?:href|src)="(/[^"]*)"`)
	visitor := jar() // a signed-out fan
	for requests := 0; len(queue) > 0 && requests < 300; requests++ {
		path := queue[0]
		queue = queue[1:]
		if seen[path] {
			continue
		}
		seen[path] = true
		res, body := e.get(visitor, path)
		all := body
		for k, v := range res.Header {
			all += "\n" + k + ": " + strings.Join(v, " ")
		}
		for _, s := range secrets {
			if strings.Contains(all, s) {
				t.Errorf("GET %s (%d) contains private %q", path, res.StatusCode, s)
			}
		}
		if strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
			for _, m := range hrefRE.FindAllStringSubmatch(body, -1) {
				p := strings.ReplaceAll(m[1], "&amp;", "&")
				if !strings.HasPrefix(p, "/static/") && !strings.HasPrefix(p, "/admin") && !seen[p] {
					queue = append(queue, p)
				}
			}
		}
	}
	if len(seen) < 20 {
		t.Errorf("the crawl reached only %d routes: %v", len(seen), seen)
	}
}
