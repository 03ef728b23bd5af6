package worker_test

import (
	"context"
	"testing"
	"time"

	"github.com/tryout/tryout/internal/campaigns"
	"github.com/tryout/tryout/internal/entries"
	"github.com/tryout/tryout/internal/gallery"
	"github.com/tryout/tryout/internal/mongodb"
	"github.com/tryout/tryout/internal/signing"
	"github.com/tryout/tryout/internal/tasks"
	"github.com/tryout/tryout/internal/testkit"
	"github.com/tryout/tryout/internal/views"
	"github.com/tryout/tryout/internal/votes"
	"github.com/tryout/tryout/worker"
)

// TestCountersFlush: counters:flush adds the views counted in Redis to the
// entry's record.
func TestCountersFlush(t *testing.T) {
	t.Parallel()
	k := testkit.New(t)
	ctx := context.Background()
	now := time.Date(2026, 6, 1, 10, 0, 0, 0, time.UTC)
	store := entries.NewMongoStore(k.DB.Collection(mongodb.Entries))
	if err := store.Create(ctx, entries.Entry{ID: "en_a", CampaignID: "cp_x", Status: entries.Live, CreatedAt: now, UpdatedAt: now}); err != nil {
		t.Fatal(err)
	}
	clock := now
	v := &views.Counter{Redis: k.Redis, Signer: signing.New([]byte("0123456789abcdef0123456789abcdef")), MinWatch: time.Second, Window: time.Hour,
		Now: func() time.Time { return clock }}
	tok := v.Start("en_a", "d:1")
	clock = clock.Add(2 * time.Second)
	if ok, err := v.Claim(ctx, "en_a", "d:1", tok); !ok || err != nil {
		t.Fatalf("view: %v %v", ok, err)
	}
	h := &worker.CountersHandler{Views: v, Sink: store, Log: k.Log}
	if err := h.ProcessTask(ctx, tasks.NewCountersFlush()); err != nil {
		t.Fatal(err)
	}
	if e, _ := store.Get(ctx, "en_a"); e.Views != 1 || e.UniqueViewers != 1 {
		t.Fatalf("after the flush: %d views, %d unique; want 1 1", e.Views, e.UniqueViewers)
	}
}

// TestReconcileHandler: votes:reconcile mends the counters of a campaign
// whose voting is open, and leaves alone one whose voting ended days ago.
func TestReconcileHandler(t *testing.T) {
	t.Parallel()
	k := testkit.New(t)
	ctx := context.Background()
	now := time.Date(2026, 6, 10, 12, 0, 0, 0, time.UTC)
	cps := campaigns.NewMongoStore(k.DB.Collection(mongodb.Campaigns))
	records := entries.NewMongoStore(k.DB.Collection(mongodb.Entries))
	ballots := votes.NewMongoBallots(k.DB.Collection(mongodb.Ballots))
	g := &gallery.Index{Redis: k.Redis}
	for _, c := range []campaigns.Campaign{
		{ID: "cp_open", Slug: "open", Name: "Open", VotingOpensAt: now.Add(-time.Hour), VotingClosesAt: now.Add(time.Hour)},
		{ID: "cp_old", Slug: "old", Name: "Old", VotingOpensAt: now.Add(-10 * 24 * time.Hour), VotingClosesAt: now.Add(-5 * 24 * time.Hour)},
	} {
		if err := cps.Create(ctx, c); err != nil {
			t.Fatal(err)
		}
		id := "en_" + c.Slug
		if err := records.Create(ctx, entries.Entry{ID: id, CampaignID: c.ID, Status: entries.Live, CreatedAt: now, UpdatedAt: now}); err != nil {
			t.Fatal(err)
		}
		if err := g.Put(ctx, gallery.Card{ID: id, CampaignID: c.ID, Title: id, LiveAt: now}); err != nil {
			t.Fatal(err)
		}
		b := votes.Ballot{ID: "vt_" + c.Slug, Key: "k_" + c.Slug, CampaignID: c.ID, EntryID: id, Voter: "d:1", Period: "all", At: now}
		if errs := ballots.InsertMany(ctx, []votes.Ballot{b}); errs[0] != nil {
			t.Fatal(errs[0])
		}
	}
	h := &worker.ReconcileHandler{Campaigns: cps, Sources: votes.Sources{Ballots: ballots, Counters: g, Records: records, Redis: k.Redis},
		Now: func() time.Time { return now }, Log: k.Log}
	if err := h.ProcessTask(ctx, tasks.NewVotesReconcile()); err != nil {
		t.Fatal(err)
	}
	for cid, want := range map[string]int64{"cp_open": 1, "cp_old": 0} {
		got, err := g.Votes(ctx, cid)
		if err != nil {
			t.Fatal(err)
		}
		if n := got["en_"+cid[3:]]; n != want {
			t.Errorf("%s: counter %d after reconcile, want %d", cid, n, want)
		}
	}
	if e, _ := records.Get(ctx, "en_open"); e.Votes != 1 {
		t.Errorf("the open campaign's entry record has %d votes, want 1", e.Votes)
	}
}
