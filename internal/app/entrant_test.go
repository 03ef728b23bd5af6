package app_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tryout/tryout/internal/entries"
	"github.com/tryout/tryout/internal/webauth"
)

func TestDraftRules(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	now := time.Now()
	c := e.createCampaign("rules", now.Add(-time.Hour), now.Add(time.Hour), 10<<20, 60,
		map[string]any{"min_age": 18, "rules_version": "2026-1", "max_entries_per_entrant": 1})
	fan := e.signIn("fan@example.com")
	adult := now.AddDate(-30, 0, 0).Format("2006-01-02")
	child := now.AddDate(-17, 0, 0).AddDate(0, 0, 1).Format("2006-01-02") // turns 18 tomorrow
	base := func(over map[string]any) map[string]any {
		b := map[string]any{"title": "T", "birth_date": adult, "accept_rules": "2026-1", "media_release": true, "marketing": true}
		for k, v := range over {
			b[k] = v
		}
		return b
	}
	tests := []struct {
		name     string
		body     map[string]any
		status   int
		wantCode string
	}{
		{"no title", base(map[string]any{"title": " "}), 400, "invalid_entry"},
		{"old rules", base(map[string]any{"accept_rules": "1"}), 400, "consent_required"},
		{"no media release", base(map[string]any{"media_release": false}), 400, "consent_required"},
		{"no birth date", base(map[string]any{"birth_date": ""}), 400, "invalid_entry"},
		{"nonsense birth date", base(map[string]any{"birth_date": "31/12/1990"}), 400, "invalid_entry"},
		{"one day too young", base(map[string]any{"birth_date": child}), 403, "age_requirement"},
		{"ok", base(nil), 201, ""},
		{"second entry over the limit", base(nil), 409, "too_many_entries"},
	}
	for _, tt := range tests {
		var out apiError
		res := e.doWith(fan, e.jsonReq("POST", "/api/campaigns/rules/drafts", tt.body), &out)
		if res.StatusCode != tt.status || out.Error.Code != tt.wantCode {
			t.Errorf("%s: got %d %q (%s), want %d %q", tt.name, res.StatusCode, out.Error.Code, out.Error.Message, tt.status, tt.wantCode)
		}
	}
	list, _ := e.app.Entries.ListByCampaign(context.Background(), c.ID, 10)
	if len(list) != 1 {
		t.Fatalf("%d entries stored, want only the valid one", len(list))
	}
	got := list[0]
	kinds := map[string]entries.Consent{}
	for _, cs := range got.Consents {
		kinds[cs.Kind] = cs
	}
	if kinds["rules"].Version != "2026-1" || !kinds["media_release"].Accepted || !kinds["marketing"].Accepted || kinds["age"].Version != adult {
		t.Errorf("consents = %+v", got.Consents)
	}
	if ip := kinds["rules"].IPHash; ip == "" || strings.Contains(ip, "127.0.0.1") {
		t.Errorf("IP hash %q", ip)
	}
	// Withdrawing frees the slot.
	var w map[string]any
	e.doWith(fan, e.jsonReq("POST", "/api/entries/"+got.ID+"/withdraw", nil), &w)
	if w["status"] != "withdrawn" {
		t.Fatalf("withdraw: %v", w)
	}
	var out apiError
	if res := e.doWith(fan, e.jsonReq("POST", "/api/entries/"+got.ID+"/withdraw", nil), &out); res.StatusCode != 409 || out.Error.Code != "illegal_transition" {
		t.Errorf("second withdraw: %d %q", res.StatusCode, out.Error.Code)
	}
	if res := e.doWith(fan, e.jsonReq("POST", "/api/campaigns/rules/drafts", base(nil)), nil); res.StatusCode != 201 {
		t.Errorf("draft after withdrawing: %d", res.StatusCode)
	}
}

