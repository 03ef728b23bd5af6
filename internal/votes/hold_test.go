package votes_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/tryout/tryout/internal/votes"
)

// cast is one vote at the rig's clock, returning the checks that held it
// (0: counted in public) or the error.
func (r *rig) cast(t *testing.T, rules votes.Rules, entry string, v votes.Voter, sig votes.Signals) (votes.Checks, error) {
	t.Helper()
	c, err := r.svc.Vote(context.Background(), rules, target(entry), v, sig)
	return c.Held, err
}

// heldOf is an entry's held count as the counters show it.
func (r *rig) heldOf(t *testing.T, entry string) votes.Held {
	t.Helper()
	h, err := r.svc.Held(context.Background(), "cp_x", entry)
	if err != nil {
		t.Fatal(err)
	}
	return h[entry]
}

// totals are the ballots (MongoDB's and the journal's) of the rig's campaign.
func (r *rig) totals(t *testing.T) votes.Totals {
	t.Helper()
	tt, err := votes.TruthTotals(context.Background(), "cp_x", r.ballots, r.journal)
	if err != nil {
		t.Fatal(err)
	}
	return tt
}

// exact checks that the counters show what the ballots say: public totals
// (card) and held counts.
func (r *rig) exact(t *testing.T, when string) {
	t.Helper()
	tt := r.totals(t)
	for _, id := range []string{"en_a", "en_b", "en_c"} {
		if got := r.votesOf(t, id); got != tt.Counted[id] {
			t.Errorf("%s: %s shows %d votes, ballots counted %d", when, id, got, tt.Counted[id])
		}
		h := r.heldOf(t, id)
		if h.Total != tt.Held[id].Total {
			t.Errorf("%s: %s shows %d held, ballots held %d", when, id, h.Total, tt.Held[id].Total)
		}
		for c, n := range tt.Held[id].ByCheck {
			if h.ByCheck[c] != n {
				t.Errorf("%s: %s held by %s: counter %d, ballots %d", when, id, c, h.ByCheck[c], n)
			}
		}
	}
}

// TestHoldNewDevices: past NewPerIP new voters from one address in the
// hold window, its votes are recorded but held out of the public total;
// the network limit holds across addresses; the next window starts again;
// a campaign that switched the check off counts them all.
func TestHoldNewDevices(t *testing.T) { each(t, testHoldNewDevices) }

func testHoldNewDevices(t *testing.T, r *rig) {
	r.svc.Gate.Limits = votes.Limits{NewPerIP: 3, NewPerNetwork: 5, HoldWindow: time.Hour}
	var held []votes.Checks
	for i := range 5 {
		h, err := r.cast(t, r.rules(), "en_a", votes.Voter{ID: fmt.Sprintf("d:new%d", i)}, viewed("10.0.0.1"))
		if err != nil {
			t.Fatal(err)
		}
		held = append(held, h)
	}
	if fmt.Sprint(held) != fmt.Sprint([]votes.Checks{0, 0, 0, votes.CheckNewDevices, votes.CheckNewDevices}) {
		t.Errorf("one address, five new voters: held %v; want the last two held for new devices", held)
	}
	if got, h := r.votesOf(t, "en_a"), r.heldOf(t, "en_a"); got != 3 || h.Total != 2 || h.ByCheck["new_devices"] != 2 {
		t.Errorf("card %d, held %+v; want 3 and 2", got, h)
	}
	// A voter already seen votes for another entry: still held (the
	// address is over), and not counted as new again.
	if h, err := r.cast(t, r.rules(), "en_b", votes.Voter{ID: "d:new0"}, viewed("10.0.0.1")); err != nil || h != votes.CheckNewDevices {
		t.Errorf("a known voter from the busy address: %v %v", h, err)
	}
	// Another address on the network: the network has seen 5 new voters.
	sig := viewed("10.0.0.2")
	sig.SubnetHash = "net-10.0.0.1"
	if h, err := r.cast(t, r.rules(), "en_b", votes.Voter{ID: "d:neighbour"}, sig); err != nil || h != votes.CheckNewDevices {
		t.Errorf("sixth new voter on the network: %v %v", h, err)
	}
	// A new window: counted again.
	r.clock.Add(time.Hour)
	if h, err := r.cast(t, r.rules(), "en_c", votes.Voter{ID: "d:later"}, viewed("10.0.0.1")); err != nil || h != 0 {
		t.Errorf("an hour later: %v %v", h, err)
	}
	// Switched off for the campaign.
	off := r.rules()
	off.ChecksOff = votes.CheckNewDevices
	for i := range 4 {
		if h, err := r.cast(t, off, "en_c", votes.Voter{ID: fmt.Sprintf("d:off%d", i)}, viewed("10.0.0.1")); err != nil || h != 0 {
			t.Errorf("check off, voter %d: %v %v", i, h, err)
		}
	}
	r.exact(t, "after holding")
	r.drain(t)
	r.exact(t, "after the drain")
	tt := r.totals(t)
	if tt.Counted["en_a"] != 3 || tt.Held["en_a"].Total != 2 || tt.Held["en_b"].Total != 2 || tt.Counted["en_c"] != 5 {
		t.Errorf("ballots: %+v", tt)
	}
}

