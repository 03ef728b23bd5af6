// Package rights serves entrants' data rights: an export of everything
// Tryout holds about them, and deleting their account. Deletion is
// confirmed from an emailed link (or asked for by an owner), recorded, and
// then run by the worker in steps, each safe to repeat, with progress kept
// on the deletion record, so a crash midway finishes on the next attempt.
// See docs/DATA-RIGHTS.md.
package rights

import (
	"context"
	"errors"
	"time"
)

// Errors callers can test with errors.Is.
var (
	ErrNotFound    = errors.New("no deletion for this entrant")
	ErrLinkInvalid = errors.New("deletion link is not valid")
	ErrLinkExpired = errors.New("deletion link has expired")
	ErrLinkUsed    = errors.New("deletion link was already used")
)

// Deletion statuses.
const (
	Running = "running" // requested; the worker is deleting
	Done    = "done"
)

// Deletion is the record of one account's deletion. It keeps that a
// deletion happened, who asked and when, and which steps are done; never
// what was deleted.
type Deletion struct {
	EntrantID   string
	By          string // "entrant", or the owner's staff id
	RequestedAt time.Time
	Status      string
	// Anon is the anonymous voter, sharer and holder the entrant's votes,
	// share links and perks are handed to; erased when the deletion is done.
	Anon       string
	Steps      []string // done, in order
	Attempts   int
	FailedStep string // the step the last attempt stopped at
	FinishedAt time.Time
}

// Store keeps deletion records, one per entrant.
type Store interface {
	// Create inserts a record; an entrant already being (or already)
	// deleted returns the existing record and false.
	Create(ctx context.Context, d Deletion) (Deletion, bool, error)
	Get(ctx context.Context, entrantID string) (Deletion, error)
	StepDone(ctx context.Context, entrantID, step string) error
	Failed(ctx context.Context, entrantID, step string) error
	Finish(ctx context.Context, entrantID string, at time.Time) error
}

// Actor is who asks for an export or a deletion.
type Actor struct {
	ID, Email, Role string // Role "entrant" for the person themselves
}

// Self is the entrant acting for themselves.
func Self(entrantID string) Actor { return Actor{ID: entrantID, Role: "entrant"} }

func (a Actor) by() string {
	if a.Role == "entrant" {
		return "entrant"
	}
	return a.ID
}