func TestSignInRefusals(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.signIn("fan@example.com") // works once...
	_ = c
	link := e.latestLink("fan@example.com")
	u, _ := url.Parse(link)
	token := u.Query().Get("token")
	redeem := func(tok string) (int, string) {
		res, err := http.PostForm(e.srv.URL+"/auth/callback", url.Values{"token": {tok}})
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}
	if st, body := redeem(token); st != 400 || !strings.Contains(body, "already used") {
		t.Errorf("reused link: %d %s", st, body)
	}
	if st, body := redeem(token[:len(token)-2] + "xx"); st != 400 || !strings.Contains(body, "not valid") {
		t.Errorf("tampered link: %d", st)
	}
	// An expired link: issue one, then move the clock past its lifetime.
	tok, _ := e.app.Auth.IssueLink("late@example.com", "", time.Now())
	e.app.Now = func() time.Time { return time.Now().Add(16 * time.Minute) }
	if st, body := redeem(tok); st != 400 || !strings.Contains(body, "expired") {
		t.Errorf("expired link: %d", st)
	}
	e.app.Now = time.Now
	// A cross-site form post is refused.
	req, _ := http.NewRequest("POST", e.srv.URL+"/auth/callback", strings.NewReader("token="+url.QueryEscape(tok)))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", "https://evil.example")
	if res := e.do(req, nil); res.StatusCode != 403 {
		t.Errorf("cross-site redeem: %d", res.StatusCode)
	}
	// A tampered session cookie is no session.
	req, _ = http.NewRequest("GET", e.srv.URL+"/api/me", nil)
	req.AddCookie(&http.Cookie{Name: webauth.CookieName, Value: "eyJpIjoiZXRfYWRtaW4iLCJ4Ijo5OTk5OTk5OTk5fQ.forged"})
	var out apiError
	if res := e.do(req, &out); res.StatusCode != 401 || out.Error.Code != "sign_in_required" {
		t.Errorf("forged cookie: %d %q", res.StatusCode, out.Error.Code)
	}
	// Bad email and rate limit on link requests.
	if res := e.do(e.jsonReq("POST", "/api/auth/link", map[string]any{"email": "nope"}), &out); res.StatusCode != 400 || out.Error.Code != "invalid_email" {
		t.Errorf("bad email: %d %q", res.StatusCode, out.Error.Code)
	}
	codes := []int{}
	for range 6 {
		res := e.do(e.jsonReq("POST", "/api/auth/link", map[string]any{"email": "spam@example.com"}), &out)
		codes = append(codes, res.StatusCode)
	}
	if codes[4] != 202 || codes[5] != 429 || out.Error.Code != "too_many_requests" {
		t.Errorf("link requests answered %v, want five 202 then 429", codes)
	}
}

