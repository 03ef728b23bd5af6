package votes_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tryout/tryout/internal/entries"
	"github.com/tryout/tryout/internal/gallery"
	"github.com/tryout/tryout/internal/mongodb"
	"github.com/tryout/tryout/internal/testkit"
	"github.com/tryout/tryout/internal/votes"
)

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

type rig struct {
	kit     *testkit.Kit
	svc     *votes.Service
	ballots *votes.MongoBallots
	gallery *gallery.Index
	clock   *clock
	journal *votes.Journal // nil for group commit
	drainer *votes.Drainer
}

// Both durable-ballot designs must keep every rule.
var designs = []string{"group_commit", "journal"}

// each runs f once per design.
func each(t *testing.T, f func(t *testing.T, r *rig)) {
	for _, d := range designs {
		t.Run(d, func(t *testing.T) { f(t, newRig(t, d)) })
	}
}

func newRig(t *testing.T, design string) *rig {
	k := testkit.New(t)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	ballots := votes.NewMongoBallots(k.DB.Collection(mongodb.Ballots))
	clk := &clock{t: time.Date(2026, 6, 10, 12, 0, 0, 0, time.UTC)}
	g := &gallery.Index{Redis: k.Redis}
	for _, id := range []string{"en_a", "en_b", "en_c"} {
		if err := g.Put(ctx, gallery.Card{ID: id, CampaignID: "cp_x", Title: id, LiveAt: clk.Now()}); err != nil {
			t.Fatal(err)
		}
	}
	gate := &votes.Gate{Redis: k.Redis, Keys: g}
	r := &rig{kit: k, svc: &votes.Service{Gate: gate, Ballots: ballots, Tally: g, Now: clk.Now}, ballots: ballots, gallery: g, clock: clk}
	if design == "journal" {
		r.journal = &votes.Journal{Redis: k.Redis, Keys: g, Batch: 50}
		gate.Journal = r.journal
		r.drainer = &votes.Drainer{Journal: r.journal, Store: ballots, Tally: g}
	} else {
		c := &votes.Committer{Store: ballots}
		c.Start(ctx)
		r.svc.Commit = c
	}
	gate.Start(ctx) // concurrent votes share batches
	return r
}

// drain moves journaled ballots to MongoDB (nothing to do for group commit).
func (r *rig) drain(t *testing.T) {
	t.Helper()
	if r.drainer != nil {
		if err := r.drainer.All(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
}

// recordsFor makes the entry records of the rig's entries, in a database
// of their own.
func recordsFor(t *testing.T, r *rig) *entries.MongoStore {
	k := testkit.New(t)
	records := entries.NewMongoStore(k.DB.Collection(mongodb.Entries))
	for _, id := range []string{"en_a", "en_b", "en_c"} {
		if err := records.Create(context.Background(), entries.Entry{ID: id, CampaignID: "cp_x", Status: entries.Live, CreatedAt: r.clock.Now(), UpdatedAt: r.clock.Now()}); err != nil {
			t.Fatal(err)
		}
	}
	return records
}

func (r *rig) reconcile(ctx context.Context, records votes.Records) (votes.Report, error) {
	return votes.Reconcile(ctx, "cp_x", votes.Sources{Ballots: r.ballots, Counters: r.gallery, Records: records, Journal: r.journal, Redis: r.kit.Redis})
}

func (r *rig) rules() votes.Rules {
	return votes.Rules{OpensAt: r.clock.Now().Add(-time.Hour), ClosesAt: r.clock.Now().Add(30 * 24 * time.Hour)}
}

func target(entry string) votes.Target {
	return votes.Target{CampaignID: "cp_x", EntryID: entry, EntrantID: "et_maker_" + entry, Live: true}
}

// voteN casts n votes for entry, from voters d:0 to d:n-1.
func (r *rig) voteN(t *testing.T, entry string, n int) {
	t.Helper()
	for i := range n {
		if _, err := r.svc.Vote(context.Background(), r.rules(), target(entry), votes.Voter{ID: fmt.Sprintf("d:%d", i)}, votes.Signals{}); err != nil {
			t.Fatal(err)
		}
	}
}

func (r *rig) votesOf(t *testing.T, entry string) int64 {
	t.Helper()
	c, _, err := r.gallery.Card(context.Background(), entry)
	if err != nil {
		t.Fatal(err)
	}
	return c.Votes
}

// TestDuplicateRace: many goroutines cast the same ballot at once; exactly
// one is counted, every other is told it already voted, and the ballots
// and the counter agree.
func TestDuplicateRace(t *testing.T) { each(t, testDuplicateRace) }

func testDuplicateRace(t *testing.T, r *rig) {
	ctx := context.Background()
	var ok, dup atomic.Int32
	var wg sync.WaitGroup
	for range 64 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := r.svc.Vote(ctx, r.rules(), target("en_a"), votes.Voter{ID: "d:same"}, votes.Signals{})
			var av *votes.AlreadyVotedError
			switch {
			case err == nil:
				ok.Add(1)
			case errors.As(err, &av) && errors.Is(err, votes.ErrAlreadyVoted):
				dup.Add(1)
			default:
				t.Errorf("vote: %v", err)
			}
		}()
	}
	wg.Wait()
	r.drain(t)
	counts, err := r.ballots.Counts(ctx, "cp_x")
	if err != nil {
		t.Fatal(err)
	}
	if ok.Load() != 1 || dup.Load() != 63 || counts["en_a"] != 1 || r.votesOf(t, "en_a") != 1 {
		t.Errorf("counted %d, duplicates %d, ballots %d, counter %d; want 1, 63, 1, 1", ok.Load(), dup.Load(), counts["en_a"], r.votesOf(t, "en_a"))
	}
	// Many different voters at once are all counted (one batch or several).
	for i := range 100 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := r.svc.Vote(ctx, r.rules(), target("en_b"), votes.Voter{ID: fmt.Sprintf("d:%d", i)}, votes.Signals{}); err != nil {
				t.Errorf("voter %d: %v", i, err)
			}
		}()
	}
	wg.Wait()
	r.drain(t)
	if counts, _ := r.ballots.Counts(ctx, "cp_x"); counts["en_b"] != 100 || r.votesOf(t, "en_b") != 100 {
		t.Errorf("100 voters: ballots %d counter %d", counts["en_b"], r.votesOf(t, "en_b"))
	}
}

