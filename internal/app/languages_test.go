package app_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/tryout/tryout/internal/i18n"
	"github.com/tryout/tryout/internal/messages"
)

// TestSpanishCampaign: a campaign that speaks Spanish (language "es")
// shows its landing page in Spanish whatever the visitor's browser asks
// for, refuses an entry in Spanish with the same machine code, and sends
// its lifecycle email (over real SMTP) in Spanish, in its own words once
// staff edit them for Spanish; English campaigns and pages of no campaign
// are unchanged, and pages of no campaign follow Accept-Language.
func TestSpanishCampaign(t *testing.T) {
	t.Parallel()
	e := newEnv(t, withSMTP)
	e.startWorker()
	ctx := context.Background()
	now := time.Now()

	// A language Tryout does not ship is refused, naming the field.
	var bad struct {
		Error struct {
			Code   string
			Fields map[string]string
		}
	}
	res := e.adminJSON("POST", "/admin/api/campaigns", e.user, e.pass, map[string]any{"slug": "fete", "name": "Fête", "language": "fr",
		"entry_opens_at": now.Add(-time.Hour), "entry_closes_at": now.Add(time.Hour), "max_file_bytes": 50 << 20, "max_duration_seconds": 60}, &bad)
	if res.StatusCode != http.StatusBadRequest || bad.Error.Fields["language"] == "" {
		t.Fatalf("language fr: %d %+v", res.StatusCode, bad)
	}

	e.createCampaign("fiesta", now.Add(-time.Hour), now.Add(24*time.Hour), 50<<20, 60, map[string]any{"language": "es", "rules_version": "3"})
	e.createCampaign("party", now.Add(-time.Hour), now.Add(24*time.Hour), 50<<20, 60)
	var list struct {
		Campaigns []struct{ Slug, Language string }
	}
	e.adminJSON("GET", "/admin/api/campaigns", e.user, e.pass, nil, &list)
	langs := map[string]string{}
	for _, c := range list.Campaigns {
		langs[c.Slug] = c.Language
	}
	if langs["fiesta"] != "es" || langs["party"] != "en" {
		t.Fatalf("admin JSON languages: %v", langs)
	}

	// The landing page speaks the campaign's language, even to an English browser.
	_, body := e.get(&http.Client{}, "/c/fiesta", "Accept-Language", "en-US,en;q=0.9")
	for _, want := range []string{`<html lang="es">`, "Participa ahora", "Bases oficiales", "Inicia sesión con tu correo para participar",
		"Saltar al contenido", `id="i18n"`, "Enlace copiado: pégalo donde quieras.", "Las participaciones se cierran el"} {
		if !strings.Contains(body, want) {
			t.Errorf("Spanish landing page lacks %q", want)
		}
	}
	for _, english := range []string{"Enter now", "Official rules", "Skip to content", "Entries close"} {
		if strings.Contains(body, english) {
			t.Errorf("Spanish landing page still says %q", english)
		}
	}
	_, body = e.get(&http.Client{}, "/c/party", "Accept-Language", "es-ES,es;q=0.9")
	if !strings.Contains(body, `<html lang="en">`) || !strings.Contains(body, "Enter now") || strings.Contains(body, `id="i18n"`) {
		t.Error("an English campaign's page changed for a Spanish browser")
	}

	// Pages of no campaign: the browser's best of en and es.
	res, body = e.get(&http.Client{}, "/signin", "Accept-Language", "es-MX,es;q=0.9,en;q=0.5")
	if !strings.Contains(body, `<html lang="es">`) || !strings.Contains(body, "Envíame un enlace para entrar") || res.Header.Get("Vary") != "Accept-Language" {
		t.Errorf("sign-in page for a Spanish browser: lang/text/Vary %q", res.Header.Get("Vary"))
	}
	if _, body = e.get(&http.Client{}, "/signin", "Accept-Language", "fr-FR,de;q=0.5"); !strings.Contains(body, `<html lang="en">`) {
		t.Error("a French browser did not get English")
	}

	// An API refusal: the campaign's language, the same code.
	c := e.signIn("ana@example.com")
	refuse := func(slug, acceptLang string) (int, string, string) {
		var out struct {
			Error struct{ Code, Message string }
		}
		req := e.jsonReq("POST", "/api/campaigns/"+slug+"/drafts", map[string]any{"title": "Mi truco", "media_release": true})
		req.Header.Set("Accept-Language", acceptLang)
		res := e.doWith(c, req, &out)
		return res.StatusCode, out.Error.Code, out.Error.Message
	}
	if st, code, msg := refuse("fiesta", "en"); st != http.StatusBadRequest || code != "consent_required" || msg != "Acepta las bases oficiales (versión 3) para participar." {
		t.Errorf("Spanish refusal: %d %s %q", st, code, msg)
	}
	if st, code, msg := refuse("party", "es"); st != http.StatusBadRequest || code != "consent_required" || !strings.HasPrefix(msg, "Accept the official rules") {
		t.Errorf("English campaign's refusal: %d %s %q", st, code, msg)
	}
	// A route of no campaign follows Accept-Language.
	var out struct {
		Error struct{ Code, Message string }
	}
	req := e.jsonReq("GET", "/api/me", nil)
	req.Header.Set("Accept-Language", "es")
	if res := e.do(req, &out); res.StatusCode != http.StatusUnauthorized || out.Error.Message != i18n.ES.T("Sign in with your email to continue.") || out.Error.Message == "Sign in with your email to continue." {
		t.Errorf("/api/me signed out, in Spanish: %d %+v", res.StatusCode, out.Error)
	}

	// The sign-in link asked for from a Spanish page: answer and email in Spanish.
	var sent struct{ Message string }
	req = e.jsonReq("POST", "/api/auth/link", map[string]any{"email": "lucia@example.com", "next": "/c/fiesta"})
	req.Header.Set("Accept-Language", "es")
	if res := e.do(req, &sent); res.StatusCode != http.StatusAccepted || !strings.HasPrefix(sent.Message, "Revisa tu correo") {
		t.Errorf("sign-in link answer: %d %q", res.StatusCode, sent.Message)
	}
	if m := e.smtp.WaitFor(t, "lucia@example.com", "Tu enlace para entrar en Tryout"); !strings.Contains(m.Body, "Usa este enlace para entrar en Tryout:") {
		t.Errorf("Spanish sign-in email: %s", m.Body)
	}

	// A lifecycle email: the Spanish default, over SMTP.
	en := e.liveEntry(t, "fiesta", "Salto Mortal", "")
	if err := e.app.Notify.Decision(ctx, en, ""); err != nil {
		t.Fatal(err)
	}
	m := e.smtp.WaitFor(t, "salto-mortal@example.com", "Tu participación en Campaign fiesta ya está publicada")
	for _, want := range []string{"Hola, Salto Mortal maker:", "«Salto Mortal» ha sido aprobada", "Compártela con tus amigos", "Ver tu participación:", "/e/" + en.ID} {
		if !strings.Contains(m.Body, want) {
			t.Errorf("Spanish email lacks %q:\n%s", want, m.Body)
		}
	}

	// Staff edit the Spanish campaign's words: the editor shows Spanish,
	// the words are kept for Spanish, and the next email uses them.
	cp, err := e.app.Campaigns.GetBySlug(ctx, "fiesta")
	if err != nil {
		t.Fatal(err)
	}
	s := e.staffLogin(e.user, e.pass)
	base := "/admin/campaigns/" + cp.ID + "/messages"
	if _, page := s.page(base + "?stage=live"); !strings.Contains(page, "Español") || !strings.Contains(page, "Tu participación en {{campaign}} ya está publicada") {
		t.Error("the console editor does not show the Spanish default")
	}
	if res, page := s.post(base, url.Values{"stage": {"live"}, "subject": {"¡{{entry_title}} ya se ve!"}, "body": {"Compártela: {{share_link}}"}, "action": {"Mírala"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("save Spanish words: %d %s", res.StatusCode, page)
	}
	cp, _ = e.app.Campaigns.Get(ctx, cp.ID)
	if len(cp.Messages) != 0 || cp.MessagesIn[i18n.ES][messages.Live].Subject != "¡{{entry_title}} ya se ve!" {
		t.Fatalf("Spanish words stored as %+v / %+v", cp.Messages, cp.MessagesIn)
	}
	other := e.liveEntry(t, "fiesta", "Giro Doble", "")
	if err := e.app.Notify.Decision(ctx, other, ""); err != nil {
		t.Fatal(err)
	}
	m = e.smtp.WaitFor(t, "giro-doble@example.com", "¡Giro Doble ya se ve!")
	if !strings.Contains(m.Body, "Mírala:") {
		t.Errorf("the staff's Spanish words were not used:\n%s", m.Body)
	}
}
