package app_test

import (
	"context"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/tryout/tryout/internal/i18n"
)

// acceptLanguage makes the browser ask for a language on every request.
func acceptLanguage(lang string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, network.SetExtraHTTPHeaders, network.SetExtraHTTPHeadersParams{Headers: network.Headers{"Accept-Language": lang}})
		return err
	})
}

// TestBrowserSpanishCampaign opens the showcase campaign switched to
// Spanish, in a New York browser that asks for English, at 1280 px and on
// a 390x844 phone: the pages and what their scripts write (countdowns,
// local times, the vote button's answer, the uploader) are in Spanish,
// <html lang> says so, no page scrolls sideways, axe finds nothing serious,
// and each is kept as a screenshot. My entries, a page of no campaign,
// follows the browser's Accept-Language (Spanish here).
func TestBrowserSpanishCampaign(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	s := e.showcase(t)
	ctx := context.Background()
	cp, err := e.app.Campaigns.Get(ctx, s.cp.ID)
	if err != nil {
		t.Fatal(err)
	}
	cp.Language = i18n.ES
	cp.Description = "Enséñanos tu mejor truco de skate del verano. Los tres mejores ganan una tabla Acme personalizada y todos los participantes tienen un 20 % de descuento."
	if err := e.app.Campaigns.Update(ctx, cp); err != nil {
		t.Fatal(err)
	}
	slug, live := cp.Slug, s.live[1].ID
	pages := []pageCheck{
		{"campaign", "/c/" + slug, "#signin", "", `document.documentElement.lang === "es" && document.querySelector("main").textContent.includes("Vídeos de hasta 500 MB")
			&& /^dentro de \d+ días?/.test(document.querySelector(".until").textContent)
			&& / en tu hora\)$/.test(document.querySelector("time[data-zone] + .yourtime").textContent)`},
		{"gallery", "/c/" + slug + "/gallery", ".entry-card", "", `document.querySelector(".sorts").textContent.includes("Descubrir") && document.querySelector(".card-meta").textContent.includes("reproducciones")`},
		{"entry", "/e/" + live, "#controls:not([hidden])", "", `document.getElementById("vote").textContent === "Vota por esta participación" && document.getElementById("play").getAttribute("aria-label") === "Reproducir"`},
		{"rules", "/c/" + slug + "/rules", "#rules-text", "", `document.querySelector("h1").textContent === "Bases oficiales"`},
		{"campaign-signed-in", "/c/" + slug, "#details", "entrant", `document.querySelector("#details h2").textContent === "Tu participación"
			&& document.getElementById("upload-status").textContent === "Elige tu vídeo para empezar."`},
		{"me", "/me", ".entry-summary", "entrant", `document.documentElement.lang === "es" && ["Borrador", "En revisión"].includes(document.querySelector(".entry-summary .status").textContent)
			&& document.querySelector("#prefs-kinds label").textContent.includes("agradecimiento")`},
	}
	b := browserFor(t, 10*time.Minute)
	if err := chromedp.Do(b, timeZone("America/New_York"), acceptLanguage("en-US,en;q=0.9")); err != nil {
		t.Fatal(err)
	}
	as := ""
	for _, p := range pages {
		if p.as != as {
			steps := []chromedp.Action[chromedp.Void]{dropCookies()}
			if p.as == "entrant" {
				steps = append(steps, entrantCookie(e, s.session))
			}
			if err := chromedp.Do(b, steps...); err != nil {
				t.Fatal(err)
			}
			as = p.as
		}
		if p.name == "me" { // no campaign: the browser's language
			if err := chromedp.Do(b, acceptLanguage("es-ES,es;q=0.9")); err != nil {
				t.Fatal(err)
			}
		}
		visitPage(t, b, e.srv.URL, p, "es", false)
	}

	// The vote button answers in Spanish.
	err = chromedp.Do(b, dropCookies(), acceptLanguage("en-US"), chromedp.EmulateViewport(390, 844),
		chromedp.Navigate(e.srv.URL+"/e/"+live), chromedp.WaitReady("#vote"),
		waitJS(`document.readyState === "complete"`),
		chromedp.Click("#vote"),
		waitJS(`document.querySelector("#vote-box .message").textContent.startsWith("Gracias")`), // held: Chromium says it is automated
		waitJS(`document.querySelector("#vote-box .message").textContent.includes("programa de automatización")`),
		shot(t, b, "es-entry-voted-phone"))
	if err != nil {
		t.Fatalf("vote in Spanish: %v", err)
	}
}
