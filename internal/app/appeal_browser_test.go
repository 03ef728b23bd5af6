package app_test

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/tryout/tryout/internal/entries"
	"github.com/tryout/tryout/internal/staff"
	"github.com/tryout/tryout/internal/testkit"
)

// TestBrowserAutomaticVerdictAndAppeal: the entrant sees that a machine
// refused their entry, what it found, and asks a person to look, on the
// entry page and from My entries, on a phone and a desktop.
func TestBrowserAutomaticVerdictAndAppeal(t *testing.T) {
	t.Parallel()
	e := newEnv(t, withSMTP)
	e.startWorker() // sends the sign-in email
	const email = "sam@example.com"
	const black = "Your video is black from start to end, so there is nothing to watch. Check the export."
	auto := e.decidedEntry(t, "verdicts", email, "Night skate", entries.Rejected, true, entries.CodeBlack, black)
	long := e.decidedEntry(t, "verdicts", email, "Long skate", entries.Failed, true, entries.CodeTooLong,
		"Your video is 3 minutes long; this contest takes videos up to 1 minute. Trim it and upload it again.")
	ctx := browser(t)
	link := strings.Replace(linkIn(t, signInMail(t, e, email)), e.app.Cfg.PublicURL, e.srv.URL, 1)
	err := chromedp.Do(ctx,
		chromedp.EmulateViewport(390, 844),
		chromedp.Navigate(link),
		chromedp.WaitVisible("#confirm"),
		chromedp.Click("#confirm"),
		waitJS(`location.pathname === "/me" && document.querySelectorAll("button.appeal").length === 2`),
		waitJS(`document.body.innerText.includes("length does not fit") && !document.body.innerText.includes("could not process")`),
		waitJS(noSideways),
		shot(t, ctx, "verdict-1-my-entries-phone"),
		chromedp.Navigate(e.srv.URL+"/e/"+auto.ID),
		chromedp.WaitVisible("#appeal-button"),
		waitJS(`document.getElementById("status-meaning").textContent.includes("automatic check") && document.getElementById("status-reason").textContent.includes("black from start to end")`),
		waitJS(noSideways),
		shot(t, ctx, "verdict-2-entry-phone"),
		chromedp.EmulateViewport(1280, 900),
		shot(t, ctx, "verdict-3-entry-desktop"),
		chromedp.Click("#appeal-button"),
		waitJS(`document.querySelector("#appeal .message").textContent.startsWith("Done") && document.getElementById("status-name").textContent === "In review"`),
		shot(t, ctx, "verdict-4-appealed-desktop"),
		chromedp.EmulateViewport(390, 844),
		waitJS(noSideways),
		shot(t, ctx, "verdict-5-appealed-phone"),
		chromedp.Navigate(e.srv.URL+"/me"),
		waitJS(`document.querySelectorAll("button.appeal").length === 1 && document.body.innerText.includes("You asked a person to look")`),
		chromedp.EmulateViewport(1280, 900),
		shot(t, ctx, "verdict-6-my-entries-desktop"),
	)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := e.app.Entries.Get(context.Background(), auto.ID)
	if !got.Appealed() {
		t.Errorf("after the click: %s, appealed %v", got.Status, got.Appealed())
	}
	if got, _ := e.app.Entries.Get(context.Background(), long.ID); got.Status != entries.Failed {
		t.Errorf("the other entry changed: %s", got.Status)
	}
}

