package app_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/tryout/tryout/internal/app"
	"github.com/tryout/tryout/internal/ids"
	"github.com/tryout/tryout/internal/staff"
	"github.com/tryout/tryout/internal/testkit"
)

// env is one test's running Tryout: the real handler on a loopback server,
// on the kit's services.
type env struct {
	t    *testing.T
	kit  *testkit.Kit
	app  *app.App
	srv  *httptest.Server
	smtp *testkit.SMTPServer // nil: mail is kept in the outbox
	user string              // staff email
	pass string
}

type option func(*testing.T, *testkit.Kit, *env)

// withSMTP points the app at a real SMTP server in the test.
func withSMTP(t *testing.T, k *testkit.Kit, e *env) {
	e.smtp = testkit.StartSMTP(t)
	k.Config.SMTPHost, k.Config.SMTPTLS = "127.0.0.1", "none"
	fmt.Sscan(e.smtp.Port(), &k.Config.SMTPPort)
}

func newEnv(t *testing.T, opts ...option) *env {
	t.Helper()
	k := testkit.New(t)
	e := &env{t: t, kit: k}
	for _, o := range opts {
		o(t, k, e)
	}
	a, err := app.New(context.Background(), k.Config, k.Log, app.Clients{Mongo: k.Mongo, DB: k.DB, Redis: k.Redis, Blobs: k.Blobs})
	if err != nil {
		t.Fatal(err)
	}
	a.Start(context.Background())
	t.Cleanup(func() { a.Close(context.Background()) })
	h, err := a.Handler()
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	e.app, e.srv, e.user, e.pass = a, srv, "owner@example.com", "correct horse battery"
	e.addStaff(e.user, e.pass, staff.Owner)
	return e
}

// signIn signs an entrant in the way a person does: ask for a link, read it
// from the email (SMTP server or outbox), open it, press the button. It
// returns a client carrying the session cookie.
func (e *env) signIn(email string) *http.Client {
	e.t.Helper()
	anon := &http.Client{}
	var out map[string]any
	res := e.doWith(anon, e.jsonReq("POST", "/api/auth/link", map[string]any{"email": email}), &out)
	if res.StatusCode != http.StatusAccepted {
		e.t.Fatalf("ask for link: %d %v", res.StatusCode, out)
	}
	link := e.latestLink(email)
	u, err := url.Parse(link)
	if err != nil {
		e.t.Fatal(err)
	}
	token := u.Query().Get("token")
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err = c.PostForm(e.srv.URL+"/auth/callback", url.Values{"token": {token}})
	if err != nil {
		e.t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		e.t.Fatalf("redeem link: status %d", res.StatusCode)
	}
	c.CheckRedirect = nil
	return c
}

// latestLink finds the newest sign-in link sent to email.
func (e *env) latestLink(email string) string {
	e.t.Helper()
	if e.smtp != nil {
		m := e.smtp.WaitFor(e.t, email, "sign-in link")
		return linkIn(e.t, m.Body)
	}
	list, err := e.app.Outbox.List(context.Background(), 50)
	if err != nil {
		e.t.Fatal(err)
	}
	for _, m := range list {
		if m.To == email && m.Kind == "login_link" {
			return m.Link
		}
	}
	e.t.Fatalf("no sign-in link for %s in the outbox", email)
	return ""
}

func linkIn(t *testing.T, body string) string {
	for _, f := range strings.Fields(body) {
		if strings.HasPrefix(f, "http") && strings.Contains(f, "/auth/callback?token=") {
			return f
		}
	}
	t.Fatalf("no link in %q", body)
	return ""
}

