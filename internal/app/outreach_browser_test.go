package app_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/tryout/tryout/internal/gallery"
)

// TestBrowserSegmentMessage: staff compose a message to the live entrants,
// watch the preview count them and fill in the first one's name (and name
// a mistyped merge field), send it, and see the delivery report; an
// entrant signs in from their email, reads it in the inbox on their phone
// and replies; staff read the reply on the entrant's timeline.
func TestBrowserSegmentMessage(t *testing.T) {
	t.Parallel()
	e := newEnv(t, withSMTP)
	e.startWorker()
	ctx := context.Background()
	en := e.liveEntry(t, "browser-talk", "Dawn Patrol", "")
	e.liveEntry(t, "browser-talk", "Dusk Patrol", "")
	e.reviewEntry(t, "browser-talk", "Still In Review")
	cp, _ := e.app.Campaigns.GetBySlug(ctx, "browser-talk")
	b := browser(t)
	err := chromedp.Do(b,
		chromedp.EmulateViewport(1280, 900),
		chromedp.Navigate(e.srv.URL+"/admin/campaigns/"+cp.ID+"/broadcasts"),
		chromedp.WaitVisible("#login"),
		chromedp.SendKeys("#email", e.user),
		chromedp.SendKeys("#password", e.pass+"\r"),
		chromedp.WaitVisible("#broadcast-form"),
		chromedp.SetValue("#segment", "live"),
		chromedp.SendKeys("#subject", "Finals week, {{name}}"),
		chromedp.SendKeys("#body", "Hi {{nick}}"),
		waitJS(`!document.getElementById("preview-error").hidden && document.getElementById("preview-error").textContent.includes("{{nick}}")`),
		shot(t, b, "talk-1-unknown-field"),
		waitJS(`(document.getElementById("body").value = "") === ""`), // clear the body
		chromedp.SendKeys("#body", "Hi {{name}}, \"{{entry_title}}\" is in the final week. Reply and tell us how you made it!"),
		waitJS(`document.getElementById("preview-error").hidden && document.getElementById("preview-count").textContent === "2 entrants will get this."`),
		waitJS(`document.getElementById("preview-subject").textContent.startsWith("Finals week, D")`),
		shot(t, b, "talk-2-compose-preview"),
		chromedp.Click(`#broadcast-form button[type="submit"]`),
		chromedp.WaitVisible("#broadcast-status"),
	)
	if err != nil {
		t.Fatal(err)
	}
	const email = "dawn-patrol@example.com"
	e.smtp.WaitFor(t, email, "Finals week, Dawn Patrol maker")
	e.smtp.WaitFor(t, "dusk-patrol@example.com", "Finals week")
	if err := chromedp.Do(b, chromedp.Reload(), waitJS(`document.getElementById("delivery").textContent.includes("sent: 2")`), shot(t, b, "talk-3-delivery-report")); err != nil {
		t.Fatal(err)
	}

	// Some history for the entry's two-week chart on My entries.
	for d := range 5 {
		at := time.Now().AddDate(0, 0, -d)
		_ = e.app.Gallery.AddDay(ctx, en.ID, gallery.DayViews, int64(10*(d+1)), at)
		_ = e.app.Gallery.AddDay(ctx, en.ID, gallery.DayVotes, int64(d+2), at)
	}
	// The entrant, on a phone: sign in from the email, read, reply.
	link := strings.Replace(linkIn(t, signInMail(t, e, email)), e.app.Cfg.PublicURL, e.srv.URL, 1)
	err = chromedp.Do(b,
		chromedp.EmulateViewport(390, 844),
		chromedp.Navigate(link),
		chromedp.WaitVisible("#confirm"),
		chromedp.Click("#confirm"),
		waitJS(`[...document.querySelectorAll(".message-card h3")].some((h) => h.textContent === "Finals week, Dawn Patrol maker")`),
		waitJS(`document.querySelectorAll(".stats .chart rect").length === 28 && document.querySelector(".stats .legend").textContent.includes("150 views")`),
		shot(t, b, "talk-4a-dashboard-phone"),
		chromedp.Click(`.message-card details summary`),
		chromedp.SendKeys(`.message-card textarea`, "Shot it at 6am on a borrowed board!"),
		chromedp.Click(`.message-card .reply-form button`),
		waitJS(`document.querySelector(".message-card .reply") && document.querySelector(".message-card .reply").textContent.includes("borrowed board")`),
		chromedp.ScrollIntoView(".message-card"),
		shot(t, b, "talk-4-inbox-reply-phone"),
	)
	if err != nil {
		t.Fatal(err)
	}

	// Staff read it on the entrant's page.
	err = chromedp.Do(b,
		chromedp.EmulateViewport(1280, 900),
		chromedp.Navigate(e.srv.URL+"/admin/entrants/"+en.EntrantID),
		waitJS(`document.querySelector("#timeline .event-reply") && document.querySelector("#timeline .event-reply").textContent.includes("Shot it at 6am on a borrowed board!")`),
		shot(t, b, "talk-5-entrant-timeline"),
	)
	if err != nil {
		t.Fatal(err)
	}
}

// TestBrowserTemplateEditor: staff edit the "live" message; the preview
// follows their typing with sample values, names a mistyped merge field,
// and the saved words are what the editor shows next time.
func TestBrowserTemplateEditor(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	now := time.Now()
	e.createCampaign("words", now.Add(-time.Hour), now.Add(time.Hour), 50<<20, 60)
	cp, _ := e.app.Campaigns.GetBySlug(context.Background(), "words")
	b := browser(t)
	err := chromedp.Do(b,
		chromedp.EmulateViewport(1280, 900),
		chromedp.Navigate(e.srv.URL+"/admin/campaigns/"+cp.ID+"/messages?stage=live"),
		chromedp.WaitVisible("#login"),
		chromedp.SendKeys("#email", e.user),
		chromedp.SendKeys("#password", e.pass+"\r"),
		chromedp.WaitVisible("#template-form"),
		waitJS(`(document.getElementById("subject").value = "") === ""`),
		chromedp.SendKeys("#subject", "{{entry_title}} is live, {{nme}}!"),
		waitJS(`document.getElementById("preview-error").textContent.includes("{{nme}}")`),
		shot(t, b, "words-1-unknown-field"),
		waitJS(`(document.getElementById("subject").value = "") === ""`),
		chromedp.SendKeys("#subject", "{{entry_title}} is live, {{name}}!"),
		waitJS(`document.getElementById("preview-error").hidden && document.getElementById("preview-subject").textContent === "Kickflip at dawn is live, Sam!"`),
		shot(t, b, "words-2-preview"),
		chromedp.Click(`#template-form button[type="submit"]`),
		waitJS(`document.querySelector(".notice") && document.querySelector(".notice").textContent.includes("Saved")`),
		waitJS(`document.getElementById("subject").value === "{{entry_title}} is live, {{name}}!"`),
		shot(t, b, "words-3-saved"),
	)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := e.app.Campaigns.Get(context.Background(), cp.ID); got.Messages["live"].Subject != "{{entry_title}} is live, {{name}}!" {
		t.Errorf("saved: %+v", got.Messages)
	}
}