// TestBrowserUploaderRefusesNonVideo: a PNG chosen as the video is refused
// from its first bytes, with a clear message, before any part is sent.
func TestBrowserUploaderRefusesNonVideo(t *testing.T) {
	t.Parallel()
	e := newEnv(t, withSMTP)
	e.startWorker() // sends the sign-in email
	now := time.Now()
	e.createCampaign("sniffing", now.Add(-time.Hour), now.Add(24*time.Hour), 100<<20, 60)
	png := testkit.Image(t, t.TempDir())
	named := filepath.Join(t.TempDir(), "holiday.mp4") // a misleading name: the bytes decide
	b, _ := os.ReadFile(png)
	if err := os.WriteFile(named, b, 0o600); err != nil {
		t.Fatal(err)
	}
	const email = "pat@example.com"
	ctx := browser(t)
	link := strings.Replace(linkIn(t, signInMail(t, e, email)), e.app.Cfg.PublicURL, e.srv.URL, 1)
	err := chromedp.Do(ctx,
		chromedp.EmulateViewport(390, 844),
		chromedp.Navigate(link),
		chromedp.WaitVisible("#confirm"),
		chromedp.Click("#confirm"),
		waitJS(`location.pathname === "/me"`),
		chromedp.Navigate(e.srv.URL+"/c/sniffing"),
		chromedp.WaitVisible("#details"),
		chromedp.SendKeys("#title", "Holiday"),
		chromedp.Click(`input[name="accept_rules"]`),
		chromedp.Click(`input[name="media_release"]`),
		chromedp.Click(`#details button[type="submit"]`),
		chromedp.WaitVisible("#uploader"),
		chromedp.SetUploadFiles("#file", []string{named}),
		waitJS(`document.getElementById("upload-status").textContent.includes("PNG image, not a video")`),
		waitJS(noSideways),
		shot(t, ctx, "uploader-1-png-refused-phone"),
		chromedp.EmulateViewport(1280, 900),
		shot(t, ctx, "uploader-2-png-refused-desktop"),
	)
	if err != nil {
		t.Fatal(err)
	}
	list, _ := e.app.Entries.ListByCampaign(context.Background(), campaignID(t, e, "sniffing"), 5)
	if len(list) != 1 || list[0].Status != entries.Draft || list[0].Upload != nil {
		t.Fatalf("after choosing a PNG: %+v", list)
	}
	n, err := e.kit.Blobs.PendingUploads(context.Background(), e.kit.Config.S3BucketOriginals, "")
	keys, _ := e.kit.Blobs.List(context.Background(), e.kit.Config.S3BucketOriginals, "")
	if err != nil || n != 0 || len(keys) != 0 {
		t.Errorf("storage after choosing a PNG: %d uploads started, objects %v, %v", n, keys, err)
	}
}

// TestBrowserDuplicateEvidence: an entry that looks like another reaches
// the moderator with the evidence side by side (both posters, the
// matching time ranges, the score), never refused by the machine.
func TestBrowserDuplicateEvidence(t *testing.T) {
	t.Parallel()
	e := newEnv(t, withSMTP)
	e.startWorker()
	e.addStaff("moderator@example.com", "moderator password", staff.Moderator)
	now := time.Now()
	c := e.createCampaign("lookalikes", now.Add(-time.Hour), now.Add(time.Hour), 50<<20, 60)
	dir := t.TempDir()
	first := testkit.Video(t, dir, testkit.Clip{Seconds: 6, Width: 640, Height: 360, Audio: true})
	again := filepath.Join(dir, "again.mp4") // the same video, re-encoded smaller
	testkit.FFmpeg(t, "-i", first, "-vf", "scale=320:180", "-c:v", "libx264", "-preset", "ultrafast", "-crf", "32", "-c:a", "aac", again)
	var ids []string
	for i, path := range []string{first, again} {
		fan := e.signIn(fmt.Sprintf("maker%d@example.com", i))
		var created map[string]any
		if res := e.upload(fan, c.Slug, append(consents(), part{name: "title", content: fmt.Sprintf("Skate %d", i+1)},
			part{name: "file", filename: "a.mp4", content: readFile(t, path)}), &created); res.StatusCode != http.StatusCreated {
			t.Fatalf("upload: %d %v", res.StatusCode, created)
		}
		e.waitStatus(fan, created["id"].(string), "in_review")
		ids = append(ids, created["id"].(string))
	}
	b := browser(t)
	err := chromedp.Do(b,
		chromedp.EmulateViewport(1280, 900),
		chromedp.Navigate(e.srv.URL+"/admin/entries/"+ids[1]),
		chromedp.WaitVisible("#login"),
		chromedp.SendKeys("#email", "moderator@example.com"),
		chromedp.SendKeys("#password", "moderator password\r"),
		waitJS(`document.querySelector(".evidence") !== null && [...document.querySelectorAll(".evidence img")].every(i => i.complete && i.naturalWidth > 0) && document.querySelectorAll(".evidence img").length === 2`),
		waitJS(`document.querySelector(".evidence").innerText.includes("Similar") && document.querySelector(".evidence").innerText.includes("0:00")`),
		shot(t, b, "evidence-1-review-desktop"),
		chromedp.EmulateViewport(390, 844),
		shot(t, b, "evidence-2-review-phone"),
		// The evidence fits the phone (the console's header does not yet:
		// its sign-out forms overflow on every console page).
		waitJS(`[...document.querySelectorAll(".evidence, .evidence *")].every(n => n.getBoundingClientRect().right <= window.innerWidth)`),
	)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := e.app.Entries.Get(context.Background(), ids[1])
	if got.Status != entries.InReview || got.Automatic() && got.Status == entries.Rejected {
		t.Errorf("a lookalike was decided by the machine: %s", got.Status)
	}
}
