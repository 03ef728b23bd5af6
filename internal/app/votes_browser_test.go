package app_test

import (
	"context"
	"net/url"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/tryout/tryout/internal/entrants"
	"github.com/tryout/tryout/internal/testkit"
	"github.com/tryout/tryout/internal/votes"
)

// TestBrowserVoteButton: on a phone, a fan whose vote is challenged is
// asked for a proof of work, which the page solves by itself; the vote
// counts, the total on the page goes up, and the ballot says the puzzle
// was solved. Voting again from a fresh page load is answered at once with
// when to come back, before pressing anything. The vote is challenged
// because another vote came from the same address a moment before (a burst
// of one is the limit here): a vote within two seconds of the page view is
// challenged too, but whether a loaded machine clicks that fast is not for
// the test to depend on (it did, and failed).
func TestBrowserVoteButton(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(_ *testing.T, k *testkit.Kit, _ *env) { k.Config.VotePoWBits, k.Config.VoteBurst = 12, 1 })
	now := time.Now()
	// The test browser reports automation (navigator.webdriver), which
	// holds votes (TestBrowserHeldVoteAndLocalTime): this campaign
	// switched that check off.
	e.createCampaign("vote-button", now.Add(-2*time.Hour), now.Add(time.Hour), 50<<20, 60,
		map[string]any{"voting_opens_at": now.Add(-time.Hour), "voting_closes_at": now.Add(48 * time.Hour), "vote_checks_off": []string{"automation"}})
	en := e.liveEntry(t, "vote-button", "Backflip off the pier", "Sam")
	// Another fan on the same address (every client here is 127.0.0.1)
	// votes first, by script, with no page view: challenged, and the
	// address's burst is spent.
	var first apiError
	if res := e.doWith(jar(), e.jsonReq("POST", "/api/entries/"+en.ID+"/votes", nil), &first); res.StatusCode != 403 || first.Error.Code != "challenge_required" {
		t.Fatalf("the scripted vote: %d %+v", res.StatusCode, first.Error)
	}
	ctx := browser(t)
	err := chromedp.Do(ctx,
		chromedp.EmulateViewport(390, 844),
		chromedp.Navigate(e.srv.URL+"/e/"+en.ID),
		chromedp.WaitVisible("#vote"),
		chromedp.Click("#vote"),
		waitJS(`document.querySelector("#vote-box .message").textContent.includes("your vote counts")`),
		waitJS(`document.getElementById("votes").textContent === "1 vote"`),
		shot(t, ctx, "vote-1-counted-phone"),
	)
	if err != nil {
		t.Fatal(err)
	}
	e.drainVotes(t)
	var b struct {
		Signals struct{ Challenge string } `bson:"signals"`
	}
	one := e.app.DB.Collection("ballots").FindOne(context.Background(), map[string]any{"entry_id": en.ID})
	if err := one.Decode(&b); err != nil || b.Signals.Challenge != "pow" {
		raw, _ := one.Raw()
		t.Errorf("the ballot: %v %v; want the proof of work recorded", raw, err)
	}
	err = chromedp.Do(ctx,
		chromedp.Reload(),
		chromedp.WaitVisible("#vote"),
		waitJS(`/^You voted for this entry today\. You can vote again \w{3} \d{1,2} \w{3,4}, \d\d:\d\d your time \([\w\/+-]+\)\.$/.test(document.querySelector("#vote-box .message").textContent)`),
		waitJS(`document.getElementById("vote").disabled`),
		shot(t, ctx, "vote-2-already-voted-phone"),
	)
	if err != nil {
		t.Fatal(err)
	}
	if card, _, _ := e.app.Gallery.Card(context.Background(), en.ID); card.Votes != 1 {
		t.Errorf("the card shows %d votes, want 1", card.Votes)
	}
}

