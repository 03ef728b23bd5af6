package app_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/tryout/tryout/internal/mail"
	"github.com/tryout/tryout/internal/rights"
)

// noSideways holds when the page does not scroll sideways.
const noSideways = `document.documentElement.scrollWidth <= window.innerWidth`

// TestBrowserYourData: an entrant signs in on their phone, downloads their
// data from "Your data" on My entries, asks to delete their account (a
// second press sends the email), opens the emailed link, reads what will
// happen and confirms; the worker deletes the account. Screenshots at
// 1280 px and 390x844.
func TestBrowserYourData(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.startWorker()
	ctx := context.Background()
	en := e.liveEntry(t, "your-data", "Cam Data", "Cam")
	const email = "cam-data@example.com"
	if res := e.do(e.jsonReq("POST", "/api/auth/link", map[string]any{"email": email}), nil); res.StatusCode != 202 {
		t.Fatalf("ask for link: %d", res.StatusCode)
	}
	signin := strings.Replace(e.latestLink(email), e.app.Cfg.PublicURL, e.srv.URL, 1)
	b := browser(t)
	err := chromedp.Do(b,
		chromedp.EmulateViewport(1280, 900),
		chromedp.Navigate(signin),
		chromedp.WaitVisible("#confirm"),
		chromedp.Click("#confirm"),
		waitJS(`location.pathname === "/me" && document.querySelector('[data-entry]') !== null`),
		chromedp.ScrollIntoView("#your-data"),
		shot(t, b, "data-1-your-data-desktop"),
		// The download link is the export; fetch it as the browser would.
		waitJS(`document.getElementById("export").hasAttribute("download") && document.getElementById("export").getAttribute("href") === "/api/me/export"`),
		waitJS(`(window.__export || (window.__export = fetch("/api/me/export").then(r => r.json()).then(d => window.__got = d)), true)`),
		waitJS(`window.__got && window.__got.entrant.email === "`+email+`" && window.__got.entries.length === 1`),
		chromedp.EmulateViewport(390, 844),
		chromedp.Reload(),
		waitJS(`document.querySelector('[data-entry]') !== null`),
		chromedp.ScrollIntoView("#your-data"),
		waitJS(noSideways),
		shot(t, b, "data-2-your-data-phone"),
		chromedp.Click("#delete-account"),
		waitJS(`!document.getElementById("delete-confirm").hidden`),
		chromedp.ScrollIntoView("#delete-confirm"),
		shot(t, b, "data-3-delete-second-press-phone"),
		chromedp.Click("#delete-send"),
		waitJS(`document.getElementById("delete-status").textContent.includes("We emailed a link to `+email+`")`),
		shot(t, b, "data-4-link-sent-phone"),
	)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.app.Rights.Deletions.Get(ctx, en.EntrantID); err == nil {
		t.Fatal("asking for the link started the deletion")
	}
	link := e.outboxLink(t, email, mail.KindAccount)
	err = chromedp.Do(b,
		chromedp.Navigate(link),
		chromedp.WaitVisible("#confirm"),
		waitJS(noSideways),
		shot(t, b, "data-5-confirm-page-phone"),
		chromedp.EmulateViewport(1280, 900),
		shot(t, b, "data-6-confirm-page-desktop"),
		chromedp.Click("#confirm"),
		chromedp.WaitVisible("#done"),
		shot(t, b, "data-7-deleting-desktop"),
	)
	if err != nil {
		t.Fatal(err)
	}
	rec := e.waitDeleted(t, en.EntrantID)
	if rec.By != "entrant" || rec.Status != rights.Done {
		t.Errorf("deletion: %+v", rec)
	}
	// Signed out: My entries asks to sign in again.
	if err := chromedp.Do(b, chromedp.Navigate(e.srv.URL+"/me"), waitJS(`location.pathname === "/signin"`)); err != nil {
		t.Fatal(err)
	}
}

// TestBrowserGuardianAndRules: a guardian reads what they agree to and
// agrees, on a phone; anyone reads a campaign's official rules. Screenshots
// at 390x844 and 1280 px.
func TestBrowserGuardianAndRules(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	now := time.Now()
	e.createCampaign("rules-shot", now.Add(-time.Hour), now.Add(30*24*time.Hour), 50<<20, 60, map[string]any{
		"guardian_age": 16, "countries": []string{"FR", "BE", "CH"}, "min_age": 13,
		"rules_text": "1. One video per person, up to 60 seconds.\n2. Your own footage and music only.\n3. Winners are picked by the jury on 1 July."})
	kid := e.signIn("june@example.com")
	var draft map[string]any
	if res := e.doWith(kid, e.jsonReq("POST", "/api/campaigns/rules-shot/drafts", map[string]any{"title": "Skate at dawn", "accept_rules": "1", "media_release": true,
		"birth_date": now.AddDate(-14, 0, 0).Format("2006-01-02"), "guardian_email": "june-parent@example.com", "country": "FR", "creator_name": "June"}), &draft); res.StatusCode != 201 {
		t.Fatalf("draft: %d %v", res.StatusCode, draft)
	}
	link := e.outboxLink(t, "june-parent@example.com", mail.KindGuardian)
	b := browser(t)
	err := chromedp.Do(b,
		chromedp.EmulateViewport(390, 844),
		chromedp.Navigate(link),
		chromedp.WaitVisible("#agreement"),
		waitJS(noSideways),
		shot(t, b, "guardian-1-consent-page-phone"),
		chromedp.Click(`input[name="agree"]`),
		chromedp.Click("#confirm"),
		chromedp.WaitVisible("#done"),
		waitJS(noSideways),
		shot(t, b, "guardian-2-thank-you-phone"),
		chromedp.Navigate(e.srv.URL+"/c/rules-shot"),
		chromedp.WaitVisible("#rules-link"),
		chromedp.Click("#rules-link"),
		chromedp.WaitVisible("#rules-text"),
		waitJS(noSideways),
		shot(t, b, "rules-1-phone"),
		chromedp.EmulateViewport(1280, 900),
		shot(t, b, "rules-2-desktop"),
	)
	if err != nil {
		t.Fatal(err)
	}
	if en, _ := e.app.Entries.Get(context.Background(), draft["id"].(string)); en.GuardianPending {
		t.Error("the entry still waits after the guardian agreed in the browser")
	}
}
