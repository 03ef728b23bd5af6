package app_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/tryout/tryout/internal/entrants"
	"github.com/tryout/tryout/internal/entries"
	"github.com/tryout/tryout/internal/ids"
	"github.com/tryout/tryout/internal/staff"
)

// decidedEntry records an entry whose last status change is to status,
// made automatically (Tryout's checks) or by a person, for the entrant
// with this email.
func (e *env) decidedEntry(t *testing.T, slug, email, title string, status entries.Status, auto bool, code, reason string) entries.Entry {
	t.Helper()
	ctx := context.Background()
	cp, err := e.app.Campaigns.GetBySlug(ctx, slug)
	if err != nil {
		now := time.Now()
		e.createCampaign(slug, now.Add(-time.Hour), now.Add(time.Hour), 50<<20, 60)
		if cp, err = e.app.Campaigns.GetBySlug(ctx, slug); err != nil {
			t.Fatal(err)
		}
	}
	who, err := e.app.Entrants.GetOrCreate(ctx, entrants.Entrant{ID: ids.New(entrants.IDPrefix), Email: email, DisplayName: "Sam", CreatedAt: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC().Truncate(time.Millisecond)
	en := entries.Entry{ID: ids.New(entries.IDPrefix), CampaignID: cp.ID, EntrantID: who.ID, Title: title, Status: status, StatusReason: reason,
		History: []entries.StatusChange{{To: entries.Received, At: now}, {From: entries.Received, To: entries.Processing, At: now},
			{From: entries.Processing, To: status, Reason: reason, At: now, Auto: auto, Code: code}},
		Original: entries.Object{Key: "campaigns/" + cp.ID + "/x", Size: 1}, CreatedAt: now, UpdatedAt: now,
		Findings: []entries.Finding{{Kind: "black", Detail: "black from 0:00 to 0:05", Start: 0, End: 5, Value: 5}}}
	if err := e.app.Entries.Create(ctx, en); err != nil {
		t.Fatal(err)
	}
	return en
}

// An automatic refusal says it was automatic, names the finding, and
// offers a person: the appeal puts the entry in the review queue marked as
// an appeal (once per decision, its entrant only), and the entrant hears
// the person's decision in the team's words.
func TestAppealAnAutomaticDecision(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.addStaff("mod@example.com", "moderator pass 1", staff.Moderator)
	const why = "Your video is black from start to end, so there is nothing to watch. Check the export."
	auto := e.decidedEntry(t, "appeals", "sam@example.com", "Night skate", entries.Rejected, true, entries.CodeBlack, why)
	staffMade := e.decidedEntry(t, "appeals", "sam@example.com", "Day skate", entries.Rejected, false, "", "Not on topic.")
	sam, other := e.signIn("sam@example.com"), e.signIn("other@example.com")

	var v map[string]any
	e.doWith(sam, e.jsonReq("GET", "/api/entries/"+auto.ID, nil), &v)
	if v["decided_by"] != "automatic_check" || v["can_appeal"] != true || !strings.Contains(v["status_message"].(string), "automatic check") ||
		!strings.Contains(v["status_message"].(string), "No person has looked") || v["reason"] != why {
		t.Errorf("automatic refusal as the entrant sees it: %s", fmtJSON(v))
	}
	e.doWith(sam, e.jsonReq("GET", "/api/entries/"+staffMade.ID, nil), &v)
	if v["decided_by"] != "campaign_team" || v["can_appeal"] != false || !strings.Contains(v["status_message"].(string), "campaign team") {
		t.Errorf("a person's refusal as the entrant sees it: %s", fmtJSON(v))
	}
	page := e.getPage(sam, "/e/"+auto.ID)
	if !strings.Contains(page, `id="appeal-button"`) || !strings.Contains(page, "No person has looked at it yet") {
		t.Error("the entry page offers no appeal for an automatic refusal")
	}
	if page := e.getPage(sam, "/e/"+staffMade.ID); strings.Contains(page, `id="appeal-button"`) {
		t.Error("the entry page offers an appeal against a person's decision")
	}

	var apiErr apiError
	if res := e.doWith(other, e.jsonReq("POST", "/api/entries/"+auto.ID+"/appeal", nil), &apiErr); res.StatusCode != 404 || apiErr.Error.Code != "entry_not_found" {
		t.Errorf("someone else's appeal: %d %q", res.StatusCode, apiErr.Error.Code)
	}
	if res := e.doWith(&http.Client{}, e.jsonReq("POST", "/api/entries/"+auto.ID+"/appeal", nil), &apiErr); res.StatusCode != 401 {
		t.Errorf("appeal signed out: %d %q", res.StatusCode, apiErr.Error.Code)
	}
	if res := e.doWith(sam, e.jsonReq("POST", "/api/entries/"+staffMade.ID+"/appeal", nil), &apiErr); res.StatusCode != 409 || apiErr.Error.Code != "decided_by_person" {
		t.Errorf("appeal against a person: %d %q", res.StatusCode, apiErr.Error.Code)
	}
	if res := e.doWith(sam, e.jsonReq("POST", "/api/entries/"+auto.ID+"/appeal", nil), &v); res.StatusCode != 200 || v["status"] != "in_review" || v["appealed"] != true || v["can_appeal"] != false {
		t.Fatalf("appeal: %d %s", res.StatusCode, fmtJSON(v))
	}
	if res := e.doWith(sam, e.jsonReq("POST", "/api/entries/"+auto.ID+"/appeal", nil), &apiErr); res.StatusCode != 409 || apiErr.Error.Code != "already_appealed" {
		t.Errorf("second appeal: %d %q", res.StatusCode, apiErr.Error.Code)
	}

	// The console shows it as an appeal, with the decision appealed.
	mod := e.staffLogin("mod@example.com", "moderator pass 1")
	if _, body := mod.page("/admin/queue"); !strings.Contains(body, "Night skate") || !strings.Contains(body, `class="flag appeal"`) {
		t.Error("the queue does not mark the appeal")
	}
	_, body := mod.page("/admin/entries/" + auto.ID)
	if !strings.Contains(body, `id="appeal"`) || !strings.Contains(body, "asked a person to look at an automatic decision") || !strings.Contains(body, "black from start to end") {
		t.Errorf("the review page does not show the appeal and the decision appealed: %s", body)
	}
	// A person decides: the entrant hears it in the team's words.
	got, _ := e.app.Entries.Get(context.Background(), auto.ID)
	const answer = "We looked: the video really is black. Please check your export and enter again."
	if res, _ := mod.post("/admin/entries/"+auto.ID+"/decision", url.Values{"decision": {"reject"}, "reason": {answer},
		"seen": {got.UpdatedAt.UTC().Format(time.RFC3339Nano)}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("decision on the appeal: %d", res.StatusCode)
	}
	msgs, _ := e.app.Outbox.List(context.Background(), 100)
	heard := false
	for _, m := range msgs {
		if m.EntryID == auto.ID && strings.Contains(m.Text, answer) && strings.Contains(m.Text, "The team reviewed") {
			heard = true
		}
	}
	if !heard {
		t.Error("the entrant did not hear the person's decision")
	}
	e.doWith(sam, e.jsonReq("GET", "/api/entries/"+auto.ID, nil), &v)
	if v["decided_by"] != "campaign_team" || v["can_appeal"] != false {
		t.Errorf("after the person's decision: %s", fmtJSON(v))
	}
	if res := e.doWith(sam, e.jsonReq("POST", "/api/entries/"+auto.ID+"/appeal", nil), &apiErr); res.StatusCode != 409 || apiErr.Error.Code != "decided_by_person" {
		t.Errorf("appeal after a person decided: %d %q", res.StatusCode, apiErr.Error.Code)
	}
}

// getPage fetches a public page with the client's cookies.
func (e *env) getPage(c *http.Client, path string) string {
	e.t.Helper()
	res, err := c.Get(e.srv.URL + path)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK {
		e.t.Fatalf("GET %s: %d", path, res.StatusCode)
	}
	return string(b)
}
