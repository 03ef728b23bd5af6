package votes_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/tryout/tryout/internal/audit"
	"github.com/tryout/tryout/internal/mongodb"
	"github.com/tryout/tryout/internal/votes"
)

// review is fraud review over the rig.
func (r *rig) review(t *testing.T) *votes.Review {
	return &votes.Review{Ballots: r.ballots, Counters: r.gallery, Records: recordsFor(t, r), Redis: r.kit.Redis, Journal: r.journal,
		Limits: r.svc.Gate.Limits, Drain: func(ctx context.Context) error {
			if r.drainer == nil {
				return nil
			}
			return r.drainer.All(ctx)
		}}
}

// TestHeldTotalsExact: held votes stay out of the public total and in the
// held count through reconcile (which restores a lost held count);
// clearing, discounting and restoring move both by exactly the ballots
// changed, and every reconcile afterwards finds nothing to mend.
func TestHeldTotalsExact(t *testing.T) { each(t, testHeldTotalsExact) }

func testHeldTotalsExact(t *testing.T, r *rig) {
	ctx := context.Background()
	r.svc.Gate.Limits = votes.Limits{NewPerIP: 2, Automation: true}
	for i := range 5 {
		if _, err := r.cast(t, r.rules(), "en_a", votes.Voter{ID: fmt.Sprintf("d:v%d", i)}, viewed("10.1.1.1")); err != nil {
			t.Fatal(err)
		}
	}
	bot := viewed("10.9.9.9")
	bot.Automation = "webdriver"
	if h, err := r.cast(t, r.rules(), "en_a", votes.Voter{ID: "d:wd"}, bot); err != nil || h != votes.CheckAutomation {
		t.Fatalf("automation: %v %v", h, err)
	}
	rv := r.review(t)
	log := audit.NewMongoStore(r.kit.DB.Collection(mongodb.Audit))
	rv.Audit = &audit.Recorder{Store: log, Now: r.clock.Now, Log: r.kit.Log}
	mod := audit.Actor{ID: "st_mod", Email: "mod@brand.test", Role: "moderator"}
	recon := func(when string, wantDiffs int) {
		t.Helper()
		rep, err := votes.Reconcile(ctx, "cp_x", votes.Sources{Ballots: r.ballots, Counters: r.gallery, Records: rv.Records, Journal: r.journal, Redis: r.kit.Redis})
		if err != nil || len(rep.Differences)+len(rep.HeldDifferences) != wantDiffs {
			t.Errorf("%s: reconcile %+v %v, want %d differences", when, rep, err, wantDiffs)
		}
		r.exact(t, when)
	}
	if got, h := r.votesOf(t, "en_a"), r.heldOf(t, "en_a"); got != 2 || h.Total != 4 || h.ByCheck["new_devices"] != 3 || h.ByCheck["automation"] != 1 {
		t.Fatalf("after voting: card %d held %+v", got, h)
	}
	recon("after voting", 0)
	// Redis loses the held counts: reconcile brings them back.
	r.kit.Redis.Del(ctx, "votes:held:cp_x")
	recon("after losing the held counts", 1)

	adj, err := rv.Clear(ctx, mod, "cp_x", "en_a", "new_devices")
	if err != nil || adj != (votes.Adjustment{Changed: 3, Before: 2, After: 5, HeldBefore: 4, HeldAfter: 1}) {
		t.Fatalf("clear: %+v %v", adj, err)
	}
	recon("after clearing", 0)
	adj, err = rv.Discount(ctx, mod, "cp_x", "en_a", "held", "automation", true, "automation browser")
	if err != nil || adj != (votes.Adjustment{Changed: 1, Before: 5, After: 5, HeldBefore: 1, HeldAfter: 0}) {
		t.Fatalf("discount the held: %+v %v", adj, err)
	}
	recon("after discounting the held vote", 0)
	adj, err = rv.Discount(ctx, mod, "cp_x", "en_a", "subnet", "net-10.1.1.1", true, "one network")
	if err != nil || adj.Before != 5 || adj.After != 0 {
		t.Fatalf("discount a network: %+v %v", adj, err)
	}
	recon("after discounting a network", 0)
	adj, err = rv.Discount(ctx, mod, "cp_x", "en_a", "subnet", "net-10.9.9.9", false, "")
	if err != nil || adj != (votes.Adjustment{Changed: 1, Before: 0, After: 1}) {
		t.Fatalf("restore the automation vote (a person decided): %+v %v", adj, err)
	}
	recon("after restoring", 0)
	if n, _ := r.ballots.CountEntry(ctx, "en_a"); n != 1 {
		t.Errorf("ballots counting in public: %d, want 1", n)
	}
	// Each change is audited as the moderator's, with the totals it moved.
	recs, err := log.List(ctx, "en_a", 10)
	if err != nil {
		t.Fatal(err)
	}
	count := map[string]int{}
	for _, rec := range recs {
		count[rec.Action]++
		if rec.ActorID != "st_mod" || rec.After["ballots"] == "" {
			t.Errorf("audit record %s: %+v", rec.Action, rec)
		}
	}
	if len(recs) != 4 || count["votes.clear"] != 1 || count["votes.discount"] != 2 || count["votes.restore"] != 1 {
		t.Errorf("audit records: %v, want one clear, two discounts and one restore", count)
	}
}

