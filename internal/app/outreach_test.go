package app_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hibiken/asynq"

	"github.com/tryout/tryout/internal/entries"
	"github.com/tryout/tryout/internal/outreach"
	"github.com/tryout/tryout/internal/staff"
	"github.com/tryout/tryout/internal/tasks"
)

// previewJSON posts a compose form to a console preview endpoint.
func (s *staffClient) previewJSON(path string, form url.Values, out any) int {
	s.e.t.Helper()
	req, _ := http.NewRequest("POST", s.e.srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-CSRF-Token", s.csrf)
	res, err := s.c.Do(req)
	if err != nil {
		s.e.t.Fatal(err)
	}
	defer res.Body.Close()
	_ = json.NewDecoder(res.Body).Decode(out)
	return res.StatusCode
}

var broadcastPath = regexp.MustCompile(`^/admin/broadcasts/(bc_[a-z2-7]{26})`)

// TestStaffMessaging, against the real SMTP protocol server and the real
// queue: staff see how many entrants a segment reaches and the message as
// the first of them gets it; a segment that matches nobody and an unknown
// merge field are refused with nothing saved; a message to the live
// entrants reaches exactly them and its page reports delivery per
// recipient; a scheduled message waits in the queue until its time; a
// cancelled one never goes; a message to one entrant from their page
// reaches them, they reply in the app, and staff read the reply on the
// entrant's timeline.
func TestStaffMessaging(t *testing.T) {
	t.Parallel()
	e := newEnv(t, withSMTP)
	e.startWorker()
	ctx := context.Background()
	a := e.liveEntry(t, "talk", "Ollie One", "")
	b := e.liveEntry(t, "talk", "Ollie Two", "")
	c := e.reviewEntry(t, "talk", "Needs Work")
	if _, err := entries.Move(ctx, e.app.Entries, c, entries.NeedsChanges, "Trim the end.", time.Now()); err != nil {
		t.Fatal(err)
	}
	cp, _ := e.app.Campaigns.GetBySlug(ctx, "talk")
	s := e.staffLogin(e.user, e.pass)
	s.page("/admin/campaigns/" + cp.ID + "/broadcasts")
	base := "/admin/campaigns/" + cp.ID + "/broadcasts"
	msg := func(seg string, extra ...string) url.Values {
		v := url.Values{"segment": {seg}, "subject": {"News for {{name}}"}, "body": {"Hello {{name}}, \"{{entry_title}}\" has {{votes}} votes."}}
		for i := 0; i+1 < len(extra); i += 2 {
			v.Set(extra[i], extra[i+1])
		}
		return v
	}

	var pv struct {
		Count             int
		To, Subject, Text string
		Body              string `json:"body"`
		Error             struct{ Code, Message string }
	}
	if st := s.previewJSON(base+"/preview", msg("live"), &pv); st != 200 || pv.Count != 2 || !strings.HasPrefix(pv.Subject, "News for Ollie") ||
		!strings.Contains(pv.Body, "has 0 votes") || !strings.HasPrefix(pv.To, "Ollie") {
		t.Errorf("preview of live: %d %+v", st, pv)
	}
	if st := s.previewJSON(base+"/preview", msg("winners"), &pv); st != 422 || pv.Error.Code != "nobody" {
		t.Errorf("preview of nobody: %d %+v", st, pv)
	}

	// Refused: nobody to send to; an unknown merge field. Nothing saved.
	if res, body := s.post(base, msg("winners")); res.StatusCode != 422 || !strings.Contains(body, "matches nobody") {
		t.Errorf("send to nobody: %d", res.StatusCode)
	}
	if res, body := s.post(base, msg("live", "body", "Hi {{nickname}}")); res.StatusCode != 422 || !strings.Contains(body, "{{nickname}}") ||
		!strings.Contains(body, "Hi {{nickname}}") {
		t.Errorf("unknown field: %d", res.StatusCode)
	}
	if bs, _ := e.app.Outreach.Store.ListByCampaign(ctx, cp.ID, 10); len(bs) != 0 {
		t.Fatalf("refused messages were saved: %+v", bs)
	}

	// To the live entrants, now.
	res, body := s.post(base, msg("live"))
	sent := broadcastPath.FindStringSubmatch(res.Header.Get("Location"))
	if res.StatusCode != http.StatusSeeOther || sent == nil {
		t.Fatalf("send: %d %s %s", res.StatusCode, res.Header.Get("Location"), body)
	}
	e.smtp.WaitFor(t, "ollie-one@example.com", "News for Ollie One maker")
	e.smtp.WaitFor(t, "ollie-two@example.com", "News for Ollie Two maker")
	waitFor(t, func() bool { got, _ := e.app.Outreach.Store.Get(ctx, sent[1]); return got.Status == outreach.Sent })
	waitFor(t, func() bool { n, _ := e.app.Outbox.CountByBroadcast(ctx, sent[1]); return n["sent"] == 2 })
	if _, body := s.page("/admin/broadcasts/" + sent[1]); !strings.Contains(body, "ollie-one@example.com") || !strings.Contains(body, "ollie-two@example.com") ||
		strings.Contains(body, "needs-work@example.com") || !strings.Contains(body, "sent: 2") {
		t.Errorf("delivery report: %s", body)
	}
	if n := count(e.smtp, "needs-work@example.com", "News"); n != 0 {
		t.Errorf("an entrant outside the segment got it")
	}

	// Scheduled for tomorrow: it waits in the queue, then goes when due.
	later := time.Now().UTC().Add(24 * time.Hour).Format("2006-01-02T15:04")
	res, _ = s.post(base, msg("needs_changes", "send_at", later, "subject", "Scheduled for {{name}}"))
	sched := broadcastPath.FindStringSubmatch(res.Header.Get("Location"))
	if sched == nil {
		t.Fatalf("schedule: %d", res.StatusCode)
	}
	res, _ = s.post(base, msg("live", "send_at", later, "subject", "Never sent"))
	cancelled := broadcastPath.FindStringSubmatch(res.Header.Get("Location"))
	if cancelled == nil {
		t.Fatalf("schedule: %d", res.StatusCode)
	}
	if res, _ := s.post("/admin/broadcasts/"+cancelled[1]+"/cancel", url.Values{}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("cancel: %d", res.StatusCode)
	}
	insp := asynq.NewInspector(asynq.RedisClientOpt{Addr: e.app.Cfg.RedisAddr, DB: e.app.Cfg.RedisDB})
	defer insp.Close()
	for _, id := range []string{sched[1], cancelled[1]} {
		info, err := insp.GetTaskInfo(tasks.QueueMail, tasks.TypeBroadcastSend+":"+id)
		if err != nil || info.State != asynq.TaskStateScheduled || info.NextProcessAt.Before(time.Now().Add(23*time.Hour)) {
			t.Fatalf("scheduled task %s: %+v %v", id, info, err)
		}
	}
	if n := count(e.smtp, "needs-work@example.com", "Scheduled"); n != 0 {
		t.Fatal("a scheduled message went early")
	}
	for _, id := range []string{sched[1], cancelled[1]} { // the time comes
		if err := insp.RunTask(tasks.QueueMail, tasks.TypeBroadcastSend+":"+id); err != nil {
			t.Fatal(err)
		}
	}
	e.smtp.WaitFor(t, "needs-work@example.com", "Scheduled for Needs Work maker")
	waitFor(t, func() bool { got, _ := e.app.Outreach.Store.Get(ctx, sched[1]); return got.Status == outreach.Sent })
	waitFor(t, func() bool {
		info, err := insp.GetTaskInfo(tasks.QueueMail, tasks.TypeBroadcastSend+":"+cancelled[1])
		return err == nil && info.State == asynq.TaskStateCompleted
	})
	if got, _ := e.app.Outreach.Store.Get(ctx, cancelled[1]); got.Status != outreach.Cancelled || count(e.smtp, "ollie-one@example.com", "Never sent") != 0 {
		t.Errorf("cancelled message: %s", got.Status)
	}

	// One entrant, from their page; they reply in the app.
	s.page("/admin/entrants/" + b.EntrantID)
	res, body = s.post(base, url.Values{"segment": {"entrant"}, "entrant_id": {b.EntrantID}, "subject": {"A question, {{name}}"}, "body": {"May we feature your video?"}})
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/admin/entrants/"+b.EntrantID) {
		t.Fatalf("write to one: %d %s", res.StatusCode, body)
	}
	e.smtp.WaitFor(t, "ollie-two@example.com", "A question, Ollie Two maker")
	if count(e.smtp, "ollie-one@example.com", "A question") != 0 {
		t.Error("the message to one entrant went to another")
	}
	fan := e.signIn("ollie-two@example.com")
	var inbox struct {
		Messages []struct {
			ID, Subject string
			Replies     []struct{ Text string }
		}
	}
	e.doWith(fan, e.jsonReq("GET", "/api/me/messages", nil), &inbox)
	var question string
	for _, m := range inbox.Messages {
		if strings.HasPrefix(m.Subject, "A question") {
			question = m.ID
		}
	}
	if question == "" {
		t.Fatalf("not in the inbox: %+v", inbox)
	}
	var out apiError
	if res := e.doWith(fan, e.jsonReq("POST", "/api/me/messages/"+question+"/replies", map[string]string{"text": "  "}), &out); res.StatusCode != 422 || out.Error.Code != "invalid_reply" {
		t.Errorf("empty reply: %d %+v", res.StatusCode, out)
	}
	other := e.signIn("ollie-one@example.com")
	if res := e.doWith(other, e.jsonReq("POST", "/api/me/messages/"+question+"/replies", map[string]string{"text": "Me too"}), &out); res.StatusCode != 404 {
		t.Errorf("reply to someone else's message: %d", res.StatusCode)
	}
	if res := e.doWith(fan, e.jsonReq("POST", "/api/me/messages/"+question+"/replies", map[string]string{"text": "Yes, <b>gladly</b>!"}), nil); res.StatusCode != 201 {
		t.Fatalf("reply: %d", res.StatusCode)
	}
	e.doWith(fan, e.jsonReq("GET", "/api/me/messages", nil), &inbox)
	for _, m := range inbox.Messages {
		if m.ID == question && (len(m.Replies) != 1 || m.Replies[0].Text != "Yes, <b>gladly</b>!") {
			t.Errorf("the inbox does not show the reply: %+v", m)
		}
	}
	_, page := s.page("/admin/entrants/" + b.EntrantID)
	if !strings.Contains(page, "Yes, &lt;b&gt;gladly&lt;/b&gt;!") || !strings.Contains(page, "A question, Ollie Two maker") || !strings.Contains(page, "Live") {
		t.Errorf("timeline on the entrant page lacks the reply, the message or the status change")
	}
	// Replies are bounded per entrant (30 an hour; the refused empty one
	// and the real one counted): the 31st is refused.
	limited := 0
	for range 29 {
		if res := e.doWith(fan, e.jsonReq("POST", "/api/me/messages/"+question+"/replies", map[string]string{"text": "again"}), &out); res.StatusCode == 429 {
			limited++
		}
	}
	if limited != 1 || out.Error.Code != "too_many_requests" {
		t.Errorf("31 replies in an hour: %d refused (%+v), want the last", limited, out.Error)
	}

	// A moderator may write to entrants but not announce the results.
	e.addStaff("mod@example.com", "moderator password", staff.Moderator)
	mod := e.staffLogin("mod@example.com", "moderator password")
	if _, body := mod.page(base[:len(base)-len("/broadcasts")] + "/broadcasts"); strings.Contains(body, "Announce the results") {
		t.Error("a moderator is offered the results announcement")
	}
	if res, _ := mod.post(base, url.Values{"segment": {"results"}}); res.StatusCode != http.StatusForbidden {
		t.Errorf("moderator announcing results: %d", res.StatusCode)
	}
	_ = a
}
