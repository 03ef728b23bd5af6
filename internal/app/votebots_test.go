package app_test

import (
	"context"
	"math/rand/v2"
	"net/http"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/tryout/tryout/internal/friction"
	"github.com/tryout/tryout/internal/testkit"
)

// simClock is the harnesses' clock: it moves only when a harness says so
// (no real sleeps), and the app reads it through app.Now.
type simClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *simClock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *simClock) Add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// fan is one browser: its own cookies, an address (X-Forwarded-For from
// the trusted loopback proxy) and a User-Agent.
type fan struct {
	e      *env
	c      *http.Client
	ip, ua string
}

func (e *env) fan(ip, ua string) *fan { return &fan{e: e, c: jar(), ip: ip, ua: ua} }

func (f *fan) req(method, path string, body any) *http.Request {
	r := f.e.jsonReq(method, path, body)
	r.Header.Set("X-Forwarded-For", f.ip)
	r.Header.Set("User-Agent", f.ua)
	return r
}

// openEntry loads the entry page and returns the page token its vote
// button carries.
func (f *fan) openEntry(t *testing.T, id string) string {
	t.Helper()
	_, body := f.e.get(f.c, "/e/"+id, "X-Forwarded-For", f.ip, "User-Agent", f.ua)
	tok := testkit.PageTokenIn(body)
	if tok == "" {
		t.Fatalf("the entry page of %s has no page token", id)
	}
	return tok
}

// watch plays the video for d (a start token, then the claim).
func (f *fan) watch(t *testing.T, clk *simClock, id string, d time.Duration) {
	t.Helper()
	var start struct{ Token string }
	f.e.doWith(f.c, f.req("POST", "/api/entries/"+id+"/views/start", nil), &start)
	clk.Add(d)
	var claim struct{ Counted bool }
	if res := f.e.doWith(f.c, f.req("POST", "/api/entries/"+id+"/views", map[string]string{"token": start.Token}), &claim); res.StatusCode != 200 || !claim.Counted {
		t.Fatalf("view claim: %d %+v", res.StatusCode, claim)
	}
}

// ballotOut is a vote's answer.
type ballotOut struct {
	Counted bool
	Held    bool
	Because []string `json:"held_because"`
	Error   struct {
		Code   string
		Fields map[string]string
	}
}

// cast is one vote as the vote button (or the bot) sends it: with the
// page token, and once more with a solved proof of work if challenged.
type cast struct {
	status     int
	out        ballotOut
	challenged int // the difficulty solved (0: not challenged)
	retryAfter time.Duration
}

func (f *fan) vote(id, page string) cast {
	key := "k" + strconv.FormatInt(rand.Int64(), 36)
	send := func(hdr ...string) (*http.Response, ballotOut) {
		r := f.req("POST", "/api/entries/"+id+"/votes", nil)
		r.Header.Set("X-Page-Token", page)
		r.Header.Set("Idempotency-Key", key)
		for i := 0; i+1 < len(hdr); i += 2 {
			r.Header.Set(hdr[i], hdr[i+1])
		}
		var out ballotOut
		return f.e.doWith(f.c, r, &out), out
	}
	res, out := send()
	var c cast
	if out.Error.Code == "challenge_required" {
		bits, _ := strconv.Atoi(out.Error.Fields["difficulty"])
		ch := friction.Challenge{Token: out.Error.Fields["challenge_token"], Difficulty: bits}
		res, out = send("X-Challenge-Token", ch.Token, "X-Challenge-Nonce", friction.Solve(ch))
		c.challenged = bits
	}
	c.status, c.out = res.StatusCode, out
	if s, err := strconv.Atoi(res.Header.Get("Retry-After")); err == nil {
		c.retryAfter = time.Duration(s) * time.Second
	}
	return c
}

