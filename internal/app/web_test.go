package app_test

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/tryout/tryout/internal/testkit"
)

func get(t *testing.T, c *http.Client, url string) (int, string) {
	t.Helper()
	res, err := c.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

func TestPublicPages(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	now := time.Now()
	c := e.createCampaign("page-test", now.Add(-time.Hour), now.Add(time.Hour), 10<<20, 90)
	video := readFile(t, testkit.Video(t, t.TempDir(), testkit.Clip{Seconds: 1, Width: 160, Height: 120}))
	fan := e.signIn("fan@example.com")
	var created map[string]any
	e.upload(fan, c.Slug, append(consents(), part{name: "title", content: "<script>alert(1)</script>"}, part{name: "file", filename: "a.mp4", content: video}), &created)
	id, _ := created["id"].(string)

	anon := http.DefaultClient
	tests := []struct {
		name       string
		client     *http.Client
		path       string
		wantStatus int
		want       []string
	}{
		{"home", anon, "/", 200, []string{"Campaign page-test", `href="/c/page-test"`}},
		{"campaign signed out", anon, "/c/page-test", 200, []string{`id="signin"`, "1:30", "/static/signin.js"}},
		{"campaign signed in", fan, "/c/page-test", 200, []string{`id="details"`, "fan@example.com", `I accept the <a href="/c/page-test/rules" target="_blank">official rules</a> (version 1)`, "/static/enter.js"}},
		{"own entry", fan, "/e/" + id, 200, []string{"&lt;script&gt;alert(1)&lt;/script&gt;", "status-received", "/static/status.js"}},
		{"someone else's entry before it is live", anon, "/e/" + id, 404, []string{"Not found"}},
		{"my entries", fan, "/me", 200, []string{"fan@example.com", "/static/me.js"}},
		{"sign-in confirm", anon, "/auth/callback?token=abc", 200, []string{`name="token" value="abc"`, `id="confirm"`}},
		{"unknown campaign", anon, "/c/nope", 404, []string{"Not found"}},
		{"unknown entry", anon, "/e/en_aaaaaaaaaaaaaaaaaaaaaaaaaa", 404, []string{"Not found"}},
		{"css", anon, "/static/site.css", 200, []string{"--accent"}},
		{"uploader", anon, "/static/uploader.js", 200, []string{"XMLHttpRequest", "/current/complete"}},
	}
	for _, tt := range tests {
		status, body := get(t, tt.client, e.srv.URL+tt.path)
		if status != tt.wantStatus {
			t.Errorf("%s: status %d, want %d", tt.name, status, tt.wantStatus)
		}
		for _, w := range tt.want {
			if !strings.Contains(body, w) {
				t.Errorf("%s: body lacks %q", tt.name, w)
			}
		}
		if strings.Contains(body, "<script>alert(1)") {
			t.Errorf("%s: unescaped title", tt.name)
		}
	}
	var out apiError
	req, _ := http.NewRequest("GET", e.srv.URL+"/no/such/route", nil)
	if res := e.do(req, &out); res.StatusCode != 404 || out.Error.Code != "not_found" {
		t.Errorf("unknown route: %d %q", res.StatusCode, out.Error.Code)
	}
	// Signed out, /me sends people to sign in.
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := noRedirect.Get(e.srv.URL + "/me")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/signin?next=/me" {
		t.Errorf("/me signed out: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
}
