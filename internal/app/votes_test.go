package app_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/tryout/tryout/internal/entrants"
	"github.com/tryout/tryout/internal/friction"
	"github.com/tryout/tryout/internal/mail"
	"github.com/tryout/tryout/internal/staff"
	"github.com/tryout/tryout/internal/testkit"
	"github.com/tryout/tryout/internal/votes"
)

type voteOut struct {
	Counted   bool
	Votes     *int64
	Remaining int
	NextAt    string `json:"next_vote_at"`
	Error     struct {
		Code    string
		Message string
		Fields  map[string]string
	}
}

// TestVotingOverHTTP: a fan votes once per entry per day and is told when
// to come back; the entrant cannot vote for their own entry; email-only
// campaigns ask for sign-in; closed windows and foreign sites are refused;
// share links are credited with the votes they bring; after Redis loses
// everything, rebuild and reconcile bring the totals back from ballots.
func TestVotingOverHTTP(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	now := time.Now()
	open := map[string]any{"voting_opens_at": now.Add(-time.Hour), "voting_closes_at": now.Add(48 * time.Hour)}
	e.createCampaign("vote-day", now.Add(-2*time.Hour), now.Add(time.Hour), 50<<20, 60, open)
	en := e.liveEntry(t, "vote-day", "Vote for me", "Lee")
	ctx := context.Background()
	vote := func(c *http.Client, id string, origin ...string) (int, voteOut) {
		var out voteOut
		req := e.jsonReq("POST", "/api/entries/"+id+"/votes", nil)
		req.Header.Set("X-Page-Token", e.pageToken(id))
		for _, o := range origin {
			req.Header.Set("Origin", o)
		}
		res := e.doWith(c, req, &out)
		return res.StatusCode, out
	}
	fan := jar()
	if st, out := vote(fan, en.ID); st != 201 || !out.Counted || out.Votes == nil || *out.Votes != 1 || out.NextAt == "" {
		t.Fatalf("first vote: %d %+v", st, out)
	}
	st, out := vote(fan, en.ID)
	if st != 409 || out.Error.Code != "already_voted" || out.Error.Fields["next_vote_at"] == "" || !strings.Contains(out.Error.Message, "You can vote again") {
		t.Errorf("second vote: %d %+v", st, out)
	}
	var me struct {
		Open      bool
		Voted     []string
		Remaining int
	}
	e.doWith(fan, e.jsonReq("GET", "/api/campaigns/vote-day/votes/me", nil), &me)
	if !me.Open || len(me.Voted) != 1 || me.Voted[0] != en.ID {
		t.Errorf("my votes: %+v", me)
	}
	if st, _ := vote(jar(), en.ID, "https://evil.example"); st != http.StatusForbidden {
		t.Errorf("cross-site vote: %d", st)
	}
	pending := e.reviewEntry(t, "vote-day", "Not live yet")
	if st, out := vote(jar(), pending.ID); st != 404 || out.Error.Code != "entry_not_found" {
		t.Errorf("vote for an entry in review: %d %+v", st, out)
	}
	// The entrant cannot vote for their own entry.
	owner := e.signIn("lee@example.com")
	lee, _ := e.app.Entrants.GetOrCreate(ctx, entrants.Entrant{Email: "lee@example.com"})
	if _, err := e.app.DB.Collection("entries").UpdateOne(ctx, map[string]any{"_id": en.ID}, map[string]any{"$set": map[string]any{"entrant_id": lee.ID}}); err != nil {
		t.Fatal(err)
	}
	changed, _ := e.app.Entries.Get(ctx, en.ID)
	e.app.Entries.Sync(ctx, changed) // the record was edited behind the store's back: bring the card along
	if st, out := vote(owner, en.ID); st != 403 || out.Error.Code != "self_vote" {
		t.Errorf("self vote: %d %+v", st, out)
	}

	// Share link credit: a fan shares, a friend arrives through the link and votes.
	sharer := jar()
	var link struct{ Code, URL string }
	e.doWith(sharer, e.jsonReq("POST", "/api/entries/"+en.ID+"/share-links", nil), &link)
	friend := jar()
	e.get(friend, "/e/"+en.ID+"?ref="+link.Code)
	if st, _ := vote(friend, en.ID); st != 201 {
		t.Fatalf("friend's vote: %d", st)
	}
	if l, err := e.app.Referrals.Store.Get(ctx, link.Code); err != nil || l.Votes != 1 || l.Clicks != 1 {
		t.Errorf("share link after the friend's vote: %+v %v", l, err)
	}

	// An email-only campaign asks anonymous fans to sign in.
	e.createCampaign("vote-email", now.Add(-2*time.Hour), now.Add(time.Hour), 50<<20, 60,
		map[string]any{"voting_opens_at": now.Add(-time.Hour), "voting_closes_at": now.Add(time.Hour), "voter_identity": "email"})
	en2 := e.liveEntry(t, "vote-email", "Verified only", "")
	if st, out := vote(jar(), en2.ID); st != 401 || out.Error.Code != "verify_required" {
		t.Errorf("anonymous vote, email only: %d %+v", st, out)
	}
	if st, _ := vote(e.signIn("verified-fan@example.com"), en2.ID); st != 201 {
		t.Errorf("signed-in vote, email only: %d", st)
	}
	// Voting not open yet.
	e.createCampaign("vote-later", now.Add(-2*time.Hour), now.Add(time.Hour), 50<<20, 60,
		map[string]any{"voting_opens_at": now.Add(time.Hour), "voting_closes_at": now.Add(2 * time.Hour)})
	en3 := e.liveEntry(t, "vote-later", "Too early", "")
	if st, out := vote(jar(), en3.ID); st != 403 || out.Error.Code != "voting_closed" {
		t.Errorf("vote before voting opens: %d %+v", st, out)
	}
	// The entry page offers the button while voting is open.
	if _, page := e.get(jar(), "/e/"+en.ID); !strings.Contains(page, `id="vote"`) || !strings.Contains(page, "2 votes") {
		t.Error("entry page lacks the vote button or the total")
	}

	// Redis loses everything: the rebuilt gallery shows the ballots at
	// once, and a reconcile afterwards has nothing to mend. The journal of
	// acknowledged votes lives in Redis (kept on disk by its persistence)
	// and reaches MongoDB at the drainer's pace: drain it first, as the
	// drainer would have before a loss, so the test does not depend on
	// that pace (it did, and failed when tests ran side by side).
	if err := e.app.DrainVotes(ctx); err != nil {
		t.Fatal(err)
	}
	e.kit.Redis.FlushDB(ctx)
	if err := e.app.RebuildGalleries(ctx, "", func(string, int, time.Duration) {}); err != nil {
		t.Fatal(err)
	}
	if card, _, _ := e.app.Gallery.Card(ctx, en.ID); card.Votes != 2 {
		t.Errorf("after the rebuild the card shows %d votes, want 2", card.Votes)
	}
	rep, err := e.app.ReconcileVotes(ctx, en.CampaignID)
	if err != nil || rep.Ballots != 2 || len(rep.Differences) != 0 {
		t.Fatalf("reconcile after the rebuild: %+v %v", rep, err)
	}
}

