package votes_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/tryout/tryout/internal/gallery"
	"github.com/tryout/tryout/internal/votes"
)

// viewed are the signals of a vote from a page seen long enough ago, from
// one address and network.
func viewed(ip string) votes.Signals {
	return votes.Signals{IPHash: ip, SubnetHash: "net-" + ip, SincePageMS: 5000}
}

// castAll casts one vote per voter at once (they share gate batches) and
// returns each one's outcome, in voter order.
func castAll(r *rig, rules votes.Rules, entry string, voters []votes.Voter, sig votes.Signals) ([]votes.Cast, []error) {
	casts, errs := make([]votes.Cast, len(voters)), make([]error, len(voters))
	var wg sync.WaitGroup
	for i, v := range voters {
		wg.Add(1)
		go func() {
			defer wg.Done()
			casts[i], errs[i] = r.svc.Vote(context.Background(), rules, target(entry), v, sig)
		}()
	}
	wg.Wait()
	return casts, errs
}

func fans(prefix string, n int) []votes.Voter {
	out := make([]votes.Voter, n)
	for i := range out {
		out[i] = votes.Voter{ID: fmt.Sprintf("d:%s%d", prefix, i)}
	}
	return out
}

// TestGateHardLimits: an address and a network get a fixed number of
// votes per window, counted in order even when the votes share a batch;
// the rest are refused with how long to wait, and are not counted.
func TestGateHardLimits(t *testing.T) { each(t, testGateHardLimits) }

func testGateHardLimits(t *testing.T, r *rig) {
	r.svc.Gate.Limits = votes.Limits{PerIP: 3, PerNetwork: 5, Window: 10 * time.Minute}
	_, errs := castAll(r, r.rules(), "en_a", fans("a", 8), viewed("10.0.0.1"))
	var ok, limited int
	for _, err := range errs {
		var le *votes.LimitedError
		switch {
		case err == nil:
			ok++
		case errors.As(err, &le) && le.Wait > 0 && le.Wait <= 10*time.Minute:
			limited++
		default:
			t.Errorf("vote: %v", err)
		}
	}
	if ok != 3 || limited != 5 {
		t.Errorf("one address: %d counted, %d limited; want 3 and 5", ok, limited)
	}
	// Another address on the same network: two more, then the network's limit.
	sig := viewed("10.0.0.2")
	sig.SubnetHash = "net-10.0.0.1"
	_, errs = castAll(r, r.rules(), "en_a", fans("b", 4), sig)
	ok = 0
	for _, err := range errs {
		if err == nil {
			ok++
		}
	}
	r.drain(t)
	counts, _ := r.ballots.Counts(context.Background(), "cp_x")
	if ok != 0 || counts["en_a"] != 3 || r.votesOf(t, "en_a") != 3 {
		// The network counted the first address's 8 attempts: over 5 already.
		t.Errorf("same network: %d counted, ballots %d, counter %d; want 0, 3, 3", ok, counts["en_a"], r.votesOf(t, "en_a"))
	}
}

// TestGateFriction: votes that look automated are challenged with the
// reasons; a confirmed email or a proof of work lets them through, a
// proof only once; ballots record how friction was passed.
func TestGateFriction(t *testing.T) { each(t, testGateFriction) }

