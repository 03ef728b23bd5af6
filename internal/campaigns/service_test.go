package campaigns_test

import (
	"context"
	"errors"
	"maps"
	"testing"
	"time"

	"github.com/tryout/tryout/internal/audit"
	"github.com/tryout/tryout/internal/campaigns"
	"github.com/tryout/tryout/internal/messages"
	"github.com/tryout/tryout/internal/mongodb"
	"github.com/tryout/tryout/internal/testkit"
)

// TestServiceLogosAndAudit: a new logo is stored with the campaign and the
// creation audited with every setting; an edit that cannot be saved (the
// slug is taken) keeps no new logo and writes no record; a saved edit
// records only what changed.
func TestServiceLogosAndAudit(t *testing.T) {
	k := testkit.New(t)
	ctx := context.Background()
	now := time.Date(2026, 6, 1, 10, 0, 0, 0, time.UTC)
	store := campaigns.NewMongoStore(k.DB.Collection(mongodb.Campaigns))
	log := audit.NewMongoStore(k.DB.Collection(mongodb.Audit))
	bucket := k.Config.S3BucketRenditions
	s := &campaigns.Service{Store: store, Logos: k.Blobs, Bucket: bucket, Audit: &audit.Recorder{Store: log, Now: func() time.Time { return now }, Log: k.Log}}
	who := audit.Actor{ID: "st_1", Email: "owner@brand.test", Role: "owner"}
	png := &campaigns.Logo{Data: []byte("\x89PNG\r\n\x1a\nfake"), Type: "image/png"}

	one, err := s.Create(ctx, who, campaigns.Campaign{ID: "cp_one", Slug: "one", Name: "One", CreatedAt: now}, campaigns.LogoChange{New: png})
	if err != nil {
		t.Fatal(err)
	}
	if n, err := k.Blobs.Stat(ctx, bucket, one.LogoKey); err != nil || n != int64(len(png.Data)) {
		t.Fatalf("logo %q: %d %v", one.LogoKey, n, err)
	}
	if _, err := s.Create(ctx, who, campaigns.Campaign{ID: "cp_two", Slug: "two", Name: "Two", CreatedAt: now}, campaigns.LogoChange{}); err != nil {
		t.Fatal(err)
	}
	bad := one
	bad.Slug = "two"
	if _, err := s.Update(ctx, who, one, bad, campaigns.LogoChange{New: png}); !errors.Is(err, campaigns.ErrSlugTaken) {
		t.Fatalf("taken slug: %v", err)
	}
	keys, err := k.Blobs.List(ctx, bucket, "campaigns/cp_one/")
	if err != nil || len(keys) != 1 || keys[0] != one.LogoKey {
		t.Fatalf("after a failed edit the logos are %v (%v); want only %s", keys, err, one.LogoKey)
	}
	edit := one
	edit.Name = "One, renamed"
	if _, err := s.Update(ctx, who, one, edit, campaigns.LogoChange{Remove: true}); err != nil {
		t.Fatal(err)
	}
	if got, _ := store.Get(ctx, "cp_one"); got.LogoKey != "" || got.Name != "One, renamed" {
		t.Fatalf("after the edit: %+v", got)
	}
	recs, err := log.List(ctx, "cp_one", 10)
	if err != nil || len(recs) != 2 {
		t.Fatalf("audit of cp_one: %d records, %v; want create and one update", len(recs), err)
	}
	byAction := map[string]audit.Record{}
	for _, r := range recs { // both at the same instant: the order is not known
		byAction[r.Action] = r
	}
	upd, create := byAction["campaign.update"], byAction["campaign.create"]
	if create.Action != "campaign.create" || create.After["slug"] != "one" || create.ActorEmail != "owner@brand.test" || !create.At.Equal(now) {
		t.Errorf("create record: %+v", create)
	}
	if upd.Action != "campaign.update" || len(upd.Before) != 1 || upd.Before["name"] != "One" || upd.After["name"] != "One, renamed" {
		t.Errorf("update record: before %v after %v; want only the name", upd.Before, upd.After)
	}
}

// TestSetMessage: one stage's own message is saved beside the others with
// the milestones and recorded with its stage; a reset drops it and is
// recorded as one; a template naming an unknown field saves and records
// nothing.
func TestSetMessage(t *testing.T) {
	k := testkit.New(t)
	ctx := context.Background()
	now := time.Date(2026, 6, 1, 10, 0, 0, 0, time.UTC)
	store := campaigns.NewMongoStore(k.DB.Collection(mongodb.Campaigns))
	recorder, log := k.Audit(now)
	s := &campaigns.Service{Store: store, Audit: recorder}
	who := audit.Actor{ID: "st_1", Email: "owner@brand.test", Role: "owner"}
	live := messages.Template{Subject: "Live, {{name}}", Body: "Share {{share_link}}."}
	cp := campaigns.Campaign{ID: "cp_m", Slug: "m", Name: "M", CreatedAt: now, Messages: messages.Set{messages.Live: live}}
	if err := store.Create(ctx, cp); err != nil {
		t.Fatal(err)
	}
	got := func() campaigns.Campaign {
		c, err := store.Get(ctx, cp.ID)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	received := messages.Template{Subject: "Got it, {{name}}", Body: "We have your video."}
	if err := s.SetMessage(ctx, who, cp, campaigns.MessageEdit{Stage: messages.Received, Template: received}, []int{10, 100}); err != nil {
		t.Fatal(err)
	}
	if c := got(); len(c.Messages) != 2 || c.Messages[messages.Received].Subject != received.Subject || c.Messages[messages.Live].Subject != live.Subject || len(c.Milestones) != 2 {
		t.Fatalf("after saving: %+v %v", c.Messages, c.Milestones)
	}
	bad := messages.Template{Subject: "Hi {{nmae}}", Body: "x"}
	if err := s.SetMessage(ctx, who, got(), campaigns.MessageEdit{Stage: messages.Live, Template: bad}, nil); !errors.Is(err, messages.ErrTemplate) {
		t.Fatalf("unknown field: %v", err)
	}
	if err := s.SetMessage(ctx, who, got(), campaigns.MessageEdit{Stage: messages.Live, Template: bad, Reset: true}, []int{10, 100}); err != nil {
		t.Fatal(err)
	}
	if c := got(); len(c.Messages) != 1 || c.Messages[messages.Received].Subject != received.Subject {
		t.Fatalf("after the reset: %+v", c.Messages)
	}
	recs, err := log.List(ctx, cp.ID, 10)
	if err != nil || len(recs) != 2 {
		t.Fatalf("audit: %d records, %v; want two", len(recs), err)
	}
	if r := recs[1]; r.Action != "campaign.messages" || r.ActorID != who.ID || r.Before != nil || !maps.Equal(r.After, map[string]string{"stage": "received", "reset": ""}) {
		t.Errorf("save record: %+v", r)
	}
	if r := recs[0]; r.Action != "campaign.messages" || !maps.Equal(r.After, map[string]string{"stage": "live", "reset": "1"}) {
		t.Errorf("reset record: %+v", r)
	}
}

func TestChanged(t *testing.T) {
	b, a := audit.Changed(map[string]string{"x": "1", "y": "2"}, map[string]string{"x": "1", "y": "3", "z": "4"})
	if len(b) != 1 || b["y"] != "2" || len(a) != 2 || a["y"] != "3" || a["z"] != "4" {
		t.Fatalf("before %v after %v", b, a)
	}
}
