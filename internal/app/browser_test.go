package app_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/tryout/tryout/internal/entries"
	"github.com/tryout/tryout/internal/testkit"
)

// browser starts Debian's Chromium headless for the test.
func browser(t *testing.T) context.Context {
	t.Helper()
	return browserFor(t, 2*time.Minute)
}

// browserFor is browser with a longer hang guard, for tests that walk
// through many pages.
func browserFor(t *testing.T, guard time.Duration) context.Context {
	t.Helper()
	if _, err := os.Stat("/usr/bin/chromium"); err != nil {
		t.Fatal("Chromium is not installed: run scripts/install.sh (make test does)")
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath("/usr/bin/chromium"), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("no-first-run", true), chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
	}
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelC := chromedp.NewContext(actx)
	ctx, cancelT := context.WithTimeout(ctx, guard) // a hang guard, not a speed check
	t.Cleanup(func() { cancelT(); cancelC(); cancelA() })
	return ctx
}

// shot saves a full-page screenshot to TRYOUT_SCREENSHOT_DIR (or the test's
// temp dir) for a person to look at.
func shot(t *testing.T, ctx context.Context, name string) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
		b, err := chromedp.FullScreenshot(100)(ctx, tg)
		// Just after a navigation the page may not be laid out yet ("0 width").
		for i := 0; err != nil && strings.Contains(err.Error(), "0 width") && i < 50; i++ {
			time.Sleep(100 * time.Millisecond)
			b, err = chromedp.FullScreenshot(100)(ctx, tg)
		}
		if err != nil {
			return chromedp.Void{}, err
		}
		dir := os.Getenv("TRYOUT_SCREENSHOT_DIR")
		if dir == "" {
			dir = t.TempDir()
		}
		_ = os.MkdirAll(dir, 0o755)
		return chromedp.Void{}, os.WriteFile(filepath.Join(dir, name+".png"), b, 0o644)
	}
}

// waitJS polls a JavaScript condition ten times a second, riding through
// page navigations, until it holds or the browser's context ends; the
// error then names the condition, the last error and the page.
func waitJS(js string) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
		for {
			ok, err := chromedp.Evaluate[bool](js)(ctx, tg)
			if err == nil && ok {
				return chromedp.Void{}, nil
			}
			select {
			case <-ctx.Done():
				page, _ := chromedp.Evaluate[string](`location.pathname + " " + document.body.innerText.slice(0, 400)`)(ctx, tg)
				return chromedp.Void{}, fmt.Errorf("waiting for %s: %w (last error %v); page: %s", js, ctx.Err(), err, page)
			case <-time.After(100 * time.Millisecond):
			}
		}
	}
}