func testGateFriction(t *testing.T, r *rig) {
	ctx := context.Background()
	r.svc.Gate.Limits = votes.Limits{Challenge: true, Burst: 1, BurstWindow: time.Minute, Crowd: 100}
	challenged := func(err error) string {
		var ce *votes.ChallengeError
		if !errors.As(err, &ce) {
			return fmt.Sprintf("not challenged (%v)", err)
		}
		return fmt.Sprint(ce.Reasons)
	}
	noPage := votes.Signals{IPHash: "ip-1", SincePageMS: -1}
	if _, err := r.svc.Vote(ctx, r.rules(), target("en_a"), votes.Voter{ID: "d:bot"}, noPage); challenged(err) != "[no_page_view]" {
		t.Errorf("no page view: %s", challenged(err))
	}
	fast := votes.Signals{IPHash: "ip-2", SincePageMS: 800}
	if _, err := r.svc.Vote(ctx, r.rules(), target("en_a"), votes.Voter{ID: "d:quick"}, fast); challenged(err) != "[too_fast]" {
		t.Errorf("too fast: %s", challenged(err))
	}
	// The burst limit (one a minute here) counts every vote from the
	// address, challenged or not.
	_, err := r.svc.Vote(ctx, r.rules(), target("en_b"), votes.Voter{ID: "d:third"}, viewed("ip-1"))
	if challenged(err) != "[burst]" {
		t.Errorf("third vote from one address in a minute: %s", challenged(err))
	}
	// A confirmed email passes instead of the puzzle.
	c, err := r.svc.Vote(ctx, r.rules(), target("en_a"), votes.Voter{ID: "e:fan", Verified: true}, noPage)
	if err != nil || c.Ballot.Signals.Challenge != "email" {
		t.Fatalf("verified voter: %+v %v", c.Ballot.Signals, err)
	}
	// A solved proof passes once.
	proof := &votes.Proof{UsedKey: "pow:used:test-token", Until: r.clock.Now().Add(5 * time.Minute)}
	c, err = r.svc.Vote(ctx, r.rules(), target("en_a"), votes.Voter{ID: "d:bot", Proof: proof}, noPage)
	if err != nil || c.Ballot.Signals.Challenge != "pow" {
		t.Fatalf("solved proof: %+v %v", c.Ballot.Signals, err)
	}
	if _, err := r.svc.Vote(ctx, r.rules(), target("en_b"), votes.Voter{ID: "d:bot", Proof: proof}, noPage); challenged(err) != "[no_page_view burst]" {
		t.Errorf("the same proof again: %s", challenged(err))
	}
	// An ordinary vote needs no proof and leaves one unused.
	spare := &votes.Proof{UsedKey: "pow:used:spare", Until: r.clock.Now().Add(5 * time.Minute)}
	if c, err := r.svc.Vote(ctx, r.rules(), target("en_c"), votes.Voter{ID: "d:person", Proof: spare}, viewed("ip-9")); err != nil || c.Ballot.Signals.Challenge != "" {
		t.Errorf("ordinary vote: %+v %v", c.Ballot.Signals, err)
	}
	if n, _ := r.gallery.Redis.Exists(ctx, "pow:used:spare").Result(); n != 0 {
		t.Error("an ordinary vote used up its proof")
	}
	r.drain(t)
	counts, _ := r.ballots.Counts(ctx, "cp_x")
	if counts["en_a"] != 2 || counts["en_b"] != 0 || counts["en_c"] != 1 {
		t.Errorf("ballots %v; want en_a 2, en_b 0, en_c 1", counts)
	}
}

// TestGateCrowdedAddress: after Crowd voters from one address in an hour,
// the next new voter there is challenged; solving lets them vote.
func TestGateCrowdedAddress(t *testing.T) { each(t, testGateCrowdedAddress) }

func testGateCrowdedAddress(t *testing.T, r *rig) {
	ctx := context.Background()
	r.svc.Gate.Limits = votes.Limits{Challenge: true, Crowd: 3}
	for i := range 3 {
		if _, err := r.svc.Vote(ctx, r.rules(), target("en_a"), votes.Voter{ID: fmt.Sprintf("d:school%d", i)}, viewed("school")); err != nil {
			t.Fatalf("voter %d: %v", i, err)
		}
	}
	var ce *votes.ChallengeError
	_, err := r.svc.Vote(ctx, r.rules(), target("en_a"), votes.Voter{ID: "d:school3"}, viewed("school"))
	if !errors.As(err, &ce) || !slices.Equal(ce.Reasons, []string{votes.ReasonCrowded}) {
		t.Fatalf("fourth voter on one address: %v", err)
	}
	proof := &votes.Proof{UsedKey: "pow:used:school3", Until: r.clock.Now().Add(time.Minute)}
	if _, err := r.svc.Vote(ctx, r.rules(), target("en_a"), votes.Voter{ID: "d:school3", Proof: proof}, viewed("school")); err != nil {
		t.Errorf("fourth voter with a solved challenge: %v", err)
	}
	if _, err := r.svc.Vote(ctx, r.rules(), target("en_a"), votes.Voter{ID: "d:home"}, viewed("home")); err != nil {
		t.Errorf("a voter elsewhere: %v", err)
	}
}

