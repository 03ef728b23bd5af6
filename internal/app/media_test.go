package app_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/tryout/tryout/internal/entries"
	"github.com/tryout/tryout/internal/testkit"
)

// TestMediaAccess: an entry's video files go to its entrant only (never
// cached by shared caches) until it is live; then to anyone, cacheable,
// except the near-original first playable copy, which stays private.
func TestMediaAccess(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.startWorker()
	now := time.Now()
	c := e.createCampaign("media-access", now.Add(-time.Hour), now.Add(time.Hour), 50<<20, 60)
	video := readFile(t, testkit.Video(t, t.TempDir(), testkit.Clip{Seconds: 3, Width: 320, Height: 240, Audio: true}))
	owner := e.signIn("owner-of-video@example.com")
	other := e.signIn("someone-else@example.com")
	var created map[string]any
	if res := e.upload(owner, c.Slug, append(consents(), part{name: "title", content: "Mine"}, part{name: "file", filename: "a.mp4", content: video}), &created); res.StatusCode != http.StatusCreated {
		t.Fatalf("upload: %d %v", res.StatusCode, created)
	}
	id := created["id"].(string)
	view := e.waitStatus(owner, id, "in_review")
	pb, _ := view["playback"].(map[string]any)
	if pb == nil || pb["ready"] != true || !strings.HasSuffix(str(pb["first_playable"]), "/source.mp4") || !strings.HasSuffix(str(pb["hls"]), "/hls/master.m3u8") {
		t.Fatalf("owner's playback: %s", fmtJSON(pb))
	}
	anon := &http.Client{}
	get := func(c *http.Client, path string, hdr ...string) (*http.Response, string) {
		t.Helper()
		req, _ := http.NewRequest("GET", e.srv.URL+path, nil)
		for i := 0; i+1 < len(hdr); i += 2 {
			req.Header.Set(hdr[i], hdr[i+1])
		}
		res, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res, string(b)
	}
	hls, mp4, source := str(pb["hls"]), str(pb["mp4"]), str(pb["first_playable"])
	if _, page := get(owner, "/e/"+id); !strings.Contains(page, `<meta name="robots" content="noindex">`) || strings.Contains(page, "og:title") {
		t.Error("an entry not yet live must not unfurl or be indexed")
	}

	// In review: the entrant only.
	for _, p := range []string{hls, mp4, source} {
		if res, _ := get(anon, p); res.StatusCode != http.StatusNotFound {
			t.Errorf("anonymous GET %s before live: %d", p, res.StatusCode)
		}
		if res, _ := get(other, p); res.StatusCode != http.StatusNotFound {
			t.Errorf("another entrant GET %s before live: %d", p, res.StatusCode)
		}
	}
	res, body := get(owner, hls)
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(body, "#EXTM3U") || res.Header.Get("Cache-Control") != "private, no-store" {
		t.Errorf("owner GET master: %d %q %q", res.StatusCode, res.Header.Get("Cache-Control"), body)
	}
	res, body = get(owner, mp4, "Range", "bytes=0-99")
	if res.StatusCode != http.StatusPartialContent || len(body) != 100 || res.Header.Get("Content-Type") != "video/mp4" {
		t.Errorf("owner range GET mp4: %d, %d bytes, %s", res.StatusCode, len(body), res.Header.Get("Content-Type"))
	}
	if res, _ := get(anon, "/api/entries/"+id); res.StatusCode != http.StatusNotFound {
		t.Errorf("anonymous entry view before live: %d", res.StatusCode)
	}

	// Live: anyone, cacheable, but never the first playable copy.
	ctx := context.Background()
	stored, err := e.app.Entries.Get(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := entries.Move(ctx, e.app.Entries, stored, entries.Live, "", time.Now()); err != nil {
		t.Fatal(err)
	}
	res, body = get(anon, hls)
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(body, "#EXTM3U") || !strings.Contains(res.Header.Get("Cache-Control"), "immutable") {
		t.Errorf("anonymous GET master when live: %d %q", res.StatusCode, res.Header.Get("Cache-Control"))
	}
	if etag := res.Header.Get("ETag"); etag == "" {
		t.Error("no ETag")
	} else if again, _ := get(anon, hls, "If-None-Match", etag); again.StatusCode != http.StatusNotModified {
		t.Errorf("conditional GET: %d", again.StatusCode)
	}
	if res, _ := get(anon, source); res.StatusCode != http.StatusNotFound {
		t.Errorf("anonymous GET of the first playable copy when live: %d", res.StatusCode)
	}
	if res, _ := get(owner, source); res.StatusCode != http.StatusOK || res.Header.Get("Cache-Control") != "private, no-store" {
		t.Errorf("owner GET of the first playable copy when live: %d %q", res.StatusCode, res.Header.Get("Cache-Control"))
	}
	var public map[string]any
	req, _ := http.NewRequest("GET", e.srv.URL+"/api/entries/"+id, nil)
	e.doWith(anon, req, &public)
	if pub, _ := public["playback"].(map[string]any); pub == nil || pub["first_playable"] != nil || pub["hls"] != hls {
		t.Errorf("public playback: %s", fmtJSON(public["playback"]))
	}
	// The entry page unfurls: Open Graph and Twitter tags with absolute
	// URLs, and nothing about the entrant.
	res, page := get(anon, "/e/"+id)
	base := e.kit.Config.PublicURL
	for _, want := range []string{
		`<meta property="og:title" content="Mine">`,
		`<meta property="og:url" content="` + base + `/e/` + id + `">`,
		`<meta property="og:image" content="` + base + `/e/` + id + `/card.jpg?v=`, // drawn from the poster (sharecard)
		`<meta property="og:video" content="` + base + `/api/entries/` + id + `/media/fallback.mp4">`,
		`<meta name="twitter:card" content="summary_large_image">`,
		`id="share"`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("public entry page lacks %s", want)
		}
	}
	if res.StatusCode != 200 || strings.Contains(page, "owner-of-video") || strings.Contains(page, "noindex") {
		t.Errorf("public entry page: %d, leaks the entrant or is noindex", res.StatusCode)
	}
	// Names outside the outputs.
	for _, p := range []string{"ladder.json", "..%2F..%2Fcampaigns", "hls/../ladder.json", "HLS/master.m3u8", "", "x"} {
		if res, _ := get(anon, "/api/entries/"+id+"/media/"+p); res.StatusCode != http.StatusNotFound {
			t.Errorf("GET media/%s: %d", p, res.StatusCode)
		}
	}
	var apiErr apiError
	req, _ = http.NewRequest("GET", e.srv.URL+"/api/entries/"+id+"/media/nope.mp4", nil)
	if res := e.doWith(anon, req, &apiErr); res.StatusCode != http.StatusNotFound || apiErr.Error.Code != "media_not_found" {
		t.Errorf("missing file: %d %+v", res.StatusCode, apiErr)
	}
}

func str(v any) string { s, _ := v.(string); return s }