// TestHoldNoPlayback: past UnwatchedPerIP new voters from one address who
// watched nothing, the votes of those who watched nothing are held; a
// voter who watched counts.
func TestHoldNoPlayback(t *testing.T) { each(t, testHoldNoPlayback) }

func testHoldNoPlayback(t *testing.T, r *rig) {
	ctx := context.Background()
	r.svc.Gate.Limits = votes.Limits{UnwatchedPerIP: 2}
	r.svc.Gate.PlayedKey = func(v string) string { return "played:" + v }
	r.kit.Redis.Set(ctx, "played:d:watcher", 1, time.Hour)
	var held []votes.Checks
	for _, v := range []string{"d:churn0", "d:churn1", "d:churn2", "d:watcher", "d:churn3"} {
		h, err := r.cast(t, r.rules(), "en_a", votes.Voter{ID: v}, viewed("10.0.0.9"))
		if err != nil {
			t.Fatal(err)
		}
		held = append(held, h)
	}
	want := []votes.Checks{0, 0, votes.CheckNoPlayback, 0, votes.CheckNoPlayback}
	if fmt.Sprint(held) != fmt.Sprint(want) {
		t.Errorf("held %v, want %v", held, want)
	}
	// A voter who confirmed their email is not held by address checks.
	if h, err := r.cast(t, r.rules(), "en_b", votes.Voter{ID: "e:fan", Verified: true}, viewed("10.0.0.9")); err != nil || h != 0 {
		t.Errorf("verified voter: %v %v", h, err)
	}
	r.drain(t)
	r.exact(t, "no playback")
}

// TestHoldRegularTiming: votes from one address at the same gap, or the
// same delay after the page, several times in a row are held; a person's
// uneven rhythm is not.
func TestHoldRegularTiming(t *testing.T) { each(t, testHoldRegularTiming) }

func testHoldRegularTiming(t *testing.T, r *rig) {
	r.svc.Gate.Limits = votes.Limits{RegularStreak: 3}
	run := func(ip string, gaps []time.Duration, delays []int64) []votes.Checks {
		var out []votes.Checks
		for i, g := range gaps {
			r.clock.Add(g)
			sig := viewed(ip)
			sig.SincePageMS = delays[i]
			h, err := r.cast(t, r.rules(), "en_a", votes.Voter{ID: fmt.Sprintf("d:%s-%d", ip, i)}, sig)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, h)
		}
		return out
	}
	s := 2500 * time.Millisecond
	bot := run("bot", []time.Duration{s, s, s, s, s, s}, []int64{2500, 2503, 2499, 2501, 2500, 2502})
	if fmt.Sprint(bot) != fmt.Sprint([]votes.Checks{0, 0, 0, votes.CheckTiming, votes.CheckTiming, votes.CheckTiming}) {
		t.Errorf("bot rhythm: %v; want held from the fourth vote", bot)
	}
	// A bot that varies its gap but not its wait after the page.
	waits := run("waiter", []time.Duration{3 * time.Second, 7 * time.Second, 4 * time.Second, 9 * time.Second, 5 * time.Second},
		[]int64{2500, 2520, 2480, 2510, 2490})
	if waits[4] != votes.CheckTiming {
		t.Errorf("same delay after the page: %v", waits)
	}
	people := run("home", []time.Duration{3 * time.Minute, 7 * time.Minute, 4 * time.Minute, 11 * time.Minute, 6 * time.Minute},
		[]int64{41000, 9000, 120000, 15500, 66000})
	for i, h := range people {
		if h != 0 {
			t.Errorf("household vote %d held: %v", i, h)
		}
	}
	r.drain(t)
	r.exact(t, "timing")
}

// TestHoldAutomation: a browser that reports navigator.webdriver or calls
// itself headless is held (a signed-in voter too); a campaign can switch
// the check off.
func TestHoldAutomation(t *testing.T) { each(t, testHoldAutomation) }

