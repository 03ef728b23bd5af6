// Package moderation is what staff decide about entries: approve, reject
// with a reason, request changes with a note, take down. Each decision
// moves the entry through the state machine only if it is still the
// version the moderator looked at, tells the entrant, and is audited.
package moderation

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/tryout/tryout/internal/audit"
	"github.com/tryout/tryout/internal/entries"
)

// Decision is a moderator's verdict.
type Decision string

// The decisions.
const (
	Approve  Decision = "approve"  // in review -> live
	Reject   Decision = "reject"   // in review -> rejected, with a reason
	Changes  Decision = "changes"  // in review -> needs changes, with a note
	Takedown Decision = "takedown" // live -> removed, with a reason
)

// Errors callers can test with errors.Is.
var (
	ErrUnknownDecision = errors.New("unknown decision")
	ErrReasonRequired  = errors.New("a reason is required")
	// ErrAlreadyDecided: someone else changed the entry since the moderator
	// opened it (it wraps entries.ErrConflict).
	ErrAlreadyDecided = fmt.Errorf("the entry changed since you opened it: %w", entries.ErrConflict)
	// ErrNotPlayable: an entry with no playable video cannot go live (an
	// appeal against a failed processing can only be answered with a
	// request for changes or a rejection).
	ErrNotPlayable = errors.New("the entry has no playable video")
)

// MaxReason bounds the reason or note sent to the entrant.
const MaxReason = 2000

// ReasonTemplates are offered when rejecting or requesting changes; the
// text stays editable.
var ReasonTemplates = []string{
	"Your video does not follow the campaign rules.",
	"Your video includes music or footage you may not have the rights to use.",
	"Your video is too dark or blurry to judge. Please film it again in good light.",
	"Your video shows people who have not agreed to appear in it.",
	"Your title or description includes language we cannot publish.",
}

// Notifier tells the entrant about a decision.
type Notifier interface {
	Decision(ctx context.Context, e entries.Entry, reason string) error
}

// Actor is the staff member deciding.
type Actor struct{ ID, Email, Role string }

// Service applies decisions.
type Service struct {
	Entries entries.Store
	Notify  Notifier
	Audit   *audit.Recorder
	Now     func() time.Time
	Log     *slog.Logger
}

// route gives a decision's move and whether it needs a reason.
func route(d Decision) (from, to entries.Status, needsReason bool, err error) {
	switch d {
	case Approve:
		return entries.InReview, entries.Live, false, nil
	case Reject:
		return entries.InReview, entries.Rejected, true, nil
	case Changes:
		return entries.InReview, entries.NeedsChanges, true, nil
	case Takedown:
		return entries.Live, entries.Removed, true, nil
	}
	return "", "", false, fmt.Errorf("%w: %q", ErrUnknownDecision, d)
}

// Decide applies d to the entry if it is still as the moderator saw it
// (seen is the entry's UpdatedAt on their screen; zero skips that check,
// for decisions made without a screen, such as report thresholds).
func (s *Service) Decide(ctx context.Context, who Actor, id string, d Decision, reason string, seen time.Time) (entries.Entry, error) {
	from, to, needsReason, err := route(d)
	if err != nil {
		return entries.Entry{}, err
	}
	reason = strings.TrimSpace(reason)
	if needsReason && reason == "" {
		return entries.Entry{}, ErrReasonRequired
	}
	if len(reason) > MaxReason {
		return entries.Entry{}, fmt.Errorf("%w: at most %d characters", ErrReasonRequired, MaxReason)
	}
	e, err := s.Entries.Get(ctx, id)
	if err != nil {
		return entries.Entry{}, err
	}
	if e.Status != from || (!seen.IsZero() && !e.UpdatedAt.Equal(seen)) {
		return e, ErrAlreadyDecided
	}
	if to == entries.Live && e.Appealed() && !e.Renditions.Ready() {
		return e, ErrNotPlayable // an appealed processing failure has nothing to show
	}
	moved, err := entries.MoveWith(ctx, s.Entries, e, entries.Change{To: to, Reason: reason, At: s.Now(), IfUpdatedAt: e.UpdatedAt})
	if errors.Is(err, entries.ErrConflict) {
		return e, ErrAlreadyDecided
	}
	if err != nil {
		return e, err
	}
	s.audit(ctx, who, "entry."+string(d), e, moved)
	if err := s.Notify.Decision(ctx, moved, reason); err != nil {
		// The decision stands; the outbox re-sends queued mail, and a failure
		// to even record the message is logged for staff to follow up.
		s.Log.Error("moderation: could not tell the entrant", "entry", e.ID, "decision", d, "err", err)
	}
	return moved, nil
}

// System is the actor for decisions Tryout makes by itself.
var System = Actor{ID: "system", Email: "tryout", Role: "system"}

// ReturnToReview sends a live entry back to the queue (after fan reports),
// audited as a system action. The entrant is not told: nothing is decided.
func (s *Service) ReturnToReview(ctx context.Context, e entries.Entry, reason string) (entries.Entry, error) {
	moved, err := entries.MoveWith(ctx, s.Entries, e, entries.Change{To: entries.InReview, Reason: reason, At: s.Now(), IfUpdatedAt: e.UpdatedAt, Automatic: true})
	if errors.Is(err, entries.ErrConflict) {
		return e, ErrAlreadyDecided
	}
	if err != nil {
		return e, err
	}
	s.audit(ctx, System, "entry.return_to_review", e, moved)
	return moved, nil
}

// audit records a move of an entry: its status and reason before and after.
// A lost record is logged; the move stands.
func (s *Service) audit(ctx context.Context, who Actor, action string, before, after entries.Entry) {
	s.Audit.Record(ctx, audit.Actor(who), action, before.ID,
		map[string]string{"status": string(before.Status), "reason": before.StatusReason},
		map[string]string{"status": string(after.Status), "reason": after.StatusReason})
}
