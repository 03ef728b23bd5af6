package app_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/tryout/tryout/internal/entries"
	"github.com/tryout/tryout/internal/staff"
	"github.com/tryout/tryout/internal/testkit"
)

// TestBrowserModerationByKeyboard: a moderator signs in and works the queue
// with the keyboard alone: approves one entry, rejects one with a reason,
// requests changes on one; each entrant gets the message.
func TestBrowserModerationByKeyboard(t *testing.T) {
	t.Parallel()
	e := newEnv(t, withSMTP)
	e.startWorker()
	e.addStaff("moderator@example.com", "moderator password", staff.Moderator)
	now := time.Now()
	c := e.createCampaign("keyboard", now.Add(-time.Hour), now.Add(time.Hour), 50<<20, 60)
	// One real entry, uploaded and processed, so the player has a video.
	video := readFile(t, testkit.Video(t, t.TempDir(), testkit.Clip{Seconds: 4, Width: 640, Height: 360, Audio: true}))
	fan := e.signIn("first-fan@example.com")
	var created map[string]any
	if res := e.upload(fan, c.Slug, append(consents(), part{name: "title", content: "Real video"}, part{name: "file", filename: "a.mp4", content: video}), &created); res.StatusCode != http.StatusCreated {
		t.Fatalf("upload: %d %v", res.StatusCode, created)
	}
	e.waitStatus(fan, created["id"].(string), "in_review")
	e.reviewEntry(t, "keyboard", "Second video")
	e.reviewEntry(t, "keyboard", "Third video")

	b := browser(t)
	// Keys go to the page only once its shortcuts are listening.
	key := func(k string) chromedp.Action[chromedp.Void] {
		return func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
			if _, err := waitJS(`document.documentElement.dataset.keys === "ready"`)(ctx, tg); err != nil {
				return chromedp.Void{}, err
			}
			return chromedp.KeyEvent(k)(ctx, tg)
		}
	}
	decided := map[string]string{} // entry id -> decision
	current := func(decision string) chromedp.Action[chromedp.Void] {
		return func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
			p, err := chromedp.Evaluate[string](`location.pathname`)(ctx, tg)
			decided[strings.TrimPrefix(p, "/admin/entries/")] = decision
			return chromedp.Void{}, err
		}
	}
	err := chromedp.Do(b,
		chromedp.EmulateViewport(1280, 900),
		chromedp.Navigate(e.srv.URL+"/admin/queue"),
		chromedp.WaitVisible("#login"),
		chromedp.SendKeys("#email", "moderator@example.com"),
		chromedp.SendKeys("#password", "moderator password\r"),
		waitJS(`location.pathname === "/admin/queue" && document.querySelectorAll("table.queue tbody tr").length === 3`),
		shot(t, b, "console-1-queue"),
		key("j"), key("k"), // move down and back up
		waitJS(`document.querySelector("tr.selected") === document.querySelector("table.queue tbody tr")`),
		key("\r"),
		waitJS(`location.pathname.startsWith("/admin/entries/")`),
		waitJS(`(() => { const v = document.getElementById("player"); return !v || v.readyState >= 1; })()`),
		shot(t, b, "console-2-review"),
		current("approve"),
		key("a"),
		waitJS(`document.querySelector(".notice") !== null && document.querySelector(".notice").textContent.includes("Approved")`),
		current("reject"),
		key("r"),
		waitJS(`document.activeElement && document.activeElement.id === "reject-reason"`),
		chromedp.SendKeys("#reject-reason", "Your video shows people who have not agreed to appear in it."),
		shot(t, b, "console-3-reject"),
		key("\r"), // a line break, not a submission
		chromedp.KeyEvent("\r", chromedp.KeyModifiers(chromedp.ModifierCtrl)),
		waitJS(`document.querySelector(".notice") !== null && document.querySelector(".notice").textContent.includes("Rejected")`),
		current("changes"),
		key("c"),
		waitJS(`document.activeElement && document.activeElement.id === "changes-reason"`),
		chromedp.SendKeys("#changes-reason", "Please trim the first ten seconds."),
		chromedp.KeyEvent("\r", chromedp.KeyModifiers(chromedp.ModifierCtrl)),
		waitJS(`location.pathname === "/admin/queue" && document.body.innerText.includes("Nothing waiting")`),
		shot(t, b, "console-4-done"),
	)
	if err != nil {
		fctx, cancel := context.WithTimeout(b, 10*time.Second)
		defer cancel()
		page, _ := chromedp.Run(fctx, chromedp.Evaluate[string](`location.href + " | " + document.documentElement.outerHTML.slice(0, 1500)`))
		t.Fatalf("%v; page: %s", err, page)
	}
	ctx := context.Background()
	want := map[string]struct {
		status          entries.Status
		reason, subject string
	}{
		"approve": {entries.Live, "", "is live"},
		"reject":  {entries.Rejected, "Your video shows people who have not agreed to appear in it.\n", "About your entry"},
		"changes": {entries.NeedsChanges, "Please trim the first ten seconds.", "A change is needed"},
	}
	for id, d := range decided {
		got, err := e.app.Entries.Get(ctx, id)
		if err != nil {
			t.Fatalf("%s: %v", id, err)
		}
		if got.Status != want[d].status || got.StatusReason != strings.TrimSpace(want[d].reason) {
			t.Errorf("%s after %s: %s %q", got.Title, d, got.Status, got.StatusReason)
		}
		who, _ := e.app.Entrants.Get(ctx, got.EntrantID)
		e.smtp.WaitFor(t, who.Email, want[d].subject)
	}
	if len(decided) != 3 {
		t.Errorf("decided %v", decided)
	}
}

// TestBrowserCampaignForm: an owner fills the campaign form; a mistake is
// shown next to its field and the typed values stay.
func TestBrowserCampaignForm(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	b := browser(t)
	err := chromedp.Do(b,
		chromedp.EmulateViewport(1280, 900),
		chromedp.Navigate(e.srv.URL+"/admin/campaigns/new"),
		chromedp.WaitVisible("#login"),
		chromedp.SendKeys("#email", e.user),
		chromedp.SendKeys("#password", e.pass+"\r"),
		chromedp.WaitVisible("#campaign"),
		chromedp.SendKeys("#name", "Winter jumps"),
		chromedp.SendKeys("#slug", "Winter Jumps!"),
		chromedp.SendKeys("#brand_color", "blue"),
		chromedp.Click(`#campaign button[type="submit"]`),
		chromedp.WaitVisible("#problem"),
		shot(t, b, "console-5-campaign-errors"),
	)
	if err != nil {
		t.Fatal(err)
	}
	name, err := chromedp.Run(b, chromedp.Evaluate[string](`document.getElementById("name").value + "|" + document.querySelector("#slug").getAttribute("aria-invalid") + "|" + document.getElementById("slug-err").textContent`))
	if err != nil || !strings.HasPrefix(name, "Winter jumps|true|use 3 to 60 lowercase") {
		t.Errorf("after a refused save: %q %v", name, err)
	}
}