// TestGateChecksTheCard: an entry not in the gallery (never live, or taken
// down) cannot be voted for, and an entrant cannot vote for the entry the
// card names them as making, even when the caller did not know the owner.
func TestGateChecksTheCard(t *testing.T) { each(t, testGateChecksTheCard) }

func testGateChecksTheCard(t *testing.T, r *rig) {
	ctx := context.Background()
	gone := target("en_gone")
	if _, err := r.svc.Vote(ctx, r.rules(), gone, votes.Voter{ID: "d:fan"}, votes.Signals{}); !errors.Is(err, votes.ErrNotVotable) {
		t.Errorf("entry without a card: %v", err)
	}
	if err := r.gallery.Remove(ctx, "cp_x", "en_c"); err != nil { // taken down
		t.Fatal(err)
	}
	if _, err := r.svc.Vote(ctx, r.rules(), target("en_c"), votes.Voter{ID: "d:fan"}, votes.Signals{}); !errors.Is(err, votes.ErrNotVotable) {
		t.Errorf("entry taken out of the gallery: %v", err)
	}
	if err := r.gallery.Put(ctx, gallery.Card{ID: "en_mine", CampaignID: "cp_x", Title: "mine", OwnerID: "et_me", LiveAt: r.clock.Now()}); err != nil {
		t.Fatal(err)
	}
	unknownOwner := votes.Target{CampaignID: "cp_x", EntryID: "en_mine", Live: true}
	if _, err := r.svc.Vote(ctx, r.rules(), unknownOwner, votes.Voter{ID: "e:et_me", Verified: true}, votes.Signals{}); !errors.Is(err, votes.ErrSelfVote) {
		t.Errorf("own entry: %v", err)
	}
	selfOK := r.rules()
	selfOK.SelfVote = true
	if _, err := r.svc.Vote(ctx, selfOK, unknownOwner, votes.Voter{ID: "e:et_me", Verified: true}, votes.Signals{}); err != nil {
		t.Errorf("own entry where the campaign allows it: %v", err)
	}
	if _, err := r.svc.Vote(ctx, r.rules(), unknownOwner, votes.Voter{ID: "e:et_other", Verified: true}, votes.Signals{}); err != nil {
		t.Errorf("someone else: %v", err)
	}
	r.drain(t)
	if counts, _ := r.ballots.Counts(ctx, "cp_x"); counts["en_gone"] != 0 || counts["en_c"] != 0 || counts["en_mine"] != 2 {
		t.Errorf("ballots %v", counts)
	}
}

// TestGateBatchTotals: votes for one entry that share batches each get
// their own running total, as if cast one by one.
func TestGateBatchTotals(t *testing.T) {
	r := newRig(t, "journal")
	casts, errs := castAll(r, r.rules(), "en_a", fans("t", 60), votes.Signals{})
	var totals []int64
	for i, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
		totals = append(totals, casts[i].Votes)
	}
	slices.Sort(totals)
	for i, n := range totals {
		if n != int64(i+1) {
			t.Fatalf("totals answered %v, want 1 to 60 each once", totals)
		}
	}
}

// TestGateStops: once the gate's context ends, votes are refused and not
// recorded.
func TestGateStops(t *testing.T) {
	r := newRig(t, "journal")
	ctx, cancel := context.WithCancel(context.Background())
	g := &votes.Gate{Redis: r.gallery.Redis, Keys: r.gallery, Journal: r.journal}
	g.Start(ctx)
	r.svc.Gate = g
	if _, err := r.svc.Vote(context.Background(), r.rules(), target("en_a"), votes.Voter{ID: "d:before"}, votes.Signals{}); err != nil {
		t.Fatal(err)
	}
	cancel()
	<-g.Done()
	if _, err := r.svc.Vote(context.Background(), r.rules(), target("en_a"), votes.Voter{ID: "d:after"}, votes.Signals{}); !errors.Is(err, votes.ErrStopped) {
		t.Errorf("vote after stop: %v", err)
	}
	if n, _ := r.journal.Backlog(context.Background()); n != 1 || r.votesOf(t, "en_a") != 1 {
		t.Errorf("journal %d, counter %d; want 1, 1", n, r.votesOf(t, "en_a"))
	}
}