// harnessEnv is a Tryout whose clock the harness moves, behind a trusted
// loopback proxy (so fans have addresses of their own), with the product's
// defaults except smaller puzzles (the bot solves them natively either way).
func harnessEnv(t *testing.T) (*env, *simClock) {
	e := newEnv(t, func(_ *testing.T, k *testkit.Kit, _ *env) {
		k.Config.TrustedProxies = []string{"127.0.0.1"}
		k.Config.VotePoWBits, k.Config.VotePoWMaxBits = 8, 14
	})
	clk := &simClock{t: time.Now()}
	e.app.Now = clk.Now
	return e, clk
}

const (
	chromeUA  = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
	phoneUA   = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
	firefoxUA = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
)

// TestBotHarness: the program from issue 19, driven through the real HTTP
// API on a simulated clock: one address, fresh cookies for every voter, the
// entry page loaded for its page token, 2.5 s of waiting, the vote, the
// proof of work solved natively when asked, and Retry-After obeyed; for two
// simulated hours. A second bot also plays the video for 5 s before each
// vote (a view claimed, so it does not look like churn without playback).
// Goal: at most 10 public votes per simulated hour per address, also after
// the automatic release of held votes has run.
func TestBotHarness(t *testing.T) {
	t.Parallel()
	e, clk := harnessEnv(t)
	now := time.Now()
	e.createCampaign("bot-target", now.Add(-2*time.Hour), now.Add(time.Hour), 50<<20, 60,
		map[string]any{"voting_opens_at": now.Add(-time.Hour), "voting_closes_at": now.Add(72 * time.Hour)})
	for _, bot := range []struct {
		name, ip string
		watch    bool
	}{{"the issue's bot", "198.51.100.7", false}, {"a bot that plays the video", "198.51.100.99", true}} {
		t.Run(bot.name, func(t *testing.T) {
			en := e.liveEntry(t, "bot-target", bot.name, "")
			runBot(t, e, clk, en.ID, en.CampaignID, bot.ip, bot.watch)
		})
	}
}

// runBot runs one bot for two simulated hours against an entry and checks
// the goal.
func runBot(t *testing.T, e *env, clk *simClock, entryID, campaignID, ip string, watch bool) {
	const hours = 2
	start := clk.Now()
	end := start.Add(hours * time.Hour)
	public := make([]int, hours)
	outcomes := map[string]int{}
	maxBits, attempts := 0, 0
	for ; clk.Now().Before(end) && attempts < 2000; attempts++ {
		f := e.fan(ip, chromeUA)
		page := f.openEntry(t, entryID)
		clk.Add(2500 * time.Millisecond)
		if watch {
			var st struct{ Token string }
			e.doWith(f.c, f.req("POST", "/api/entries/"+entryID+"/views/start", nil), &st)
			clk.Add(5 * time.Second)
			e.doWith(f.c, f.req("POST", "/api/entries/"+entryID+"/views", map[string]string{"token": st.Token}), nil)
		}
		c := f.vote(entryID, page)
		maxBits = max(maxBits, c.challenged)
		switch {
		case c.status == http.StatusCreated && c.out.Counted:
			public[int(clk.Now().Sub(start)/time.Hour)]++
			outcomes["counted"]++
		case c.status == http.StatusCreated && c.out.Held:
			outcomes["held"]++
		case c.status == http.StatusTooManyRequests:
			outcomes["too_many_votes"]++
			clk.Add(c.retryAfter)
		default:
			outcomes[c.out.Error.Code]++
		}
	}
	t.Logf("%d attempts over %d simulated hours; public votes per hour %v; outcomes %v; hardest puzzle %d bits",
		attempts, hours, public, outcomes, maxBits)
	if attempts < 300 || outcomes["confirm_email"] == 0 || maxBits <= 8 {
		t.Fatalf("the bot did not run as the issue's did (attempts %d, outcomes %v, hardest puzzle %d bits)", attempts, outcomes, maxBits)
	}
	for h, n := range public {
		if n > 10 {
			t.Errorf("hour %d: the bot gained %d public votes, goal at most 10", h, n)
		}
	}
	ctx := context.Background()
	card, _, _ := e.app.Gallery.Card(ctx, entryID)
	if card.Votes != int64(outcomes["counted"]) {
		t.Errorf("the card shows %d votes; the bot was told %d counted", card.Votes, outcomes["counted"])
	}
	// Hours later the automatic re-check runs: the bot's cluster still
	// looks as it did (many new devices, none of them proven), so its held
	// votes stay held.
	clk.Add(3 * time.Hour)
	if err := e.app.ReleaseHeldVotes(ctx); err != nil {
		t.Fatal(err)
	}
	after, _, _ := e.app.Gallery.Card(ctx, entryID)
	held, _ := e.app.Votes.Held(ctx, campaignID, entryID)
	t.Logf("after the automatic re-check: %d public and %d held votes (held because %v)", after.Votes, held[entryID].Total, held[entryID].ByCheck)
	if after.Votes != card.Votes || held[entryID].Total != int64(outcomes["held"]) {
		t.Errorf("after the release: %d public (was %d), %d held (bot was told %d)", after.Votes, card.Votes, held[entryID].Total, outcomes["held"])
	}
}