func testHoldAutomation(t *testing.T, r *rig) {
	r.svc.Gate.Limits = votes.Limits{Automation: true}
	webdriver := viewed("a1")
	webdriver.Automation = "webdriver"
	headless := viewed("a2")
	headless.UAFamily = "headless"
	for i, tc := range []struct {
		v    votes.Voter
		sig  votes.Signals
		want votes.Checks
	}{
		{votes.Voter{ID: "d:wd"}, webdriver, votes.CheckAutomation},
		{votes.Voter{ID: "d:hl"}, headless, votes.CheckAutomation},
		{votes.Voter{ID: "e:signed", Verified: true}, webdriver, votes.CheckAutomation},
		{votes.Voter{ID: "d:person"}, viewed("a3"), 0},
	} {
		if h, err := r.cast(t, r.rules(), "en_a", tc.v, tc.sig); err != nil || h != tc.want {
			t.Errorf("case %d: %v %v, want %v", i, h, err, tc.want)
		}
	}
	off := r.rules()
	off.ChecksOff = votes.CheckAutomation
	if h, err := r.cast(t, off, "en_b", votes.Voter{ID: "d:wd2"}, webdriver); err != nil || h != 0 {
		t.Errorf("check off: %v %v", h, err)
	}
	// A retry of a held vote gets the same answer back.
	v := votes.Voter{ID: "d:retry", Request: "k1"}
	first, err := r.svc.Vote(context.Background(), r.rules(), target("en_c"), v, webdriver)
	again, err2 := r.svc.Vote(context.Background(), r.rules(), target("en_c"), v, webdriver)
	if err != nil || err2 != nil || first.Held != votes.CheckAutomation || !again.Replayed || again.Held != votes.CheckAutomation {
		t.Errorf("retry of a held vote: %+v %v / %+v %v", first, err, again, err2)
	}
	r.drain(t)
	r.exact(t, "automation")
}

// TestEscalation: the proof of work asked grows with the voters an
// address has shown in the window, an easier proof is refused, and past
// the voter cap a new voter must confirm an email (a known or verified
// voter still votes).
func TestEscalation(t *testing.T) { each(t, testEscalation) }

func testEscalation(t *testing.T, r *rig) {
	ctx := context.Background()
	r.svc.Gate.Limits = votes.Limits{Challenge: true, Crowd: 1, PowBits: 8, PowMaxBits: 10, VoterCap: 6}
	var asked []int
	for i := range 6 {
		v := votes.Voter{ID: fmt.Sprintf("d:esc%d", i)}
		_, err := r.svc.Vote(ctx, r.rules(), target("en_a"), v, viewed("busy"))
		var ce *votes.ChallengeError
		switch {
		case err == nil && i == 0:
			asked = append(asked, 0)
			continue
		case !errors.As(err, &ce):
			t.Fatalf("voter %d: %v, want a challenge", i, err)
		}
		asked = append(asked, ce.Difficulty)
		if ce.Difficulty > 8 {
			easy := &votes.Proof{UsedKey: fmt.Sprintf("pow:used:easy%d", i), Until: r.clock.Now().Add(time.Minute), Bits: ce.Difficulty - 1}
			v.Proof = easy
			if _, err := r.svc.Vote(ctx, r.rules(), target("en_a"), v, viewed("busy")); !errors.As(err, &ce) {
				t.Errorf("voter %d with an easier proof: %v", i, err)
			}
		}
		v.Proof = &votes.Proof{UsedKey: fmt.Sprintf("pow:used:esc%d", i), Until: r.clock.Now().Add(time.Minute), Bits: ce.Difficulty}
		if _, err := r.svc.Vote(ctx, r.rules(), target("en_a"), v, viewed("busy")); err != nil {
			t.Fatalf("voter %d with the proof asked: %v", i, err)
		}
	}
	if fmt.Sprint(asked) != "[0 8 8 8 9 9]" {
		t.Errorf("difficulty asked of voters 1-6: %v, want [0 8 8 8 9 9]", asked)
	}
	proof := &votes.Proof{UsedKey: "pow:used:capped", Until: r.clock.Now().Add(time.Minute), Bits: 10}
	if _, err := r.svc.Vote(ctx, r.rules(), target("en_a"), votes.Voter{ID: "d:seventh", Proof: proof}, viewed("busy")); !errors.Is(err, votes.ErrConfirmEmail) {
		t.Errorf("seventh new voter: %v, want confirm email", err)
	}
	if _, err := r.svc.Vote(ctx, r.rules(), target("en_a"), votes.Voter{ID: "e:confirmed", Verified: true}, viewed("busy")); err != nil {
		t.Errorf("a voter who confirmed their email: %v", err)
	}
	known := &votes.Proof{UsedKey: "pow:used:known", Until: r.clock.Now().Add(time.Minute), Bits: 10}
	if _, err := r.svc.Vote(ctx, r.rules(), target("en_b"), votes.Voter{ID: "d:esc1", Proof: known}, viewed("busy")); err != nil {
		t.Errorf("a known voter, another entry: %v", err)
	}
	r.drain(t)
	if n, _ := r.ballots.CountEntry(ctx, "en_a"); n != 7 {
		t.Errorf("ballots for en_a: %d, want 7 (the refused voter left none)", n)
	}
}
