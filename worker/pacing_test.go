package worker_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/hibiken/asynq"

	"github.com/tryout/tryout/internal/entries"
	"github.com/tryout/tryout/internal/ids"
	"github.com/tryout/tryout/internal/mail"
	"github.com/tryout/tryout/internal/notify"
	"github.com/tryout/tryout/internal/ratelimit"
	"github.com/tryout/tryout/internal/tasks"
	"github.com/tryout/tryout/internal/testkit"
	"github.com/tryout/tryout/worker"
)

// TestCampaignSendRate: past a campaign's emails per minute, the next one
// waits (a later run, not a failure) and is sent once it is allowed; sign-in
// links are never held back.
func TestCampaignSendRate(t *testing.T) {
	t.Parallel()
	h, ml, srv := mailFixture(t)
	k := testkit.New(t)
	h.CampaignLimit = &ratelimit.Limiter{Redis: k.Redis, Prefix: "rl:mail:campaign:", Limit: 1, Window: time.Minute}
	ctx := context.Background()
	var ms []mail.Message
	for _, to := range []string{"a@example.com", "b@example.com"} {
		m, err := ml.Send(ctx, mail.Message{Kind: mail.KindTeam, CampaignID: "cp_1", To: to, Subject: "News", Text: "x"})
		if err != nil {
			t.Fatal(err)
		}
		ms = append(ms, m)
	}
	login, _ := ml.Send(ctx, mail.Message{Kind: mail.KindLoginLink, CampaignID: "cp_1", To: "c@example.com", Subject: "Sign in", Text: "x"})
	if err := h.ProcessTask(ctx, sendTask(ms[0].ID)); err != nil {
		t.Fatal(err)
	}
	err := h.ProcessTask(ctx, sendTask(ms[1].ID))
	if d, later := tasks.RetryIn(err); !later || d <= 0 || d > time.Minute {
		t.Fatalf("second email of the minute: %v", err)
	}
	if err := h.ProcessTask(ctx, sendTask(login.ID)); err != nil {
		t.Fatalf("sign-in link held back: %v", err)
	}
	if n := len(srv.Messages()); n != 2 {
		t.Fatalf("%d emails went out, want the first and the sign-in link", n)
	}
	if got, _ := h.Outbox.Get(ctx, ms[1].ID); got.Status != mail.Queued || got.Attempts != 0 {
		t.Errorf("the held email: %s after %d attempts", got.Status, got.Attempts)
	}
	k.Redis.Del(ctx, "rl:mail:campaign:cp_1") // the minute is over
	if err := h.ProcessTask(ctx, sendTask(ms[1].ID)); err != nil || len(srv.Messages()) != 3 {
		t.Fatalf("after the window: %v, %d sent", err, len(srv.Messages()))
	}
}

// TestMilestonePacing: milestone emails wait out quiet hours and go at most
// once a day per entrant; the ones that waited go out the next day as one
// digest, leaving out a milestone its entry has since overtaken.
func TestMilestonePacing(t *testing.T) {
	t.Parallel()
	f := newFixture(t, 60)
	f.tellEntrants(t)
	ctx := context.Background()
	clock := time.Date(2026, 11, 23, 23, 0, 0, 0, time.UTC)
	h := &worker.MilestoneHandler{Pacer: &notify.Pacer{Entries: f.entries, Teller: f.h.Notify.(*notify.Notifier), Store: notify.RedisPacing{Redis: f.kit.Redis},
		QuietFrom: 22, QuietTo: 7, Now: func() time.Time { return clock }}}
	live := func() entries.Entry {
		now := time.Now()
		e := entries.Entry{ID: ids.New(entries.IDPrefix), CampaignID: f.campaign.ID, EntrantID: f.entrant, Title: "Loop", Status: entries.Live,
			History: []entries.StatusChange{{To: entries.Live, At: now}}, CreatedAt: now, UpdatedAt: now}
		if err := f.entries.Create(ctx, e); err != nil {
			t.Fatal(err)
		}
		return e
	}
	run := func(e entries.Entry, votes int64) error {
		b, _ := json.Marshal(tasks.NotifyMilestone{EntryID: e.ID, Votes: votes})
		return h.ProcessTask(ctx, asynq.NewTask(tasks.TypeNotifyMilestone, b))
	}
	milestones := func() []string {
		msgs, _ := f.outbox.ListByEntrant(ctx, f.entrant, 50)
		var out []string
		for _, m := range msgs {
			if m.Kind == mail.KindMilestone {
				out = append(out, m.Subject)
			}
		}
		return out
	}
	a, b, c := live(), live(), live()
	if d, later := tasks.RetryIn(run(a, 10)); !later || d != 8*time.Hour {
		t.Fatalf("in quiet hours: later %v by %s", later, d)
	}
	clock = clock.Add(8 * time.Hour) // 07:00
	if err := run(a, 10); err != nil {
		t.Fatal(err)
	}
	if got := milestones(); len(got) != 1 || !strings.HasPrefix(got[0], "10 votes") {
		t.Fatalf("after quiet hours: %q", got)
	}
	// The same day, the entrant's other entries reach milestones: they wait.
	for _, m := range []struct {
		e     entries.Entry
		votes int64
	}{{b, 10}, {c, 10}, {b, 100}} {
		if d, later := tasks.RetryIn(run(m.e, m.votes)); !later || d < 23*time.Hour {
			t.Fatalf("a second milestone email in a day: later %v by %s", later, d)
		}
	}
	if got := milestones(); len(got) != 1 {
		t.Fatalf("sent the same day: %q", got)
	}
	// A day later the waiting tasks run again, in any order: b's 10 was
	// overtaken by its 100; the first to run sends one digest of c's 10
	// and b's 100, and the rest end quietly.
	f.kit.Redis.Del(ctx, "milestone:sent:"+f.entrant)
	for _, m := range []struct {
		e     entries.Entry
		votes int64
	}{{b, 10}, {c, 10}, {b, 100}} {
		if err := run(m.e, m.votes); err != nil {
			t.Fatal(err)
		}
	}
	got := milestones()
	if len(got) != 2 || got[0] != "Your entries reached new vote milestones" {
		t.Fatalf("the next day: %q (want one digest)", got)
	}
	msgs, _ := f.outbox.ListByEntrant(ctx, f.entrant, 1)
	if body := msgs[0].Text; !strings.Contains(body, "100 votes") || !strings.Contains(body, "/e/"+c.ID) || strings.Count(body, "\n- ") != 2 {
		t.Errorf("the digest should list c's 10 and b's 100: %s", body)
	}
}
