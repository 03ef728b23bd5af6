package entries

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Codes recorded with automatic status changes: the finding or failure
// behind the decision, so pages can explain it without parsing reasons.
const (
	CodeDuplicate  = "duplicate" // exactly the same as another entry
	CodeBlack      = "black"     // black from start to end
	CodeTooShort   = "too_short" // under the campaign's minimum length
	CodeTooLong    = "too_long"  // over the campaign's maximum length
	CodeTooLarge   = "too_large" // frames over the pixel limit
	CodeNotVideo   = "not_video" // unreadable, or sound without picture
	CodeTimeout    = "timeout"   // processing ran out of time
	CodeNoLength   = "no_length" // no playable length
	CodeInternal   = "internal"  // a problem on Tryout's side
	CodeScreened   = "screened"  // passed (or not stopped by) the automatic checks
	CodeAppeal     = "appeal"    // the entrant asked a person to look
	appealedReason = "You asked a person to look at the automatic decision."
)

// Errors of an appeal, for callers to tell apart with errors.Is.
var (
	// ErrAppealed: this automatic decision was already appealed.
	ErrAppealed = errors.New("the automatic decision was already appealed")
	// ErrDecidedByPerson: the current status is a person's decision.
	ErrDecidedByPerson = errors.New("a person made this decision")
	// ErrNotAppealable: the entry's status is no decision against it.
	ErrNotAppealable = errors.New("there is no automatic decision to appeal")
)

// Last is the entry's latest status change (ok false when it has none).
func (e Entry) Last() (StatusChange, bool) {
	if len(e.History) == 0 {
		return StatusChange{}, false
	}
	return e.History[len(e.History)-1], true
}

// Automatic reports whether Tryout decided the entry's current status by
// itself (screening or processing) rather than a person or the entrant.
func (e Entry) Automatic() bool {
	last, ok := e.Last()
	return ok && last.Auto && last.To == e.Status
}

// Appealed reports whether the entry waits in review because its entrant
// asked a person to look at an automatic decision.
func (e Entry) Appealed() bool {
	last, ok := e.Last()
	return ok && e.Status == InReview && last.Code == CodeAppeal
}

// AppealedDecision is the automatic decision an appeal is about (the zero
// StatusChange when the entry is not waiting on an appeal).
func (e Entry) AppealedDecision() StatusChange {
	if !e.Appealed() || len(e.History) < 2 {
		return StatusChange{}
	}
	return e.History[len(e.History)-2]
}

// CheckAppeal says whether the entrant may ask a person to look: only at
// an automatic decision against the entry (not accepted, or failed), once
// per decision.
func (e Entry) CheckAppeal() error {
	switch {
	case e.Appealed():
		return ErrAppealed
	case e.Status != Rejected && e.Status != Failed:
		return ErrNotAppealable
	case !e.Automatic():
		return ErrDecidedByPerson
	}
	return nil
}

// Appeal sends an automatically rejected or failed entry to the review
// queue, marked as an appeal, if it is still as the entrant saw it.
func Appeal(ctx context.Context, s Store, e Entry, now time.Time) (Entry, error) {
	if err := e.CheckAppeal(); err != nil {
		return e, err
	}
	moved, err := s.Apply(ctx, e.ID, e.Status, Change{To: InReview, Reason: appealedReason, At: now, Code: CodeAppeal, IfUpdatedAt: e.UpdatedAt})
	if err != nil {
		return e, fmt.Errorf("entries: appeal: %w", err)
	}
	return moved, nil
}
