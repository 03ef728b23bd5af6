package app_test

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/tryout/tryout/internal/mail"
)

// TestBrowserEmailChoices: an entrant opens the unsubscribe link from an
// email, confirms, and later turns that kind of email back on from the
// preferences on "My entries".
func TestBrowserEmailChoices(t *testing.T) {
	t.Parallel()
	e := newEnv(t, withSMTP)
	e.startWorker()
	en := e.liveEntry(t, "prefs-browser", "Ollie Clip", "")
	const email = "ollie-clip@example.com"
	if err := e.app.Notify.Decision(context.Background(), en, ""); err != nil {
		t.Fatal(err)
	}
	unsub := strings.Trim(e.smtp.WaitFor(t, email, "is live").Header.Get("List-Unsubscribe"), "<>")
	unsub = strings.Replace(unsub, e.app.Cfg.PublicURL, e.srv.URL, 1)
	ctx := browser(t)
	err := chromedp.Do(ctx,
		chromedp.EmulateViewport(390, 844),
		chromedp.Navigate(unsub),
		chromedp.WaitVisible("#confirm"),
		shot(t, ctx, "prefs-1-unsubscribe-confirm-phone"),
		chromedp.Click("#confirm"),
		chromedp.WaitVisible("#done"),
		shot(t, ctx, "prefs-2-unsubscribed-phone"),
	)
	if err != nil {
		t.Fatal(err)
	}
	if p, _ := e.app.Entrants.MailPrefs(context.Background(), en.EntrantID); p.Allows(mail.KindDecision) {
		t.Fatalf("decisions still on after confirming: %+v", p)
	}
	// Sign in (the link from the email) and turn decisions back on.
	link := strings.Replace(linkIn(t, signInMail(t, e, email)), e.app.Cfg.PublicURL, e.srv.URL, 1)
	err = chromedp.Do(ctx,
		chromedp.Navigate(link),
		chromedp.WaitVisible("#confirm"),
		chromedp.Click("#confirm"),
		waitJS(`location.pathname === "/me" && document.querySelectorAll("#prefs-kinds input").length > 0`),
		waitJS(`!document.querySelector('#prefs-kinds input[value="entry_decision"]').checked`),
		chromedp.Click(`#prefs-kinds input[value="entry_decision"]`),
		chromedp.Click(`#prefs button[type="submit"]`),
		waitJS(`document.getElementById("prefs-status").textContent === "Saved."`),
		chromedp.ScrollIntoView("#preferences"),
		shot(t, ctx, "prefs-3-preferences-phone"),
	)
	if err != nil {
		t.Fatal(err)
	}
	if p, _ := e.app.Entrants.MailPrefs(context.Background(), en.EntrantID); !p.Allows(mail.KindDecision) || p.AllOff {
		t.Errorf("after saving in the browser: %+v", p)
	}
}

// signInMail asks for a sign-in link for email and returns the email's body.
func signInMail(t *testing.T, e *env, email string) string {
	t.Helper()
	if res := e.do(e.jsonReq("POST", "/api/auth/link", map[string]any{"email": email}), nil); res.StatusCode != 202 {
		t.Fatalf("ask for link: %d", res.StatusCode)
	}
	return e.smtp.WaitFor(t, email, "sign-in link").Body
}
