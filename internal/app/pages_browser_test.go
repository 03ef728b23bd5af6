package app_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/tryout/tryout/internal/webauth"
)

func or(a, b string) string {
	if a != "" {
		return "return " + a
	}
	return "return " + b
}

// timeZone makes the browser live in an IANA time zone.
func timeZone(id string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, emulation.SetTimezoneOverride, emulation.SetTimezoneOverrideParams{TimezoneID: id})
		return err
	})
}

// entrantCookie puts an entrant's session in the browser.
func entrantCookie(e *env, value string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, network.SetCookie, network.SetCookieParams{Name: webauth.CookieName, Value: value, URL: e.srv.URL, Path: "/"})
		return err
	})
}

func dropCookies() chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, network.ClearBrowserCookies, cdp.Empty{})
		return err
	})
}

// staffSignIn signs the owner in through the console's form.
func staffSignIn(e *env) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(
		chromedp.Navigate(e.srv.URL+"/admin/login"),
		chromedp.WaitVisible("#login"),
		chromedp.SendKeys("#email", e.user),
		chromedp.SendKeys("#password", e.pass+"\r"),
		waitJS(`location.pathname === "/admin/"`),
	)
}

// pageCheck is a page a browser test opens: where, the selector that says
// it has loaded, who looks at it ("", entrant, staff) and JavaScript that
// must hold on it.
type pageCheck struct{ name, path, ready, as, check string }

// phoneAndDesktop are the sizes every page is looked at in.
var phoneAndDesktop = []struct {
	w, h int64
	tag  string
}{{1280, 900, "desktop"}, {390, 844, "phone"}}

// visitPage opens p in b at 1280x900 and on a 390x844 phone and checks it
// each time: it loads and p.check holds (else the page's opening text is
// reported), axe-core finds nothing serious, it does not scroll sideways,
// and it is kept as the screenshot prefix-name-size; with keyboard, Tab
// reaches every control on the desktop page with a visible focus ring.
func visitPage(t *testing.T, b context.Context, base string, p pageCheck, prefix string, keyboard bool) {
	t.Helper()
	for _, size := range phoneAndDesktop {
		pctx, cancel := context.WithTimeout(b, time.Minute) // one page's hang guard
		err := chromedp.Do(pctx,
			chromedp.EmulateViewport(size.w, size.h),
			chromedp.Navigate(base+p.path),
			chromedp.WaitReady(p.ready),
			waitJS(`document.readyState === "complete"`),
			waitJS(`(() => { `+or(p.check, "true")+` })() !== false`),
		)
		cancel()
		if err != nil {
			seen, _ := chromedp.Run(b, chromedp.Evaluate[string](`document.documentElement.lang + " | " + (document.querySelector("main") || document.body).innerText.slice(0, 600)`))
			t.Errorf("%s (%s): %v\nthe page says: %s", p.name, size.tag, err, seen)
			continue
		}
		vs, err := chromedp.Run(b, axeCheck(t))
		if err != nil {
			t.Fatalf("%s: %v", p.name, err)
		}
		for _, v := range vs {
			t.Errorf("%s (%s): axe: %s", p.name, size.tag, v)
		}
		if w, err := chromedp.Run(b, chromedp.Evaluate[[]int](pageWidthJS)); err == nil && w[0] > w[1] {
			t.Errorf("%s (%s): the page is %d px wide in a %d px window: it scrolls sideways", p.name, size.tag, w[0], w[1])
		}
		if err := chromedp.Do(b, shot(t, b, fmt.Sprintf("%s-%s-%s", prefix, p.name, size.tag))); err != nil {
			t.Errorf("%s: screenshot: %v", p.name, err)
		}
		if keyboard && size.tag == "desktop" {
			checkKeyboard(t, b, p.name, 90)
		}
	}
}

