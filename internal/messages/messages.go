// Package messages holds what Tryout says to entrants at each stage of a
// contest: the lifecycle stages, a template per stage with sensible
// defaults that a campaign may replace, and merge fields such as
// {{name}} or {{share_link}}. Templates are plain text (email bodies are
// text/plain and pages show them as text), so rendering needs no escaping;
// a template naming a field that does not exist is refused when saved.
package messages

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/tryout/tryout/internal/i18n"
	"github.com/tryout/tryout/internal/mail"

	"github.com/tryout/tryout/internal/problem"
)

// Stage is a moment in a contest that an entrant hears about.
type Stage string

// The lifecycle stages, in the order a contest reaches them.
const (
	Received      Stage = "received"       // the video is safely stored
	Failed        Stage = "failed"         // processing failed: what went wrong, how to fix it
	Live          Stage = "live"           // approved and in the gallery
	NeedsChanges  Stage = "needs_changes"  // the team asks for a change
	Rejected      Stage = "rejected"       // not accepted by the team
	AutoRejected  Stage = "auto_rejected"  // not accepted by the automatic checks (no person looked)
	AutoLive      Stage = "auto_live"      // live after the automatic checks (no person looked)
	Removed       Stage = "removed"        // taken down after going live
	Milestone     Stage = "milestone"      // the entry reached a vote milestone
	Finalist      Stage = "finalist"       // shortlisted
	Advanced      Stage = "advanced"       // entered a later judging round
	Winner        Stage = "winner"         // picked for a prize
	Closing       Stage = "closing"        // the campaign closed: thanks to every non-winner
	VotesAdjusted Stage = "votes_adjusted" // a fraud review changed the entry's total
	Team          Stage = "team"           // a message staff wrote to one entrant or a segment
)

// Stages lists the stages a campaign can edit, in the order shown.
var Stages = []Stage{Received, Failed, Live, AutoLive, NeedsChanges, Rejected, AutoRejected, Removed, Milestone, Finalist, Advanced, Winner, Closing, VotesAdjusted}

// Label is the stage as staff read it.
func (s Stage) Label() string {
	switch s {
	case Received:
		return "Received (thank-you)"
	case Failed:
		return "Refused by the automatic checks (can upload again)"
	case Live:
		return "Live (approved by the team)"
	case AutoLive:
		return "Live (after the automatic checks)"
	case AutoRejected:
		return "Not accepted by the automatic checks"
	case NeedsChanges:
		return "Needs changes"
	case Rejected:
		return "Not accepted (by the team)"
	case Removed:
		return "Taken down"
	case Milestone:
		return "Vote milestone"
	case Finalist:
		return "Finalist"
	case Advanced:
		return "Advanced to a round"
	case Winner:
		return "Winner"
	case Closing:
		return "Campaign closed (non-winners)"
	case VotesAdjusted:
		return "Vote total changed"
	case Team:
		return "From the team"
	}
	return string(s)
}

// Valid reports whether s is a known stage.
func (s Stage) Valid() bool { return s == Team || slices.Contains(Stages, s) }

// Kind is the mail kind a stage's messages are sent as, which is what an
// entrant's email preferences choose between.
func (s Stage) Kind() mail.Kind {
	switch s {
	case Received:
		return mail.KindEntryReceived
	case Failed, Live, AutoLive, NeedsChanges, Rejected, AutoRejected, Removed:
		return mail.KindDecision
	case Milestone:
		return mail.KindMilestone
	case Finalist, Advanced, Winner, Closing:
		return mail.KindResults
	case VotesAdjusted:
		return mail.KindVotesAdjusted
	}
	return mail.KindTeam
}

// Template is what a stage's message says: a subject, a body and the
// label of its call to action (the link itself depends on the stage).
type Template struct {
	Subject string
	Body    string
	Action  string
}

// Field is a merge field a template may name as {{field}}.
type Field struct {
	Name, Meaning, Sample string
}

// Fields are every merge field, with what it means and the value previews use.
var Fields = []Field{
	{"name", "the name the entrant gave with their entry (\"there\" if they gave none)", "Sam"},
	{"campaign", "the campaign's name", "Summer Tricks"},
	{"entry_title", "the entry's title", "Kickflip at dawn"},
	{"share_link", "the entry's public page, to share", "https://tryout.example/e/en_sample"},
	{"resubmit_link", "where the entrant uploads a new version", "https://tryout.example/c/summer-tricks?entry=en_sample"},
	{"link", "the message's call to action", "https://tryout.example/me"},
	{"reason", "the reason: the team's words (needs changes, rejected, taken down, vote review) or what the automatic checks found (failed, not accepted automatically)", "The music is not yours to use."},
	{"appeal", "after an automatic decision: how to ask a person to look (a sentence with the link)", "If you think the check got it wrong, ask a person to look: https://tryout.example/e/en_sample#appeal"},
	{"resubmit", "whether a new version may be uploaded (a sentence)", "You can upload a new version."},
	{"votes", "the entry's vote total", "128"},
	{"rank", "the entry's place by votes among live entries", "7"},
	{"entries", "how many live entries the campaign has", "240"},
	{"views", "the entry's views", "1,032"},
	{"votes_before", "the vote total before a vote review", "131"},
	{"change", "what a vote review changed (a phrase)", "did not count 3 of them"},
	{"milestone", "the vote milestone reached", "100"},
	{"place", "the winner's place", "1"},
	{"prize", "the winner's prize", "A year of gear"},
	{"round", "the judging round the entry advanced to", "Round 2: Jury"},
	{"perk", "the entrant's perk code with its description, or nothing", "Your code: SUMMER-7KQ2"},
}

