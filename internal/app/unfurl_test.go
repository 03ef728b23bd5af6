package app_test

import (
	"encoding/json"
	"image"
	_ "image/jpeg"
	_ "image/png"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// unfurled is what open-graph-scraper read from a page.
type unfurled struct {
	Error      bool   `json:"error"`
	OgTitle    string `json:"ogTitle"`
	OgURL      string `json:"ogUrl"`
	OgSiteName string `json:"ogSiteName"`
	OgType     string `json:"ogType"`
	OgImage    []struct {
		URL    string `json:"url"`
		Width  any    `json:"width"`
		Height any    `json:"height"`
	} `json:"ogImage"`
	TwitterCard string `json:"twitterCard"`
}

// unfurl runs open-graph-scraper (from npm, installed by scripts/vendor.sh
// node-tools) under Node against a page, as a chat app unfurls a link.
func unfurl(t *testing.T, pageURL string) unfurled {
	t.Helper()
	dir, _ := filepath.Abs("../../.bin/node-tools")
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "open-graph-scraper")); err != nil {
		t.Fatalf("open-graph-scraper is not installed (%v): run scripts/install.sh (make test does)", err)
	}
	out, err := exec.Command("node", "testdata/unfurl.mjs", dir, pageURL).Output()
	if err != nil {
		t.Fatalf("unfurl %s: %v: %s", pageURL, err, out)
	}
	var u unfurled
	if err := json.Unmarshal(out, &u); err != nil {
		t.Fatalf("unfurl %s: %v: %s", pageURL, err, out)
	}
	return u
}

// TestUnfurl: a campaign's and an entry's links unfurl with a title, the
// brand as the site name, the canonical address, a large-image card, and
// an image a scraper can fetch: a 1200x630 picture. The pages also point
// to their oEmbed answer.
func TestUnfurl(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	s := e.showcase(t)
	// A second server on an address known before it starts, given to the
	// app as its public address, so every absolute URL in the tags can be
	// fetched.
	srv := httptest.NewUnstartedServer(nil)
	base := "http://" + srv.Listener.Addr().String()
	e.app.Cfg.PublicURL = base
	h, err := e.app.Handler()
	if err != nil {
		t.Fatal(err)
	}
	srv.Config.Handler = h
	srv.Start()
	t.Cleanup(srv.Close)
	e.srv = srv
	for _, c := range []struct{ path, title, typ string }{
		{"/c/" + s.cp.Slug, "Summer Tricks 2026", "website"},
		{"/e/" + s.live[0].ID, "Kickflip down the stairs", "video.other"},
		{"/c/" + s.cp.Slug + "/gallery", "Watch the entries: Summer Tricks 2026", "website"},
		{"/c/" + s.cp.Slug + "/winners", "The winners of Summer Tricks 2026", "website"},
		{"/c/" + s.cp.Slug + "/leaderboard", "Leaderboard: Summer Tricks 2026", "website"},
	} {
		u := unfurl(t, e.srv.URL+c.path)
		if u.Error || u.OgTitle != c.title || u.OgURL != e.srv.URL+c.path || u.OgSiteName != "Acme Boards" || u.OgType != c.typ || u.TwitterCard != "summary_large_image" || len(u.OgImage) == 0 {
			t.Errorf("%s unfurls as %+v", c.path, u)
			continue
		}
		res, err := http.Get(u.OgImage[0].URL)
		if err != nil {
			t.Fatalf("%s: image: %v", c.path, err)
		}
		cfg, format, err := image.DecodeConfig(res.Body)
		res.Body.Close()
		if err != nil || res.StatusCode != http.StatusOK || cfg.Width != 1200 || cfg.Height != 630 {
			t.Errorf("%s: image %s: %d %s %dx%d %v; want a 1200x630 picture", c.path, u.OgImage[0].URL, res.StatusCode, format, cfg.Width, cfg.Height, err)
		}
		_, page := e.get(jar(), c.path)
		if !strings.Contains(page, `<link rel="alternate" type="application/json+oembed" href="`+e.srv.URL+`/oembed?format=json&amp;url=`) {
			t.Errorf("%s: no oEmbed discovery", c.path)
		}
	}
	// The oEmbed answer behind the discovery link of a gallery page.
	var oe map[string]any
	if res := e.do(e.jsonReq("GET", "/oembed?format=json&url="+e.srv.URL+"/c/"+s.cp.Slug+"/gallery", nil), &oe); res.StatusCode != http.StatusOK || oe["type"] != "rich" {
		t.Errorf("oEmbed of the gallery: %d %v", res.StatusCode, oe)
	}
	// An entry that is not live unfurls into nothing and has no card.
	if res, _ := e.get(jar(), "/e/"+s.mine.ID+"/card.jpg"); res.StatusCode != http.StatusNotFound {
		t.Errorf("card of an entry in review: %d", res.StatusCode)
	}
}
