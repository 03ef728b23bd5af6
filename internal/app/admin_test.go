package app_test

import (
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/tryout/tryout/internal/staff"
)

func TestAdminAuthAndRoles(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.addStaff("mod@example.com", "moderator password", staff.Moderator)
	e.addStaff("analyst@example.com", "analyst password!", staff.Analyst)
	now := time.Now()
	body := map[string]any{"slug": "roles-test", "name": "Roles", "entry_opens_at": now, "entry_closes_at": now.Add(time.Hour)}

	tests := []struct {
		name, method, path, user, pass string
		wantStatus                     int
		wantCode                       string
	}{
		{"no credentials", "POST", "/admin/api/campaigns", "", "", 401, "login_required"},
		{"wrong password", "POST", "/admin/api/campaigns", e.user, "wrong password!!", 401, "bad_credentials"},
		{"unknown user", "GET", "/admin/api/campaigns", "ghost@example.com", "whatever password", 401, "bad_credentials"},
		{"moderator cannot create campaigns", "POST", "/admin/api/campaigns", "mod@example.com", "moderator password", 403, "forbidden"},
		{"analyst cannot create campaigns", "POST", "/admin/api/campaigns", "analyst@example.com", "analyst password!", 403, "forbidden"},
		{"analyst cannot list entries", "GET", "/admin/api/campaigns/cp_x/entries", "analyst@example.com", "analyst password!", 403, "forbidden"},
		{"moderator lists campaigns", "GET", "/admin/api/campaigns", "mod@example.com", "moderator password", 200, ""},
		{"owner creates", "POST", "/admin/api/campaigns", e.user, e.pass, 201, ""},
		{"slug taken", "POST", "/admin/api/campaigns", e.user, e.pass, 409, "slug_taken"},
		{"unknown campaign entries", "GET", "/admin/api/campaigns/cp_nope/entries", e.user, e.pass, 404, "campaign_not_found"},
		{"owner reads the outbox", "GET", "/admin/api/outbox", e.user, e.pass, 200, ""},
		{"moderator cannot read the outbox", "GET", "/admin/api/outbox", "mod@example.com", "moderator password", 403, "forbidden"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out apiError
			res := e.adminJSON(tt.method, tt.path, tt.user, tt.pass, body, &out)
			if res.StatusCode != tt.wantStatus || out.Error.Code != tt.wantCode {
				t.Errorf("got %d %q, want %d %q", res.StatusCode, out.Error.Code, tt.wantStatus, tt.wantCode)
			}
			if res.StatusCode == 401 && res.Header.Get("WWW-Authenticate") == "" {
				t.Error("401 without WWW-Authenticate")
			}
		})
	}
}

func TestAdminCampaignValidation(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	now := time.Now()
	t.Run("fields named", func(t *testing.T) {
		var out apiError
		res := e.adminJSON("POST", "/admin/api/campaigns", e.user, e.pass, map[string]any{
			"slug": "Bad Slug", "name": "", "entry_opens_at": now, "entry_closes_at": now.Add(-time.Hour),
		}, &out)
		if res.StatusCode != 400 || out.Error.Code != "invalid_campaign" {
			t.Fatalf("got %d %q", res.StatusCode, out.Error.Code)
		}
		for _, f := range []string{"slug", "name", "entry_closes_at"} {
			if out.Error.Fields[f] == "" {
				t.Errorf("no message for %s: %v", f, out.Error.Fields)
			}
		}
	})
	t.Run("unknown field", func(t *testing.T) {
		var out apiError
		res := e.adminJSON("POST", "/admin/api/campaigns", e.user, e.pass, map[string]any{"slugg": "x"}, &out)
		if res.StatusCode != 400 || out.Error.Code != "invalid_json" || !strings.Contains(out.Error.Message, "slugg") {
			t.Errorf("got %d %q %q", res.StatusCode, out.Error.Code, out.Error.Message)
		}
	})
	t.Run("form posts are refused", func(t *testing.T) {
		// A cross-site form can send Basic credentials the browser remembers,
		// but not a JSON content type.
		req, _ := http.NewRequest("POST", e.srv.URL+"/admin/api/campaigns", strings.NewReader("slug=x"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.SetBasicAuth(e.user, e.pass)
		var out apiError
		if res := e.do(req, &out); res.StatusCode != 415 || out.Error.Code != "json_required" {
			t.Errorf("got %d %q", res.StatusCode, out.Error.Code)
		}
	})
}

func TestOutboxKeepsMailWithoutSMTP(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.signIn("fan@example.com")
	var out struct {
		Messages []struct{ To, Kind, Status, Text string }
	}
	res := e.adminJSON("GET", "/admin/api/outbox", e.user, e.pass, nil, &out)
	if res.StatusCode != 200 || len(out.Messages) != 1 || out.Messages[0].Status != "kept" || out.Messages[0].Kind != "login_link" || out.Messages[0].To != "fan@example.com" {
		t.Errorf("outbox = %d %+v", res.StatusCode, out)
	}
}

// TestBasicAuthIsThrottled: the JSON API's HTTP Basic sign-in shares the
// console form's limits. Wrong passwords count against the address until
// even the right one is refused (429 with Retry-After, before the password
// is checked); an address the form has locked out is refused here too;
// a script's successful calls never lock it.
func TestBasicAuthIsThrottled(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.addStaff("script@example.com", "script password!", staff.Analyst)
	for i := range 25 {
		if res := e.adminJSON("GET", "/admin/api/campaigns", "script@example.com", "script password!", nil, nil); res.StatusCode != 200 {
			t.Fatalf("successful call %d: %d", i+1, res.StatusCode)
		}
	}
	var out apiError
	for i := range 10 {
		if res := e.adminJSON("GET", "/admin/api/campaigns", e.user, "a wrong guess", nil, &out); res.StatusCode != 401 {
			t.Fatalf("guess %d: %d", i+1, res.StatusCode)
		}
	}
	res := e.adminJSON("GET", "/admin/api/campaigns", e.user, e.pass, nil, &out)
	if res.StatusCode != 429 || out.Error.Code != "too_many_attempts" || res.Header.Get("Retry-After") == "" {
		t.Errorf("right password after 10 wrong ones: %d %q Retry-After %q, want 429", res.StatusCode, out.Error.Code, res.Header.Get("Retry-After"))
	}
	// The form locked this address out: Basic refuses it as well.
	e.addStaff("formlocked@example.com", "formlocked password", staff.Owner)
	s := &staffClient{e: e, c: &http.Client{}}
	for range 11 {
		s.c.Jar, _ = cookiejar.New(nil)
		s.page("/admin/login")
		s.post("/admin/login", url.Values{"email": {"formlocked@example.com"}, "password": {"guess guess guess"}})
	}
	if res := e.adminJSON("GET", "/admin/api/campaigns", "formlocked@example.com", "formlocked password", nil, &out); res.StatusCode != 429 {
		t.Errorf("Basic with the right password after the form locked the address: %d", res.StatusCode)
	}
	// Other staff are not affected.
	if res := e.adminJSON("GET", "/admin/api/campaigns", "script@example.com", "script password!", nil, nil); res.StatusCode != 200 {
		t.Errorf("another account after the lockouts: %d", res.StatusCode)
	}
}
