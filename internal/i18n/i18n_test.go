package i18n

import (
	"slices"
	"testing"
	"time"
)

func TestParse(t *testing.T) {
	for in, want := range map[string]Lang{"en": EN, "es": ES, "ES": ES, "es-MX": ES, " es ": ES, "fr": EN, "": EN, "e": EN} {
		if got := Parse(in); got != want {
			t.Errorf("Parse(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestFromAcceptLanguage(t *testing.T) {
	for in, want := range map[string]Lang{
		"es-ES,es;q=0.9,en;q=0.8": ES,
		"en-US,en;q=0.9,es;q=0.8": EN,
		"fr-FR,fr;q=0.9,es;q=0.5": ES,
		"de,fr":                   EN,
		"":                        EN,
		"es;q=0,en;q=0.1":         EN,
		"*":                       EN,
	} {
		if got := FromAcceptLanguage(in); got != want {
			t.Errorf("FromAcceptLanguage(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestT(t *testing.T) {
	if got := EN.T("Give a body."); got != "Give a body." {
		t.Errorf("EN.T = %q", got)
	}
	if got := ES.T("Give a body."); got == "Give a body." || got == "" {
		t.Errorf("ES.T kept the English: %q", got)
	}
	if got := ES.T("Keep the title to 100 characters."); got != "El título puede tener hasta 100 caracteres." {
		t.Errorf("ES.T = %q", got)
	}
	if got := ES.T("Keep the subject under %d characters.", 200); got != "El asunto debe tener menos de 200 caracteres." {
		t.Errorf("ES.T with args = %q", got)
	}
	if got := ES.T("not a key %d", 3); got != "not a key 3" {
		t.Errorf("a missing key = %q, want its English", got)
	}
	if got := ES.Table([]string{"Give a body.", "not a key"}); len(got) != 1 || got["Give a body."] == "" {
		t.Errorf("Table = %v", got)
	}
	if got := EN.Table([]string{"Give a body."}); len(got) != 0 {
		t.Errorf("EN.Table = %v, want empty (keys are English)", got)
	}
}

func TestVerbs(t *testing.T) {
	if got := Verbs("%[2]s a %d b %q 100%%"); !slices.Equal(got, []string{"%d", "%q", "%s"}) {
		t.Errorf("Verbs = %v", got)
	}
}

func TestWhen(t *testing.T) {
	at := time.Date(2026, 8, 1, 19, 59, 0, 0, time.UTC)
	if got := EN.When(at); got != "Sat 1 Aug 2026, 19:59 UTC" {
		t.Errorf("EN.When = %q", got)
	}
	if got := ES.When(at); got != "sáb 1 ago 2026, 19:59 UTC" {
		t.Errorf("ES.When = %q", got)
	}
}