// TestHouseholdHarness: twenty households of five real voters, each
// household on an address of its own, each person loading the entry page,
// watching the video for a while and voting minutes after the one before,
// at uneven moments (a seeded random rhythm). Goal: no household vote is
// held (and none refused); how many were asked for a puzzle is logged.
func TestHouseholdHarness(t *testing.T) {
	t.Parallel()
	e, clk := harnessEnv(t)
	now := time.Now()
	e.createCampaign("family", now.Add(-2*time.Hour), now.Add(time.Hour), 50<<20, 60,
		map[string]any{"voting_opens_at": now.Add(-time.Hour), "voting_closes_at": now.Add(30 * 24 * time.Hour)})
	a := e.liveEntry(t, "family", "Our cousin", "")
	b := e.liveEntry(t, "family", "The neighbour", "")
	rng := rand.New(rand.NewPCG(19, 5))
	between := func(lo, hi time.Duration) time.Duration { return lo + time.Duration(rng.Int64N(int64(hi-lo))) }
	uas := []string{chromeUA, phoneUA, firefoxUA, phoneUA, chromeUA}
	var votes, held, refused, challenged int
	for h := range 20 {
		ip := "10." + strconv.Itoa(h) + ".7.20"
		for m := range 5 {
			f := e.fan(ip, uas[m])
			targets := []string{a.ID}
			if rng.IntN(2) == 0 {
				targets = append(targets, b.ID)
			}
			for _, id := range targets {
				page := f.openEntry(t, id)
				clk.Add(between(3*time.Second, 20*time.Second))
				f.watch(t, clk, id, between(6*time.Second, 90*time.Second))
				clk.Add(between(2*time.Second, 30*time.Second))
				c := f.vote(id, page)
				votes++
				switch {
				case c.status == http.StatusCreated && c.out.Held:
					held++
					t.Errorf("household %d, member %d: vote held because %v", h, m, c.out.Because)
				case c.status != http.StatusCreated || !c.out.Counted:
					refused++
					t.Errorf("household %d, member %d: %d %s", h, m, c.status, c.out.Error.Code)
				}
				if c.challenged > 0 {
					challenged++
				}
			}
			clk.Add(between(2*time.Minute, 15*time.Minute)) // the next member, minutes later
		}
		clk.Add(between(time.Hour, 5*time.Hour)) // the next household, another time of day
	}
	t.Logf("households: %d votes by 100 people on 20 addresses; %d held, %d refused, %d asked for a proof of work", votes, held, refused, challenged)
	ctx := context.Background()
	ca, _, _ := e.app.Gallery.Card(ctx, a.ID)
	cb, _, _ := e.app.Gallery.Card(ctx, b.ID)
	if ca.Votes+cb.Votes != int64(votes-held-refused) || ca.Votes != 100 {
		t.Errorf("cards show %d and %d votes for %d cast", ca.Votes, cb.Votes, votes)
	}
}
