package app_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tryout/tryout/internal/audit"
	"github.com/tryout/tryout/internal/entrants"
	"github.com/tryout/tryout/internal/rights"
	"github.com/tryout/tryout/internal/testkit"
	"github.com/tryout/tryout/internal/webhooks"
)

// noEntrantData names every collection that holds no data about an
// entrant the export must carry, and why. A new collection must be added
// here or to the export (rights.Collections), or the completeness test
// fails.
var noEntrantData = map[string]string{
	"judging_setups":  "a campaign's rubric",
	"judging_rounds":  "rounds and which entries are in them, by entry id",
	"judging_scores":  "judges' scores of entries, by entry id: the team's assessments, never shown to entrants",
	"prize_draws":     "seeds and eligible entry ids, published on the winners page",
	"webhooks":        "a campaign's webhook endpoints",
	"campaigns":       "campaign settings",
	"staff":           "staff accounts",
	"staff_sessions":  "staff sessions",
	"audit":           "staff actions; an entrant appears only as an id",
	"login_claims":    "used link nonces with their expiry, nothing that names anyone",
	"entry_slots":     "which of a campaign's entry slots an entry took; derived from the entries",
	"winners":         "public picks by entry id; exported on the entry",
	"broadcasts":      "the team's messages; each entrant's copy is exported from the outbox",
	"perk_codes":      "the campaign's pool; the entrant's code is exported from perk_claims",
	"retention_runs":  "counts of what retention deleted",
	"system.indexes":  "server bookkeeping",
	"system.profile":  "server bookkeeping",
	"system.js":       "server bookkeeping",
	"system.views":    "server bookkeeping",
	"system.users":    "server bookkeeping",
	"system.version":  "server bookkeeping",
	"system.sessions": "server bookkeeping",
}