// TestHiddenTotals: a campaign that keeps totals secret until voting closes
// shows no vote counts and no Top order anywhere public.
func TestHiddenTotals(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	now := time.Now()
	e.createCampaign("secret", now.Add(-2*time.Hour), now.Add(time.Hour), 50<<20, 60,
		map[string]any{"voting_opens_at": now.Add(-time.Hour), "voting_closes_at": now.Add(time.Hour), "hide_totals": true})
	en := e.liveEntry(t, "secret", "Hush", "")
	var out voteOut
	req := e.jsonReq("POST", "/api/entries/"+en.ID+"/votes", nil)
	req.Header.Set("X-Page-Token", e.pageToken(en.ID))
	if res := e.doWith(jar(), req, &out); res.StatusCode != 201 || out.Votes != nil {
		t.Errorf("vote answer while hidden: %d %+v", res.StatusCode, out)
	}
	for _, path := range []string{"/c/secret/gallery", "/c/secret/gallery?sort=top", "/c/secret", "/e/" + en.ID, "/embed/c/secret"} {
		_, body := e.get(jar(), path)
		if strings.Contains(body, "1 vote") || strings.Contains(body, "0 votes") || strings.Contains(body, "sort=top") {
			t.Errorf("%s shows votes or the Top order while totals are hidden", path)
		}
	}
	if _, body := e.get(jar(), "/c/secret/leaderboard"); !strings.Contains(body, "secret until voting closes") || strings.Contains(body, "/e/"+en.ID) {
		t.Error("the leaderboard is not hidden")
	}
	var page struct {
		Entries []map[string]any
	}
	e.doWith(jar(), e.jsonReq("GET", "/api/campaigns/secret/gallery?sort=new", nil), &page)
	if len(page.Entries) != 1 || page.Entries[0]["votes"] != nil {
		t.Errorf("JSON while hidden: %+v", page)
	}
	var apiErr apiError
	if res := e.doWith(jar(), e.jsonReq("GET", "/api/campaigns/secret/gallery?sort=top", nil), &apiErr); res.StatusCode != 403 || apiErr.Error.Code != "totals_hidden" {
		t.Errorf("JSON top while hidden: %d %+v", res.StatusCode, apiErr)
	}
	// Once voting has closed, the totals are public.
	e.app.Now = func() time.Time { return time.Now().Add(2 * time.Hour) }
	defer func() { e.app.Now = time.Now }()
	// (The campaign and page caches run on the app's clock, so they expire too.)
	if _, body := e.get(jar(), "/c/secret/leaderboard"); !strings.Contains(body, "/e/"+en.ID) || !strings.Contains(body, "<td>1</td>") {
		t.Error("the leaderboard stays hidden after voting closed")
	}
}

