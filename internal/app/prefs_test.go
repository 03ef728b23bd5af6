package app_test

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tryout/tryout/internal/mail"
)

// TestUnsubscribeAndPreferences: every email to an entrant but a sign-in
// link carries a one-click unsubscribe link (List-Unsubscribe header and a
// footer); opening it only asks, confirming (or a mail client's one-click
// POST) turns that kind off, a tampered link changes nothing, later
// messages of that kind are not emailed but stay in the inbox, and sign-in
// links still come. The entrant can also choose on the preferences API.
func TestUnsubscribeAndPreferences(t *testing.T) {
	t.Parallel()
	e := newEnv(t, withSMTP)
	e.startWorker()
	ctx := context.Background()
	en := e.liveEntry(t, "prefs", "Sunset Run", "")
	const email = "sunset-run@example.com"
	if err := e.app.Notify.Decision(ctx, en, ""); err != nil {
		t.Fatal(err)
	}
	m := e.smtp.WaitFor(t, email, "is live")
	unsub := strings.Trim(m.Header.Get("List-Unsubscribe"), "<>")
	if !strings.HasPrefix(unsub, e.app.Cfg.PublicURL+"/unsubscribe?t=") || m.Header.Get("List-Unsubscribe-Post") != "List-Unsubscribe=One-Click" ||
		!strings.Contains(m.Body, "Stop emails like this one: "+unsub) || !strings.Contains(m.Body, "/me#preferences") {
		t.Fatalf("unsubscribe header %q post %q body %q", unsub, m.Header.Get("List-Unsubscribe-Post"), m.Body)
	}
	unsub = e.srv.URL + strings.TrimPrefix(unsub, e.app.Cfg.PublicURL) // the test server's address
	prefs := func() mail.Prefs {
		p, err := e.app.Entrants.MailPrefs(ctx, en.EntrantID)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}

	// Opening the link asks; it changes nothing (mail scanners open links).
	anon := &http.Client{}
	if res, body := e.get(anon, strings.TrimPrefix(unsub, e.srv.URL)); res.StatusCode != 200 || !strings.Contains(body, "Review decisions") || !strings.Contains(body, `name="t"`) {
		t.Fatalf("confirm page: %d %s", res.StatusCode, body)
	}
	if p := prefs(); len(p.Off) != 0 || p.AllOff {
		t.Fatalf("opening the link changed preferences: %+v", p)
	}
	// A tampered link is refused, on the page and on POST, and changes nothing.
	u, _ := url.Parse(unsub)
	tok := u.Query().Get("t")
	bad := tok[:len(tok)-2] + map[bool]string{true: "AA", false: "BB"}[!strings.HasSuffix(tok, "AA")]
	if res, body := e.get(anon, "/unsubscribe?t="+url.QueryEscape(bad)); res.StatusCode != 400 || !strings.Contains(body, `data-code="invalid_link"`) {
		t.Errorf("tampered link page: %d", res.StatusCode)
	}
	res, err := anon.PostForm(e.srv.URL+"/unsubscribe", url.Values{"t": {bad}, "scope": {"all"}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if p := prefs(); res.StatusCode != 400 || len(p.Off) != 0 || p.AllOff {
		t.Fatalf("tampered POST: %d, preferences %+v", res.StatusCode, p)
	}
	// A mail client's one-click POST: no cookies, the token in the URL.
	res, err = anon.Post(unsub, "application/x-www-form-urlencoded", strings.NewReader("List-Unsubscribe=One-Click"))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if p := prefs(); res.StatusCode != 200 || !slices.Equal(p.Off, []mail.Kind{mail.KindDecision}) || p.AllOff {
		t.Fatalf("one-click unsubscribe: %d, preferences %+v", res.StatusCode, p)
	}

	// The next decision is not emailed, but it is in the inbox.
	before := len(e.smtp.Messages())
	rejected := en
	rejected.Status = "removed"
	if err := e.app.Notify.Decision(ctx, rejected, "Music you do not have the rights to."); err != nil {
		t.Fatal(err)
	}
	var stored mail.Message
	for i := 0; i < 100; i++ {
		list, _ := e.app.Outbox.ListByEntrant(ctx, en.EntrantID, 10)
		if len(list) > 0 && strings.Contains(list[0].Subject, "taken down") && list[0].Status == mail.Suppressed {
			stored = list[0]
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if stored.ID == "" || len(e.smtp.Messages()) != before {
		t.Fatalf("decision after unsubscribing: outbox %+v, %d emails (was %d)", stored, len(e.smtp.Messages()), before)
	}
	c := e.signIn(email) // sign-in links still come (signIn reads it from the SMTP server)
	var inbox struct {
		Messages []struct{ Subject string } `json:"messages"`
	}
	if res := e.doWith(c, e.jsonReq("GET", "/api/me/messages", nil), &inbox); res.StatusCode != 200 || len(inbox.Messages) < 2 || !strings.Contains(inbox.Messages[0].Subject, "taken down") {
		t.Errorf("inbox: %d %+v", res.StatusCode, inbox)
	}

	// Preferences over the API: shown, validated, saved, same-origin only.
	var pv struct {
		Kinds []struct {
			Kind string
			On   bool
		}
		AllOff bool `json:"all_off"`
	}
	if res := e.doWith(c, e.jsonReq("GET", "/api/me/preferences", nil), &pv); res.StatusCode != 200 || len(pv.Kinds) != len(mail.Choices) {
		t.Fatalf("preferences: %d %+v", res.StatusCode, pv)
	}
	for _, k := range pv.Kinds {
		if k.On != (k.Kind != string(mail.KindDecision)) {
			t.Errorf("preference %s on=%v after unsubscribing from decisions", k.Kind, k.On)
		}
	}
	var ae apiError
	if res := e.doWith(c, e.jsonReq("PUT", "/api/me/preferences", map[string]any{"off": []string{"login_link"}}), &ae); res.StatusCode != 422 || ae.Error.Code != "invalid_preferences" {
		t.Errorf("turning sign-in links off: %d %+v", res.StatusCode, ae)
	}
	cross := e.jsonReq("PUT", "/api/me/preferences", map[string]any{"all_off": true})
	cross.Header.Set("Origin", "https://evil.example")
	if res := e.doWith(c, cross, nil); res.StatusCode != 403 || prefs().AllOff {
		t.Errorf("cross-site preferences change: %d", res.StatusCode)
	}
	if res := e.doWith(c, e.jsonReq("PUT", "/api/me/preferences", map[string]any{"off": []string{}, "all_off": true}), &pv); res.StatusCode != 200 || !pv.AllOff {
		t.Errorf("all off: %d %+v", res.StatusCode, pv)
	}
	if p := prefs(); !p.AllOff || len(p.Off) != 0 {
		t.Errorf("stored preferences %+v", p)
	}
	if res, _ := e.get(anon, "/api/me/preferences"); res.StatusCode != 401 {
		t.Errorf("preferences without signing in: %d", res.StatusCode)
	}

	// Bodies with mistakes change nothing: someone who turned everything
	// off stays unsubscribed, and no message speaks Go.
	raw := func(ctype, body string) *http.Request {
		req, _ := http.NewRequest("PUT", e.srv.URL+"/api/me/preferences", strings.NewReader(body))
		req.Header.Set("Content-Type", ctype)
		return req
	}
	for _, tc := range []struct {
		name, ctype, body string
		status            int
		code              string
	}{
		{"null body", "application/json", "null", 400, "invalid_json"},
		{"empty body", "application/json", "", 400, "invalid_json"},
		{"a list", "application/json", "[]", 400, "invalid_json"},
		{"empty object", "application/json", "{}", 400, "invalid_preferences"},
		{"typo in a field", "application/json", `{"all_of": false}`, 400, "invalid_json"},
		{"null field", "application/json", `{"all_off": null}`, 400, "invalid_json"},
		{"wrong type", "application/json", `{"all_off": "no"}`, 400, "invalid_json"},
		{"two objects", "application/json", `{"all_off": false}{"all_off": false}`, 400, "invalid_json"},
		{"broken JSON", "application/json", `{"all_off": fal`, 400, "invalid_json"},
		{"plain text", "text/plain", `{"all_off": false}`, 415, "json_required"},
	} {
		var ae apiError
		res := e.doWith(c, raw(tc.ctype, tc.body), &ae)
		if res.StatusCode != tc.status || ae.Error.Code != tc.code {
			t.Errorf("%s: %d %q, want %d %q", tc.name, res.StatusCode, ae.Error.Code, tc.status, tc.code)
		}
		for _, goWord := range []string{"Go struct", "of type", "json:", "unmarshal"} {
			if strings.Contains(ae.Error.Message, goWord) {
				t.Errorf("%s: the message speaks Go: %q", tc.name, ae.Error.Message)
			}
		}
		if p := prefs(); !p.AllOff {
			t.Fatalf("%s turned emails back on", tc.name)
		}
	}
	var typo apiError
	e.doWith(c, raw("application/json", `{"all_of": false}`), &typo)
	if !strings.Contains(typo.Error.Message, `"all_of"`) || !strings.Contains(typo.Error.Message, "all_off") {
		t.Errorf("an unknown field's message should name it and the fields there are: %q", typo.Error.Message)
	}
	// One field changes only itself.
	if res := e.doWith(c, e.jsonReq("PUT", "/api/me/preferences", map[string]any{"off": []string{string(mail.KindDecision)}}), &pv); res.StatusCode != 200 || !pv.AllOff {
		t.Errorf("changing the kinds alone: %d %+v (all_off must stay on)", res.StatusCode, pv)
	}
}
