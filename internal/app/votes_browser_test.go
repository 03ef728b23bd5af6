package app_test

import (
	"context"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/tryout/tryout/internal/testkit"
)

// TestBrowserVoteButton: on a phone, a fan who votes the moment the entry
// page opens is asked for a proof of work, which the page solves by
// itself; the vote counts, the total on the page goes up, and the ballot
// says the puzzle was solved. Voting again from a fresh page load is
// answered at once with when to come back, before pressing anything.
func TestBrowserVoteButton(t *testing.T) {
	e := newEnv(t, func(_ *testing.T, k *testkit.Kit, _ *env) { k.Config.VotePoWBits = 12 })
	now := time.Now()
	e.createCampaign("vote-button", now.Add(-2*time.Hour), now.Add(time.Hour), 50<<20, 60,
		map[string]any{"voting_opens_at": now.Add(-time.Hour), "voting_closes_at": now.Add(48 * time.Hour)})
	en := e.liveEntry(t, "vote-button", "Backflip off the pier", "Sam")
	ctx := browser(t)
	err := chromedp.Do(ctx,
		chromedp.EmulateViewport(390, 844),
		chromedp.Navigate(e.srv.URL+"/e/"+en.ID),
		chromedp.WaitVisible("#vote"),
		chromedp.Click("#vote"), // well within two seconds of the page view
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
	if err := e.app.DB.Collection("ballots").FindOne(context.Background(), map[string]any{"entry_id": en.ID}).Decode(&b); err != nil || b.Signals.Challenge != "pow" {
		t.Errorf("the ballot: %+v %v; want the proof of work recorded", b, err)
	}
	err = chromedp.Do(ctx,
		chromedp.Reload(),
		chromedp.WaitVisible("#vote"),
		waitJS(`/^You voted for this entry today\. You can vote again \w{3}, .*\d\d:\d\d \S+\.$/.test(document.querySelector("#vote-box .message").textContent)`),
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
