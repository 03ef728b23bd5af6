package app_test

import (
	"bytes"
	"context"
	"net/url"
	"testing"
	"time"

	"github.com/tryout/tryout/internal/audit"
	"github.com/tryout/tryout/internal/campaigns"
	"github.com/tryout/tryout/internal/entries"
	"github.com/tryout/tryout/internal/judging"
	"github.com/tryout/tryout/internal/messages"
	"github.com/tryout/tryout/internal/notify"
	"github.com/tryout/tryout/internal/outreach"
	"github.com/tryout/tryout/internal/staff"
	"github.com/tryout/tryout/internal/webauth"
)

// showcase is a campaign as a fan, an entrant and staff see it mid-way:
// branded (name, colour, logo), voting open, live entries with posters, a
// winner and a prize draw, an entrant with an entry in review and messages
// in their inbox, a judging round and a scheduled staff message.
type showcase struct {
	cp        campaignOut
	live      []entries.Entry
	mine      entries.Entry // the signed-in entrant's, in review
	session   string        // the entrant's session cookie value
	round     judging.Round
	broadcast string
}

func (e *env) showcase(t *testing.T) showcase {
	t.Helper()
	ctx := context.Background()
	now := time.Now()
	var s showcase
	s.cp = e.createCampaign("summer-tricks", now.Add(-24*time.Hour), now.Add(10*24*time.Hour), 500_000_000, 180, map[string]any{
		"name": "Summer Tricks 2026", "brand_name": "Acme Boards", "brand_color": "#0b6e69",
		"description": "Show us your best skate trick of the summer. The top three win a custom Acme deck, and every entrant gets 20% off.",
		"rules_text":  "1. One video per person.\n2. Film it yourself.\n3. Be kind: no dangerous stunts.", "min_age": 13,
		"voting_opens_at": now.Add(-time.Hour), "voting_closes_at": now.Add(20 * 24 * time.Hour),
		"perks_text": "Every entrant gets a 20% code for the Acme shop.", "max_entries_per_entrant": 2,
	})
	cp, err := e.app.Campaigns.Get(ctx, s.cp.ID)
	if err != nil {
		t.Fatal(err)
	}
	logo := logoPNG(t)
	cp.LogoKey = "campaigns/" + cp.ID + "/logo-test"
	if _, err := e.app.Blobs.Put(ctx, e.app.Cfg.S3BucketRenditions, cp.LogoKey, bytes.NewReader(logo), int64(len(logo)), "image/png"); err != nil {
		t.Fatal(err)
	}
	if err := e.app.Campaigns.Update(ctx, cp); err != nil {
		t.Fatal(err)
	}
	for i, title := range []string{"Kickflip down the stairs", "Night session at the bowl", "Grandma's first ollie"} {
		en := e.liveEntry(t, cp.Slug, title, []string{"Maya", "Jon", "Ada"}[i])
		p := posterJPEG(t, uint8(40*i))
		if _, err := e.app.Blobs.Put(ctx, e.app.Cfg.S3BucketRenditions, en.Renditions.Poster, bytes.NewReader(p), int64(len(p)), "image/jpeg"); err != nil {
			t.Fatal(err)
		}
		s.live = append(s.live, en)
	}
	if err := e.app.Winners.PutWinner(ctx, campaigns.Winner{CampaignID: cp.ID, EntryID: s.live[0].ID, Place: 1, Prize: "A custom Acme deck", At: now}); err != nil {
		t.Fatal(err)
	}
	// The entrant: signed in, one entry in review, messages in the inbox.
	client := e.signIn("maya@example.com")
	u, _ := url.Parse(e.srv.URL)
	for _, ck := range client.Jar.Cookies(u) {
		if ck.Name == webauth.CookieName {
			s.session = ck.Value
		}
	}
	var created map[string]any
	if res := e.doWith(client, e.jsonReq("POST", "/api/campaigns/"+cp.Slug+"/drafts", map[string]any{"title": "My backside 180", "creator_name": "Maya",
		"birth_date": "2001-04-02", "accept_rules": "1", "media_release": true}), &created); res.StatusCode != 201 {
		t.Fatalf("draft: %d %v", res.StatusCode, created)
	}
	if s.mine, err = e.app.Entries.Get(ctx, created["id"].(string)); err != nil {
		t.Fatal(err)
	}
	if err := e.app.Notify.Tell(ctx, messages.NeedsChanges, s.mine, notify.Note{Reason: "The video is cut off at the end. See the rules at " + e.app.Cfg.PublicURL + "/c/" + cp.Slug + "/rules."}); err != nil {
		t.Fatal(err)
	}
	// Staff: a judge, a round, a message scheduled for tomorrow.
	e.addStaff("judge@example.com", "judge password!", staff.Judge)
	s.round = e.judgingRound(t, cp.ID, "judge@example.com")
	owner, _ := e.app.Staff.GetByEmail(ctx, e.user)
	b, err := e.app.Outreach.Compose(ctx, audit.Actor{ID: owner.ID, Email: owner.Email, Role: string(owner.Role)}, outreach.Broadcast{CampaignID: cp.ID, Segment: outreach.Segment{Kind: "live"}, SendAt: now.Add(24 * time.Hour),
		Template: messages.Template{Subject: "Voting is open, {{name}}!", Body: "Hi {{name}}, share {{share_link}} with your friends."}})
	if err != nil {
		t.Fatal(err)
	}
	s.broadcast = b.ID
	return s
}
