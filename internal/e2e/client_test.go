package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/tryout/tryout/internal/app"
	"github.com/tryout/tryout/internal/entries"
	"github.com/tryout/tryout/internal/testkit"
)

// site is one Tryout process's HTTP address, with staff credentials for
// the admin API when set.
type site struct {
	t          *testing.T
	base       string
	user, pass string
}

// json sends a JSON request and decodes the answer into out, failing the
// test when the status is not want.
func (s site) json(c *http.Client, method, path string, body, out any, want int) {
	s.t.Helper()
	var r io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		r = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, s.base+path, r)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if s.user != "" {
		req.SetBasicAuth(s.user, s.pass)
	}
	res, err := c.Do(req)
	if err != nil {
		s.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != want {
		s.t.Fatalf("%s %s%s: %d %s, want %d", method, s.base, path, res.StatusCode, b, want)
	}
	if out != nil && len(b) > 0 {
		if err := json.Unmarshal(b, out); err != nil {
			s.t.Fatalf("%s %s: %v in %s", method, path, err, b)
		}
	}
}

// signIn asks `ask` for a sign-in link, reads it from the mail and redeems
// it at `redeem` (another process: one secret for all). It returns a
// client with the session (cookies belong to the host, whatever the port).
func signIn(t *testing.T, smtp *testkit.SMTPServer, ask, redeem site, email string) *http.Client {
	t.Helper()
	ask.json(http.DefaultClient, "POST", "/api/auth/link", map[string]any{"email": email}, nil, http.StatusAccepted)
	m := smtp.WaitFor(t, email, "sign-in link")
	var token string
	for _, f := range strings.Fields(m.Body) {
		if u, err := url.Parse(f); err == nil && strings.HasSuffix(u.Path, "/auth/callback") {
			token = u.Query().Get("token")
		}
	}
	if token == "" {
		t.Fatalf("no sign-in link in %q", m.Body)
	}
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := c.PostForm(redeem.base+"/auth/callback", url.Values{"token": {token}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("redeem the link at %s: %d", redeem.base, res.StatusCode)
	}
	c.CheckRedirect = nil
	return c
}

type ticket struct {
	PartSize int64 `json:"part_size"`
	Parts    int   `json:"parts"`
	Missing  []struct {
		Number int    `json:"number"`
		URL    string `json:"url"`
	} `json:"missing"`
}

// uploadResumable uploads data for the draft the way the browser does:
// start on one API, PUT parts straight to storage with the presigned URLs,
// lose the connection after the first part, ask the other API what
// arrived, send the rest, complete.
func uploadResumable(t *testing.T, c *http.Client, start, resume site, id string, data []byte) {
	t.Helper()
	var tk ticket
	start.json(c, "POST", "/api/entries/"+id+"/uploads", map[string]any{"size": len(data), "filename": "clip.mp4", "content_type": "video/mp4"}, &tk, http.StatusCreated)
	put := func(n int, u string) {
		from := int64(n-1) * tk.PartSize
		req, _ := http.NewRequest("PUT", u, bytes.NewReader(data[from:min(from+tk.PartSize, int64(len(data)))]))
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if res.StatusCode != 200 {
			t.Fatalf("part %d: %d", n, res.StatusCode)
		}
	}
	put(tk.Missing[0].Number, tk.Missing[0].URL) // then the connection drops
	var again ticket
	resume.json(c, "GET", "/api/entries/"+id+"/uploads/current", nil, &again, http.StatusOK)
	if len(again.Missing) != tk.Parts-1 {
		t.Fatalf("after the drop %d of %d parts are missing, want %d", len(again.Missing), tk.Parts, tk.Parts-1)
	}
	for _, p := range again.Missing {
		put(p.Number, p.URL)
	}
	var done map[string]any
	resume.json(c, "POST", "/api/entries/"+id+"/uploads/current/complete", nil, &done, http.StatusOK)
	if done["status"] != "received" {
		t.Fatalf("complete: %v", done)
	}
}

func mustEntry(t *testing.T, a *app.App, id string) entries.Entry {
	t.Helper()
	e, err := a.Entries.Get(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// waitEntry polls the entry (a hang guard of five minutes) until ok.
func waitEntry(t *testing.T, a *app.App, id, what string, ok func(entries.Entry) bool) entries.Entry {
	t.Helper()
	for range 3000 {
		if e := mustEntry(t, a, id); ok(e) {
			return e
		}
		time.Sleep(100 * time.Millisecond)
	}
	e := mustEntry(t, a, id)
	t.Fatalf("gave up waiting for %s: %s %s %d%% %s", what, e.Status, e.Stage, e.Progress, e.StatusReason)
	return e
}