// TestExportCompleteness: an entrant's export carries data from every
// collection that holds data about them (each planted here first), with a
// working time-limited link to their own original; every other collection
// is named in noEntrantData. Owners can download it for them, audited.
func TestExportCompleteness(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	now := time.Now()
	c := e.createCampaign("export-all", now.Add(-time.Hour), now.Add(time.Hour), 50<<20, 60, map[string]any{
		"voting_opens_at": now.Add(-time.Hour), "voting_closes_at": now.Add(48 * time.Hour),
		"guardian_age": 16, "countries": []string{"FR", "DE"}, "rules_text": "Be kind. One video each.",
	})
	// The brand's CRM hears of new entries (the endpoint is planted in the
	// store: its address is never called here).
	if err := e.app.Webhooks.Store.CreateEndpoint(ctx, webhooks.Endpoint{ID: "wh_export", CampaignID: c.ID, URL: "https://crm.example.com/in",
		Events: []webhooks.EventType{webhooks.EntryReceived}, Secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", CreatedAt: now}); err != nil {
		t.Fatal(err)
	}
	other := e.liveEntry(t, "export-all", "Someone else's clip", "Bo")
	const email = "ana-export@example.com"
	ana := e.signIn(email)
	video := readFile(t, testkit.Video(t, t.TempDir(), testkit.Clip{Seconds: 1, Width: 160, Height: 120}))
	born := now.AddDate(-15, 0, 0).Format("2006-01-02")
	var created map[string]any
	if res := e.upload(ana, c.Slug, append(consents(), part{name: "title", content: "Ana's kickflip"}, part{name: "country", content: "fr"},
		part{name: "birth_date", content: born}, part{name: "guardian_email", content: "parent-of-ana@example.com"},
		part{name: "marketing", content: "yes"}, part{name: "file", filename: "kickflip.mp4", content: video}), &created); res.StatusCode != http.StatusCreated {
		t.Fatalf("upload: %d %v", res.StatusCode, created)
	}
	entryID := created["id"].(string)
	if created["waiting_for"] != "Waiting for your guardian's consent." {
		t.Errorf("the entrant is not told the entry waits for their guardian: %v", created)
	}
	who, err := e.app.Entrants.GetOrCreate(ctx, entrants.Entrant{Email: email})
	if err != nil {
		t.Fatal(err)
	}
	// A message, and a reply to it.
	var inbox struct {
		Messages []struct{ ID, Subject string }
	}
	e.doWith(ana, e.jsonReq("GET", "/api/me/messages", nil), &inbox)
	if len(inbox.Messages) == 0 {
		t.Fatal("no message to reply to")
	}
	if res := e.doWith(ana, e.jsonReq("POST", "/api/me/messages/"+inbox.Messages[0].ID+"/replies", map[string]any{"text": "Thanks, so excited!"}), nil); res.StatusCode != http.StatusCreated {
		t.Fatalf("reply: %d", res.StatusCode)
	}
	// A share link, a vote and a report, all for someone else's entry.
	var share struct{ Code string }
	if res := e.doWith(ana, e.jsonReq("POST", "/api/entries/"+other.ID+"/share-links", nil), &share); res.StatusCode >= 300 || share.Code == "" {
		t.Fatalf("share link: %d %+v", res.StatusCode, share)
	}
	vote := e.jsonReq("POST", "/api/entries/"+other.ID+"/votes", nil)
	vote.Header.Set("X-Page-Token", e.pageToken(other.ID))
	if res := e.doWith(ana, vote, nil); res.StatusCode != http.StatusCreated {
		t.Fatalf("vote: %d", res.StatusCode)
	}
	e.drainVotes(t)
	if res := e.doWith(ana, e.jsonReq("POST", "/api/entries/"+other.ID+"/reports", map[string]any{"reason": "spam", "text": "Looks copied"}), nil); res.StatusCode >= 300 {
		t.Fatalf("report: %d", res.StatusCode)
	}
	// A perk code.
	if _, err := e.app.Perks.Add(ctx, c.ID, []string{"ANA-PERK-1"}, now); err != nil {
		t.Fatal(err)
	}
	if _, err := e.app.Perks.Claim(ctx, c.ID, who.ID, now); err != nil {
		t.Fatal(err)
	}

	res, body := e.get(ana, "/api/me/export")
	if res.StatusCode != http.StatusOK || !strings.Contains(res.Header.Get("Content-Disposition"), "attachment") || res.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("export: %d %v", res.StatusCode, res.Header)
	}
	var d rights.Data
	if err := json.Unmarshal([]byte(body), &d); err != nil {
		t.Fatal(err)
	}
	checkExport(t, d, email, entryID, other.ID, share.Code)
	// The link to the original downloads exactly what was uploaded, for a while.
	got := download(t, d.Entries[0].Original.Download)
	if got != video {
		t.Errorf("the original's link gave %d bytes, want the %d uploaded", len(got), len(video))
	}
	if until := d.LinksExpireAt.Sub(d.ExportedAt); until != e.app.Cfg.ExportLinkTTL {
		t.Errorf("links expire after %s, want %s", until, e.app.Cfg.ExportLinkTTL)
	}

	// A deletion record shows too (the exporter, as no session survives one).
	if _, _, err := e.app.Rights.Deletions.Create(ctx, rights.Deletion{EntrantID: who.ID, By: "entrant", RequestedAt: now, Anon: "x:anon_test"}); err != nil {
		t.Fatal(err)
	}
	d2, err := e.app.Rights.Exporter.Export(ctx, who.ID)
	if err != nil || d2.Deletion == nil || d2.Deletion.Status != rights.Running {
		t.Fatalf("export with a deletion: %v %+v", err, d2.Deletion)
	}
	checkCollections(t, e, d2)

	// An owner downloads it on the entrant's request, audited.
	s := e.staffLogin(e.user, e.pass)
	s.page("/admin/entrants/" + who.ID)
	if res, page := s.post("/admin/entrants/"+who.ID+"/export", url.Values{}); res.StatusCode != http.StatusBadRequest || !strings.Contains(page, "Download button") {
		t.Errorf("export without the button's confirm: %d", res.StatusCode)
	}
	res, body = s.post("/admin/entrants/"+who.ID+"/export", url.Values{"confirm": {"export"}})
	if res.StatusCode != http.StatusOK || !strings.Contains(body, `"email": "`+email+`"`) || !strings.Contains(res.Header.Get("Content-Disposition"), who.ID) {
		t.Errorf("owner export: %d %.200s", res.StatusCode, body)
	}
	recs, _ := e.app.Audit.List(ctx, who.ID, 10)
	if !slices.ContainsFunc(recs, func(r audit.Record) bool { return r.Action == "entrant.export" && r.ActorEmail == e.user }) {
		t.Errorf("owner export not audited: %+v", recs)
	}
}