// TestBrowserEntryFlow drives the real pages: sign in with the emailed link,
// fill the entry form, upload a video straight to storage, lose the
// connection mid-upload, pause and resume, and see the entry received.
func TestBrowserEntryFlow(t *testing.T) {
	t.Parallel()
	var proxy *testkit.Proxy
	// Browsers reach storage through a slow proxy the test can cut off.
	viaProxy := func(t *testing.T, k *testkit.Kit, e *env) {
		proxy = testkit.StartProxy(t, k.Config.S3Endpoint, 6<<20)
		k.Config.S3PublicEndpoint = proxy.Addr
	}
	e := newEnv(t, withSMTP, viaProxy)
	e.startWorker()
	now := time.Now()
	e.createCampaign("browser-tricks", now.Add(-time.Hour), now.Add(24*time.Hour), 100<<20, 60,
		map[string]any{"rules_text": "Be kind. Two entries each.", "min_age": 13, "max_entries_per_entrant": 2})
	video := filepath.Join(t.TempDir(), "my-trick.mp4")
	if err := os.WriteFile(video, videoOfSize(t, 30<<20), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx := browserFor(t, 5*time.Minute)
	page := e.srv.URL + "/c/browser-tricks"
	act := func(f func()) chromedp.Action[chromedp.Void] {
		return func(context.Context, *chromedp.Target) (chromedp.Void, error) { f(); return chromedp.Void{}, nil }
	}

	// 1. Signed out: ask for a sign-in link.
	err := chromedp.Do(ctx,
		chromedp.EmulateViewport(390, 844),
		chromedp.Navigate(page),
		chromedp.WaitVisible("#signin"),
		shot(t, ctx, "1-signin-phone"),
		chromedp.SendKeys("#email", "rider@example.com"),
		chromedp.Click(`#signin button`),
		waitJS(`document.querySelector("#signin .message").textContent.includes("Check your email")`),
		shot(t, ctx, "2-link-sent-phone"),
	)
	if err != nil {
		t.Fatal(err)
	}
	// 2. The link from the email, opened in the same browser.
	link := linkIn(t, e.smtp.WaitFor(t, "rider@example.com", "sign-in link").Body)
	link = strings.Replace(link, e.kit.Config.PublicURL, e.srv.URL, 1)
	born := now.AddDate(-20, 0, 0)
	err = chromedp.Do(ctx,
		chromedp.Navigate(link),
		chromedp.WaitVisible("#confirm"),
		chromedp.Click("#confirm"),
		// The confirm form navigates: wait for the new document to finish
		// loading, or a node found while it parses may be gone when used.
		waitJS(`document.readyState === "complete" && document.getElementById("details") !== null`),
		chromedp.WaitVisible("#details"),
		chromedp.SendKeys("#title", "Kickflip down the stairs"),
		chromedp.SendKeys("#description", "Third try was the charm."),
		chromedp.SendKeys("#creator_name", "Maya"),
		chromedp.SetValue("#birth_date", born.Format("2006-01-02")),
		chromedp.Click(`input[name="accept_rules"]`),
		chromedp.Click(`input[name="media_release"]`),
		shot(t, ctx, "3-details-phone"),
		chromedp.Click(`#details button[type="submit"]`),
		chromedp.WaitVisible("#uploader"),
		shot(t, ctx, "4-choose-file-phone"),
	)
	if err != nil {
		t.Fatal(err)
	}
	// The draft exists before any byte is uploaded.
	list, _ := e.app.Entries.ListByCampaign(context.Background(), campaignID(t, e, "browser-tricks"), 5)
	if len(list) != 1 || list[0].Status != entries.Draft || list[0].Title != "Kickflip down the stairs" {
		t.Fatalf("after saving details: %+v", list)
	}
	id := list[0].ID

	// 3. Upload; the meter says how far, how fast and how long; a third
	// of the way in, storage becomes unreachable for 3 s.
	err = chromedp.Do(ctx,
		chromedp.SetUploadFiles("#file", []string{video}),
		waitJS(`/^\d+%$/.test(document.getElementById("up-pct").textContent) && / of 31\.5 MB$/.test(document.getElementById("up-bytes").textContent)
			&& / MB\/s$/.test(document.getElementById("up-speed").textContent) && /^about .+ left$/.test(document.getElementById("up-left").textContent)`),
		shot(t, ctx, "4b-uploading-phone"),
		waitJS(`document.getElementById("progress").value >= 30`),
		act(func() { proxy.Outage(3 * time.Second) }),
		waitJS(`document.getElementById("upload-status").textContent.includes("Connection problem")`),
		shot(t, ctx, "5-connection-lost-phone"),
		// It recovers by itself; then the entrant pauses and resumes.
		waitJS(`document.getElementById("progress").value >= 65 && !document.getElementById("pause").disabled`),
		waitJS(`(window.__before = document.getElementById("progress").value) > 0`),
		chromedp.Click("#pause"),
		waitJS(`document.getElementById("upload-status").textContent.includes("Paused at")`),
		// Pausing keeps the progress made (it used to drop the bar to 0).
		waitJS(`document.getElementById("progress").value >= window.__before && document.getElementById("up-pct").textContent === document.getElementById("progress").value + "%"`),
		shot(t, ctx, "6-paused-phone"),
		chromedp.Click("#resume"),
		// The worker may already have moved it on by the time the page shows.
		waitJS(`location.pathname === "/me" && document.querySelector('[data-status="received"], [data-status="processing"], [data-status="in_review"]') !== null`),
		shot(t, ctx, "7-received-phone"),
		// The entrant's way around: the header, a link to the entry's page,
		// the next thing to do, and the thank-you addressed by the name
		// they typed, its link clickable.
		waitJS(`!!document.getElementById("nav-me") && !!document.getElementById("nav-signout") && !document.getElementById("nav-signin")`),
		waitJS(`!!document.querySelector('.entry-summary h2 a[href="/e/`+id+`"]') && !!document.querySelector(".entry-summary .next-action")`),
		waitJS(`[...document.querySelectorAll(".message-card .pre")].some((p) => p.textContent.startsWith("Hi Maya,") && p.querySelector("a[href$='/me']"))`),
		chromedp.EmulateViewport(1280, 900),
		shot(t, ctx, "8-received-desktop"),
		chromedp.Navigate(page+"?entry="+id),
		chromedp.WaitVisible("body"),
	)
	if err != nil {
		fctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		status, _ := chromedp.Run(fctx, chromedp.Evaluate[string](`location.pathname + " | " + (document.getElementById("upload-status") || document.body).textContent`))
		_ = chromedp.Do(fctx, shot(t, ctx, "fail"))
		t.Fatalf("%v; page: %s", err, status)
	}
	got, err := e.app.Entries.Get(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	if got.History[len(got.History)-1].At.IsZero() || !receivedAt(got) || got.Original.Size != 30<<20 || got.Upload != nil {
		t.Fatalf("entry after the browser flow: %s size %d upload %v", got.Status, got.Original.Size, got.Upload)
	}
	e.smtp.WaitFor(t, "rider@example.com", "Thanks for your entry")
	t.Logf("proxy carried %d MB for a %d MB file (retries after the outage resend only the parts that broke)", proxy.Uploaded()>>20, 30)
	// A second entry with a file that is not a video: the upload is
	// refused, the meter goes back to zero, Resume stays off and the file
	// picker has the focus for another try; the details are kept.
	junk := filepath.Join(t.TempDir(), "not-a-video.mp4")
	if err := os.WriteFile(junk, []byte(strings.Repeat("not a video at all ", 120000)), 0o600); err != nil {
		t.Fatal(err)
	}
	err = chromedp.Do(ctx,
		chromedp.EmulateViewport(390, 844),
		chromedp.Navigate(page),
		chromedp.WaitVisible("#details"),
		chromedp.SendKeys("#title", "Second try"),
		chromedp.SetValue("#birth_date", born.Format("2006-01-02")),
		chromedp.Click(`input[name="accept_rules"]`),
		chromedp.Click(`input[name="media_release"]`),
		chromedp.Click(`#details button[type="submit"]`),
		chromedp.WaitVisible("#uploader"),
		chromedp.SetUploadFiles("#file", []string{junk}),
		waitJS(`document.getElementById("upload-status").textContent.includes("not a video") && document.getElementById("upload-status").classList.contains("error")`),
		waitJS(`document.getElementById("progress").value === 0 && document.getElementById("up-pct").textContent === "0%"`),
		waitJS(`document.getElementById("resume").disabled && document.getElementById("pause").disabled && document.activeElement.id === "file"`),
		shot(t, ctx, "10-refused-file-phone"),
	)
	if err != nil {
		t.Fatal(err)
	}
	// Desktop width of the entry form, for the record.
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 900), chromedp.Navigate(page), chromedp.WaitVisible("body"), shot(t, ctx, "9-campaign-desktop")); err != nil {
		t.Fatal(err)
	}
}

// receivedAt reports whether the entry went draft -> uploading -> received.
func receivedAt(e entries.Entry) bool {
	var path []string
	for _, h := range e.History {
		path = append(path, string(h.To))
	}
	return strings.HasPrefix(strings.Join(path, ","), "draft,uploading,received")
}

func campaignID(t *testing.T, e *env, slug string) string {
	c, err := e.app.Campaigns.GetBySlug(context.Background(), slug)
	if err != nil {
		t.Fatal(err)
	}
	return c.ID
}
