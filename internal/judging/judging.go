// Package judging decides contests on merit: a rubric of weighted criteria
// per campaign, an ordered list of rounds that entries enter by rule (top N
// by counted votes or by the previous round's score, every live entry, or
// staff selection), judges assigned to a round who score each entry or
// declare a conflict, per-judge z-score normalisation, a hybrid ranking of
// jury and public scores with fixed tie-breaks, and a seeded, reproducible
// draw for sweepstakes prizes.
//
// The arithmetic is pure and free of storage (rubric.go, rounds.go,
// scores.go, draw.go, csv.go); Service (service.go) adds the Store, the
// entries, the vote counts and the messages. MongoStore (mongo.go) keys
// every document by one field: the campaign for its setup, a random id for
// rounds and draws, and round|judge|entry for a score sheet.
package judging

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
)

// Errors callers can test with errors.Is.
var (
	ErrNotFound     = errors.New("judging: not found")
	ErrInvalid      = errors.New("judging: invalid")
	ErrNotJudge     = errors.New("judging: not a judge of this round")
	ErrLocked       = errors.New("judging: the round's scores are locked")
	ErrNotInRound   = errors.New("judging: the entry is not in this round")
	ErrConflict     = errors.New("judging: the judge declared a conflict with this entry")
	ErrCutApplied   = errors.New("judging: the round's cut was already applied")
	ErrCutChanged   = errors.New("judging: the cut changed since it was previewed")
	ErrNotCut       = errors.New("judging: the round has no entries yet")
	ErrPreviousOpen = errors.New("judging: the previous round's cut is not applied yet")
	ErrRubricInUse  = errors.New("judging: the rubric's scales and weights are fixed once scoring starts")
	ErrNoRubric     = errors.New("judging: the campaign has no rubric")
	ErrTaken        = errors.New("judging: taken")
	ErrNotLive      = errors.New("judging: only a live entry can win or be a finalist")
	// ErrNotTold: the change was made and recorded, but the entrant's
	// message could not be queued (making the change again sends it).
	ErrNotTold = errors.New("judging: the entrant could not be told")
)

// FieldErrors maps a form field to what is wrong with it.
type FieldErrors map[string]string

func (f FieldErrors) Error() string {
	keys := make([]string, 0, len(f))
	for k := range f {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s: %s", k, f[k])
	}
	return "judging: " + strings.Join(parts, "; ")
}

// Unwrap lets errors.Is(err, ErrInvalid) match.
func (f FieldErrors) Unwrap() error { return ErrInvalid }

// orNil returns the errors, or nil when there are none.
func (f FieldErrors) orNil() error {
	if len(f) == 0 {
		return nil
	}
	return f
}

// Store keeps setups, rounds, score sheets and draws.
type Store interface {
	// GetSetup returns a campaign's setup; ErrNotFound when it has none.
	GetSetup(ctx context.Context, campaignID string) (Setup, error)
	PutSetup(ctx context.Context, s Setup) error
	// AddRound inserts a round; ErrTaken when its number is taken.
	AddRound(ctx context.Context, r Round) error
	GetRound(ctx context.Context, id string) (Round, error)
	// Rounds lists a campaign's rounds in order.
	Rounds(ctx context.Context, campaignID string) ([]Round, error)
	// RoundsOfJudge lists the rounds a staff member is assigned to.
	RoundsOfJudge(ctx context.Context, judgeID string) ([]Round, error)
	SetJudges(ctx context.Context, roundID string, judges []string) error
	SetLocked(ctx context.Context, roundID string, locked bool) error
	// SetCut records who is in the round, once; ErrCutApplied after that.
	SetCut(ctx context.Context, r Round) error
	// PutSheet adds or replaces a judge's sheet for an entry.
	PutSheet(ctx context.Context, s Sheet) error
	// GetSheet returns one sheet; ErrNotFound when the judge has none.
	GetSheet(ctx context.Context, roundID, judgeID, entryID string) (Sheet, error)
	// Sheets returns every sheet of a round.
	Sheets(ctx context.Context, roundID string) ([]Sheet, error)
	// HasSheets reports whether any sheet exists for the campaign.
	HasSheets(ctx context.Context, campaignID string) (bool, error)
	AddDraw(ctx context.Context, d Draw) error
	// Draws lists a campaign's draws, oldest first.
	Draws(ctx context.Context, campaignID string) ([]Draw, error)
}