// pageToken is the token an entry page served a minute ago carries.
func (e *env) pageToken(entryID string) string {
	return friction.Pages{Signer: e.app.Signer, Now: func() time.Time { return time.Now().Add(-time.Minute) }}.Token(entryID)
}

// TestVoteFriction: votes that look automated (no page view, too soon after
// it, a burst from one address) must solve a proof of work; a solved
// challenge counts the vote once and marks its ballot; a wrong or reused
// answer is challenged again.
func TestVoteFriction(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(_ *testing.T, k *testkit.Kit, _ *env) { k.Config.VoteBurst, k.Config.VotePoWBits = 3, 8 })
	now := time.Now()
	e.createCampaign("friction", now.Add(-2*time.Hour), now.Add(time.Hour), 50<<20, 60,
		map[string]any{"voting_opens_at": now.Add(-time.Hour), "voting_closes_at": now.Add(time.Hour)})
	en := e.liveEntry(t, "friction", "Prove it", "")
	ctx := context.Background()
	post := func(c *http.Client, page string, hdr ...string) (int, voteOut) {
		req := e.jsonReq("POST", "/api/entries/"+en.ID+"/votes", nil)
		if page != "" {
			req.Header.Set("X-Page-Token", page)
		}
		for i := 0; i+1 < len(hdr); i += 2 {
			req.Header.Set(hdr[i], hdr[i+1])
		}
		var out voteOut
		res := e.doWith(c, req, &out)
		return res.StatusCode, out
	}
	bot := jar()
	st, out := post(bot, "")
	if st != 403 || out.Error.Code != "challenge_required" || out.Error.Fields["reasons"] != "no_page_view" || out.Error.Fields["difficulty"] != "8" ||
		out.Error.Fields["verify_url"] != "/signin?next=%2Fe%2F"+en.ID {
		t.Fatalf("vote with no page view: %d %+v", st, out)
	}
	ch := friction.Challenge{Token: out.Error.Fields["challenge_token"], Difficulty: 8}
	wrong := "x"
	for friction.Solves(ch.Token, wrong, 8) {
		wrong += "x"
	}
	if st, out := post(bot, "", "X-Challenge-Token", ch.Token, "X-Challenge-Nonce", wrong); st != 403 || out.Error.Code != "challenge_required" {
		t.Errorf("wrong answer: %d %+v", st, out)
	}
	nonce := friction.Solve(ch)
	solved := []string{"X-Challenge-Token", ch.Token, "X-Challenge-Nonce", nonce, "Idempotency-Key", "vote-1"}
	if st, out := post(bot, "", solved...); st != 201 || !out.Counted || *out.Votes != 1 {
		t.Fatalf("solved challenge: %d %+v", st, out)
	}
	// The answer is lost; the button sends the same request again (its
	// proof now used up): the first outcome comes back, nothing counts
	// twice, and the retry says so.
	retry := e.jsonReq("POST", "/api/entries/"+en.ID+"/votes", nil)
	for i := 0; i+1 < len(solved); i += 2 {
		retry.Header.Set(solved[i], solved[i+1])
	}
	var again voteOut
	if res := e.doWith(bot, retry, &again); res.StatusCode != 201 || res.Header.Get("Idempotent-Replayed") != "true" || *again.Votes != 1 {
		t.Errorf("retry of a counted vote: %d %q %+v", res.StatusCode, res.Header.Get("Idempotent-Replayed"), again)
	}
	if st, out := post(bot, "", "Idempotency-Key", "not a valid key!"); st != 400 || out.Error.Code != "invalid_idempotency_key" {
		t.Errorf("a malformed key: %d %+v", st, out)
	}
	var b struct {
		Signals struct{ Challenge string } `bson:"signals"`
	}
	e.drainVotes(t)
	if err := e.app.DB.Collection("ballots").FindOne(ctx, map[string]any{"entry_id": en.ID}).Decode(&b); err != nil || b.Signals.Challenge != "pow" {
		t.Errorf("ballot signals: %+v %v", b, err)
	}
	// Another browser replaying the answer is challenged (bound to the voter).
	if st, out := post(jar(), "", "X-Challenge-Token", ch.Token, "X-Challenge-Nonce", nonce); st != 403 || out.Error.Code != "challenge_required" {
		t.Errorf("replayed answer: %d %+v", st, out)
	}
	// A vote a moment after the page was served.
	fresh := friction.Pages{Signer: e.app.Signer, Now: time.Now}.Token(en.ID)
	if st, out := post(jar(), fresh); st != 403 || !strings.HasPrefix(out.Error.Fields["reasons"], "too_fast") {
		t.Errorf("vote within 2 s of the page: %d %+v", st, out)
	}
	// A person who waited is not challenged, until their address bursts
	// past the limit (3 a minute here; the challenged ones above counted).
	st, out = post(jar(), e.pageToken(en.ID))
	if st != 403 || !strings.Contains(out.Error.Fields["reasons"], "burst") {
		t.Errorf("vote after a burst: %d %+v", st, out)
	}
	// The other way through: a fan who confirmed their email (signed in)
	// is not asked for the puzzle, even in the burst; the ballot says why.
	fan := e.signIn("confirmed-fan@example.com")
	if st, out := post(fan, ""); st != 201 || !out.Counted {
		t.Fatalf("email-confirmed vote with no page view in a burst: %d %+v", st, out)
	}
	e.drainVotes(t)
	var signals []struct {
		Verified bool                       `bson:"verified"`
		Signals  struct{ Challenge string } `bson:"signals"`
	}
	cur, err := e.app.DB.Collection("ballots").Find(ctx, map[string]any{"entry_id": en.ID, "verified": true})
	if err != nil {
		t.Fatal(err)
	}
	if err := cur.All(ctx, &signals); err != nil || len(signals) != 1 || signals[0].Signals.Challenge != "email" {
		t.Errorf("the confirmed fan's ballot: %+v %v", signals, err)
	}
	e.kit.Redis.Del(ctx, e.kit.Redis.Keys(ctx, "rl:vote:burst:*").Val()...)
	if st, out := post(jar(), e.pageToken(en.ID)); st != 201 {
		t.Errorf("an ordinary vote: %d %+v", st, out)
	}
}