// TestBrowserHeldVoteAndLocalTime: the test browser is automation
// software and says so (navigator.webdriver), so its vote is held: the
// button says the vote is saved and under review, and why; the total does
// not move. Reloaded in New York for a campaign that keeps Tokyo time, the
// button says when the visitor can vote again in New York time, naming the
// zone. The entrant's page shows "1 vote under review" and why. Phone and
// desktop screenshots of each.
func TestBrowserHeldVoteAndLocalTime(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(_ *testing.T, k *testkit.Kit, _ *env) { k.Config.VotePoWBits = 10 })
	now := time.Now()
	e.createCampaign("held-button", now.Add(-2*time.Hour), now.Add(time.Hour), 50<<20, 60,
		map[string]any{"voting_opens_at": now.Add(-time.Hour), "voting_closes_at": now.Add(48 * time.Hour), "time_zone": "Asia/Tokyo"})
	en := e.liveEntry(t, "held-button", "Backflip off the pier", "Sam")
	tokyo, _ := time.LoadLocation("Asia/Tokyo")
	york, _ := time.LoadLocation("America/New_York")
	_, next := votes.Rules{Frequency: votes.Daily, Location: tokyo}.Period(time.Now())
	again := next.In(york).Format("15:04") + " your time (America/New_York). The campaign's days follow Asia/Tokyo time."
	ctx := browser(t)
	err := chromedp.Do(ctx,
		cdpDo(emulation.SetTimezoneOverride, emulation.SetTimezoneOverrideParams{TimezoneID: "America/New_York"}),
		chromedp.EmulateViewport(390, 844),
		chromedp.Navigate(e.srv.URL+"/e/"+en.ID),
		chromedp.WaitVisible("#vote"),
		chromedp.Sleep(2100*time.Millisecond), // a person reads the page first (no puzzle)
		chromedp.Click("#vote"),
		waitJS(`document.querySelector("#vote-box .message").textContent.includes("under review, because the browser said it was run by automation software")`),
		waitJS(`document.getElementById("votes").textContent === "0 votes"`),
		shot(t, ctx, "held-1-vote-under-review-phone"),
		chromedp.Reload(),
		chromedp.WaitVisible("#vote"),
		waitJS(`document.querySelector("#vote-box .message").textContent.endsWith(`+strconv.Quote(again)+`)`),
		waitJS(`document.getElementById("vote").disabled`),
		shot(t, ctx, "held-2-next-vote-local-time-phone"),
		waitJS(`document.documentElement.scrollWidth <= document.documentElement.clientWidth`),
		chromedp.EmulateViewport(1280, 900),
		chromedp.Reload(),
		waitJS(`document.querySelector("#vote-box .message").textContent.endsWith(`+strconv.Quote(again)+`)`),
		shot(t, ctx, "held-3-next-vote-local-time-desktop"),
	)
	if err != nil {
		t.Fatal(err)
	}
	if card, _, _ := e.app.Gallery.Card(context.Background(), en.ID); card.Votes != 0 {
		t.Errorf("the card shows %d votes, want 0 (the vote is held)", card.Votes)
	}
	// The entrant, signed in, sees the vote under review on the entry page.
	owner := e.signIn("sam@example.com")
	ctxb := context.Background()
	sam, _ := e.app.Entrants.GetOrCreate(ctxb, entrants.Entrant{Email: "sam@example.com"})
	if _, err := e.app.DB.Collection("entries").UpdateOne(ctxb, map[string]any{"_id": en.ID}, map[string]any{"$set": map[string]any{"entrant_id": sam.ID}}); err != nil {
		t.Fatal(err)
	}
	changed, _ := e.app.Entries.Get(ctxb, en.ID)
	e.app.Entries.Sync(ctxb, changed)
	u, _ := url.Parse(e.srv.URL)
	var setCookies []chromedp.Action[chromedp.Void]
	for _, ck := range owner.Jar.Cookies(u) {
		setCookies = append(setCookies, cdpDo(network.SetCookie, network.SetCookieParams{Name: ck.Name, Value: ck.Value, URL: e.srv.URL}))
	}
	err = chromedp.Do(ctx, setCookies...)
	if err == nil {
		err = chromedp.Do(ctx,
			chromedp.EmulateViewport(390, 844),
			chromedp.Navigate(e.srv.URL+"/e/"+en.ID),
			waitJS(`(document.getElementById("under-review") || {textContent: ""}).textContent.startsWith("1 vote under review. Our automatic checks held it because the browser said it was run by automation software.")`),
			shot(t, ctx, "held-4-entrant-sees-review-phone"),
			waitJS(`document.documentElement.scrollWidth <= document.documentElement.clientWidth`), // no sideways scroll on the phone
			chromedp.EmulateViewport(1280, 900),
			chromedp.Reload(),
			waitJS(`document.getElementById("under-review") !== null`),
			shot(t, ctx, "held-5-entrant-sees-review-desktop"),
			waitJS(`document.documentElement.scrollWidth <= document.documentElement.clientWidth`),
		)
	}
	if err != nil {
		t.Fatal(err)
	}
}

// cdpDo sends one DevTools command as a chromedp action.
func cdpDo[P any](cmd cdp.Command[P, cdp.Empty], params P) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
		_, err := cdp.Call(ctx, tg, cmd, params)
		return chromedp.Void{}, err
	}
}
