package campaigns_test

import (
	"strings"
	"testing"

	"github.com/tryout/tryout/internal/campaigns"
	"github.com/tryout/tryout/internal/i18n"
	"github.com/tryout/tryout/internal/messages"
)

func TestLanguage(t *testing.T) {
	c := valid()
	if err := c.Validate(1 << 30); err != nil || c.Language != i18n.EN || c.Lang() != i18n.EN {
		t.Fatalf("no language: err %v, language %q; want en", err, c.Language)
	}
	c.Language = " ES "
	if err := c.Validate(1 << 30); err != nil || c.Language != i18n.ES {
		t.Fatalf("ES: err %v, language %q", err, c.Language)
	}
	c.Language = "fr"
	if fe, ok := c.Validate(1 << 30).(campaigns.FieldErrors); !ok || fe["language"] != "use one of en, es" {
		t.Fatalf("fr: %v, want a language field error", c.Validate(1<<30))
	}
	old := valid() // stored before languages: no language at all
	if old.Lang() != i18n.EN {
		t.Errorf("a campaign with no language speaks %q", old.Lang())
	}
}

func TestTemplatePerLanguage(t *testing.T) {
	c := valid()
	c.Messages = messages.Set{messages.Live: {Subject: "English words", Body: "b"}}
	if got := c.Template(messages.Live).Subject; got != "English words" {
		t.Errorf("en: %q", got)
	}
	c.Language = i18n.ES // its English words are not sent in Spanish
	if got := c.Template(messages.Live).Subject; got != messages.DefaultsIn(i18n.ES)[messages.Live].Subject {
		t.Errorf("es with no Spanish words: %q, want the Spanish default", got)
	}
	c.MessagesIn = map[i18n.Lang]messages.Set{i18n.ES: {messages.Live: {Subject: "Palabras propias", Body: "b"}}}
	if got := c.Template(messages.Live).Subject; got != "Palabras propias" {
		t.Errorf("es own: %q", got)
	}
	if got := c.Template(messages.Received).Subject; got != messages.DefaultsIn(i18n.ES)[messages.Received].Subject {
		t.Errorf("es other stage: %q", got)
	}
}

func TestMediaReleaseDefaultPerLanguage(t *testing.T) {
	c := valid()
	c.MediaReleaseText = ""
	c.Language = i18n.ES
	if err := c.Validate(1 << 30); err != nil || !strings.HasPrefix(c.MediaReleaseText, "Este vídeo es mío") {
		t.Fatalf("Spanish default: %v %q", err, c.MediaReleaseText)
	}
	c.Language = i18n.EN // switched back: the English default, not the Spanish one
	if err := c.Validate(1 << 30); err != nil || c.MediaReleaseText != campaigns.DefaultMediaRelease {
		t.Fatalf("back to English: %v %q", err, c.MediaReleaseText)
	}
	c.MediaReleaseText, c.Language = "Mine, my words", i18n.ES
	if err := c.Validate(1 << 30); err != nil || c.MediaReleaseText != "Mine, my words" {
		t.Fatalf("own words changed: %q", c.MediaReleaseText)
	}
}
