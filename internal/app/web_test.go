package app_test

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/tryout/tryout/internal/testkit"
)

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

func TestPublicPages(t *testing.T) {
	e := newEnv(t)
	now := time.Now()
	c := e.createCampaign("page-test", now.Add(-time.Hour), now.Add(time.Hour), 10<<20, 90)
	video := readFile(t, testkit.Video(t, t.TempDir(), testkit.Clip{Seconds: 1, Width: 160, Height: 120}))
	var created map[string]any
	e.upload(c.Slug, []part{{name: "title", content: "<script>alert(1)</script>"}, {name: "file", filename: "a.mp4", content: video}}, &created)
	id, _ := created["id"].(string)

	tests := []struct {
		path       string
		wantStatus int
		want       []string
	}{
		{"/", 200, []string{"Campaign page-test", `href="/c/page-test"`}},
		{"/c/page-test", 200, []string{`id="upload"`, "1:30", "/static/upload.js"}},
		{"/e/" + id, 200, []string{"&lt;script&gt;alert(1)&lt;/script&gt;", "status-received", "/static/status.js"}},
		{"/c/nope", 404, []string{"Not found"}},
		{"/e/en_aaaaaaaaaaaaaaaaaaaaaaaaaa", 404, []string{"Not found"}},
		{"/static/site.css", 200, []string{"--accent"}},
		{"/static/upload.js", 200, []string{"XMLHttpRequest"}},
	}
	for _, tt := range tests {
		status, body := get(t, e.srv.URL+tt.path)
		if status != tt.wantStatus {
			t.Errorf("%s: status %d, want %d", tt.path, status, tt.wantStatus)
		}
		for _, w := range tt.want {
			if !strings.Contains(body, w) {
				t.Errorf("%s: body lacks %q", tt.path, w)
			}
		}
		if strings.Contains(body, "<script>alert(1)") {
			t.Errorf("%s: unescaped title", tt.path)
		}
	}
	var out apiError
	req, _ := http.NewRequest("GET", e.srv.URL+"/no/such/route", nil)
	if res := e.do(req, &out); res.StatusCode != 404 || out.Error.Code != "not_found" {
		t.Errorf("unknown route: %d %q", res.StatusCode, out.Error.Code)
	}
}
