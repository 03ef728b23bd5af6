package app_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/tryout/tryout/internal/entries"
	"github.com/tryout/tryout/internal/i18n"
	"github.com/tryout/tryout/internal/mail"
	"github.com/tryout/tryout/internal/staff"
)

func TestModerationDecisions(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.addStaff("mod1@example.com", "moderator one pass", staff.Moderator)
	e.addStaff("mod2@example.com", "moderator two pass", staff.Moderator)
	ctx := context.Background()
	approve := e.reviewEntry(t, "decisions", "Approve me")
	reject := e.reviewEntry(t, "decisions", "Reject me")
	changes := e.reviewEntry(t, "decisions", "Change me")
	m1, m2 := e.staffLogin("mod1@example.com", "moderator one pass"), e.staffLogin("mod2@example.com", "moderator two pass")
	seen := func(en entries.Entry) string { return en.UpdatedAt.UTC().Format(time.RFC3339Nano) }
	decide := func(s *staffClient, en entries.Entry, decision, reason string) (*http.Response, string) {
		s.page("/admin/entries/" + en.ID)
		return s.post("/admin/entries/"+en.ID+"/decision", url.Values{"decision": {decision}, "reason": {reason}, "seen": {seen(en)}})
	}

	// Refused, nothing changed: reject without a reason, changes without a note.
	for _, d := range []string{"reject", "changes"} {
		if res, body := decide(m1, reject, d, "   "); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Write a reason") {
			t.Errorf("%s without a reason: %d", d, res.StatusCode)
		}
	}
	if res, _ := m1.post("/admin/entries/"+reject.ID+"/decision", url.Values{"decision": {"reject"}, "reason": {"x"}}); res.StatusCode != http.StatusBadRequest {
		t.Errorf("decision without the seen version: %d", res.StatusCode)
	}
	if got, _ := e.app.Entries.Get(ctx, reject.ID); got.Status != entries.InReview || !got.UpdatedAt.Equal(reject.UpdatedAt) {
		t.Fatalf("a refused decision changed the entry: %s", got.Status)
	}

	// Two moderators open the same entry; the first decision wins.
	m2.page("/admin/entries/" + approve.ID)
	if res, _ := decide(m1, approve, "approve", ""); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("approve: %d", res.StatusCode)
	}
	res, body := m2.post("/admin/entries/"+approve.ID+"/decision", url.Values{"decision": {"reject"}, "reason": {"Too dark"}, "seen": {seen(approve)}})
	if res.StatusCode != http.StatusConflict || !strings.Contains(body, "Someone else changed this entry") {
		t.Errorf("second decision: %d", res.StatusCode)
	}
	const why = "Your video includes music you may not have the rights to use."
	if res, _ := decide(m1, reject, "reject", why); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("reject: %d", res.StatusCode)
	}
	const note = "Please trim the first ten seconds."
	if res, _ := decide(m2, changes, "changes", note); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("changes: %d", res.StatusCode)
	}

	want := map[string]struct {
		status entries.Status
		reason string
		mail   string
	}{
		approve.ID: {entries.Live, "", "/e/" + approve.ID},
		reject.ID:  {entries.Rejected, why, why},
		changes.ID: {entries.NeedsChanges, note, "/c/decisions?entry=" + changes.ID},
	}
	msgs, _ := e.app.Outbox.List(ctx, 100)
	for id, w := range want {
		got, _ := e.app.Entries.Get(ctx, id)
		if got.Status != w.status || got.StatusReason != w.reason {
			t.Errorf("%s: %s %q, want %s %q", got.Title, got.Status, got.StatusReason, w.status, w.reason)
		}
		n := 0
		for _, m := range msgs {
			if m.EntryID == id && m.Kind == mail.KindDecision {
				n++
				if !strings.Contains(m.Text, w.mail) {
					t.Errorf("message to %s lacks %q:\n%s", got.Title, w.mail, m.Text)
				}
			}
		}
		if n != 1 {
			t.Errorf("%s: %d decision messages, want 1", got.Title, n)
		}
		log, _ := e.app.Audit.List(ctx, id, 10)
		if len(log) != 1 || log[0].Before["status"] != "in_review" || log[0].After["status"] != string(w.status) || !strings.HasPrefix(log[0].ActorEmail, "mod") {
			t.Errorf("%s audit: %+v", got.Title, log)
		}
	}

	// Bulk approve: the stale one is reported, not changed.
	a, b := e.reviewEntry(t, "decisions", "Bulk one"), e.reviewEntry(t, "decisions", "Bulk two")
	// Someone touched it since (a second later: stored times have millisecond
	// precision, and the test can run within the millisecond it was made).
	if err := e.app.Entries.SetProgress(ctx, b.ID, "done", 100, b.UpdatedAt.Add(time.Second)); err != nil {
		t.Fatal(err)
	}
	m1.page("/admin/queue")
	res, _ = m1.post("/admin/queue/approve", url.Values{"entry": {a.ID + "@" + seen(a), b.ID + "@" + seen(b)}})
	loc, _ := url.QueryUnescape(res.Header.Get("Location"))
	if res.StatusCode != http.StatusSeeOther || !strings.Contains(loc, "1 entry approved. 1 entry was not changed") {
		t.Errorf("bulk approve: %d %s", res.StatusCode, loc)
	}
	if got, _ := e.app.Entries.Get(ctx, a.ID); got.Status != entries.Live {
		t.Errorf("bulk: %s", got.Status)
	}
	if got, _ := e.app.Entries.Get(ctx, b.ID); got.Status != entries.InReview {
		t.Errorf("bulk approved a stale entry: %s", got.Status)
	}
	// The entrant page shows the history and messages, never sign-in links.
	owner := e.staffLogin(e.user, e.pass)
	en, _ := e.app.Entries.Get(ctx, reject.ID)
	if err := e.app.Notify.LoginLink(ctx, i18n.EN, "reject-me@example.com", "secret-token-value", 15); err != nil {
		t.Fatal(err)
	}
	_, page := owner.page("/admin/entrants/" + en.EntrantID)
	for _, s := range []string{"Reject me", why, "Rejected", "About your entry"} {
		if !strings.Contains(page, s) {
			t.Errorf("entrant page lacks %q", s)
		}
	}
	if strings.Contains(page, "secret-token-value") {
		t.Error("entrant page shows a sign-in link")
	}
	if _, found := owner.page("/admin/entrants?q=REJECT-ME"); !strings.Contains(found, "/admin/entrants/"+en.EntrantID) {
		t.Error("search by part of the email, any case, does not find the entrant")
	}
}