func TestSessionCookieFlags(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	tok, _ := e.app.Auth.IssueLink("fan@example.com", "/c/x", time.Now())
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := c.PostForm(e.srv.URL+"/auth/callback", url.Values{"token": {tok}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	ck := res.Cookies()
	if len(ck) != 1 || !ck[0].HttpOnly || ck[0].SameSite != http.SameSiteLaxMode || ck[0].Path != "/" {
		t.Fatalf("cookie = %+v", ck)
	}
	if res.Header.Get("Location") != "/c/x" {
		t.Errorf("redirect to %q, want the link's next", res.Header.Get("Location"))
	}
}

func TestResubmitAfterFailureAndWindow(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	now := time.Now()
	c := e.createCampaign("resubmit", now.Add(-time.Hour), now.Add(time.Hour), 10<<20, 60)
	fan := e.signIn("fan@example.com")
	video := videoOfSize(t, 1<<20)
	var first map[string]any
	e.upload(fan, c.Slug, append(consents(), part{name: "title", content: "Take one"}, part{name: "file", filename: "a.mp4", content: string(video)}), &first)
	id := first["id"].(string)
	ctx := context.Background()
	old, _ := e.app.Entries.Get(ctx, id)
	// The worker failed it (say, too long).
	if _, err := e.app.Entries.Transition(ctx, id, entries.Received, entries.Failed, "Your video is too long.", time.Now()); err != nil {
		t.Fatal(err)
	}
	var tk ticket
	res := e.doWith(fan, e.jsonReq("POST", "/api/entries/"+id+"/uploads", map[string]any{"size": len(video)}), &tk)
	if res.StatusCode != 201 {
		t.Fatalf("resubmit start: %d", res.StatusCode)
	}
	putPart(t, tk.Missing[0].URL, video, nil)
	var done map[string]any
	e.doWith(fan, e.jsonReq("POST", "/api/entries/"+id+"/uploads/current/complete", nil), &done)
	if done["status"] != "received" {
		t.Fatalf("resubmitted: %v", done)
	}
	keys, _ := e.kit.Blobs.List(ctx, e.kit.Config.S3BucketOriginals, "")
	if len(keys) != 1 || keys[0] == old.Original.Key {
		t.Errorf("originals after resubmit: %v (old %s)", keys, old.Original.Key)
	}
	// Once the window closes, no more uploads.
	if _, err := e.app.Entries.Transition(ctx, id, entries.Received, entries.Failed, "again", time.Now()); err != nil {
		t.Fatal(err)
	}
	e.app.Now = func() time.Time { return now.Add(2 * time.Hour) }
	defer func() { e.app.Now = time.Now }()
	var out apiError
	if res := e.doWith(fan, e.jsonReq("POST", "/api/entries/"+id+"/uploads", map[string]any{"size": len(video)}), &out); res.StatusCode != 403 || out.Error.Code != "entry_window_closed" {
		t.Errorf("upload after close: %d %q", res.StatusCode, out.Error.Code)
	}
}

func TestMyEntriesAndMessages(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	now := time.Now()
	c := e.createCampaign("mine", now.Add(-time.Hour), now.Add(time.Hour), 10<<20, 60)
	fan := e.signIn("fan@example.com")
	video := videoOfSize(t, 1<<20)
	var created map[string]any
	e.upload(fan, c.Slug, append(consents(), part{name: "title", content: "Mine"}, part{name: "file", filename: "a.mp4", content: string(video)}), &created)
	if _, err := e.app.Entries.Transition(context.Background(), created["id"].(string), entries.Received, entries.Failed, "Your video is 14 minutes long; this contest takes up to 3.", time.Now()); err != nil {
		t.Fatal(err)
	}
	var mine struct{ Entries []map[string]any }
	req, _ := http.NewRequest("GET", e.srv.URL+"/api/me/entries", nil)
	e.doWith(fan, req, &mine)
	if len(mine.Entries) != 1 {
		t.Fatalf("my entries: %v", mine)
	}
	got := mine.Entries[0]
	if got["status"] != "failed" || !strings.Contains(got["reason"].(string), "14 minutes") || got["next_step"] == "" || got["campaign"].(map[string]any)["slug"] != "mine" {
		t.Errorf("my entry = %v", got)
	}
	var msgs struct{ Messages []map[string]any }
	req, _ = http.NewRequest("GET", e.srv.URL+"/api/me/messages", nil)
	e.doWith(fan, req, &msgs)
	if len(msgs.Messages) != 1 || !strings.Contains(msgs.Messages[0]["subject"].(string), "Thanks for your entry") {
		t.Errorf("messages = %v (sign-in links must not be listed)", msgs)
	}
	// Another entrant sees none of it.
	other := e.signIn("other@example.com")
	req, _ = http.NewRequest("GET", e.srv.URL+"/api/me/entries", nil)
	e.doWith(other, req, &mine)
	if len(mine.Entries) != 0 {
		t.Errorf("other entrant sees %d entries", len(mine.Entries))
	}
}

func TestCleanupAbortsAbandonedUploads(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	now := time.Now()
	c := e.createCampaign("abandon", now.Add(-time.Hour), now.Add(time.Hour), 100<<20, 60)
	fan := e.signIn("fan@example.com")
	id := e.draft(fan, c.Slug, "Abandoned")
	var tk ticket
	e.doWith(fan, e.jsonReq("POST", "/api/entries/"+id+"/uploads", map[string]any{"size": 9 << 20}), &tk)
	putPart(t, tk.Missing[0].URL, make([]byte, 5<<20), nil) // half the file, then the phone dies
	ctx := context.Background()
	bucket := e.kit.Config.S3BucketOriginals

	job := e.app.Cleanup()
	r, err := job.Run(ctx) // fresh: nothing to do
	if err != nil || r.AbortedUploads != 0 || r.EntriesReset != 0 {
		t.Fatalf("first run: %+v %v", r, err)
	}
	job.Now = func() time.Time { return time.Now().Add(25 * time.Hour) }
	r, err = job.Run(ctx)
	if err != nil || r.AbortedUploads != 1 || r.EntriesReset != 1 {
		t.Fatalf("after 25 h: %+v %v", r, err)
	}
	if n, _ := e.kit.Blobs.PendingUploads(ctx, bucket, ""); n != 0 {
		t.Errorf("%d multipart uploads left", n)
	}
	got, _ := e.app.Entries.Get(ctx, id)
	if got.Status != entries.Draft || got.Title != "Abandoned" || got.Upload != nil || got.StatusReason == "" {
		t.Errorf("entry after cleanup: %s %q %v %q", got.Status, got.Title, got.Upload, got.StatusReason)
	}
	// An orphan: a multipart upload no entry points at (a crash between
	// starting it and recording it) is swept too, with its parts.
	key := "campaigns/" + c.ID + "/entries/en_orphan/orig"
	if _, err := e.kit.Blobs.StartMultipart(ctx, bucket, key, "video/mp4"); err != nil {
		t.Fatal(err)
	}
	if n, _ := e.kit.Blobs.PendingUploads(ctx, bucket, ""); n != 1 {
		t.Fatalf("orphan not pending (%d)", n)
	}
	r, err = job.Run(ctx)
	if err != nil || r.AbortedUploads != 1 {
		t.Fatalf("orphan sweep: %+v %v", r, err)
	}
	if n, _ := e.kit.Blobs.PendingUploads(ctx, bucket, ""); n != 0 {
		t.Errorf("orphan upload left")
	}
}

// TestEntryLimitHoldsUnderRace: simultaneous drafts by one entrant never
// exceed the campaign's limit.
func TestEntryLimitHoldsUnderRace(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	now := time.Now()
	c := e.createCampaign("race", now.Add(-time.Hour), now.Add(time.Hour), 10<<20, 60, map[string]any{"max_entries_per_entrant": 2})
	fan := e.signIn("fan@example.com")
	const tries = 8
	codes := make(chan int, tries)
	var wg sync.WaitGroup
	for range tries {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := fan.Do(e.jsonReq("POST", "/api/campaigns/race/drafts", map[string]any{"title": "T", "accept_rules": "1", "media_release": true}))
			if err != nil {
				t.Error(err)
				return
			}
			res.Body.Close()
			codes <- res.StatusCode
		}()
	}
	wg.Wait()
	close(codes)
	created := 0
	for code := range codes {
		switch code {
		case 201:
			created++
		case 409:
		default:
			t.Errorf("unexpected status %d", code)
		}
	}
	list, _ := e.app.Entries.ListByCampaign(context.Background(), c.ID, 20)
	if created != 2 || len(list) != 2 {
		t.Errorf("%d drafts accepted, %d stored; the limit is 2", created, len(list))
	}
}
