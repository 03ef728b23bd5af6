package perks_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/tryout/tryout/internal/audit"
	"github.com/tryout/tryout/internal/campaigns"
	"github.com/tryout/tryout/internal/mongodb"
	"github.com/tryout/tryout/internal/perks"
	"github.com/tryout/tryout/internal/problem"
	"github.com/tryout/tryout/internal/testkit"
)

// TestServiceAudits: an upload records how many codes were added (codes
// already in the pool are not counted), a stage change records the stage
// before and after; an unknown stage is refused with its text and changes
// and records nothing.
func TestServiceAudits(t *testing.T) {
	k := testkit.New(t)
	ctx := context.Background()
	if err := mongodb.Migrate(ctx, k.DB); err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 7, 1, 12, 0, 0, 0, time.UTC)
	recorder, log := k.Audit(now)
	cs := campaigns.NewMongoStore(k.DB.Collection(mongodb.Campaigns))
	s := &perks.Service{Store: perks.NewMongoStore(k.DB.Collection(mongodb.Perks), k.DB.Collection(mongodb.PerkClaim)), Campaigns: cs,
		Now: func() time.Time { return now }, Audit: recorder}
	who := audit.Actor{ID: "st_owner", Email: "owner@brand.test", Role: "owner"}
	cp := campaigns.Campaign{ID: "cp_1", Slug: "one", Name: "One", PerkStage: campaigns.PerkAtLive, CreatedAt: now}
	if err := cs.Create(ctx, cp); err != nil {
		t.Fatal(err)
	}

	if taken, err := s.Upload(ctx, who, cp.ID, []string{"A-1", "A-2"}); err != nil || len(taken) != 0 {
		t.Fatalf("first upload: %v %v", taken, err)
	}
	if taken, err := s.Upload(ctx, who, cp.ID, []string{"A-2", "A-3"}); err != nil || !cmp.Equal(taken, []string{"A-2"}) {
		t.Fatalf("second upload: %v %v", taken, err)
	}
	if _, err := s.SetStage(ctx, who, cp, "someday"); !errors.Is(err, perks.ErrBadStage) || problem.TextOf(err, "") != "Choose when entrants get their code." {
		t.Fatalf("unknown stage: %v", err)
	}
	if _, err := s.SetStage(ctx, who, cp, campaigns.PerkAtClose); err != nil {
		t.Fatal(err)
	}
	if got, _ := cs.Get(ctx, cp.ID); got.PerkStage != campaigns.PerkAtClose || got.Name != "One" {
		t.Errorf("after the stage change: %+v", got)
	}

	list, err := log.List(ctx, "", 10)
	if err != nil {
		t.Fatal(err)
	}
	type rec struct {
		Action, Target string
		Before, After  map[string]string
	}
	var got []rec
	for i := len(list) - 1; i >= 0; i-- {
		if list[i].ActorID != who.ID {
			t.Errorf("%s recorded as %q", list[i].Action, list[i].ActorID)
		}
		got = append(got, rec{list[i].Action, list[i].Target, list[i].Before, list[i].After})
	}
	want := []rec{
		{"perks.upload", "cp_1", nil, map[string]string{"added": "2"}},
		{"perks.upload", "cp_1", nil, map[string]string{"added": "1"}},
		{"perks.stage", "cp_1", map[string]string{"stage": "live"}, map[string]string{"stage": "close"}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("audit log (-want +got):\n%s", diff)
	}
}
