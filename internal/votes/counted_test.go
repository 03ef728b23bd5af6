package votes_test

import (
	"context"
	"sync"
	"testing"

	"github.com/tryout/tryout/internal/votes"
)

// afterLog records what the service handed to AfterCount.
type afterLog struct {
	mu  sync.Mutex
	got []votes.CountedVote
}

func (l *afterLog) Counted(_ context.Context, c votes.CountedVote) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.got = append(l.got, c)
}

// TestAfterCount: the service hands every vote that counts now to After
// (with the voter's share link and whether a milestone was reached); a
// retry with the same Idempotency-Key, a refused vote and a held vote
// bring nothing.
func TestAfterCount(t *testing.T) { each(t, testAfterCount) }

func testAfterCount(t *testing.T, r *rig) {
	ctx := context.Background()
	log := &afterLog{}
	r.svc.After = log
	rules := r.rules()
	rules.Milestones = []int{2}
	fan := votes.Voter{ID: "d:fan", Request: "req-1", Referral: "abc123"}
	for range 2 { // the second is a replay
		if _, err := r.svc.Vote(ctx, rules, target("en_a"), fan, votes.Signals{}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := r.svc.Vote(ctx, rules, target("en_a"), votes.Voter{ID: "d:fan"}, votes.Signals{}); err == nil {
		t.Fatal("a second vote without the key was counted")
	}
	if _, err := r.svc.Vote(ctx, rules, target("en_a"), votes.Voter{ID: "d:two"}, votes.Signals{}); err != nil {
		t.Fatal(err)
	}
	r.svc.Gate.Limits = votes.Limits{Automation: true}
	cast, err := r.svc.Vote(ctx, rules, target("en_a"), votes.Voter{ID: "d:bot"}, votes.Signals{Automation: "webdriver"})
	if err != nil || cast.Held == 0 {
		t.Fatalf("automated vote: %+v %v; want held", cast, err)
	}
	if len(log.got) != 2 {
		t.Fatalf("After was told of %d votes, want 2 (the first and d:two): %+v", len(log.got), log.got)
	}
	first, second := log.got[0], log.got[1]
	if first.Voter.Referral != "abc123" || first.Target.EntryID != "en_a" || first.Ballot.Voter != "d:fan" || first.Milestone {
		t.Errorf("first counted vote: %+v", first)
	}
	// With a journal the gate knows the new total at once, so the
	// milestone is seen; group commit does not know it (Votes -1).
	wantMilestone := r.journal != nil
	if second.Ballot.Voter != "d:two" || second.Milestone != wantMilestone {
		t.Errorf("second counted vote: milestone %v (votes %d), want %v", second.Milestone, second.Votes, wantMilestone)
	}
}
