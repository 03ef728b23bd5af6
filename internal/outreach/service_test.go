package outreach_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/hibiken/asynq"

	"github.com/tryout/tryout/internal/audit"
	"github.com/tryout/tryout/internal/campaigns"
	"github.com/tryout/tryout/internal/entries"
	"github.com/tryout/tryout/internal/messages"
	"github.com/tryout/tryout/internal/mongodb"
	"github.com/tryout/tryout/internal/outreach"
	"github.com/tryout/tryout/internal/tasks"
	"github.com/tryout/tryout/internal/testkit"
)

// TestComposeAndCancelAreAudited: a staff message that is saved is
// recorded with its segment and recipients, and its creator is the actor;
// cancelling it is recorded once; a refused message or a cancel that comes
// too late records nothing.
func TestComposeAndCancelAreAudited(t *testing.T) {
	k := testkit.New(t)
	ctx := context.Background()
	now := time.Date(2026, 7, 1, 12, 0, 0, 0, time.UTC)
	recorder, log := k.Audit(now)
	es := entries.NewMongoStore(k.DB.Collection(mongodb.Entries))
	s := &outreach.Service{Store: outreach.NewMongoStore(k.DB.Collection(mongodb.Broadcast)), Entries: es,
		Winners: campaigns.NewMongoWinners(k.DB.Collection(mongodb.Winners)), Queue: tasks.NewQueue(asynq.NewClientFromRedisClient(k.Redis)),
		MaxReach: 100, Now: func() time.Time { return now },
		Audit: recorder}
	for _, id := range []string{"en_a", "en_b"} {
		e := entries.Entry{ID: id, CampaignID: "cp_1", EntrantID: "et_" + id, Title: id, Status: entries.Live, CreatedAt: now, UpdatedAt: now,
			Original: entries.Object{Key: "k/" + id}}
		if err := es.Create(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	who := audit.Actor{ID: "st_mod", Email: "mod@brand.test", Role: "moderator"}
	tmpl := messages.Template{Subject: "Hi {{name}}", Body: "Share {{share_link}}."}

	b, err := s.Compose(ctx, who, outreach.Broadcast{CampaignID: "cp_1", Segment: outreach.Segment{Kind: outreach.Live}, Template: tmpl, SendAt: now.Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	if b.CreatedBy != who.ID || b.Planned != 2 {
		t.Errorf("composed: by %q for %d", b.CreatedBy, b.Planned)
	}
	if _, err := s.Compose(ctx, who, outreach.Broadcast{CampaignID: "cp_1", Segment: outreach.Segment{Kind: outreach.Finalists}, Template: tmpl}); !errors.Is(err, outreach.ErrNobody) {
		t.Fatalf("a segment of nobody: %v", err)
	}
	if err := s.Cancel(ctx, who, b.ID); err != nil {
		t.Fatal(err)
	}
	if err := s.Cancel(ctx, who, b.ID); !errors.Is(err, outreach.ErrSent) {
		t.Fatalf("cancelled twice: %v", err)
	}

	list, err := log.List(ctx, "", 10)
	if err != nil {
		t.Fatal(err)
	}
	type rec struct {
		Actor, Action, Target string
		Before, After         map[string]string
	}
	var got []rec
	for i := len(list) - 1; i >= 0; i-- {
		got = append(got, rec{list[i].ActorID, list[i].Action, list[i].Target, list[i].Before, list[i].After})
	}
	want := []rec{
		{"st_mod", "broadcast.create", b.ID, nil, map[string]string{"campaign": "cp_1", "segment": "live", "recipients": "2"}},
		{"st_mod", "broadcast.cancel", b.ID, nil, nil},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("audit log (-want +got):\n%s", diff)
	}
}