// TestFraudReview: votes that cluster (one network, one minute) are shown
// to moderators with a score; discounting the cluster keeps the ballots
// but takes them out of every total, is audited and tells the entrant;
// counting them again reverses it; judges may not.
func TestFraudReview(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	now := time.Now()
	// The automatic checks would hold some of these votes (TestHeldVotes
	// covers that): this campaign switched them off.
	e.createCampaign("stuffed", now.Add(-2*time.Hour), now.Add(time.Hour), 50<<20, 60,
		map[string]any{"voting_opens_at": now.Add(-time.Hour), "voting_closes_at": now.Add(time.Hour), "vote_checks_off": votes.CheckNames()})
	en := e.liveEntry(t, "stuffed", "Suspicious", "")
	ctx := context.Background()
	for range 6 {
		req := e.jsonReq("POST", "/api/entries/"+en.ID+"/votes", nil)
		req.Header.Set("X-Page-Token", e.pageToken(en.ID))
		if res := e.doWith(jar(), req, nil); res.StatusCode != 201 {
			t.Fatalf("vote: %d", res.StatusCode)
		}
	}
	e.drainVotes(t)
	e.addStaff("mod@example.com", "moderator password 1", staff.Moderator)
	mod := e.staffLogin("mod@example.com", "moderator password 1")
	res, page := mod.page("/admin/entries/" + en.ID + "/votes")
	if res.StatusCode != 200 || !strings.Contains(page, `<dd id="counted">6</dd>`) || !strings.Contains(page, "100 / 100") || !strings.Contains(page, "subnet") {
		t.Fatalf("votes page: %d %s", res.StatusCode, page)
	}
	key := regexp.MustCompile(`name="kind" value="subnet"><input type="hidden" name="key" value="([^"]+)"`).FindStringSubmatch(page)
	if key == nil {
		t.Fatal("no subnet cluster form")
	}
	form := url.Values{"kind": {"subnet"}, "key": {key[1]}, "action": {"discount"}}
	if res, _ := mod.post("/admin/entries/"+en.ID+"/votes/discount", form); res.StatusCode != 422 {
		t.Errorf("discount without a reason: %d", res.StatusCode)
	}
	form.Set("reason", "Six votes from one network within a minute")
	if res, _ := mod.post("/admin/entries/"+en.ID+"/votes/discount", form); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("discount: %d", res.StatusCode)
	}
	check := func(want int64) {
		t.Helper()
		card, _, _ := e.app.Gallery.Card(ctx, en.ID)
		rec, _ := e.app.Entries.Get(ctx, en.ID)
		n, _ := e.app.Ballots.CountEntry(ctx, en.ID)
		all, _ := e.app.DB.Collection("ballots").CountDocuments(ctx, map[string]any{"entry_id": en.ID})
		if card.Votes != want || rec.Votes != want || n != want || all != 6 {
			t.Errorf("card %d, record %d, counted ballots %d, kept ballots %d; want %d, %d, %d, 6", card.Votes, rec.Votes, n, all, want, want, want)
		}
	}
	check(0)
	if rep, err := e.app.ReconcileVotes(ctx, en.CampaignID); err != nil || len(rep.Differences) != 0 {
		t.Errorf("reconcile after discounting: %+v %v", rep, err)
	}
	msgs, _ := e.app.Outbox.ListByEntrant(ctx, en.EntrantID, 10)
	if len(msgs) == 0 || msgs[0].Kind != mail.KindVotesAdjusted || !strings.Contains(msgs[0].Text, "did not count 6") || !strings.Contains(msgs[0].Text, "Six votes from one network") {
		t.Errorf("entrant's message: %+v", msgs)
	}
	if log, _ := e.app.Audit.List(ctx, en.ID, 5); len(log) == 0 || log[0].Action != "votes.discount" || log[0].After["votes"] != "0" {
		t.Errorf("audit: %+v", log)
	}
	if res, _ := mod.post("/admin/entries/"+en.ID+"/votes/discount", url.Values{"kind": {"subnet"}, "key": {key[1]}, "action": {"restore"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("restore: %d", res.StatusCode)
	}
	check(6)
	e.addStaff("judge@example.com", "judge password 123", staff.Judge)
	if res, _ := e.staffLogin("judge@example.com", "judge password 123").page("/admin/entries/" + en.ID + "/votes"); res.StatusCode != http.StatusForbidden {
		t.Errorf("judge on the votes page: %d", res.StatusCode)
	}
}

// TestVoteFrictionCrowdedAddress: many different voters on one address in
// an hour are challenged (a shared network is not blocked: they can still
// vote by solving the challenge).
func TestVoteFrictionCrowdedAddress(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(_ *testing.T, k *testkit.Kit, _ *env) { k.Config.VoteCrowd, k.Config.VotePoWBits = 2, 8 })
	now := time.Now()
	e.createCampaign("crowd", now.Add(-2*time.Hour), now.Add(time.Hour), 50<<20, 60,
		map[string]any{"voting_opens_at": now.Add(-time.Hour), "voting_closes_at": now.Add(time.Hour)})
	en := e.liveEntry(t, "crowd", "Popular at school", "")
	vote := func(c *http.Client, hdr ...string) (int, voteOut) {
		req := e.jsonReq("POST", "/api/entries/"+en.ID+"/votes", nil)
		req.Header.Set("X-Page-Token", e.pageToken(en.ID))
		for i := 0; i+1 < len(hdr); i += 2 {
			req.Header.Set(hdr[i], hdr[i+1])
		}
		var out voteOut
		return e.doWith(c, req, &out).StatusCode, out
	}
	for i := range 2 {
		if st, out := vote(jar()); st != 201 {
			t.Fatalf("voter %d: %d %+v", i, st, out)
		}
	}
	third := jar()
	st, out := vote(third)
	if st != 403 || out.Error.Fields["reasons"] != "crowded_address" {
		t.Fatalf("third voter on one address: %d %+v", st, out)
	}
	ch := friction.Challenge{Token: out.Error.Fields["challenge_token"], Difficulty: 8}
	if st, _ := vote(third, "X-Challenge-Token", ch.Token, "X-Challenge-Nonce", friction.Solve(ch)); st != 201 {
		t.Errorf("third voter after solving: %d", st)
	}
}

// drainVotes moves journaled ballots to MongoDB now, for checks that read
// ballots there (the app's own drainer does it within a fraction of a
// second).
func (e *env) drainVotes(t *testing.T) {
	t.Helper()
	if err := e.app.DrainVotes(context.Background()); err != nil {
		t.Fatal(err)
	}
}