func (e *env) jsonReq(method, path string, body any) *http.Request {
	b, _ := json.Marshal(body)
	req, _ := http.NewRequest(method, e.srv.URL+path, bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	return req
}

// consents are the form fields that accept a campaign's rules (version 1).
func consents() []part {
	return []part{{name: "accept_rules", content: "1"}, {name: "media_release", content: "yes"}}
}

func (e *env) addStaff(email, pass string, role staff.Role) {
	e.t.Helper()
	// The lowest bcrypt cost: the product's own (12) made bcrypt most of
	// these tests' CPU. The cost itself is checked in internal/staff.
	u, err := staff.NewUserWithCost(ids.New(staff.IDPrefix), email, "Test "+string(role), role, pass, time.Now(), bcrypt.MinCost)
	if err != nil {
		e.t.Fatal(err)
	}
	if err := e.app.Staff.Create(context.Background(), u); err != nil {
		e.t.Fatal(err)
	}
}

// startWorker runs the real asynq worker on the kit's Redis until the test ends.
func (e *env) startWorker() {
	e.t.Helper()
	ws, mux := e.app.WorkerServer()
	if err := ws.Start(mux); err != nil {
		e.t.Fatal(err)
	}
	e.t.Cleanup(ws.Shutdown)
}

type apiError struct {
	Error struct {
		Code    string            `json:"code"`
		Message string            `json:"message"`
		Fields  map[string]string `json:"fields"`
	} `json:"error"`
}

// do sends a request and decodes the JSON answer into out (if not nil).
func (e *env) do(req *http.Request, out any) *http.Response {
	e.t.Helper()
	return e.doWith(http.DefaultClient, req, out)
}

func (e *env) doWith(c *http.Client, req *http.Request, out any) *http.Response {
	e.t.Helper()
	res, err := c.Do(req)
	if err != nil {
		e.t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	if out != nil && len(body) > 0 {
		if err := json.Unmarshal(body, out); err != nil {
			e.t.Fatalf("%s %s: %d, body not JSON: %s", req.Method, req.URL.Path, res.StatusCode, body)
		}
	}
	return res
}

func (e *env) adminJSON(method, path, user, pass string, body any, out any) *http.Response {
	e.t.Helper()
	b, _ := json.Marshal(body)
	req, _ := http.NewRequest(method, e.srv.URL+path, bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	if user != "" {
		req.SetBasicAuth(user, pass)
	}
	return e.do(req, out)
}

type campaignOut struct {
	ID   string `json:"id"`
	Slug string `json:"slug"`
}

// createCampaign creates a campaign through the admin API; extra sets more
// fields (max_entries_per_entrant, min_age, ...).
func (e *env) createCampaign(slug string, opens, closes time.Time, maxBytes int64, maxSeconds int, extra ...map[string]any) campaignOut {
	e.t.Helper()
	var out campaignOut
	body := map[string]any{
		"slug": slug, "name": "Campaign " + slug, "description": "Show us your best trick",
		"entry_opens_at": opens, "entry_closes_at": closes,
		"max_file_bytes": maxBytes, "max_duration_seconds": maxSeconds,
	}
	for _, x := range extra {
		for k, v := range x {
			body[k] = v
		}
	}
	res := e.adminJSON("POST", "/admin/api/campaigns", e.user, e.pass, body, &out)
	if res.StatusCode != http.StatusCreated {
		e.t.Fatalf("create campaign: status %d", res.StatusCode)
	}
	return out
}

type part struct{ name, filename, content string }

// upload streams a multipart body through a pipe, so the server sees it
// arrive as a stream, as from a phone.
func (e *env) upload(c *http.Client, slug string, parts []part, out any) *http.Response {
	e.t.Helper()
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	go func() {
		for _, p := range parts {
			var w io.Writer
			var err error
			if p.filename != "" {
				w, err = mw.CreateFormFile(p.name, p.filename)
			} else {
				w, err = mw.CreateFormField(p.name)
			}
			if err == nil {
				_, err = io.Copy(w, strings.NewReader(p.content))
			}
			if err != nil {
				pw.CloseWithError(err)
				return
			}
		}
		pw.CloseWithError(mw.Close())
	}()
	req, _ := http.NewRequest("POST", e.srv.URL+"/api/campaigns/"+slug+"/entries", pr)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return e.doWith(c, req, out)
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func randomBytes(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return string(b)
}

// assertNothingStored checks that no entry, object or unfinished multipart
// upload exists for the campaign.
func (e *env) assertNothingStored(c campaignOut) {
	e.t.Helper()
	ctx := context.Background()
	list, err := e.app.Entries.ListByCampaign(ctx, c.ID, 10)
	if err != nil {
		e.t.Fatal(err)
	}
	if len(list) != 0 {
		e.t.Errorf("%d entries left behind: %+v", len(list), list[0])
	}
	keys, err := e.kit.Blobs.List(ctx, e.kit.Config.S3BucketOriginals, "")
	if err != nil {
		e.t.Fatal(err)
	}
	if len(keys) != 0 {
		e.t.Errorf("objects left behind: %v", keys)
	}
	n, err := e.kit.Blobs.PendingUploads(ctx, e.kit.Config.S3BucketOriginals, "")
	if err != nil {
		e.t.Fatal(err)
	}
	if n != 0 {
		e.t.Errorf("%d unfinished multipart uploads left behind", n)
	}
}

// waitStatus polls the public entry API until the entry reaches want. The
// bound only guards against a hang; it asserts nothing about speed.
func (e *env) waitStatus(c *http.Client, id, want string) map[string]any {
	e.t.Helper()
	var last map[string]any
	for i := 0; i < 600; i++ {
		last = nil
		req, _ := http.NewRequest("GET", e.srv.URL+"/api/entries/"+id, nil)
		e.doWith(c, req, &last)
		if last["status"] == want {
			return last
		}
		if s := last["status"]; s == "failed" || s == "rejected" {
			e.t.Fatalf("entry ended %v, want %s: %v", s, want, last)
		}
		time.Sleep(200 * time.Millisecond)
	}
	e.t.Fatalf("entry never reached %s; last: %v", want, last)
	return nil
}

func fmtJSON(v any) string { b, _ := json.MarshalIndent(v, "", "  "); return fmt.Sprint(string(b)) }