// TestRelease: once the hold window has passed, held votes whose cluster
// no longer looks suspicious (its voters have since watched) count by
// themselves; a bot's cluster (nobody watched) and an automation browser
// stay held.
func TestRelease(t *testing.T) { each(t, testRelease) }

func testRelease(t *testing.T, r *rig) {
	ctx := context.Background()
	r.svc.Gate.Limits = votes.Limits{NewPerIP: 2, UnwatchedPerIP: 1, Automation: true, HoldWindow: time.Hour}
	r.svc.Gate.PlayedKey = func(v string) string { return "played:" + v }
	vote := func(ip string, n int, sig func(votes.Signals) votes.Signals) {
		for i := range n {
			r.clock.Add(37 * time.Second)
			if _, err := r.cast(t, r.rules(), "en_a", votes.Voter{ID: fmt.Sprintf("d:%s%d", ip, i)}, sig(viewed(ip))); err != nil {
				t.Fatal(err)
			}
		}
	}
	same := func(s votes.Signals) votes.Signals { return s }
	vote("campus", 4, same)
	vote("bot", 4, same)
	vote("wd", 1, func(s votes.Signals) votes.Signals { s.Automation = "webdriver"; return s })
	if h := r.heldOf(t, "en_a"); h.Total != 7 {
		t.Fatalf("held before release: %+v, want 3 campus + 3 bot + 1 automation", h)
	}
	// The campus's fans watch the video afterwards.
	for i := range 4 {
		r.kit.Redis.Set(ctx, fmt.Sprintf("played:d:campus%d", i), 1, time.Hour)
	}
	rv := r.review(t)
	rv.Played = func(ctx context.Context, voters []string) (map[string]bool, error) {
		out := map[string]bool{}
		for _, v := range voters {
			out[v] = r.kit.Redis.Exists(ctx, "played:"+v).Val() == 1
		}
		return out, nil
	}
	if got, err := rv.Release(ctx, "cp_x", r.clock.Now().Add(30*time.Minute)); err != nil || len(got) != 0 {
		t.Fatalf("release within the window: %+v %v", got, err)
	}
	got, err := rv.Release(ctx, "cp_x", r.clock.Now().Add(2*time.Hour))
	if err != nil || len(got) != 1 || got[0].Changed != 3 || got[0].After != 5 || got[0].HeldAfter != 4 {
		t.Fatalf("release after the window: %+v %v", got, err)
	}
	r.exact(t, "after the release")
	bs, _ := r.ballots.ByEntry(ctx, "en_a", 100)
	for _, b := range bs {
		campus, first := b.Signals.IPHash == "campus", b.Voter == "d:campus0" || b.Voter == "d:bot0"
		if b.Held != (!campus && !first) || campus && !first && b.ClearedBy != "auto" {
			t.Errorf("%s from %s: held %v cleared by %q", b.Voter, b.Signals.IPHash, b.Held, b.ClearedBy)
		}
	}
	if got, err := rv.Release(ctx, "cp_x", r.clock.Now().Add(3*time.Hour)); err != nil || len(got) != 0 {
		t.Errorf("a second release: %+v %v", got, err)
	}
}
