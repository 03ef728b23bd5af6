package app_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/tryout/tryout/internal/entries"
	"github.com/tryout/tryout/internal/guardians"
	"github.com/tryout/tryout/internal/mail"
	"github.com/tryout/tryout/internal/testkit"
)

// TestGuardianConsent: an entrant under the campaign's guardian age must
// name a guardian; the entry is processed and approved by screening but
// cannot go live (the entrant sees why; a moderator's approval is refused)
// until the guardian agrees, on a page showing the exact versioned text,
// which is stored with the time. Another entry whose guardian never
// answers gets two reminders, then is withdrawn and its entrant told.
func TestGuardianConsent(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.startWorker()
	ctx := context.Background()
	now := time.Now()
	c := e.createCampaign("guardian", now.Add(-time.Hour), now.Add(30*24*time.Hour), 50<<20, 60,
		map[string]any{"guardian_age": 16, "moderation_mode": "auto_approve_all", "max_entries_per_entrant": 2})
	kid := e.signIn("kid@example.com")
	born := now.AddDate(-14, 0, 0).Format("2006-01-02")
	video := readFile(t, testkit.Video(t, t.TempDir(), testkit.Clip{Seconds: 4, Width: 320, Height: 240, Audio: true}))
	fields := func(title string, extra ...part) []part {
		return append(append(consents(), part{name: "title", content: title}, part{name: "birth_date", content: born}), extra...)
	}
	var refused apiError
	if res := e.upload(kid, c.Slug, append(fields("No guardian"), part{name: "file", filename: "a.mp4", content: video}), &refused); res.StatusCode != http.StatusBadRequest ||
		refused.Error.Code != "guardian_required" || !strings.Contains(refused.Error.Message, "under 16") {
		t.Fatalf("no guardian named: %d %+v", res.StatusCode, refused)
	}
	var created map[string]any
	if res := e.upload(kid, c.Slug, append(fields("With my mum's OK", part{name: "guardian_email", content: "Mum@Example.com"}),
		part{name: "file", filename: "a.mp4", content: video}), &created); res.StatusCode != http.StatusCreated {
		t.Fatalf("upload: %d %v", res.StatusCode, created)
	}
	id := created["id"].(string)
	view := e.waitStatus(kid, id, "in_review") // screening approved it; the guardian holds it
	if view["reason"] != entries.GuardianWaiting || view["waiting_for"] != entries.GuardianWaiting {
		t.Errorf("the entrant is not told what the entry waits for: %v", view)
	}
	s := e.staffLogin(e.user, e.pass)
	en, _ := e.app.Entries.Get(ctx, id)
	s.page("/admin/entries/" + id)
	if res, page := s.post("/admin/entries/"+id+"/decision", url.Values{"decision": {"approve"}, "seen": {en.UpdatedAt.UTC().Format(time.RFC3339Nano)}}); res.StatusCode != http.StatusConflict ||
		!strings.Contains(page, "guardian has not consented") {
		t.Errorf("a moderator approved before consent: %d", res.StatusCode)
	}

	// The guardian's page shows exactly what they agree to.
	link := e.outboxLink(t, "mum@example.com", mail.KindGuardian)
	res, page := e.get(jar(), strings.TrimPrefix(link, e.srv.URL))
	if res.StatusCode != http.StatusOK || !strings.Contains(page, "version "+guardians.TextVersion) ||
		!strings.Contains(page, "I am the parent or legal guardian of the person who entered the video") || !strings.Contains(page, "I agree") {
		t.Fatalf("guardian page: %d", res.StatusCode)
	}
	token, _ := url.Parse(link)
	consent := func(agree string) (*http.Response, string) {
		form := url.Values{"token": {token.Query().Get("token")}}
		if agree != "" {
			form.Set("agree", agree)
		}
		res, err := jar().PostForm(e.srv.URL+"/guardian", form)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res, string(b)
	}
	if res, page := consent(""); res.StatusCode != http.StatusBadRequest || !strings.Contains(page, "Tick the box") {
		t.Errorf("consent without the box: %d", res.StatusCode)
	}
	if res, page := consent("yes"); res.StatusCode != http.StatusOK || !strings.Contains(page, "Thank you") {
		t.Fatalf("consent: %d", res.StatusCode)
	}
	g, _ := e.app.Rights.Guardians.Store.Get(ctx, id)
	if g.Status != guardians.Given || g.GivenAt.IsZero() || g.TextVersion != guardians.TextVersion || g.Text != guardians.Text("Campaign guardian", "With my mum's OK") {
		t.Errorf("consent record: %+v", g)
	}
	view = e.waitStatus(kid, id, "live") // screening's approval stands once consent is in
	if view["waiting_for"] != nil {
		t.Errorf("still waiting after consent: %v", view)
	}
	if res, _ := consent("yes"); res.StatusCode != http.StatusOK {
		t.Errorf("consenting twice: %d", res.StatusCode)
	}

	// No answer: reminders after 3 and 7 days, withdrawn after 14.
	var draft map[string]any
	if res := e.doWith(kid, e.jsonReq("POST", "/api/campaigns/guardian/drafts", map[string]any{"title": "Second try", "accept_rules": "1", "media_release": true,
		"birth_date": born, "guardian_email": "dad@example.com"}), &draft); res.StatusCode != http.StatusCreated {
		t.Fatalf("draft: %d %v", res.StatusCode, draft)
	}
	second := draft["id"].(string)
	sweep := func(after time.Duration) guardians.SweepReport {
		t.Helper()
		e.app.Now = func() time.Time { return time.Now().Add(after) }
		rep, err := e.app.Rights.Guardians.Sweep(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return rep
	}
	if rep := sweep(time.Hour); rep != (guardians.SweepReport{}) {
		t.Errorf("an hour on: %+v", rep)
	}
	if rep := sweep(3*24*time.Hour + time.Minute); rep.Reminded != 1 {
		t.Errorf("three days on: %+v", rep)
	}
	if rep := sweep(7*24*time.Hour + time.Minute); rep.Reminded != 1 {
		t.Errorf("seven days on: %+v", rep)
	}
	if rep := sweep(14*24*time.Hour + time.Minute); rep.Expired != 1 {
		t.Errorf("fourteen days on: %+v", rep)
	}
	if rep := sweep(15 * 24 * time.Hour); rep != (guardians.SweepReport{}) {
		t.Errorf("after expiry: %+v", rep)
	}
	reminders, told := 0, false
	list, _ := e.app.Outbox.List(ctx, 100)
	for _, m := range list {
		reminders += btoi(m.To == "dad@example.com" && strings.HasPrefix(m.Subject, "Reminder:"))
		told = told || m.To == "kid@example.com" && m.EntryID == second && strings.Contains(m.Text, "did not give their consent within 14 days")
	}
	if reminders != 2 || !told {
		t.Errorf("%d reminders, entrant told: %v", reminders, told)
	}
	if got, _ := e.app.Entries.Get(ctx, second); got.Status != entries.Withdrawn {
		t.Errorf("unanswered entry: %s", got.Status)
	}
	res, page = e.get(jar(), strings.TrimPrefix(e.outboxLink(t, "dad@example.com", mail.KindGuardian), e.srv.URL))
	if res.StatusCode != http.StatusOK || !strings.Contains(page, "The time to agree has passed") {
		t.Errorf("guardian link after expiry: %d", res.StatusCode)
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// TestEligibility: a campaign open to some countries refuses others with a
// message naming its countries; a trusted proxy's country header is kept
// as a signal, and ignored from anyone else; the official rules are a
// public page linked from the landing page.
func TestEligibility(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(_ *testing.T, k *testkit.Kit, _ *env) {
		k.Config.CountryHeader, k.Config.TrustedProxies = "CF-IPCountry", []string{"127.0.0.1"}
	})
	now := time.Now()
	e.createCampaign("eligible", now.Add(-time.Hour), now.Add(time.Hour), 50<<20, 60,
		map[string]any{"countries": []string{"fr", "DE"}, "rules_text": "Residents only. One clip each."})
	who := e.signIn("pat@example.com")
	draft := func(country, header string) (int, apiError, map[string]any) {
		req := e.jsonReq("POST", "/api/campaigns/eligible/drafts", map[string]any{"title": "Clip", "accept_rules": "1", "media_release": true, "country": country})
		if header != "" {
			req.Header.Set("CF-IPCountry", header)
		}
		var raw map[string]any
		var out apiError
		res := e.doWith(who, req, &raw)
		b, _ := json.Marshal(raw)
		_ = json.Unmarshal(b, &out)
		return res.StatusCode, out, raw
	}
	for _, country := range []string{"US", ""} {
		st, out, _ := draft(country, "")
		if st != http.StatusForbidden || out.Error.Code != "country_not_eligible" ||
			out.Error.Message != "This contest is open only to residents of France (FR), Germany (DE). Check the official rules for who may enter." {
			t.Errorf("country %q: %d %+v", country, st, out)
		}
	}
	if st, out, _ := draft("ZZ", ""); st != http.StatusBadRequest || out.Error.Code != "invalid_entry" || !strings.Contains(out.Error.Message, "two-letter") {
		t.Errorf("unknown code: %d %+v", st, out)
	}
	st, _, raw := draft("fr", "DE")
	if st != http.StatusCreated {
		t.Fatalf("eligible: %d %v", st, raw)
	}
	got, _ := e.app.Entries.Get(context.Background(), raw["id"].(string))
	if got.Country != "FR" || got.CountrySignal != "DE" {
		t.Errorf("declared %q, signal %q", got.Country, got.CountrySignal)
	}
	// The rules, public.
	res, page := e.get(jar(), "/c/eligible/rules")
	if res.StatusCode != http.StatusOK || !strings.Contains(page, "Residents only. One clip each.") || !strings.Contains(page, "France (FR), Germany (DE)") {
		t.Errorf("rules page: %d", res.StatusCode)
	}
	if _, landing := e.get(jar(), "/c/eligible"); !strings.Contains(landing, `href="/c/eligible/rules"`) {
		t.Error("the landing page does not link the rules")
	}
	// The campaign form edits the countries and refuses an unknown code.
	s := e.staffLogin(e.user, e.pass)
	cp, _ := e.app.Campaigns.GetBySlug(context.Background(), "eligible")
	if _, form := s.page("/admin/campaigns/" + cp.ID + "/edit"); !strings.Contains(form, `name="countries" value="FR DE"`) {
		t.Error("the campaign form does not show the countries")
	}
	f := campaignForm(now.Add(-time.Hour), now.Add(time.Hour))
	f.Set("slug", "eligible-2")
	f.Set("countries", "FR XQ")
	if res, page := s.post("/admin/campaigns", f); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, "XQ") {
		t.Errorf("unknown country in the form: %d", res.StatusCode)
	}
}

// TestCountryHeaderFromClientsIgnored: with no trusted proxy in front, a
// country header sent by the client is not recorded.
func TestCountryHeaderFromClientsIgnored(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(_ *testing.T, k *testkit.Kit, _ *env) {
		k.Config.CountryHeader, k.Config.TrustedProxies = "CF-IPCountry", []string{"10.9.9.9"}
	})
	now := time.Now()
	e.createCampaign("client-header", now.Add(-time.Hour), now.Add(time.Hour), 50<<20, 60, map[string]any{"countries": []string{"FR"}})
	who := e.signIn("lou@example.com")
	req := e.jsonReq("POST", "/api/campaigns/client-header/drafts", map[string]any{"title": "Clip", "accept_rules": "1", "media_release": true, "country": "FR"})
	req.Header.Set("CF-IPCountry", "US")
	var out map[string]any
	if res := e.doWith(who, req, &out); res.StatusCode != http.StatusCreated {
		t.Fatalf("draft: %d %v", res.StatusCode, out)
	}
	if got, _ := e.app.Entries.Get(context.Background(), out["id"].(string)); got.Country != "FR" || got.CountrySignal != "" {
		t.Errorf("declared %q, signal %q (from a client)", got.Country, got.CountrySignal)
	}
}
