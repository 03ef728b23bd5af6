package app_test

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tryout/tryout/internal/entrants"
	"github.com/tryout/tryout/internal/mail"
	"github.com/tryout/tryout/internal/staff"
)

// TestHeldVotes: a vote from an automation browser is saved but held: the
// voter is told so and why, the public total does not move, the entrant
// sees "1 vote under review" and why on My entries and on the entry page;
// a moderator sees it on the fraud review page with the campaign's checks
// explained, counts it (audited, the entrant told), and the total moves by
// exactly one. Owners switch checks off per campaign (admin JSON and the
// campaign form); a switched-off check holds nothing.
func TestHeldVotes(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	now := time.Now()
	var created struct {
		ID            string
		TimeZone      string   `json:"time_zone"`
		VoteChecksOff []string `json:"vote_checks_off"`
	}
	res := e.adminJSON("POST", "/admin/api/campaigns", e.user, e.pass, map[string]any{
		"slug": "held", "name": "Held", "entry_opens_at": now.Add(-2 * time.Hour), "entry_closes_at": now.Add(time.Hour),
		"max_file_bytes": 50 << 20, "max_duration_seconds": 60, "voting_opens_at": now.Add(-time.Hour), "voting_closes_at": now.Add(48 * time.Hour),
		"time_zone": "Asia/Tokyo"}, &created)
	if res.StatusCode != 201 || created.TimeZone != "Asia/Tokyo" || created.VoteChecksOff == nil || len(created.VoteChecksOff) != 0 {
		t.Fatalf("create: %d %+v", res.StatusCode, created)
	}
	en := e.liveEntry(t, "held", "Kickflip", "Kim")
	// vote votes, then again with the same browser (already voted).
	vote := func(c *http.Client, hdr ...string) (int, ballotOut, voteOut) {
		req := func() *http.Request {
			r := e.jsonReq("POST", "/api/entries/"+en.ID+"/votes", nil)
			r.Header.Set("X-Page-Token", e.pageToken(en.ID))
			for i := 0; i+1 < len(hdr); i += 2 {
				r.Header.Set(hdr[i], hdr[i+1])
			}
			return r
		}
		var out ballotOut
		var again voteOut
		res := e.doWith(c, req(), &out)
		e.doWith(c, req(), &again)
		return res.StatusCode, out, again
	}
	if st, out, _ := vote(jar(), "X-Webdriver", "1"); st != 201 || out.Counted || !out.Held || len(out.Because) != 1 || !strings.Contains(out.Because[0], "automation software") {
		t.Fatalf("an automation browser's vote: %d %+v", st, out)
	}
	fan := jar()
	st, out, again := vote(fan)
	if st != 201 || !out.Counted || out.Held {
		t.Fatalf("a fan's vote: %d %+v", st, out)
	}
	// The next vote time is said in the campaign's zone (the button shows it in the visitor's).
	if again.Error.Code != "already_voted" || !strings.Contains(again.Error.Message, "JST (Asia/Tokyo time)") {
		t.Errorf("already voted: %+v", again.Error)
	}
	var me struct {
		TimeZone string `json:"time_zone"`
	}
	e.doWith(fan, e.jsonReq("GET", "/api/campaigns/held/votes/me", nil), &me)
	if me.TimeZone != "Asia/Tokyo" {
		t.Errorf("my votes: %+v", me)
	}
	if card, _, _ := e.app.Gallery.Card(ctx, en.ID); card.Votes != 1 {
		t.Errorf("the card shows %d votes, want 1 (the held vote is not public)", card.Votes)
	}

	// The entrant sees the held vote and why.
	owner := e.signIn("kim@example.com")
	kim, _ := e.app.Entrants.GetOrCreate(ctx, entrants.Entrant{Email: "kim@example.com"})
	if _, err := e.app.DB.Collection("entries").UpdateOne(ctx, map[string]any{"_id": en.ID}, map[string]any{"$set": map[string]any{"entrant_id": kim.ID}}); err != nil {
		t.Fatal(err)
	}
	changed, _ := e.app.Entries.Get(ctx, en.ID)
	e.app.Entries.Sync(ctx, changed)
	var mine struct {
		Entries []struct {
			ID          string
			UnderReview *struct {
				Count   int64
				Because []string
				Note    string
			} `json:"votes_under_review"`
		}
	}
	e.doWith(owner, e.jsonReq("GET", "/api/me/entries", nil), &mine)
	if len(mine.Entries) != 1 || mine.Entries[0].UnderReview == nil || mine.Entries[0].UnderReview.Count != 1 ||
		!strings.Contains(mine.Entries[0].UnderReview.Because[0], "automation software") || !strings.Contains(mine.Entries[0].UnderReview.Note, "automatic checks") {
		t.Fatalf("my entries: %+v", mine)
	}
	if _, page := e.get(owner, "/e/"+en.ID); !strings.Contains(page, "1 vote under review") || !strings.Contains(page, "automation software") {
		t.Error("the entrant's entry page does not show the vote under review")
	}
	if _, page := e.get(jar(), "/e/"+en.ID); strings.Contains(page, "under review") {
		t.Error("the public entry page shows votes under review")
	}

	// A moderator reviews and counts it.
	e.addStaff("mod@example.com", "moderator password 1", staff.Moderator)
	mod := e.staffLogin("mod@example.com", "moderator password 1")
	_, page := mod.page("/admin/entries/" + en.ID + "/votes")
	for _, want := range []string{`<dd id="held">1</dd>`, `<dd id="counted">1</dd>`, "Automation browsers", "navigator.webdriver", `name="check" value="automation"`} {
		if !strings.Contains(page, want) {
			t.Errorf("votes page lacks %q", want)
		}
	}
	if res, _ := mod.post("/admin/entries/"+en.ID+"/votes/clear", url.Values{"check": {"no such check"}}); res.StatusCode != http.StatusBadRequest {
		t.Errorf("clear with an unknown check: %d", res.StatusCode)
	}
	if res, _ := mod.post("/admin/entries/"+en.ID+"/votes/clear", url.Values{"check": {"automation"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("clear: %d", res.StatusCode)
	}
	card, _, _ := e.app.Gallery.Card(ctx, en.ID)
	held, _ := e.app.Votes.Held(ctx, en.CampaignID, en.ID)
	rec, _ := e.app.Entries.Get(ctx, en.ID)
	if card.Votes != 2 || held[en.ID].Total != 0 || rec.Votes != 2 {
		t.Errorf("after clearing: card %d, held %d, record %d; want 2, 0, 2", card.Votes, held[en.ID].Total, rec.Votes)
	}
	if log, _ := e.app.Audit.List(ctx, en.ID, 5); len(log) == 0 || log[0].Action != "votes.clear" || log[0].After["votes"] != "2" || log[0].After["held"] != "0" {
		t.Errorf("audit: %+v", log)
	}
	msgs, _ := e.app.Outbox.ListByEntrant(ctx, kim.ID, 10)
	if len(msgs) == 0 || msgs[0].Kind != mail.KindVotesAdjusted || !strings.Contains(msgs[0].Text, "counts 1 more") {
		t.Errorf("entrant's message: %+v", msgs)
	}
	if rep, err := e.app.ReconcileVotes(ctx, en.CampaignID); err != nil || len(rep.Differences)+len(rep.HeldDifferences) != 0 {
		t.Errorf("reconcile after clearing: %+v %v", rep, err)
	}

	// The owner switches the automation check off (JSON API): no longer held.
	var view struct {
		VoteChecksOff []string `json:"vote_checks_off"`
	}
	if res := e.adminJSON("PUT", "/admin/api/campaigns/"+created.ID+"/vote-checks", e.user, e.pass, map[string]any{"off": []string{"robots"}}, nil); res.StatusCode != 400 {
		t.Errorf("an unknown check: %d", res.StatusCode)
	}
	if res := e.adminJSON("PUT", "/admin/api/campaigns/"+created.ID+"/vote-checks", e.user, e.pass, map[string]any{"off": []string{"automation"}}, &view); res.StatusCode != 200 || !slices.Equal(view.VoteChecksOff, []string{"automation"}) {
		t.Fatalf("switch a check off: %d %+v", res.StatusCode, view)
	}
	e.app.Now = func() time.Time { return time.Now().Add(6 * time.Second) } // past the campaign cache
	defer func() { e.app.Now = time.Now }()
	if st, out, _ := vote(jar(), "X-Webdriver", "1"); st != 201 || !out.Counted {
		t.Errorf("with the check off: %d %+v", st, out)
	}
	// ... and back on in the campaign form: the ticked boxes are the checks on.
	owner2 := e.staffLogin(e.user, e.pass)
	if _, form := owner2.page("/admin/campaigns/" + created.ID + "/edit"); !strings.Contains(form, `name="vote_check" value="automation">`) ||
		!strings.Contains(form, `name="vote_check" value="new_devices" checked>`) || !strings.Contains(form, `value="Asia/Tokyo"`) {
		t.Error("the campaign form does not show the checks as set")
	}
	cp, _ := e.app.Campaigns.Get(ctx, created.ID)
	f := campaignForm(cp.EntryOpensAt, cp.EntryClosesAt)
	f.Set("slug", "held")
	f.Set("voting_opens_at", cp.VotingOpensAt.UTC().Format("2006-01-02T15:04"))
	f.Set("voting_closes_at", cp.VotingClosesAt.UTC().Format("2006-01-02T15:04"))
	f.Set("time_zone", "Mars/Olympus")
	f.Set("vote_checks_shown", "1")
	f["vote_check"] = []string{"new_devices", "no_playback", "automation"}
	if res, body := owner2.post("/admin/campaigns/"+created.ID, f); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "IANA time zone") {
		t.Errorf("a bad time zone: %d", res.StatusCode)
	}
	f.Set("time_zone", "Europe/Paris")
	if res, body := owner2.post("/admin/campaigns/"+created.ID, f); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("save the form: %d %s", res.StatusCode, body)
	}
	cp, _ = e.app.Campaigns.Get(ctx, created.ID)
	if !slices.Equal(cp.VoteChecksOff, []string{"regular_timing"}) || cp.TimeZone != "Europe/Paris" {
		t.Errorf("after the form: checks off %v, zone %q", cp.VoteChecksOff, cp.TimeZone)
	}
}

