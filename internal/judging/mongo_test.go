package judging_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/tryout/tryout/internal/judging"
	"github.com/tryout/tryout/internal/testkit"
)

func TestMongoStore(t *testing.T) {
	k := testkit.New(t)
	s := judging.NewMongoStore(k.DB)
	ctx := context.Background()
	now := time.Now().UTC().Truncate(time.Millisecond)

	if _, err := s.GetSetup(ctx, "cp_1"); !errors.Is(err, judging.ErrNotFound) {
		t.Errorf("missing setup: %v", err)
	}
	st := rubric()
	st.CampaignID, st.UpdatedAt = "cp_1", now
	_ = st.Validate()
	if err := s.PutSetup(ctx, st); err != nil {
		t.Fatal(err)
	}
	if got, err := s.GetSetup(ctx, "cp_1"); err != nil || len(got.Criteria) != 3 || got.Criteria[2].Weight != 1.5 || !got.Blind || got.JuryWeight != 70 {
		t.Errorf("setup: %+v %v", got, err)
	}

	r1 := judging.Round{ID: "rd_1", CampaignID: "cp_1", Number: 1, Name: "Vote", Kind: judging.PublicVote, Rule: judging.AllLive, CreatedAt: now}
	r2 := judging.Round{ID: "rd_2", CampaignID: "cp_1", Number: 2, Name: "Jury", Kind: judging.Jury, Rule: judging.TopVotes, TopN: 2, CreatedAt: now.Add(time.Second)}
	for _, r := range []judging.Round{r2, r1} {
		if err := s.AddRound(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	dup := r1
	dup.ID = "rd_3"
	if err := s.AddRound(ctx, dup); !errors.Is(err, judging.ErrTaken) {
		t.Errorf("second round 1: %v", err)
	}
	if rs, err := s.Rounds(ctx, "cp_1"); err != nil || len(rs) != 2 || rs[0].ID != "rd_1" {
		t.Errorf("rounds in order: %+v %v", rs, err)
	}
	if err := s.SetJudges(ctx, "rd_2", []string{"st_a", "st_b"}); err != nil {
		t.Fatal(err)
	}
	if rs, _ := s.RoundsOfJudge(ctx, "st_b"); len(rs) != 1 || rs[0].ID != "rd_2" {
		t.Errorf("rounds of judge: %+v", rs)
	}
	r2.Entries, r2.CutAt, r2.CutBy = []string{"en_1", "en_2"}, now, "st_o"
	if err := s.SetCut(ctx, r2); err != nil {
		t.Fatal(err)
	}
	r2.Entries = []string{"en_9"}
	if err := s.SetCut(ctx, r2); !errors.Is(err, judging.ErrCutApplied) {
		t.Errorf("second cut: %v", err)
	}
	if got, _ := s.GetRound(ctx, "rd_2"); !got.Cut || !slices.Equal(got.Entries, []string{"en_1", "en_2"}) || !got.IsJudge("st_a") {
		t.Errorf("round after cut: %+v", got)
	}
	if err := s.SetCut(ctx, judging.Round{ID: "rd_nope"}); !errors.Is(err, judging.ErrNotFound) {
		t.Errorf("cut of a missing round: %v", err)
	}

	if has, _ := s.HasSheets(ctx, "cp_1"); has {
		t.Error("sheets before any")
	}
	sh := judging.Sheet{RoundID: "rd_2", CampaignID: "cp_1", JudgeID: "st_a", EntryID: "en_1", Values: map[string]int{"c1": 3}, Comment: "ok", At: now}
	if err := s.PutSheet(ctx, sh); err != nil {
		t.Fatal(err)
	}
	sh.Values, sh.Comment = map[string]int{"c1": 5}, "changed my mind"
	if err := s.PutSheet(ctx, sh); err != nil {
		t.Fatal(err)
	}
	if err := s.PutSheet(ctx, judging.Sheet{RoundID: "rd_2", CampaignID: "cp_1", JudgeID: "st_b", EntryID: "en_1", Conflict: true, At: now}); err != nil {
		t.Fatal(err)
	}
	all, err := s.Sheets(ctx, "rd_2")
	if err != nil || len(all) != 2 || all[0].Values["c1"] != 5 || all[0].Comment != "changed my mind" || !all[1].Conflict {
		t.Errorf("sheets: %+v %v", all, err)
	}
	if has, _ := s.HasSheets(ctx, "cp_1"); !has {
		t.Error("HasSheets false after scoring")
	}
	if _, err := s.GetSheet(ctx, "rd_2", "st_a", "en_2"); !errors.Is(err, judging.ErrNotFound) {
		t.Errorf("missing sheet: %v", err)
	}

	d := judging.Draw{ID: "dr_1", CampaignID: "cp_1", Prize: "Bike", Place: 5, Count: 1, Seed: "abc", Source: "every live entry",
		Eligible: []string{"en_1", "en_2"}, Winners: judging.Pick("abc", []string{"en_1", "en_2"}, 1), By: "st_o", At: now}
	if err := s.AddDraw(ctx, d); err != nil {
		t.Fatal(err)
	}
	if ds, err := s.Draws(ctx, "cp_1"); err != nil || len(ds) != 1 || !ds[0].Verify() || ds[0].Seed != "abc" || !ds[0].At.Equal(now) {
		t.Errorf("draws: %+v %v", ds, err)
	}
}
