package app_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/tryout/tryout/internal/mail"
	"github.com/tryout/tryout/internal/testkit"
)

// TestSpanishGuardianAndDeletionEmails: a Spanish campaign's guardian asks
// for consent in Spanish, and an account deletion asked for from a Spanish
// page is confirmed in Spanish (an account has no campaign: the request's
// language decides).
func TestSpanishGuardianAndDeletionEmails(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	now := time.Now()
	c := e.createCampaign("tutor", now.Add(-time.Hour), now.Add(30*24*time.Hour), 50<<20, 60,
		map[string]any{"language": "es", "guardian_age": 16, "moderation_mode": "auto_approve_all"})
	kid := e.signIn("nino@example.com")
	video := readFile(t, testkit.Video(t, t.TempDir(), testkit.Clip{Seconds: 4, Width: 320, Height: 240, Audio: true}))
	fields := append(consents(), part{name: "title", content: "Mi truco"}, part{name: "birth_date", content: now.AddDate(-14, 0, 0).Format("2006-01-02")},
		part{name: "guardian_email", content: "mama@example.com"}, part{name: "file", filename: "a.mp4", content: video})
	if res := e.upload(kid, c.Slug, fields, nil); res.StatusCode != http.StatusCreated {
		t.Fatalf("upload: %d", res.StatusCode)
	}
	m := e.outboxMessage(t, "mama@example.com", mail.KindGuardian)
	for _, want := range []string{"Se necesita tu consentimiento", "ha presentado el vídeo «Mi truco»", "Si no das tu conformidad antes del"} {
		if !strings.Contains(m.Subject+"\n"+m.Text, want) {
			t.Errorf("guardian email lacks %q:\n%s\n%s", want, m.Subject, m.Text)
		}
	}

	req := e.jsonReq("POST", "/api/me/deletion", nil)
	req.Header.Set("Accept-Language", "es-ES,es;q=0.9")
	if res := e.doWith(kid, req, nil); res.StatusCode != http.StatusAccepted {
		t.Fatalf("deletion asked: %d", res.StatusCode)
	}
	m = e.outboxMessage(t, "nino@example.com", mail.KindAccount)
	if m.Subject != "Confirma el borrado de tu cuenta de Tryout" || !strings.Contains(m.Text, "caduca en 24 horas") {
		t.Errorf("deletion email: %s\n%s", m.Subject, m.Text)
	}
}

// outboxMessage is the newest message of kind to an address.
func (e *env) outboxMessage(t *testing.T, to string, kind mail.Kind) mail.Message {
	t.Helper()
	list, err := e.app.Outbox.List(context.Background(), 100)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range list {
		if m.To == to && m.Kind == kind {
			return m
		}
	}
	t.Fatalf("no %s message to %s", kind, to)
	return mail.Message{}
}
