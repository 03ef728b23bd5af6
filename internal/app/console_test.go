package app_test

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/tryout/tryout/internal/entrants"
	"github.com/tryout/tryout/internal/entries"
	"github.com/tryout/tryout/internal/ids"
	"github.com/tryout/tryout/internal/staff"
)

// staffClient is a browser-like client signed in to the console.
type staffClient struct {
	e    *env
	c    *http.Client
	csrf string
}

var csrfInput = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

// page GETs a console page and remembers the CSRF token in it.
func (s *staffClient) page(path string) (*http.Response, string) {
	s.e.t.Helper()
	res, err := s.c.Get(s.e.srv.URL + path)
	if err != nil {
		s.e.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if m := csrfInput.FindSubmatch(b); m != nil {
		s.csrf = string(m[1])
	}
	return res, string(b)
}

// post sends a form; the CSRF token is added unless form sets _csrf.
func (s *staffClient) post(path string, form url.Values) (*http.Response, string) {
	s.e.t.Helper()
	if _, ok := form["_csrf"]; !ok {
		form.Set("_csrf", s.csrf)
	}
	res, err := s.c.PostForm(s.e.srv.URL+path, form)
	if err != nil {
		s.e.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}

// staffLogin signs in through the login form like a person does.
func (e *env) staffLogin(email, pass string) *staffClient {
	e.t.Helper()
	jar, _ := cookiejar.New(nil)
	s := &staffClient{e: e, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
	s.page("/admin/login")
	res, body := s.post("/admin/login", url.Values{"email": {email}, "password": {pass}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/admin/" {
		e.t.Fatalf("login as %s: %d %s", email, res.StatusCode, body)
	}
	if res, _ := s.page("/admin/"); res.StatusCode != http.StatusOK {
		e.t.Fatalf("console after login: %d", res.StatusCode)
	}
	return s
}

func TestStaffLoginSessionsAndCSRF(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	anon := &staffClient{e: e, c: &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
	if res, _ := anon.page("/admin/queue"); res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/admin/login?next=%2Fadmin%2Fqueue") {
		t.Errorf("signed out: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	jar, _ := cookiejar.New(nil)
	s := &staffClient{e: e, c: &http.Client{Jar: jar, CheckRedirect: anon.c.CheckRedirect}}
	s.page("/admin/login")
	if res, body := s.post("/admin/login", url.Values{"email": {e.user}, "password": {e.pass}, "_csrf": {"forged"}}); res.StatusCode != http.StatusForbidden || !strings.Contains(body, "This form expired") {
		t.Errorf("login without the form's token: %d", res.StatusCode)
	}
	s.page("/admin/login")
	if res, body := s.post("/admin/login", url.Values{"email": {e.user}, "password": {"wrong password!"}}); res.StatusCode != http.StatusUnauthorized || !strings.Contains(body, "Wrong email or password.") {
		t.Errorf("wrong password: %d", res.StatusCode)
	}
	// Signed in twice (two devices); a form without the token changes nothing.
	one, two := e.staffLogin(e.user, e.pass), e.staffLogin(e.user, e.pass)
	if one.csrf == "" || one.csrf == two.csrf {
		t.Fatalf("sessions share or lack CSRF tokens: %q %q", one.csrf, two.csrf)
	}
	if res, body := one.post("/admin/logout", url.Values{"_csrf": {""}}); res.StatusCode != http.StatusForbidden || !strings.Contains(body, "csrf_failed") {
		t.Errorf("logout without CSRF: %d %s", res.StatusCode, body)
	}
	if res, _ := one.post("/admin/logout", url.Values{"_csrf": {two.csrf}}); res.StatusCode != http.StatusForbidden {
		t.Errorf("another session's token accepted: %d", res.StatusCode)
	}
	if res, _ := one.page("/admin/"); res.StatusCode != http.StatusOK {
		t.Fatalf("a refused logout must leave the session: %d", res.StatusCode)
	}
	// Sign out everywhere ends both.
	if res, _ := one.post("/admin/logout", url.Values{"everywhere": {"1"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("logout everywhere: %d", res.StatusCode)
	}
	for _, c := range []*staffClient{one, two} {
		if res, _ := c.page("/admin/"); res.StatusCode != http.StatusSeeOther {
			t.Errorf("session alive after signing out everywhere: %d", res.StatusCode)
		}
	}
	// An expired session is refused.
	three := e.staffLogin(e.user, e.pass)
	e.app.Now = func() time.Time { return time.Now().Add(13 * time.Hour) }
	if res, _ := three.page("/admin/"); res.StatusCode != http.StatusSeeOther {
		t.Errorf("expired session: %d", res.StatusCode)
	}
	if res, body := three.post("/admin/queue/approve", url.Values{}); res.StatusCode != http.StatusUnauthorized || !strings.Contains(body, "login_required") {
		t.Errorf("expired session posting: %d %s", res.StatusCode, body)
	}
	e.app.Now = time.Now
	// Sign-in attempts are limited per address.
	var last *http.Response
	for range 11 {
		s.page("/admin/login")
		last, _ = s.post("/admin/login", url.Values{"email": {"target@example.com"}, "password": {"guess guess guess"}})
	}
	if last.StatusCode != http.StatusTooManyRequests || last.Header.Get("Retry-After") == "" {
		t.Errorf("11th attempt: %d", last.StatusCode)
	}
	// Sign-ins and sign-outs are audited.
	log, _ := e.app.Audit.List(context.Background(), "", 100)
	var actions []string
	for _, r := range log {
		actions = append(actions, r.Action)
	}
	if got := strings.Join(actions, ","); !strings.Contains(got, "staff.logout_everywhere") || strings.Count(got, "staff.login") < 3 {
		t.Errorf("audit: %s", got)
	}
}

// TestConsoleRoleMatrix checks every console route for every role.
func TestConsoleRoleMatrix(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for _, r := range []staff.Role{staff.Moderator, staff.Judge, staff.Analyst} {
		e.addStaff(string(r)+"@example.com", string(r)+" password!!", r)
	}
	en := e.reviewEntry(t, "matrix", "Matrix entry")
	rd, rd2 := e.matrixRounds(t, en.CampaignID)
	// Written out independently of staff.Role.Can: o owner, m moderator,
	// j judge, a analyst.
	routes := []struct {
		method, path string
		allowed      string
	}{
		{"GET", "/admin/", "omja"},
		{"GET", "/admin/queue", "om"},
		{"GET", "/admin/reports", "om"},
		{"POST", "/admin/queue/approve", "om"},
		{"GET", "/admin/entries/" + en.ID, "omj"},
		{"POST", "/admin/entries/" + en.ID + "/decision", "om"},
		{"GET", "/admin/media/" + en.ID + "/hls/master.m3u8", "omj"},
		{"GET", "/admin/entrants?q=example", "om"},
		{"GET", "/admin/entrants/" + en.EntrantID, "om"},
		{"GET", "/admin/audit", "o"},
		{"GET", "/admin/campaigns/new", "o"},
		{"POST", "/admin/campaigns", "o"},
		{"GET", "/admin/outbox", "o"},
		{"GET", "/admin/entries/" + en.ID + "/votes", "om"},
		{"POST", "/admin/entries/" + en.ID + "/votes/discount", "om"},
		{"POST", "/admin/entries/" + en.ID + "/votes/clear", "om"},
		{"POST", "/admin/entries/" + en.ID + "/winner", "o"},
		{"GET", "/admin/campaigns/" + en.CampaignID + "/judging", "o"},
		{"POST", "/admin/campaigns/" + en.CampaignID + "/judging", "o"},
		{"POST", "/admin/campaigns/" + en.CampaignID + "/rounds", "o"},
		{"POST", "/admin/campaigns/" + en.CampaignID + "/draws", "o"},
		{"GET", "/admin/rounds/" + rd, "o"},
		{"POST", "/admin/rounds/" + rd + "/cut", "o"},
		{"POST", "/admin/rounds/" + rd2 + "/judges", "o"},
		{"POST", "/admin/rounds/" + rd2 + "/lock", "o"},
		{"GET", "/admin/rounds/" + rd + "/ranking", "oa"},
		{"GET", "/admin/rounds/" + rd + "/scores.csv", "oa"},
		{"GET", "/admin/judging", "j"},
		{"GET", "/admin/rounds/" + rd + "/score", "j"},
		{"GET", "/admin/rounds/" + rd + "/score/" + en.ID, "j"},
		{"POST", "/admin/rounds/" + rd + "/score/" + en.ID, "j"},
		{"POST", "/admin/rounds/" + rd + "/score/" + en.ID + "/conflict", "j"},
		{"POST", "/admin/entrants/" + en.EntrantID + "/export", "o"},
		{"POST", "/admin/entrants/" + en.EntrantID + "/delete", "o"},
		{"GET", "/admin/retention", "o"},
		{"GET", "/admin/campaigns/" + en.CampaignID + "/analytics", "oa"},
		{"GET", "/admin/campaigns/" + en.CampaignID + "/exports/daily.csv", "oa"},
		{"GET", "/admin/campaigns/" + en.CampaignID + "/exports/entries.csv", "oa"},
		{"GET", "/admin/campaigns/" + en.CampaignID + "/exports/entrants.csv", "o"},
		{"GET", "/admin/campaigns/" + en.CampaignID + "/exports/ballots.csv", "o"},
		{"GET", "/admin/campaigns/" + en.CampaignID + "/exports/messages.csv", "o"},
		{"GET", "/admin/campaigns/" + en.CampaignID + "/webhooks", "o"},
		{"POST", "/admin/campaigns/" + en.CampaignID + "/webhooks", "o"},
		{"POST", "/admin/webhooks/wh_nope/rotate", "o"},
		{"POST", "/admin/webhooks/wh_nope/delete", "o"},
		{"POST", "/admin/webhook-deliveries/wd_nope/replay", "o"},
	}
	for _, role := range []staff.Role{staff.Owner, staff.Moderator, staff.Judge, staff.Analyst} {
		email, pass := string(role)+"@example.com", string(role)+" password!!"
		if role == staff.Owner {
			email, pass = e.user, e.pass
		}
		s := e.staffLogin(email, pass)
		for _, r := range routes {
			var res *http.Response
			if r.method == "GET" {
				res, _ = s.page(r.path)
			} else {
				// A decision form with no decision: refused as a bad request
				// when the role may decide, forbidden when it may not.
				res, _ = s.post(r.path, url.Values{"seen": {en.UpdatedAt.UTC().Format(time.RFC3339Nano)}})
			}
			may := strings.Contains(r.allowed, string(role)[:1])
			forbidden := res.StatusCode == http.StatusForbidden
			if forbidden == may || res.StatusCode == http.StatusSeeOther && strings.Contains(res.Header.Get("Location"), "/login") {
				t.Errorf("%s %s %s: %d (may: %v)", role, r.method, r.path, res.StatusCode, may)
			}
		}
	}
	if got, _ := e.app.Entries.Get(context.Background(), en.ID); got.Status != entries.InReview {
		t.Errorf("the matrix changed the entry: %s", got.Status)
	}
}

// reviewEntry makes an entrant and an entry waiting in review.
func (e *env) reviewEntry(t *testing.T, slug, title string) entries.Entry {
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
	email := strings.ToLower(strings.ReplaceAll(title, " ", "-")) + "@example.com"
	who, err := e.app.Entrants.GetOrCreate(ctx, entrants.Entrant{ID: ids.New(entrants.IDPrefix), Email: email, DisplayName: title + " maker", CreatedAt: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC().Truncate(time.Millisecond)
	en := entries.Entry{ID: ids.New(entries.IDPrefix), CampaignID: cp.ID, EntrantID: who.ID, Title: title, Status: entries.InReview,
		History:  []entries.StatusChange{{To: entries.Received, At: now}, {From: entries.Received, To: entries.Processing, At: now}, {From: entries.Processing, To: entries.InReview, At: now}},
		Original: entries.Object{Key: "campaigns/" + cp.ID + "/x", Size: 1}, CreatedAt: now, UpdatedAt: now,
		Findings: []entries.Finding{{Kind: "silence", Detail: "silent from 0:01 to 0:03", Start: 1, End: 3}}}
	if err := e.app.Entries.Create(ctx, en); err != nil {
		t.Fatal(err)
	}
	return en
}
