package webhooks_test

import (
	"context"
	"testing"

	"github.com/tryout/tryout/internal/audit"
	"github.com/tryout/tryout/internal/mongodb"
	"github.com/tryout/tryout/internal/testkit"
	"github.com/tryout/tryout/internal/webhooks"
)

// TestStaffChangesAudited: adding, rotating, replaying and deleting an
// endpoint each write one audit record naming the staff member; a refused
// endpoint writes none.
func TestStaffChangesAudited(t *testing.T) {
	s, clk := newService(t, true)
	k := testkit.New(t)
	log := audit.NewMongoStore(k.DB.Collection(mongodb.Audit))
	s.Audit = &audit.Recorder{Store: log, Now: clk.now, Log: k.Log}
	ctx := context.Background()
	who := audit.Actor{ID: "st_1", Email: "owner@brand.test", Role: "owner"}
	rcv := newReceiver(t, 200)
	if _, err := s.AddEndpoint(ctx, who, "cp_a", rcv.URL, nil); err == nil {
		t.Fatal("an endpoint with no events was saved")
	}
	ep, err := s.AddEndpoint(ctx, who, "cp_a", rcv.URL, []webhooks.EventType{webhooks.EntryLive})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Rotate(ctx, who, ep.ID); err != nil {
		t.Fatal(err)
	}
	_ = s.Emit(ctx, webhooks.Event{Type: webhooks.EntryLive, CampaignID: "cp_a", Key: "en_1"})
	if _, err := s.Replay(ctx, who, deliveries(t, s, "cp_a")[0].ID); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteEndpoint(ctx, who, ep); err != nil {
		t.Fatal(err)
	}
	recs, err := log.List(ctx, "cp_a", 10)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]audit.Record{}
	for _, r := range recs {
		if r.ActorID != "st_1" || r.ActorEmail != "owner@brand.test" {
			t.Errorf("%s by %s <%s>", r.Action, r.ActorID, r.ActorEmail)
		}
		got[r.Action] = r
	}
	if len(recs) != 4 || got["webhook.add"].After["endpoint"] != ep.ID || got["webhook.rotate"].After["endpoint"] != ep.ID ||
		got["webhook.replay"].After["replays"] == "" || got["webhook.delete"].Before["url"] != ep.URL {
		t.Fatalf("audit records: %+v", recs)
	}
}
