package app_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/tryout/tryout/internal/entries"
	"github.com/tryout/tryout/internal/mail"
)

// TestFanReportsAndTakedown: viewers report a live entry; the campaign's
// threshold of distinct reporters sends it back to review; a moderator
// takes it down and the entrant is told why.
func TestFanReportsAndTakedown(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	now := time.Now()
	e.createCampaign("reported", now.Add(-time.Hour), now.Add(time.Hour), 50<<20, 60, map[string]any{"report_threshold": 2})
	ctx := context.Background()
	en := e.reviewEntry(t, "reported", "Reported video")
	live, err := entries.Move(ctx, e.app.Entries, en, entries.Live, "", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	report := func(c *http.Client, body map[string]any) (*http.Response, apiError) {
		var out apiError
		req := e.jsonReq("POST", "/api/entries/"+live.ID+"/reports", body)
		return e.doWith(c, req, &out), out
	}
	alice, bob := e.signIn("alice-viewer@example.com"), e.signIn("bob-viewer@example.com")
	if res, out := report(alice, map[string]any{"reason": "because"}); res.StatusCode != 400 || out.Error.Code != "invalid_report" {
		t.Errorf("unknown reason: %d %+v", res.StatusCode, out)
	}
	if res, _ := report(alice, map[string]any{"reason": "copyright", "text": "That is my song."}); res.StatusCode != http.StatusAccepted {
		t.Fatalf("report: %d", res.StatusCode)
	}
	if res, out := report(alice, map[string]any{"reason": "spam"}); res.StatusCode != 409 || out.Error.Code != "already_reported" {
		t.Errorf("second report by the same viewer: %d %+v", res.StatusCode, out)
	}
	if got, _ := e.app.Entries.Get(ctx, live.ID); got.Status != entries.Live {
		t.Fatalf("one report below the threshold of 2 moved the entry: %s", got.Status)
	}
	if res, _ := report(bob, map[string]any{"reason": "inappropriate"}); res.StatusCode != http.StatusAccepted {
		t.Fatalf("second viewer: %d", res.StatusCode)
	}
	got, _ := e.app.Entries.Get(ctx, live.ID)
	if got.Status != entries.InReview || !strings.Contains(got.StatusReason, "2 reports") {
		t.Fatalf("at the threshold: %s %q", got.Status, got.StatusReason)
	}
	if res, out := report(&http.Client{}, map[string]any{"reason": "spam"}); res.StatusCode != 404 || out.Error.Code != "entry_not_found" {
		t.Errorf("report of an entry not live: %d %+v", res.StatusCode, out)
	}
	// Reports from a foreign site are refused.
	req := e.jsonReq("POST", "/api/entries/"+live.ID+"/reports", map[string]any{"reason": "spam"})
	req.Header.Set("Origin", "https://evil.example")
	if res := e.doWith(&http.Client{}, req, nil); res.StatusCode != http.StatusForbidden {
		t.Errorf("cross-site report: %d", res.StatusCode)
	}
	// The moderator approves it again, then takes it down with a reason.
	mod := e.staffLogin(e.user, e.pass)
	if _, page := mod.page("/admin/reports"); !strings.Contains(page, "That is my song.") || strings.Contains(page, "alice-viewer") {
		t.Error("reports page: missing the report, or showing who made it")
	}
	mod.page("/admin/entries/" + got.ID)
	res, _ := mod.post("/admin/entries/"+got.ID+"/decision", url.Values{"decision": {"approve"}, "seen": {got.UpdatedAt.UTC().Format(time.RFC3339Nano)}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("approve again: %d", res.StatusCode)
	}
	again, _ := e.app.Entries.Get(ctx, live.ID)
	_, page := mod.page("/admin/entries/" + again.ID)
	if !strings.Contains(page, `id="takedown"`) {
		t.Fatal("no takedown form on a live entry")
	}
	seen := again.UpdatedAt.UTC().Format(time.RFC3339Nano)
	if res, _ := mod.post("/admin/entries/"+again.ID+"/decision", url.Values{"decision": {"takedown"}, "seen": {seen}}); res.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("takedown without a reason: %d", res.StatusCode)
	}
	const why = "The music in your video is used without permission."
	if res, _ := mod.post("/admin/entries/"+again.ID+"/decision", url.Values{"decision": {"takedown"}, "reason": {why}, "seen": {seen}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("takedown: %d", res.StatusCode)
	}
	final, _ := e.app.Entries.Get(ctx, live.ID)
	if final.Status != entries.Removed || final.StatusReason != why {
		t.Errorf("after takedown: %s %q", final.Status, final.StatusReason)
	}
	msgs, _ := e.app.Outbox.List(ctx, 50)
	found := false
	for _, m := range msgs {
		if m.EntryID == live.ID && m.Kind == mail.KindDecision && strings.Contains(m.Subject, "taken down") && strings.Contains(m.Text, why) {
			found = true
		}
	}
	if !found {
		t.Error("the entrant was not told about the takedown")
	}
	log, _ := e.app.Audit.List(ctx, live.ID, 10)
	var actions []string
	for _, r := range log {
		actions = append(actions, r.Action)
	}
	if got := strings.Join(actions, ","); got != "entry.takedown,entry.approve,entry.return_to_review" {
		t.Errorf("audit: %s", got)
	}
	// Public reports are rate limited per client address.
	var last *http.Response
	for range 25 {
		last, _ = report(&http.Client{}, map[string]any{"reason": "spam"})
	}
	if last.StatusCode != http.StatusTooManyRequests {
		t.Errorf("report flood: %d", last.StatusCode)
	}
}
