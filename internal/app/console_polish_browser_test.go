package app_test

import (
	"context"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestBrowserConsolePolish: the console's rough edges, each checked the
// way staff meet it. A wrong password keeps the email typed; the home
// page's campaign links are a row of small links, not heading text; on a
// phone the header stays compact; the reject reasons are a styled select;
// the outbox's sign-in links are links; a staff message just sent says it
// is being sent (not "scheduled") and its delivery row is never empty.
func TestBrowserConsolePolish(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.startWorker()
	e.liveEntry(t, "console-polish", "Dawn Patrol", "Dawn")
	e.liveEntry(t, "console-polish", "Dusk Patrol", "")
	review := e.reviewEntry(t, "console-polish", "Still In Review")
	cp, err := e.app.Campaigns.GetBySlug(context.Background(), "console-polish")
	if err != nil {
		t.Fatal(err)
	}
	if res := e.do(e.jsonReq("POST", "/api/auth/link", map[string]any{"email": "fan@example.com"}), nil); res.StatusCode != 202 {
		t.Fatalf("ask for a link: %d", res.StatusCode)
	}
	b := browserFor(t, 5*time.Minute)
	err = chromedp.Do(b,
		chromedp.EmulateViewport(390, 844),
		chromedp.Navigate(e.srv.URL+"/admin/login"),
		chromedp.WaitVisible("#login"),
		chromedp.SendKeys("#email", e.user),
		chromedp.SendKeys("#password", "not my password\r"),
		chromedp.WaitVisible("#problem"),
		waitJS(`document.getElementById("email").value === "`+e.user+`" && document.getElementById("password").value === "" && document.activeElement.id === "password"`),
		shot(t, b, "polish-1-wrong-password-phone"),
		chromedp.SendKeys("#password", e.pass+"\r"),
		waitJS(`location.pathname === "/admin/"`),
		// The header fits in a few lines of a phone screen.
		waitJS(`document.querySelector("header.bar").getBoundingClientRect().height <= 844 * 0.15`),
		waitJS(`!document.querySelector("main h2 a[href$='/edit']") && !!document.querySelector(".console-links a[href$='/edit']")
			&& parseFloat(getComputedStyle(document.querySelector(".console-links a")).fontSize) < parseFloat(getComputedStyle(document.querySelector("main h2")).fontSize)`),
		shot(t, b, "polish-2-console-phone"),
		chromedp.EmulateViewport(1280, 900),
		shot(t, b, "polish-2-console-desktop"),
		chromedp.Navigate(e.srv.URL+"/admin/entries/"+review.ID),
		chromedp.WaitVisible("#reject-template"),
		waitJS(`(() => { const cs = getComputedStyle(document.getElementById("reject-template")); return cs.appearance === "none" && cs.borderTopLeftRadius === "8px" && parseFloat(cs.minHeight) >= 44; })()`),
		chromedp.Navigate(e.srv.URL+"/admin/outbox"),
		waitJS(`!!document.querySelector('.outbox article a[href*="/auth/callback?token="]')`),
		shot(t, b, "polish-3-outbox-desktop"),
		chromedp.Navigate(e.srv.URL+"/admin/campaigns/"+cp.ID+"/broadcasts"),
		chromedp.WaitVisible("#broadcast-form"),
		chromedp.SetValue("#segment", "live"),
		chromedp.SendKeys("#subject", "Voting is open, {{name}}!"),
		chromedp.SendKeys("#body", "Share {{share_link}} with your friends."),
		waitJS(`document.getElementById("preview-count").textContent === "2 entrants will get this."`),
		// The preview greets the entrant by the name they gave, or "there".
		waitJS(`["Voting is open, Dawn!", "Voting is open, Dusk Patrol maker!"].includes(document.getElementById("preview-subject").textContent)`),
		chromedp.Click(`#broadcast-form button[type="submit"]`),
		chromedp.WaitVisible("#broadcast-status"),
		waitJS(`["sending now", "sent"].includes(document.getElementById("broadcast-status").textContent) && document.getElementById("delivery").textContent.trim() !== ""`),
		shot(t, b, "polish-4-just-sent-desktop"),
		// It refreshes itself until every copy is written.
		waitJS(`document.getElementById("broadcast-status").textContent === "sent" && document.getElementById("delivery").textContent.includes("kept: 2")`),
		shot(t, b, "polish-5-sent-desktop"),
	)
	if err != nil {
		t.Fatal(err)
	}
}