func TestRules(t *testing.T) { each(t, testRules) }

func testRules(t *testing.T, r *rig) {
	ctx := context.Background()
	vote := func(rules votes.Rules, entry string, v votes.Voter) error {
		_, err := r.svc.Vote(ctx, rules, target(entry), v, votes.Signals{})
		return err
	}
	fan := votes.Voter{ID: "d:fan"}
	closed := r.rules()
	closed.ClosesAt = r.clock.Now()
	if err := vote(closed, "en_a", fan); !errors.Is(err, votes.ErrVotingClosed) {
		t.Errorf("closed window: %v", err)
	}
	if err := vote(votes.Rules{}, "en_a", fan); !errors.Is(err, votes.ErrVotingClosed) {
		t.Errorf("no voting: %v", err)
	}
	notLive := target("en_a")
	notLive.Live = false
	if _, err := r.svc.Vote(ctx, r.rules(), notLive, fan, votes.Signals{}); !errors.Is(err, votes.ErrNotVotable) {
		t.Errorf("entry not live: %v", err)
	}
	emailOnly := r.rules()
	emailOnly.Identity = votes.Verified
	if err := vote(emailOnly, "en_a", fan); !errors.Is(err, votes.ErrVerifyRequired) {
		t.Errorf("device vote where email is required: %v", err)
	}
	maker := votes.Voter{ID: "e:et_maker_en_a", Verified: true}
	if err := vote(r.rules(), "en_a", maker); !errors.Is(err, votes.ErrSelfVote) {
		t.Errorf("self vote: %v", err)
	}
	self := r.rules()
	self.SelfVote = true
	if err := vote(self, "en_a", maker); err != nil {
		t.Errorf("self vote allowed: %v", err)
	}

	// Daily per entry: once per entry per day, other entries too, again tomorrow.
	if err := vote(r.rules(), "en_b", fan); err != nil {
		t.Fatal(err)
	}
	err := vote(r.rules(), "en_b", fan)
	var av *votes.AlreadyVotedError
	if !errors.As(err, &av) || !av.NextAt.Equal(time.Date(2026, 6, 11, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("second vote today: %v", err)
	}
	if err := vote(r.rules(), "en_c", fan); err != nil {
		t.Errorf("another entry today: %v", err)
	}
	r.clock.Add(12 * time.Hour) // past midnight UTC
	if err := vote(r.rules(), "en_b", fan); err != nil {
		t.Errorf("tomorrow: %v", err)
	}

	// Once: never again.
	once := r.rules()
	once.Frequency = votes.Once
	fan2 := votes.Voter{ID: "d:fan2"}
	if err := vote(once, "en_a", fan2); err != nil {
		t.Fatal(err)
	}
	r.clock.Add(72 * time.Hour)
	if err := vote(once, "en_a", fan2); !errors.As(err, &av) || !av.NextAt.IsZero() {
		t.Errorf("once, three days later: %v", err)
	}

	// Campaign scope, two votes a day: two entries, not the same twice, not a third.
	two := r.rules()
	two.Scope, two.PerPeriod, two.Frequency = votes.PerCampaign, 2, votes.Daily
	fan3 := votes.Voter{ID: "d:fan3"}
	if err := vote(two, "en_a", fan3); err != nil {
		t.Fatal(err)
	}
	if err := vote(two, "en_a", fan3); !errors.Is(err, votes.ErrAlreadyVoted) {
		t.Errorf("same entry twice in campaign scope: %v", err)
	}
	if err := vote(two, "en_b", fan3); err != nil {
		t.Errorf("second vote: %v", err)
	}
	if err := vote(two, "en_c", fan3); !errors.Is(err, votes.ErrNoVotesLeft) {
		t.Errorf("third vote: %v", err)
	}
	st, err := r.svc.Standing(ctx, two, "cp_x", fan3)
	if err != nil || st.Remaining != 0 || len(st.Voted) != 2 {
		t.Errorf("standing: %+v %v", st, err)
	}
}

// TestReconcileAfterRedisLoss: counters that drifted, or were lost with
// Redis, are reported and set back to what the ballots say.
func TestReconcileAfterRedisLoss(t *testing.T) { each(t, testReconcileAfterRedisLoss) }

func testReconcileAfterRedisLoss(t *testing.T, r *rig) {
	ctx := context.Background()
	records := recordsFor(t, r)
	r.voteN(t, "en_a", 3)
	r.voteN(t, "en_b", 2)
	// A drifted counter is found and mended.
	if err := r.gallery.SetVotes(ctx, "cp_x", "en_a", 10); err != nil {
		t.Fatal(err)
	}
	rep, err := r.reconcile(ctx, records)
	if err != nil || rep.Ballots != 5 || len(rep.Differences) != 1 || rep.Differences[0] != (votes.Difference{EntryID: "en_a", Ballots: 3, Counter: 10}) {
		t.Fatalf("reconcile: %+v %v", rep, err)
	}
	// Redis loses everything (after the journal reached MongoDB: a Redis
	// that fsyncs every write loses nothing it acknowledged, a FLUSHDB is
	// an operator's doing); the gallery comes back from the records (as
	// `tryout gallery rebuild` does) with no votes, and reconcile restores them.
	r.drain(t)
	r.gallery.Redis.FlushDB(ctx)
	for _, id := range []string{"en_a", "en_b", "en_c"} {
		if err := r.gallery.Put(ctx, gallery.Card{ID: id, CampaignID: "cp_x", Title: id, LiveAt: r.clock.Now()}); err != nil {
			t.Fatal(err)
		}
	}
	rep, err = r.reconcile(ctx, records)
	if err != nil || len(rep.Differences) != 2 {
		t.Fatalf("after the flush: %+v %v", rep, err)
	}
	for id, want := range map[string]int64{"en_a": 3, "en_b": 2, "en_c": 0} {
		rec, _ := records.Get(ctx, id)
		if got := r.votesOf(t, id); got != want || rec.Votes != want {
			t.Errorf("%s: counter %d record %d, want %d", id, got, rec.Votes, want)
		}
	}
	if rep, _ := r.reconcile(ctx, records); len(rep.Differences) != 0 {
		t.Errorf("a second reconcile still finds differences: %+v", rep)
	}
}

// TestIdempotentRetry: a vote sent again with its idempotency key (the
// answer to the first was lost) gets the first outcome back and counts
// nothing again, also after the ballot has moved to MongoDB; the same
// voter with another key is told they already voted. Both designs, both
// scopes.
func TestIdempotentRetry(t *testing.T) { each(t, testIdempotentRetry) }

func testIdempotentRetry(t *testing.T, r *rig) {
	ctx := context.Background()
	for _, scope := range []votes.Scope{votes.PerEntry, votes.PerCampaign} {
		rules := r.rules()
		rules.Scope, rules.PerPeriod = scope, 3
		voter := votes.Voter{ID: "d:idem-" + string(scope), Request: "key-" + string(scope)}
		entry := map[votes.Scope]string{votes.PerEntry: "en_a", votes.PerCampaign: "en_b"}[scope]
		first, err := r.svc.Vote(ctx, rules, target(entry), voter, votes.Signals{})
		if err != nil || first.Replayed {
			t.Fatalf("%s: first vote: %+v %v", scope, first, err)
		}
		before := r.votesOf(t, entry)
		for round := range 2 {
			again, err := r.svc.Vote(ctx, rules, target(entry), voter, votes.Signals{})
			if err != nil || !again.Replayed || again.Remaining != first.Remaining {
				t.Fatalf("%s: retry %d: %+v %v, want the first outcome replayed", scope, round, again, err)
			}
			if got := r.votesOf(t, entry); got != before {
				t.Errorf("%s: retry %d counted again: %d votes, want %d", scope, round, got, before)
			}
			r.drain(t) // the second retry finds the ballot in MongoDB
		}
		other := voter
		other.Request = "another-key"
		if _, err := r.svc.Vote(ctx, rules, target(entry), other, votes.Signals{}); !errors.Is(err, votes.ErrAlreadyVoted) {
			t.Errorf("%s: same voter, another key: %v, want already voted", scope, err)
		}
	}
	if n, err := r.ballots.CountEntry(ctx, "en_a"); err != nil || n != 1 {
		t.Errorf("ballots for en_a: %d %v, want 1", n, err)
	}
}