// TestConfirmEmailPastTheVoterCap: past the per-address voter cap, a new
// voter there is asked to confirm their email (nothing is saved); once
// signed in, their vote counts.
func TestConfirmEmailPastTheVoterCap(t *testing.T) {
	t.Parallel()
	e, _ := harnessEnv(t)
	e.app.Now = time.Now
	now := time.Now()
	e.createCampaign("capped", now.Add(-2*time.Hour), now.Add(time.Hour), 50<<20, 60,
		map[string]any{"voting_opens_at": now.Add(-time.Hour), "voting_closes_at": now.Add(48 * time.Hour), "vote_checks_off": []string{"regular_timing"}})
	en := e.liveEntry(t, "capped", "Popular", "")
	for i := range 12 {
		f := e.fan("192.0.2.50", chromeUA)
		if c := f.vote(en.ID, e.pageToken(en.ID)); c.status != 201 {
			t.Fatalf("voter %d: %d %+v", i, c.status, c.out)
		}
	}
	f := e.fan("192.0.2.50", chromeUA)
	c := f.vote(en.ID, e.pageToken(en.ID))
	if c.status != http.StatusUnauthorized || c.out.Error.Code != "confirm_email" || c.out.Error.Fields["verify_url"] != "/signin?next=%2Fe%2F"+en.ID {
		t.Fatalf("the thirteenth new voter: %d %+v", c.status, c.out)
	}
	signed := &fan{e: e, c: e.signIn("thirteen@example.com"), ip: "192.0.2.50", ua: chromeUA}
	if c := signed.vote(en.ID, e.pageToken(en.ID)); c.status != 201 || !c.out.Counted {
		t.Errorf("after confirming an email: %d %+v", c.status, c.out)
	}
}