// Vars are merge field values.
type Vars map[string]string

// Errors callers can test with errors.Is.
var ErrTemplate = errors.New("invalid message template")

// FieldError names an unknown merge field or a malformed one.
type FieldError struct {
	Part  string // subject, body or action
	Field string // the unknown field; "" when a {{ is not closed
}

func (e *FieldError) Error() string {
	if e.Field == "" {
		return fmt.Sprintf("the %s has a {{ without its closing }}", e.Part)
	}
	return fmt.Sprintf("the %s names {{%s}}, which is not a merge field (known: %s)", e.Part, e.Field, fieldNames())
}

// Unwrap lets errors.Is(err, ErrTemplate) match.
func (e *FieldError) Unwrap() error { return ErrTemplate }

func fieldNames() string {
	names := make([]string, len(Fields))
	for i, f := range Fields {
		names[i] = f.Name
	}
	return strings.Join(names, ", ")
}

func known(name string) bool {
	return slices.ContainsFunc(Fields, func(f Field) bool { return f.Name == name })
}

// Limits on a template's parts, in characters.
const (
	MaxSubject = 200
	MaxBody    = 5000
	MaxAction  = 60
)

// Validate checks a template: a subject and a body, sizes, and only known
// merge fields. The error names the first problem.
func (t Template) Validate() error {
	switch {
	case strings.TrimSpace(t.Subject) == "":
		return problem.New(ErrTemplate, "Give a subject.")
	case strings.TrimSpace(t.Body) == "":
		return problem.New(ErrTemplate, "Give a body.")
	case utf8.RuneCountInString(t.Subject) > MaxSubject:
		return problem.New(ErrTemplate, "Keep the subject under %d characters.", MaxSubject)
	case utf8.RuneCountInString(t.Body) > MaxBody:
		return problem.New(ErrTemplate, "Keep the body under %d characters.", MaxBody)
	case utf8.RuneCountInString(t.Action) > MaxAction:
		return problem.New(ErrTemplate, "Keep the call to action under %d characters.", MaxAction)
	}
	for _, p := range []struct{ part, text string }{{"subject", t.Subject}, {"body", t.Body}, {"call to action", t.Action}} {
		if _, err := expand(p.text, nil); err != nil {
			err.Part = p.part
			return err
		}
	}
	return nil
}

// Rendered is a template filled in.
type Rendered struct {
	Subject, Body, Action string
}

// Render fills the template's merge fields from vars (a field with no
// value becomes empty). An unknown field is an error, as in Validate.
func (t Template) Render(vars Vars) (Rendered, error) {
	if err := t.Validate(); err != nil {
		return Rendered{}, err
	}
	s, _ := expand(t.Subject, vars)
	b, _ := expand(t.Body, vars)
	a, _ := expand(t.Action, vars)
	return Rendered{oneLine(s), tidy(b), oneLine(a)}, nil
}

// tidy trims the body and closes the gaps an empty field leaves.
func tidy(s string) string {
	s = strings.TrimSpace(strings.ReplaceAll(s, "\r\n", "\n"))
	for strings.Contains(s, "\n\n\n") {
		s = strings.ReplaceAll(s, "\n\n\n", "\n\n")
	}
	return s
}

// expand replaces {{field}} (spaces inside allowed) with its value.
func expand(s string, vars Vars) (string, *FieldError) {
	var b strings.Builder
	for {
		i := strings.Index(s, "{{")
		if i < 0 {
			b.WriteString(s)
			return b.String(), nil
		}
		j := strings.Index(s[i+2:], "}}")
		if j < 0 {
			return "", &FieldError{}
		}
		name := strings.TrimSpace(s[i+2 : i+2+j])
		if !known(name) {
			return "", &FieldError{Field: name}
		}
		b.WriteString(s[:i])
		b.WriteString(vars[name])
		s = s[i+2+j+2:]
	}
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// SampleVars are the values previews use.
func SampleVars() Vars {
	v := Vars{}
	for _, f := range Fields {
		v[f.Name] = f.Sample
	}
	return v
}

// Set is a campaign's own templates by stage; a stage it does not name
// uses the default.
type Set map[Stage]Template

// For returns the template for a stage: the campaign's own, or the
// (English) default.
func (s Set) For(stage Stage) Template { return s.In(i18n.EN, stage) }

// In returns the template for a stage in a language: the set's own (a
// campaign's set is in the campaign's language), or that language's
// default.
func (s Set) In(l i18n.Lang, stage Stage) Template {
	if t, ok := s[stage]; ok {
		return t
	}
	return DefaultsIn(l)[stage]
}

// Validate checks every template in the set.
func (s Set) Validate() error {
	for stage, t := range s {
		if !stage.Valid() || stage == Team {
			return problem.New(ErrTemplate, "No stage %q.", stage)
		}
		if err := t.Validate(); err != nil {
			return fmt.Errorf("%s: %w", stage.Label(), err)
		}
	}
	return nil
}

// QuietFor is how long from now until quiet hours end (UTC hours from and
// to, wrapping midnight when from > to), or 0 outside them. Equal hours
// mean no quiet hours.
func QuietFor(now time.Time, from, to int) time.Duration {
	now = now.UTC()
	h := now.Hour()
	in := (from < to && h >= from && h < to) || (from > to && (h >= from || h < to))
	if from == to || !in {
		return 0
	}
	end := time.Date(now.Year(), now.Month(), now.Day(), to, 0, 0, 0, time.UTC)
	if !end.After(now) {
		end = end.AddDate(0, 0, 1)
	}
	return end.Sub(now)
}
