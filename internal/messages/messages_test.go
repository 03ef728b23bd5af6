package messages_test

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tryout/tryout/internal/i18n"
	"github.com/tryout/tryout/internal/messages"
)

func TestDefaultsRenderEveryStage(t *testing.T) {
	for _, s := range messages.Stages {
		tmpl, ok := messages.Defaults[s]
		if !ok {
			t.Errorf("%s: no default", s)
			continue
		}
		r, err := tmpl.Render(messages.SampleVars())
		if err != nil {
			t.Errorf("%s: %v", s, err)
			continue
		}
		if strings.Contains(r.Subject+r.Body+r.Action, "{{") || r.Subject == "" || r.Body == "" || r.Action == "" {
			t.Errorf("%s rendered badly: %+v", s, r)
		}
		if s.Kind() == "" || s.Label() == string(s) {
			t.Errorf("%s: no kind or label", s)
		}
	}
}

func TestRender(t *testing.T) {
	tmpl := messages.Template{Subject: "Hi {{ name }}\nthere", Body: "Votes: {{votes}}.\n\n{{perk}}\n\n\nBye {{name}}", Action: "Go"}
	r, err := tmpl.Render(messages.Vars{"name": "Sam", "votes": "12"})
	if err != nil {
		t.Fatal(err)
	}
	if r.Subject != "Hi Sam there" {
		t.Errorf("subject: %q (a line break in a subject must not survive)", r.Subject)
	}
	if r.Body != "Votes: 12.\n\nBye Sam" {
		t.Errorf("body: %q (an empty field's gap should close)", r.Body)
	}
}

func TestUnknownFieldIsNamed(t *testing.T) {
	for _, tc := range []struct {
		tmpl        messages.Template
		part, field string
	}{
		{messages.Template{Subject: "Hi {{first_name}}", Body: "x"}, "subject", "first_name"},
		{messages.Template{Subject: "Hi", Body: "You have {{ vote }} votes"}, "body", "vote"},
		{messages.Template{Subject: "Hi", Body: "x", Action: "{{go"}, "call to action", ""},
	} {
		err := tc.tmpl.Validate()
		var fe *messages.FieldError
		if !errors.As(err, &fe) || !errors.Is(err, messages.ErrTemplate) || fe.Part != tc.part || fe.Field != tc.field {
			t.Errorf("%+v: %v", tc.tmpl, err)
			continue
		}
		if tc.field != "" && !strings.Contains(err.Error(), "{{"+tc.field+"}}") {
			t.Errorf("the message does not name the field: %v", err)
		}
	}
	if err := (messages.Template{Subject: " ", Body: "x"}).Validate(); !errors.Is(err, messages.ErrTemplate) {
		t.Errorf("empty subject: %v", err)
	}
	if err := (messages.Template{Subject: "s", Body: strings.Repeat("x", messages.MaxBody+1)}).Validate(); !errors.Is(err, messages.ErrTemplate) {
		t.Errorf("long body: %v", err)
	}
}

func TestSetFallsBackToDefaults(t *testing.T) {
	own := messages.Template{Subject: "Welcome, {{name}}", Body: "b"}
	set := messages.Set{messages.Received: own}
	if set.For(messages.Received) != own || set.For(messages.Live) != messages.Defaults[messages.Live] {
		t.Error("For does not prefer the campaign's own template")
	}
	if err := (messages.Set{"nope": own}).Validate(); !errors.Is(err, messages.ErrTemplate) {
		t.Errorf("unknown stage: %v", err)
	}
	if err := (messages.Set{messages.Live: {Subject: "s", Body: "{{bad}}"}}).Validate(); err == nil || !strings.Contains(err.Error(), "Live") {
		t.Errorf("bad template in a set: %v", err)
	}
}

func TestQuietFor(t *testing.T) {
	at := func(h, m int) time.Time { return time.Date(2026, 11, 23, h, m, 0, 0, time.UTC) }
	for _, tc := range []struct {
		now      time.Time
		from, to int
		want     time.Duration
	}{
		{at(23, 30), 22, 7, 7*time.Hour + 30*time.Minute},
		{at(3, 0), 22, 7, 4 * time.Hour},
		{at(7, 0), 22, 7, 0},
		{at(21, 59), 22, 7, 0},
		{at(13, 15), 13, 14, 45 * time.Minute},
		{at(14, 0), 13, 14, 0},
		{at(3, 0), 5, 5, 0},
	} {
		if got := messages.QuietFor(tc.now, tc.from, tc.to); got != tc.want {
			t.Errorf("%s in %d-%d: %s, want %s", tc.now.Format("15:04"), tc.from, tc.to, got, tc.want)
		}
	}
}

// TestDefaultsEveryLanguage checks each language has a default for every
// stage, valid, naming the same merge fields as the English one.
func TestDefaultsEveryLanguage(t *testing.T) {
	for _, l := range i18n.Langs {
		for _, stage := range messages.Stages {
			got, ok := messages.DefaultsIn(l)[stage]
			if !ok {
				t.Errorf("%s: no default for %s", l, stage)
				continue
			}
			if err := got.Validate(); err != nil {
				t.Errorf("%s %s: %v", l, stage, err)
			}
			en := messages.Defaults[stage]
			for _, part := range [][2]string{{got.Subject, en.Subject}, {got.Body, en.Body}, {got.Action, en.Action}} {
				if a, b := fieldsOf(part[0]), fieldsOf(part[1]); !slices.Equal(a, b) {
					t.Errorf("%s %s: fields %v, English has %v", l, stage, a, b)
				}
			}
			if l != i18n.EN && (got.Subject == en.Subject || got.Body == en.Body) {
				t.Errorf("%s %s: still in English", l, stage)
			}
		}
	}
	if got := (messages.Set{}).In(i18n.ES, messages.Live).Subject; got != "Tu participación en {{campaign}} ya está publicada" {
		t.Errorf("Set.In(es) = %q", got)
	}
	own := messages.Set{messages.Live: {Subject: "Mine", Body: "b"}}
	if got := own.In(i18n.ES, messages.Live).Subject; got != "Mine" {
		t.Errorf("a campaign's own template lost to the default: %q", got)
	}
}

func fieldsOf(s string) []string {
	var out []string
	for {
		i := strings.Index(s, "{{")
		if i < 0 {
			break
		}
		j := strings.Index(s[i:], "}}")
		out = append(out, s[i+2:i+j])
		s = s[i+j+2:]
	}
	slices.Sort(out)
	return out
}
