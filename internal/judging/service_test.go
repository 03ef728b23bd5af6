package judging_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/tryout/tryout/internal/audit"
	"github.com/tryout/tryout/internal/campaigns"
	"github.com/tryout/tryout/internal/entries"
	"github.com/tryout/tryout/internal/gallery"
	"github.com/tryout/tryout/internal/judging"
	"github.com/tryout/tryout/internal/messages"
	"github.com/tryout/tryout/internal/mongodb"
	"github.com/tryout/tryout/internal/notify"
	"github.com/tryout/tryout/internal/staff"
	"github.com/tryout/tryout/internal/testkit"
)

// teller keeps the messages the service sends, or fails them all.
type teller struct {
	sent []messages.Stage
	fail error
}

func (t *teller) Tell(_ context.Context, stage messages.Stage, _ entries.Entry, _ notify.Note) error {
	if t.fail != nil {
		return t.fail
	}
	t.sent = append(t.sent, stage)
	return nil
}

// rec is an audit record without its id and time.
type rec struct {
	Actor, Action, Target string
	Before, After         map[string]string
}

// TestServiceAudits: every change the judging service makes is recorded
// once, with its actor and the same fields the console has always
// recorded; a refused change records nothing.
func TestServiceAudits(t *testing.T) {
	k := testkit.New(t)
	ctx := context.Background()
	now := time.Date(2026, 7, 1, 12, 0, 0, 0, time.UTC)
	recorder, log := k.Audit(now)
	es := entries.NewMongoStore(k.DB.Collection(mongodb.Entries))
	people := staff.NewMongoStore(k.DB.Collection(mongodb.Staff))
	tell := &teller{}
	s := &judging.Service{Store: judging.NewMongoStore(k.DB), Entries: es, Votes: &gallery.Index{Redis: k.Redis}, Teller: tell,
		Staff: people, Winners: campaigns.NewMongoWinners(k.DB.Collection(mongodb.Winners)), Now: func() time.Time { return now },
		Audit: recorder}
	owner := audit.Actor{ID: "st_owner", Email: "owner@brand.test", Role: "owner"}
	judge := audit.Actor{ID: "st_judge", Email: "judge@brand.test", Role: "judge"}
	if err := people.Create(ctx, staff.User{ID: judge.ID, Email: judge.Email, Role: staff.Judge, CreatedAt: now}); err != nil {
		t.Fatal(err)
	}
	for i, id := range []string{"en_a", "en_b", "en_c"} {
		st := entries.Live
		if id == "en_c" {
			st = entries.InReview
		}
		e := entries.Entry{ID: id, CampaignID: "cp_1", Title: id, Status: st, Votes: int64(10 - i), CreatedAt: now, UpdatedAt: now}
		if err := es.Create(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	entry := func(id string) entries.Entry {
		e, err := es.Get(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		return e
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}

	st := rubric()
	st.CampaignID = "cp_1"
	_, err := s.SaveSetup(ctx, owner, st)
	must(err)
	bad := st
	bad.JuryWeight = 101
	if _, err := s.SaveSetup(ctx, owner, bad); err == nil {
		t.Fatal("a jury weight of 101% was saved")
	}
	r, err := s.AddRound(ctx, owner, judging.Round{CampaignID: "cp_1", Name: "Jury", Kind: judging.Jury, Rule: judging.AllLive})
	must(err)
	cut, err := s.Preview(ctx, r, nil)
	must(err)
	_, err = s.ApplyCut(ctx, owner, r, nil, cut.Digest())
	must(err)
	r, _ = s.Round(ctx, r.ID)
	must(s.AssignJudges(ctx, owner, r, []string{judge.ID}))
	if err := s.AssignJudges(ctx, owner, r, []string{"st_nobody"}); err == nil {
		t.Fatal("a non-judge was assigned")
	}
	r, _ = s.Round(ctx, r.ID)
	_, err = s.Score(ctx, judge, r, "en_a", map[string]int{"c1": 8, "c2": 6, "c3": 4}, "Nice")
	must(err)
	for range 2 { // declaring twice is not an error, and each declaration is audited
		_, err = s.Abstain(ctx, judge, r, "en_b")
		must(err)
	}
	if _, err := s.Score(ctx, judge, r, "en_b", map[string]int{"c1": 1, "c2": 1, "c3": 1}, ""); !errors.Is(err, judging.ErrConflict) {
		t.Fatalf("score after a conflict: %v", err)
	}
	must(s.Lock(ctx, owner, r.ID, true))
	d, err := s.RunDraw(ctx, owner, "cp_1", judging.DrawRequest{Prize: "A deck", Place: 5, Count: 1, Seed: "seed-1"})
	must(err)
	_, err = s.SetWinner(ctx, owner, entry("en_a"), 1, "  A trip  ")
	must(err)
	if _, err := s.SetWinner(ctx, owner, entry("en_c"), 1, ""); !errors.Is(err, judging.ErrNotLive) {
		t.Fatalf("an entry in review won: %v", err)
	}
	var fe campaigns.FieldErrors
	if _, err := s.SetWinner(ctx, owner, entry("en_a"), 0, ""); !errors.As(err, &fe) || fe["place"] == "" {
		t.Fatalf("place 0: %v", err)
	}
	must(s.RemoveWinner(ctx, owner, entry("en_a")))
	if err := s.SetFinalist(ctx, owner, entry("en_c"), true); !errors.Is(err, judging.ErrNotLive) {
		t.Fatalf("an entry in review became a finalist: %v", err)
	}
	must(s.SetFinalist(ctx, owner, entry("en_a"), true))
	tell.fail = errors.New("outbox down")
	if err := s.SetFinalist(ctx, owner, entry("en_b"), true); !errors.Is(err, judging.ErrNotTold) {
		t.Fatalf("a finalist not told: %v", err)
	}
	if !entry("en_b").Finalist || !slices.Equal(tell.sent, []messages.Stage{messages.Finalist}) {
		t.Errorf("finalists: en_b %v, sent %v", entry("en_b").Finalist, tell.sent)
	}
	must(s.SetFinalist(ctx, owner, entry("en_b"), false))

	want := []rec{
		{"st_owner", "judging.setup", "cp_1", nil, map[string]string{"criteria": "3", "jury_weight": "70", "blind": "true"}},
		{"st_owner", "round.add", r.ID, nil, map[string]string{"campaign": "cp_1", "round": "Round 1: Jury", "kind": "jury", "rule": "all_live", "top_n": "0"}},
		{"st_owner", "round.cut", r.ID, nil, map[string]string{"round": "Round 1: Jury", "rule": "all_live", "entries": "en_a en_b", "told": "0", "failed": "0"}},
		{"st_owner", "round.judges", r.ID, map[string]string{"judges": ""}, map[string]string{"judges": "st_judge"}},
		{"st_judge", "score.save", r.ID, nil, map[string]string{"entry": "en_a", "raw": "28.00", "c1": "8", "c2": "6", "c3": "4"}},
		{"st_judge", "score.conflict", r.ID, nil, map[string]string{"entry": "en_b"}},
		{"st_judge", "score.conflict", r.ID, nil, map[string]string{"entry": "en_b"}},
		{"st_owner", "round.lock", r.ID, nil, map[string]string{"locked": "true"}},
		{"st_owner", "draw.run", d.ID, nil, map[string]string{"campaign": "cp_1", "prize": "A deck", "seed": "seed-1", "eligible": "2",
			"winners": d.Winners[0], "place": "5"}},
		{"st_owner", "winner.set", "en_a", nil, map[string]string{"place": "1", "prize": "A trip"}},
		{"st_owner", "winner.remove", "en_a", nil, nil},
		{"st_owner", "finalist.set", "en_a", nil, map[string]string{"finalist": "true"}},
		{"st_owner", "finalist.set", "en_b", nil, map[string]string{"finalist": "true"}},
		{"st_owner", "finalist.set", "en_b", nil, map[string]string{"finalist": "false"}},
	}
	list, err := log.List(ctx, "", 100)
	must(err)
	var got []rec
	for _, x := range slices.Backward(list) {
		got = append(got, rec{x.ActorID, x.Action, x.Target, x.Before, x.After})
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("audit log (-want +got):\n%s", diff)
	}
}