func checkExport(t *testing.T, d rights.Data, email, entryID, otherID, code string) {
	t.Helper()
	if d.Entrant.Email != email || len(d.Entries) != 1 || d.Entries[0].ID != entryID {
		t.Fatalf("entrant or entries: %s", fmtJSON(d))
	}
	en := d.Entries[0]
	kinds := map[string]rights.ConsentData{}
	for _, k := range en.Consents {
		kinds[k.Kind] = k
	}
	if kinds["rules"].Text != "Be kind. One video each." || kinds["rules"].At.IsZero() || kinds["media_release"].Text == "" ||
		!kinds["marketing"].Accepted || kinds["age"].Version == "" {
		t.Errorf("consents with texts and times: %s", fmtJSON(en.Consents))
	}
	if en.Title != "Ana's kickflip" || len(en.History) == 0 || en.History[0].To != "received" || en.Country != "FR" {
		t.Errorf("entry: %s", fmtJSON(en))
	}
	if en.Guardian == nil || en.Guardian.Email != "parent-of-ana@example.com" || en.Guardian.Status != "pending" {
		t.Errorf("guardian: %+v", en.Guardian)
	}
	if en.Original == nil || en.Original.Filename != "kickflip.mp4" || en.Original.Download == "" {
		t.Fatalf("original: %+v", en.Original)
	}
	replied := false
	for _, m := range d.Messages {
		if m.Kind == "login_link" && (m.Link != "" || strings.Contains(m.Text, "token=")) {
			t.Errorf("a working sign-in link in the export: %+v", m)
		}
		for _, r := range m.Replies {
			replied = replied || r.Text == "Thanks, so excited!"
		}
	}
	if !replied {
		t.Errorf("messages and replies: %s", fmtJSON(d.Messages))
	}
	if len(d.ShareLinks) != 1 || d.ShareLinks[0].Code != code || len(d.Perks) != 1 || d.Perks[0].Code != "ANA-PERK-1" {
		t.Errorf("share links %+v, perks %+v", d.ShareLinks, d.Perks)
	}
	if len(d.Votes) != 1 || d.Votes[0].EntryID != otherID || !d.Votes[0].Counted {
		t.Errorf("votes: %+v", d.Votes)
	}
	if len(d.Reports) != 1 || d.Reports[0].Text != "Looks copied" {
		t.Errorf("reports: %+v", d.Reports)
	}
}

// checkCollections: every collection the database holds is either a part
// of the export, with something in it for this entrant, or named in
// noEntrantData.
func checkCollections(t *testing.T, e *env, d rights.Data) {
	t.Helper()
	names, err := e.app.DB.ListCollectionNames(context.Background(), map[string]any{})
	if err != nil {
		t.Fatal(err)
	}
	parts := map[string]int{"entrant": 1, "entries": len(d.Entries), "messages": len(d.Messages), "share_links": len(d.ShareLinks),
		"perks": len(d.Perks), "votes": len(d.Votes), "reports": len(d.Reports), "webhook_events": len(d.WebhookEvents)}
	for _, en := range d.Entries {
		if en.Guardian != nil {
			parts["guardian_consents"]++
		}
	}
	for _, m := range d.Messages {
		parts["replies"] += len(m.Replies)
	}
	if d.Deletion != nil {
		parts["deletion"] = 1
	}
	exported := map[string]string{}
	for part, coll := range rights.Collections {
		exported[coll] = part
		if parts[part] == 0 {
			t.Errorf("the export's %s (from %s) is empty: the test planted data there", part, coll)
		}
	}
	for _, n := range names {
		if _, ok := exported[n]; !ok && noEntrantData[n] == "" {
			t.Errorf("collection %s is neither exported nor named as holding no entrant data", n)
		}
	}
}

func download(t *testing.T, u string) string {
	t.Helper()
	res, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET original: %d %s", res.StatusCode, b)
	}
	return string(b)
}
