// Package problem is how a domain package says what a person may read
// about a refusal, apart from anything internal: the rule's sentinel (for
// errors.Is), and a message written for people as a format and its
// arguments. The format is also the message's key in a language catalogue
// (the English text, as gettext does), so an edge can show it in the
// reader's language. Edges never cut text out of error strings.
package problem

import (
	"errors"
	"fmt"
	"strings"

	"github.com/tryout/tryout/internal/i18n"
)

// Error is a refusal with its text for people.
type Error struct {
	Kind   error  // the rule's sentinel, e.g. intake.ErrInvalid
	Format string // the message for people, a fmt format (and catalogue key)
	Args   []any
}

// New wraps kind with a message for people.
func New(kind error, format string, args ...any) *Error {
	return &Error{Kind: kind, Format: format, Args: args}
}

// Error is the sentinel's text and the message, for logs.
func (e *Error) Error() string { return e.Kind.Error() + ": " + e.Text() }

// Unwrap lets errors.Is find the sentinel.
func (e *Error) Unwrap() error { return e.Kind }

// Text is the message for people, in English.
func (e *Error) Text() string { return fmt.Sprintf(e.Format, e.Args...) }

// TextOf is err's message for people when it carries one (however deeply
// wrapped), and def otherwise.
func TextOf(err error, def string) string {
	var pe *Error
	if errors.As(err, &pe) {
		return pe.Text()
	}
	return def
}

// Word is an argument that is itself a catalogue key, such as a status's
// name: it is translated along with the message ("live" -> "publicada").
type Word string

// TextIn is the message for people in l.
func (e *Error) TextIn(l i18n.Lang) string {
	args := make([]any, len(e.Args))
	for i, a := range e.Args {
		if w, ok := a.(Word); ok {
			a = word(l, string(w))
		}
		args[i] = a
	}
	return l.T(e.Format, args...)
}

// word is w in l, matched without regard to its first letter's case.
func word(l i18n.Lang, w string) string {
	if l.Has(w) || w == "" {
		return l.T(w)
	}
	up := strings.ToUpper(w[:1]) + w[1:]
	if l.Has(up) {
		return strings.ToLower(l.T(up))
	}
	return w
}

// TextIn is err's message for people in l when it carries one, and def
// (a catalogue key) in l otherwise.
func TextIn(l i18n.Lang, err error, def string) string {
	var pe *Error
	if errors.As(err, &pe) {
		return pe.TextIn(l)
	}
	return l.T(def)
}
