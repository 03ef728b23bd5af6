package app_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/tryout/tryout/internal/entries"
	"github.com/tryout/tryout/internal/testkit"
	"github.com/tryout/tryout/internal/webauth"
)

// TestBrowserPlaysEntry: in Chromium, the entrant's page plays the quick
// preview while the ladder is being made, then the adaptive ladder through
// hls.js; once live, a signed-out visitor plays it too.
func TestBrowserPlaysEntry(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(_ *testing.T, k *testkit.Kit, _ *env) { k.Config.ViewAfter = time.Second })
	e.startWorker()
	now := time.Now()
	c := e.createCampaign("player-tricks", now.Add(-time.Hour), now.Add(time.Hour), 50<<20, 60)
	video := readFile(t, testkit.Video(t, t.TempDir(), testkit.Clip{Seconds: 6, Width: 640, Height: 360, Audio: true}))
	owner := e.signIn("player@example.com")
	var created map[string]any
	if res := e.upload(owner, c.Slug, append(consents(), part{name: "title", content: "Watch me"}, part{name: "file", filename: "a.mp4", content: video}), &created); res.StatusCode != http.StatusCreated {
		t.Fatalf("upload: %d %v", res.StatusCode, created)
	}
	id := created["id"].(string)
	e.waitStatus(owner, id, "in_review")
	ctx := context.Background()
	full, err := e.app.Entries.Get(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(e.srv.URL)
	var session string
	for _, ck := range owner.Jar.Cookies(u) {
		if ck.Name == webauth.CookieName {
			session = ck.Value
		}
	}
	// Put the entry back in the moment between the preview and the ladder.
	if err := e.app.Entries.SetRenditions(ctx, id, entries.Renditions{Prefix: full.Renditions.Prefix, FirstPlayable: full.Renditions.FirstPlayable}, now); err != nil {
		t.Fatal(err)
	}
	b := browser(t)
	const adaptive = `(v.currentSrc.startsWith("blob:") || v.currentSrc.endsWith("/hls/master.m3u8"))`
	playing := func(src string) chromedp.Action[chromedp.Void] {
		return func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
			js := fmt.Sprintf(`(() => { const v = document.getElementById("player"); v.muted = true; v.play().catch(() => {});
				return v.readyState >= 2 && v.currentTime > 0.5 && %s; })()`, src)
			state := ""
			for {
				ok, err := chromedp.Evaluate[bool](js)(ctx, tg)
				if err == nil && ok {
					return chromedp.Void{}, nil
				}
				state, _ = chromedp.Evaluate[string](`(() => { const v = document.getElementById("player"); return v ? "readyState=" + v.readyState + " t=" + v.currentTime + " src=" + v.currentSrc + " hls.js=" + !!window.Hls + " error=" + (v.error && v.error.message) : "no player"; })()`)(ctx, tg)
				select {
				case <-ctx.Done():
					return chromedp.Void{}, fmt.Errorf("video never played (%s): %s", src, state)
				case <-time.After(200 * time.Millisecond):
				}
			}
		}
	}
	js := func(code string) chromedp.Action[chromedp.Void] {
		return func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
			_, err := chromedp.Evaluate[any](code)(ctx, tg)
			return chromedp.Void{}, err
		}
	}
	err = chromedp.Do(b,
		chromedp.EmulateViewport(390, 844),
		chromedp.Navigate(e.srv.URL+"/"),
		js(`document.cookie = "`+webauth.CookieName+`=`+session+`; path=/"`),
		chromedp.Navigate(e.srv.URL+"/e/"+id),
		chromedp.WaitVisible("#preview-note"),
		playing(`v.currentSrc.endsWith("/source.mp4")`),
		shot(t, b, "player-1-preview-phone"),
	)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.app.Entries.SetRenditions(ctx, id, *full.Renditions, now); err != nil {
		t.Fatal(err)
	}
	err = chromedp.Do(b,
		chromedp.Navigate(e.srv.URL+"/e/"+id),
		playing(adaptive), // hls.js feeding Media Source Extensions, or the browser's own HLS
		shot(t, b, "player-2-ladder-phone"),
	)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := entries.Move(ctx, e.app.Entries, full, entries.Live, "", time.Now()); err != nil {
		t.Fatal(err)
	}
	err = chromedp.Do(b,
		js(`document.cookie = "`+webauth.CookieName+`=; max-age=0; path=/"`),
		chromedp.EmulateViewport(1280, 900),
		chromedp.Navigate(e.srv.URL+"/e/"+id),
		playing(adaptive),
		// The view counts after a second of real playback.
		waitJS(`document.getElementById("player").dataset.viewed === "counted"`),
		// Scrub thumbnails: hovering the scrub bar shows the sprite tile;
		// the arrow keys move the video.
		chromedp.WaitVisible("#scrub"),
		js(`(() => { const r = document.getElementById("scrub"), b = r.getBoundingClientRect();
			r.dispatchEvent(new PointerEvent("pointermove", { clientX: b.left + b.width * 0.6, clientY: b.top + 4, bubbles: true })); })()`),
		waitJS(`(() => { const th = document.getElementById("scrub-thumb"); return !th.hidden && th.style.backgroundImage.includes("sprite.jpg") && Number(th.dataset.at) >= 2; })()`),
		shot(t, b, "player-3a-scrub-desktop"),
		js(`(() => { const v = document.getElementById("player"); v.pause(); v.currentTime = 0; document.getElementById("scrub").focus(); })()`),
		chromedp.KeyEvent(kb.ArrowRight), chromedp.KeyEvent(kb.ArrowRight), chromedp.KeyEvent(kb.ArrowRight),
		waitJS(`document.getElementById("player").currentTime > 0`),
		// One seek bar: the browser's own controls give way to the player's
		// bar, whose buttons are labelled and work from the keyboard.
		waitJS(`document.querySelectorAll("input[type=range]").length === 1 && !document.getElementById("player").controls && !document.getElementById("controls").hidden`),
		waitJS(`["play", "mute", "fullscreen"].every((id) => document.getElementById(id).getAttribute("aria-label")) && document.getElementById("scrub").getAttribute("aria-label") === "Seek"`),
		chromedp.Focus("#play"),
		chromedp.KeyEvent(kb.Enter),
		waitJS(`!document.getElementById("player").paused && document.getElementById("play").getAttribute("aria-label") === "Pause"`),
		chromedp.KeyEvent(kb.Enter),
		waitJS(`document.getElementById("player").paused`),
		// Share buttons: copy link (with the visitor's own ref link) says so.
		chromedp.Click("#copy-link"),
		waitJS(`(document.getElementById("share-box").dataset.shared || "").includes("?ref=") && document.querySelector("#share-box .message").textContent !== ""`),
		waitJS(`document.querySelectorAll("#share-box a.share-btn[data-net]").length === 4 && [...document.querySelectorAll("#share-box a[data-net]")].every((a) => a.href.includes(encodeURIComponent("?ref=")) || a.href.includes("ref%3D"))`),
		shot(t, b, "player-3-public-desktop"),
		chromedp.EmulateViewport(390, 844),
		shot(t, b, "player-4-public-phone"),
	)
	if err != nil {
		t.Fatal(err)
	}
	// The gallery shows the entry, at phone and desktop widths.
	err = chromedp.Do(b,
		chromedp.Navigate(e.srv.URL+"/c/"+c.Slug+"/gallery"),
		chromedp.WaitVisible(".entry-card img"),
		waitJS(`document.querySelector(".entry-card img").naturalWidth > 0`),
		shot(t, b, "gallery-phone"),
		chromedp.EmulateViewport(1280, 900),
		chromedp.Navigate(e.srv.URL+"/c/"+c.Slug),
		shot(t, b, "campaign-desktop"),
		chromedp.EmulateViewport(390, 844),
	)
	if err != nil {
		t.Fatal(err)
	}
	if got, _, _ := e.app.Gallery.Card(ctx, id); got.Views != 1 {
		t.Errorf("the counted view is not on the card: %d", got.Views)
	}
	if signedIn, err := chromedp.Run(b, chromedp.Evaluate[bool](`document.cookie.includes("`+webauth.CookieName+`=")`)); err != nil || signedIn {
		t.Error("the visitor still carries the entrant's session")
	}
}
