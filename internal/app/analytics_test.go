package app_test

import (
	"context"
	"net/http"
	"net/url"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tryout/tryout/internal/analytics"
	"github.com/tryout/tryout/internal/entries"
)

// funnel reads a campaign's totals and its sources' counts.
func (e *env) funnel(t *testing.T, campaignID string) (map[analytics.Step]int64, map[string]map[analytics.Step]int64) {
	t.Helper()
	now := time.Now()
	r, err := e.app.Analytics.Report(context.Background(), campaignID, now.AddDate(0, 0, -1), now)
	if err != nil {
		t.Fatal(err)
	}
	src := map[string]map[analytics.Step]int64{}
	for _, s := range r.Sources {
		src[s.Source] = s.Counts
	}
	var daySum int64
	for _, d := range r.Days {
		daySum += d.Counts[analytics.Visits]
	}
	if daySum != r.Totals[analytics.Visits] {
		t.Errorf("daily visits add up to %d, total %d", daySum, r.Totals[analytics.Visits])
	}
	return r.Totals, src
}

// TestFunnelCountsEachStepOnce walks one visitor from a newsletter link
// through every step of the funnel and checks that each step moves when
// its event happens, and once: a reload, a restarted upload, a second trip
// to live, a second share visit do not count again.
func TestFunnelCountsEachStepOnce(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	now := time.Now()
	open := map[string]any{"voting_opens_at": now.Add(-time.Hour), "voting_closes_at": now.Add(48 * time.Hour)}
	c := e.createCampaign("funnel", now.Add(-time.Hour), now.Add(time.Hour), 100<<20, 60, open)
	const src = "utm:newsletter/email/spring"
	want := map[analytics.Step]int64{}
	check := func(when string) {
		t.Helper()
		got, sources := e.funnel(t, c.ID)
		for _, s := range analytics.Funnel {
			if got[s] != want[s] {
				t.Errorf("%s: %s = %d, want %d", when, s, got[s], want[s])
			}
		}
		if sources[src][analytics.Visits] != 1 {
			t.Errorf("%s: visits credited to the newsletter: %d, want 1", when, sources[src][analytics.Visits])
		}
		for _, s := range []analytics.Step{analytics.Links, analytics.Drafts, analytics.UploadsStarted, analytics.UploadsCompleted, analytics.Live} {
			w := want[s]
			if s == analytics.Live {
				w = min(w, 1) // the other live entry came with no source
			}
			if sources[src][s] != w {
				t.Errorf("%s: %s credited to the newsletter %d, want %d", when, s, sources[src][s], w)
			}
		}
	}

	// Landing from the newsletter, twice the same day: one visit.
	fan := jar()
	for range 2 {
		if res, _ := e.get(fan, "/c/funnel?utm_source=Newsletter&utm_medium=email&utm_campaign=spring"); res.StatusCode != 200 {
			t.Fatalf("landing: %d", res.StatusCode)
		}
	}
	want[analytics.Visits] = 1
	check("landing twice")
	// Another campaign's figures are its own.
	if res, _ := e.get(fan, "/c/nope?utm_source=x"); res.StatusCode != 404 {
		t.Errorf("unknown campaign: %d", res.StatusCode)
	}
	// A visit from another site is its own source; a direct one is not credited.
	if res, _ := e.get(jar(), "/c/funnel", "Referer", "https://www.instagram.com/p/xyz"); res.StatusCode != 200 {
		t.Fatal(res.StatusCode)
	}
	e.get(jar(), "/c/funnel")
	want[analytics.Visits] = 3
	if _, sources := e.funnel(t, c.ID); sources["ref:instagram.com"][analytics.Visits] != 1 || len(sources) != 2 {
		t.Errorf("sources: %v", sources)
	}

	// Sign-in link asked for on the campaign page (the cookie came along).
	res := e.doWith(fan, e.jsonReq("POST", "/api/auth/link", map[string]any{"email": "fan@example.com", "next": "/c/funnel"}), nil)
	if res.StatusCode != http.StatusAccepted {
		t.Fatalf("link: %d", res.StatusCode)
	}
	want[analytics.Links] = 1
	check("link")
	entrant := e.signIn("fan@example.com")
	u, _ := url.Parse(e.srv.URL)
	entrant.Jar.SetCookies(u, fan.Jar.Cookies(u))

	id := e.draft(entrant, "funnel", "Counted once")
	want[analytics.Drafts] = 1
	check("draft")
	data := videoOfSize(t, 6<<20)
	var tk ticket
	for range 2 { // started, then restarted with the same file: one upload
		res = e.doWith(entrant, e.jsonReq("POST", "/api/entries/"+id+"/uploads", map[string]any{"size": len(data), "filename": "a.mp4", "content_type": "video/mp4"}), &tk)
		if res.StatusCode != http.StatusCreated {
			t.Fatalf("start: %d", res.StatusCode)
		}
	}
	want[analytics.UploadsStarted] = 1
	check("upload started")
	var puts atomic.Int32
	for _, m := range tk.Missing {
		putPart(t, m.URL, slice(data, tk, m.Number), &puts)
	}
	for range 2 { // a retried completion
		if res = e.doWith(entrant, e.jsonReq("POST", "/api/entries/"+id+"/uploads/current/complete", nil), nil); res.StatusCode != 200 {
			t.Fatalf("complete: %d", res.StatusCode)
		}
	}
	want[analytics.UploadsCompleted] = 1
	check("upload completed")

	// Live, taken back to review by reports, live again: one live entry,
	// credited to the source the entry came with.
	ctx := context.Background()
	en, _ := e.app.Entries.Get(ctx, id)
	for _, to := range []entries.Status{entries.Processing, entries.InReview, entries.Live, entries.InReview, entries.Live} {
		var err error
		if en, err = entries.Move(ctx, e.app.Entries, en, to, "", time.Now()); err != nil {
			t.Fatalf("move to %s: %v", to, err)
		}
	}
	want[analytics.Live] = 1
	check("live twice")

	// Votes: counted when stored, once per ballot; the voter's source is
	// credited.
	other := e.liveEntry(t, "funnel", "Another entry", "Ann")
	want[analytics.Live] = 2
	vote := func(c *http.Client, entryID string) int {
		req := e.jsonReq("POST", "/api/entries/"+entryID+"/votes", nil)
		req.Header.Set("X-Page-Token", e.pageToken(entryID))
		return e.doWith(c, req, nil).StatusCode
	}
	if st := vote(fan, other.ID); st != 201 {
		t.Fatalf("vote: %d", st)
	}
	if st := vote(fan, other.ID); st != 409 {
		t.Fatalf("second vote: %d", st)
	}
	e.drainVotes(t)
	e.drainVotes(t)
	want[analytics.Votes] = 1
	check("vote")
	if _, sources := e.funnel(t, c.ID); sources[src][analytics.Votes] != 1 {
		t.Errorf("the vote was not credited to the newsletter: %v", sources[src])
	}

	// A share link: two visits by one visitor are one share visit; the
	// vote it brings counts as a vote from shares.
	var link struct{ Code, URL string }
	e.doWith(entrant, e.jsonReq("POST", "/api/entries/"+other.ID+"/share-links", nil), &link)
	friend := jar()
	for range 2 {
		e.get(friend, "/e/"+other.ID+"?ref="+link.Code)
	}
	want[analytics.ShareVisits] = 1
	check("share visit")
	if st := vote(friend, other.ID); st != 201 {
		t.Fatalf("friend's vote: %d", st)
	}
	e.drainVotes(t)
	want[analytics.Votes], want[analytics.ShareVotes] = 2, 1
	check("share")
}
