package app_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/tryout/tryout/internal/entries"
	"github.com/tryout/tryout/internal/mail"
	"github.com/tryout/tryout/internal/messages"
	"github.com/tryout/tryout/internal/notify"
	"github.com/tryout/tryout/internal/testkit"
)

// count is how many emails to addr have a subject containing subject.
func count(s *testkit.SMTPServer, to, subject string) int {
	n := 0
	for _, m := range s.Messages() {
		if m.To == to && strings.Contains(testkit.DecodeSubject(m.Header.Get("Subject")), subject) {
			n++
		}
	}
	return n
}

// TestLifecycleMessages, against the real SMTP protocol server: staff edit
// a stage's message (an unknown merge field is refused, naming it, and
// nothing is saved; the preview renders sample values); the entrant gets
// the campaign's words for going live, once however often it is told; a
// vote milestone, the shortlist, and the results (winner message to the
// winner, thank-you with figures to everyone else) each arrive once, even
// when announced twice.
func TestLifecycleMessages(t *testing.T) {
	t.Parallel()
	e := newEnv(t, withSMTP)
	e.startWorker()
	ctx := context.Background()
	now := time.Now()
	e.createCampaign("life", now.Add(-2*time.Hour), now.Add(time.Hour), 50<<20, 60,
		map[string]any{"voting_opens_at": now.Add(-time.Hour), "voting_closes_at": now.Add(48 * time.Hour)})
	cp, err := e.app.Campaigns.GetBySlug(ctx, "life")
	if err != nil {
		t.Fatal(err)
	}
	s := e.staffLogin(e.user, e.pass)
	base := "/admin/campaigns/" + cp.ID + "/messages"
	if res, body := s.page(base + "?stage=live"); res.StatusCode != 200 || !strings.Contains(body, "Your entry to {{campaign}} is live") {
		t.Fatalf("editor shows the default: %d", res.StatusCode)
	}

	// The live preview (JSON) renders sample values, or names a bad field.
	var pv struct {
		Subject, Body string
		Error         struct{ Code, Message string }
	}
	preview := func(form url.Values) int {
		req, _ := http.NewRequest("POST", e.srv.URL+base+"/preview", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-CSRF-Token", s.csrf)
		res, err := s.c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		pv.Subject, pv.Body, pv.Error.Code = "", "", ""
		_ = json.NewDecoder(res.Body).Decode(&pv)
		return res.StatusCode
	}
	if st := preview(url.Values{"subject": {"{{entry_title}} is up"}, "body": {"Hi {{name}}"}}); st != 200 || pv.Subject != "Kickflip at dawn is up" || pv.Body != "Hi Sam" {
		t.Errorf("preview: %d %+v", st, pv)
	}
	if st := preview(url.Values{"subject": {"x"}, "body": {"Hi {{first_name}}"}}); st != 422 || pv.Error.Code != "invalid_template" || !strings.Contains(pv.Error.Message, "{{first_name}}") {
		t.Errorf("preview with an unknown field: %d %+v", st, pv)
	}

	// Saving an unknown field is refused with the field named; what was
	// typed stays on the page and nothing is saved.
	res, body := s.post(base, url.Values{"stage": {"live"}, "subject": {"Live!"}, "body": {"Dear {{first_name}}"}, "milestones": {"2, 5"}})
	if res.StatusCode != 422 || !strings.Contains(body, "{{first_name}}") || !strings.Contains(body, "Dear {{first_name}}") {
		t.Fatalf("unknown field saved? %d %s", res.StatusCode, body)
	}
	if got, _ := e.app.Campaigns.Get(ctx, cp.ID); len(got.Messages) != 0 || len(got.Milestones) != 0 {
		t.Fatalf("a refused template was saved: %+v %v", got.Messages, got.Milestones)
	}
	res, body = s.post(base, url.Values{"stage": {"live"}, "subject": {"{{entry_title}} is up, {{name}}"},
		"body": {"Share it: {{share_link}}"}, "action": {"Watch it"}, "milestones": {"2, 5"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d %s", res.StatusCode, body)
	}

	// Going live: the campaign's own words, with the share link, once.
	en := e.liveEntry(t, "life", "Board Slide", "")
	const email = "board-slide@example.com"
	for range 2 {
		if err := e.app.Notify.Decision(ctx, en, ""); err != nil {
			t.Fatal(err)
		}
	}
	m := e.smtp.WaitFor(t, email, "Board Slide is up, Board Slide maker")
	if !strings.Contains(m.Body, "Share it: "+e.app.Cfg.PublicURL+"/e/"+en.ID) || !strings.Contains(m.Body, "Watch it:") {
		t.Errorf("live message body: %s", m.Body)
	}

	// Two votes reach the campaign's first milestone.
	other := e.liveEntry(t, "life", "Rail Grind", "")
	for range 2 {
		req := e.jsonReq("POST", "/api/entries/"+en.ID+"/votes", nil)
		req.Header.Set("X-Page-Token", e.pageToken(en.ID))
		var out voteOut
		if res := e.doWith(jar(), req, &out); res.StatusCode != 201 {
			t.Fatalf("vote: %d %+v", res.StatusCode, out)
		}
	}
	m = e.smtp.WaitFor(t, email, "2 votes for")
	if !strings.Contains(m.Body, "number 1 of 2") {
		t.Errorf("milestone body: %s", m.Body)
	}

	// The shortlist, then the results, announced twice.
	if res, body := s.post("/admin/entries/"+en.ID+"/finalist", url.Values{"action": {"add"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("finalist: %d %s", res.StatusCode, body)
	}
	e.smtp.WaitFor(t, email, "You are a finalist in")
	if got, _ := e.app.Entries.Get(ctx, en.ID); !got.Finalist {
		t.Error("the entry is not marked a finalist")
	}
	if res, body := s.post("/admin/entries/"+en.ID+"/winner", url.Values{"action": {"set"}, "place": {"1"}, "prize": {"A year of gear"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("winner: %d %s", res.StatusCode, body)
	}
	for range 2 {
		if res, body := s.post("/admin/campaigns/"+cp.ID+"/broadcasts", url.Values{"segment": {"results"}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("results: %d %s", res.StatusCode, body)
		}
	}
	m = e.smtp.WaitFor(t, email, "You won in")
	if !strings.Contains(m.Body, "won place 1") || !strings.Contains(m.Body, "A year of gear") {
		t.Errorf("winner body: %s", m.Body)
	}
	m = e.smtp.WaitFor(t, "rail-grind@example.com", "Thank you for taking part")
	if !strings.Contains(m.Body, "got 0 votes (number 2 of 2)") || !strings.Contains(m.Body, "/c/life/winners") {
		t.Errorf("thank-you body: %s", m.Body)
	}
	// Both announcements finished: still one message each.
	waitFor(t, func() bool {
		bs, _ := e.app.Outreach.Store.ListByCampaign(ctx, cp.ID, 10)
		return len(bs) == 2 && bs[0].Status == "sent" && bs[1].Status == "sent"
	})
	for _, c := range []struct{ to, subject string }{{email, "is up"}, {email, "2 votes"}, {email, "finalist"}, {email, "You won"}, {"rail-grind@example.com", "Thank you"}} {
		if n := count(e.smtp, c.to, c.subject); n != 1 {
			t.Errorf("%s got %q %d times", c.to, c.subject, n)
		}
	}
	if n := count(e.smtp, email, "Thank you for taking part"); n != 0 {
		t.Errorf("the winner got the non-winners' thank-you")
	}
	_ = other
	var kinds []mail.Kind
	msgs, _ := e.app.Outbox.ListByEntrant(ctx, en.EntrantID, 50)
	for _, m := range msgs {
		kinds = append(kinds, m.Kind)
	}
	if len(kinds) != 4 {
		t.Errorf("outbox for the winner: %v", kinds)
	}
	if got, _ := e.app.Entries.Get(ctx, en.ID); got.Status != entries.Live {
		t.Errorf("status changed: %s", got.Status)
	}
}

// waitFor polls cond with a hang guard (not a speed limit).
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for range 600 {
		if cond() {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatal("condition not met")
}

// TestPerksInMessages: staff upload codes (a file with empty and repeated
// codes is refused with its lines named and nothing added), choose to hand
// them out when an entry arrives; each entrant's thank-you carries their
// own code, once; the console warns as the pool runs low, and an entrant
// finds their code on My entries.
func TestPerksInMessages(t *testing.T) {
	t.Parallel()
	e := newEnv(t, withSMTP)
	e.startWorker()
	ctx := context.Background()
	first := e.liveEntry(t, "perky", "Perk One", "")
	cp, _ := e.app.Campaigns.GetBySlug(ctx, "perky")
	s := e.staffLogin(e.user, e.pass)
	s.page("/admin/campaigns/" + cp.ID + "/perks")
	res, body := s.postMultipart("/admin/campaigns/"+cp.ID+"/perks", url.Values{}, "codes", "codes.csv", []byte("code\nAAA-1\n\nAAA-1\n"))
	if res.StatusCode != 422 || !strings.Contains(body, "Line 3: empty code") || !strings.Contains(body, "Line 4: AAA-1 repeats line 2") {
		t.Fatalf("bad file: %d %s", res.StatusCode, body)
	}
	if st, _ := e.app.Perks.Stats(ctx, cp.ID); st.Total != 0 {
		t.Fatalf("a refused file added codes: %+v", st)
	}
	if res, body := s.post("/admin/campaigns/"+cp.ID+"/perks", url.Values{"pasted": {"GIFT-1\nGIFT-2"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("upload: %d %s", res.StatusCode, body)
	}
	if res, body := s.post("/admin/campaigns/"+cp.ID+"/perks/stage", url.Values{"perk_stage": {"received"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("stage: %d %s", res.StatusCode, body)
	}
	second := e.liveEntry(t, "perky", "Perk Two", "")
	third := e.liveEntry(t, "perky", "Perk Three", "")
	codes := map[string]bool{}
	for _, en := range []entries.Entry{first, second, first} {
		if err := e.app.Notify.EntryReceived(ctx, en); err != nil {
			t.Fatal(err)
		}
	}
	for _, to := range []string{"perk-one@example.com", "perk-two@example.com"} {
		m := e.smtp.WaitFor(t, to, "Thanks for your entry")
		i := strings.Index(m.Body, "your code is GIFT-")
		if i < 0 {
			t.Fatalf("no code for %s: %s", to, m.Body)
		}
		codes[m.Body[i+len("your code is "):i+len("your code is GIFT-1")]] = true
	}
	if len(codes) != 2 {
		t.Errorf("two entrants got the same code: %v", codes)
	}
	_, page := s.page("/admin/campaigns/" + cp.ID + "/perks")
	if !strings.Contains(page, "<strong>0</strong> of 2 codes left") || !strings.Contains(page, "The pool is empty") {
		t.Errorf("pool page does not warn: %s", page)
	}
	// The pool is empty: the third entrant's thank-you comes without a code.
	if err := e.app.Notify.EntryReceived(ctx, third); err != nil {
		t.Fatal(err)
	}
	if m := e.smtp.WaitFor(t, "perk-three@example.com", "Thanks for your entry"); strings.Contains(m.Body, "your code") {
		t.Errorf("a code from an empty pool: %s", m.Body)
	}
	var mine struct{ Perks []struct{ Code string } }
	e.doWith(e.signIn("perk-one@example.com"), e.jsonReq("GET", "/api/me/perks", nil), &mine)
	if len(mine.Perks) != 1 || !codes[mine.Perks[0].Code] {
		t.Errorf("my perks: %+v", mine)
	}
}

// TestEveryLifecycleMessage: each stage's default message, delivered over
// real SMTP, carries what the entrant needs at that stage: the reason in
// the team's words, whether and where to upload again, the share link,
// the milestone, the prize, their figures.
func TestEveryLifecycleMessage(t *testing.T) {
	t.Parallel()
	e := newEnv(t, withSMTP)
	e.startWorker()
	ctx := context.Background()
	en := e.liveEntry(t, "stages", "Every Stage", "")
	const to = "every-stage@example.com"
	share, resubmit := e.app.Cfg.PublicURL+"/e/"+en.ID, e.app.Cfg.PublicURL+"/c/stages?entry="+en.ID
	at := func(s entries.Status, reason string) entries.Entry {
		x := en
		x.Status, x.StatusReason = s, reason
		x.History = append(append([]entries.StatusChange(nil), en.History...), entries.StatusChange{To: s, Reason: reason})
		return x
	}
	auto := func(s entries.Status, reason string) entries.Entry { // decided by the automatic checks
		x := at(s, reason)
		x.History[len(x.History)-1].Auto = true
		return x
	}
	for _, tc := range []struct {
		stage   messages.Stage
		entry   entries.Entry
		note    notify.Note
		subject string
		body    []string
	}{
		{messages.Received, at(entries.Received, ""), notify.Note{}, "Thanks for your entry to Campaign stages", []string{"We have your video \"Every Stage\"", e.app.Cfg.PublicURL + "/me"}},
		{messages.Failed, auto(entries.Failed, "Your file has sound but no picture."), notify.Note{Reason: "Your file has sound but no picture."},
			"needs a new video", []string{"Your file has sound but no picture.", "No person has looked at it yet", "ask a person to look: " + share + "#appeal", "Upload a new version:\n" + resubmit}},
		{messages.Live, en, notify.Note{}, "is live", []string{share}},
		{messages.NeedsChanges, at(entries.NeedsChanges, "Trim the last 5 seconds."), notify.Note{Reason: "Trim the last 5 seconds."},
			"A change is needed", []string{"Trim the last 5 seconds.", resubmit}},
		{messages.Rejected, at(entries.Rejected, "Music you do not have the rights to."), notify.Note{Reason: "Music you do not have the rights to."},
			"About your entry", []string{"Music you do not have the rights to.", "This entry cannot be sent again. Entries are still open"}},
		{messages.Removed, at(entries.Removed, "Reported as someone else's video."), notify.Note{Reason: "Reported as someone else's video."},
			"was taken down", []string{"Reported as someone else's video."}},
		{messages.Milestone, en, notify.Note{Milestone: 100}, "100 votes for \"Every Stage\"", []string{"reached 100 votes", "number 1 of 1", share}},
		{messages.Finalist, en, notify.Note{}, "You are a finalist", []string{share}},
		{messages.Advanced, en, notify.Note{Round: "Round 2: Jury", Key: en.ID + "|advanced|rd_x"}, "is through to Round 2: Jury", []string{"has advanced to Round 2: Jury in Campaign stages", share}},
		{messages.Winner, en, notify.Note{Place: 2, Prize: "A camera"}, "You won in", []string{"won place 2", "A camera", "/c/stages/winners"}},
		{messages.Closing, en, notify.Note{}, "Thank you for taking part", []string{"watched 0 times and got 0 votes (number 1 of 1)"}},
		{messages.VotesAdjusted, en, notify.Note{Reason: "A burst from one network.", Before: 5, Key: "adjusted-once"}, "Your vote total", []string{"did not count 5 of them", "A burst from one network."}},
	} {
		if err := e.app.Notify.Tell(ctx, tc.stage, tc.entry, tc.note); err != nil {
			t.Fatalf("%s: %v", tc.stage, err)
		}
		m := e.smtp.WaitFor(t, to, tc.subject)
		for _, want := range tc.body {
			if !strings.Contains(strings.ReplaceAll(m.Body, "\r\n", "\n"), want) {
				t.Errorf("%s: body lacks %q:\n%s", tc.stage, want, m.Body)
			}
		}
		if m.Header.Get("List-Unsubscribe") == "" {
			t.Errorf("%s: no unsubscribe link", tc.stage)
		}
	}
	// Decisions the automatic checks made have their own words (the
	// subjects match the team's, so these are read from the outbox).
	for _, tc := range []struct {
		entry entries.Entry
		want  []string
	}{
		{auto(entries.Rejected, "Your video is black from start to end."), []string{"Our automatic check did not accept", "Your video is black from start to end.",
			"no person has looked at it yet", "ask a person to look: " + share + "#appeal", "Entries are still open"}},
		{auto(entries.Live, ""), []string{"passed our automatic checks", share}},
	} {
		if err := e.app.Notify.Decision(ctx, tc.entry, tc.entry.StatusReason); err != nil {
			t.Fatal(err)
		}
		msgs, _ := e.app.Outbox.List(ctx, 100)
		found := false
		for _, m := range msgs {
			ok := !strings.Contains(m.Text, "The team reviewed") && !strings.Contains(m.Text, "was approved")
			for _, w := range tc.want {
				ok = ok && strings.Contains(m.Text, w)
			}
			found = found || ok
		}
		if !found {
			t.Errorf("no automatic %s message saying %q", tc.entry.Status, tc.want)
		}
	}
}