// TestBrowserEveryPage opens every public and console page at 1280 px and
// on a 390x844 phone, signed out, as an entrant and as staff: axe-core
// finds no serious or critical accessibility problem, the phone never
// scrolls sideways, times are in the visitor's zone (New York here) with
// the zone named, the header offers the visitor's own links, the
// favicon is there, Tab reaches every control with a visible focus ring,
// and each page is kept as a screenshot to look at. Each kind of visitor
// has a browser of its own, side by side.
func TestBrowserEveryPage(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	s := e.showcase(t)
	slug, live := s.cp.Slug, s.live[0].ID
	pages := []pageCheck{
		{"home", "/", "main h1", "", ""},
		{"campaign", "/c/" + slug, "#signin", "", `document.querySelector("main").textContent.includes("Videos up to 500 MB")
			&& document.querySelector('meta[property="og:site_name"]').content === "Acme Boards" && !!document.querySelector('a[href="/c/summer-tricks/rules"]')
			&& / E[SD]T your time\)$/.test(document.querySelector("time[data-zone] + .yourtime").textContent)`},
		{"gallery", "/c/" + slug + "/gallery", ".entry-card", "", ""},
		{"leaderboard", "/c/" + slug + "/leaderboard", "table.leaderboard", "", ""},
		{"winners", "/c/" + slug + "/winners", ".winners", "", ""},
		{"rules", "/c/" + slug + "/rules", "#rules-text", "", `document.getElementById("rules-text").textContent.includes("Film it yourself")`},
		{"entry", "/e/" + live, "#controls:not([hidden])", "", ""},
		{"signin", "/signin?next=/me", "#signin", "", ""},
		{"notfound", "/c/no-such-campaign", "main h1", "", ""},
		{"unsubscribe-bad", "/unsubscribe?t=broken", "#problem", "", ""},
		{"guardian-bad", "/guardian?t=broken", "#problem", "", ""},
		{"embed-entry", "/embed/e/" + live, "#controls:not([hidden])", "", ""},
		{"embed-gallery", "/embed/c/" + slug, ".cards", "", ""},
		{"campaign-signed-in", "/c/" + slug, "#details", "entrant", ""},
		{"me", "/me", ".entry-summary", "entrant", `/\d\d:\d\d E[SD]T$/.test(document.querySelector(".message-card time").textContent)
			&& !!document.querySelector('.entry-summary h2 a[href="/e/` + s.mine.ID + `"]') && !!document.querySelector(".message-card .pre a")`},
		{"entry-own", "/e/" + s.mine.ID, `#next-action[href="/c/summer-tricks?entry=` + s.mine.ID + `"]`, "entrant", ""},
		{"staff-login", "/admin/login", "#login", "", ""},
		{"console", "/admin/", ".console-links", "staff", ""},
		{"queue", "/admin/queue", "main h1", "staff", ""},
		{"reports", "/admin/reports", "main h1", "staff", ""},
		{"review", "/admin/entries/" + live, "#takedown", "staff", ""},
		{"votes", "/admin/entries/" + live + "/votes", "main h1", "staff", ""},
		{"entrants", "/admin/entrants", "main h1", "staff", ""},
		{"entrant", "/admin/entrants/" + s.mine.EntrantID, "#timeline", "staff", ""},
		{"audit", "/admin/audit", "main h1", "staff", ""},
		{"outbox", "/admin/outbox", ".outbox article", "staff", ""},
		{"retention", "/admin/retention", "main h1", "staff", ""},
		{"campaign-new", "/admin/campaigns/new", "#campaign", "staff", ""},
		{"campaign-edit", "/admin/campaigns/" + s.cp.ID + "/edit", "#campaign", "staff", `document.getElementById("max_file_mb").value === "500" && document.getElementById("brand_name").value === "Acme Boards"`},
		{"messages", "/admin/campaigns/" + s.cp.ID + "/messages", "#template-form", "staff", ""},
		{"perks", "/admin/campaigns/" + s.cp.ID + "/perks", "main h1", "staff", ""},
		{"broadcasts", "/admin/campaigns/" + s.cp.ID + "/broadcasts", "#broadcast-form", "staff", ""},
		{"broadcast", "/admin/broadcasts/" + s.broadcast, "#delivery", "staff", ""},
		{"judging", "/admin/campaigns/" + s.cp.ID + "/judging", "main h1", "staff", ""},
		{"round", "/admin/rounds/" + s.round.ID, "main h1", "staff", ""},
		{"ranking", "/admin/rounds/" + s.round.ID + "/ranking", "main h1", "staff", ""},
	}
	for as, name := range map[string]string{"": "signed out", "entrant": "entrant", "staff": "staff"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			b := browserFor(t, 10*time.Minute)
			steps := []chromedp.Action[chromedp.Void]{timeZone("America/New_York")}
			switch as {
			case "entrant":
				steps = append(steps, entrantCookie(e, s.session))
			case "staff":
				steps = append(steps, staffSignIn(e))
			}
			if err := chromedp.Do(b, steps...); err != nil {
				t.Fatalf("become %q: %v", as, err)
			}
			for _, p := range pages {
				if p.as != as {
					continue
				}
				visitPage(t, b, e.srv.URL, p, "page", true)
				// Every page names its icon, and the header has the visitor's links.
				hdr, err := chromedp.Run(b, chromedp.Evaluate[string](`[!!document.querySelector('link[rel="icon"]'),
					!!document.getElementById("nav-me"), !!document.getElementById("nav-signout"), !!document.getElementById("nav-signin")].join(",")`))
				if err != nil {
					t.Fatal(err)
				}
				want := "true,false,false,true"
				switch {
				case p.as == "entrant":
					want = "true,true,true,false"
				case strings.HasPrefix(p.path, "/admin") || strings.HasPrefix(p.path, "/embed"):
					want = "true,false,false,false"
				}
				if hdr != want {
					t.Errorf("%s: icon, my entries, sign out, sign in = %s; want %s", p.name, hdr, want)
				}
			}
		})
	}
	if res, _ := e.get(jar(), "/favicon.ico"); res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "image/png" {
		t.Errorf("/favicon.ico: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
}
