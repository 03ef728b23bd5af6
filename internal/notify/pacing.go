package notify

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/tryout/tryout/internal/entries"
	"github.com/tryout/tryout/internal/messages"
)

// Pacer tells entrants that their entry reached a vote milestone, paced so
// nobody is spammed: not in quiet hours, at most one milestone email per
// entrant a day, and a milestone overtaken by a higher one before it went
// out is folded into that one. Milestones that wait for the day's slot go
// out together the next day in one digest.
type Pacer struct {
	Entries interface {
		Get(ctx context.Context, id string) (entries.Entry, error)
	}
	Teller interface {
		Tell(ctx context.Context, stage messages.Stage, e entries.Entry, note Note) error
		MilestoneDigest(ctx context.Context, items []Reached) error
	}
	Store              PacingStore
	QuietFrom, QuietTo int // UTC hours
	Now                func() time.Time
}

// PacingStore keeps the pacing state: each entry's highest milestone, the
// entrant's daily slot, milestones waiting for it, and those settled.
type PacingStore interface {
	// Top records votes as the entry's highest milestone if it is, and
	// returns the highest.
	Top(ctx context.Context, entryID string, votes int64) (int64, error)
	// TopOf is the entry's highest milestone (0: none).
	TopOf(ctx context.Context, entryID string) (int64, error)
	Done(ctx context.Context, member string) (bool, error)
	// ClaimSlot takes the entrant's slot for a day; when it is taken it
	// adds member to the entrant's pending set and says how long the
	// slot has left.
	ClaimSlot(ctx context.Context, entrantID, entryID, member string) (ok bool, wait time.Duration, err error)
	ReleaseSlot(ctx context.Context, entrantID string) error
	Pending(ctx context.Context, entrantID string) ([]string, error)
	// Settle marks members done and takes them out of the pending set.
	Settle(ctx context.Context, entrantID string, members []string) error
}

// WaitError says the milestone should be tried again after Wait (quiet
// hours, or the entrant's daily slot is taken); nothing failed.
type WaitError struct {
	Wait   time.Duration
	Reason string
}

func (e *WaitError) Error() string { return "notify: wait " + e.Wait.String() + ": " + e.Reason }

// ErrEntryGone says the milestone's entry no longer exists.
var ErrEntryGone = errors.New("notify: the entry is gone")

// Milestone tells the entry's entrant it reached votes (once per total:
// the message has its key), or says to wait (WaitError).
func (p *Pacer) Milestone(ctx context.Context, entryID string, votes int64) error {
	e, err := p.Entries.Get(ctx, entryID)
	if errors.Is(err, entries.ErrNotFound) {
		return fmt.Errorf("milestone %s: %w", entryID, ErrEntryGone)
	}
	if err != nil {
		return err
	}
	if e.Status != entries.Live {
		return nil // taken down meanwhile: no cheering
	}
	top, err := p.Store.Top(ctx, e.ID, votes)
	if err != nil || top > votes {
		return err // top > votes: a higher milestone's message says it
	}
	if d := messages.QuietFor(p.Now(), p.QuietFrom, p.QuietTo); d > 0 {
		return &WaitError{d, "quiet hours"}
	}
	member := fmt.Sprintf("%s:%d", e.ID, votes)
	if done, err := p.Store.Done(ctx, member); err != nil || done {
		return err // done: it went out in a digest
	}
	// The day's slot is claimed before sending and given back if the send
	// fails; a milestone that finds it taken waits in the pending set and
	// whichever milestone next gets a slot sends them all.
	ok, wait, err := p.Store.ClaimSlot(ctx, e.EntrantID, e.ID, member)
	if err != nil {
		return err
	}
	if !ok {
		return &WaitError{wait, "one milestone email a day"}
	}
	e.Votes = votes // the stored count lags the counter until the next flush
	items, settled, err := p.gather(ctx, e.EntrantID, member, Reached{Entry: e, Votes: votes})
	if err == nil {
		if len(items) == 1 {
			err = p.Teller.Tell(ctx, messages.Milestone, e, Note{Milestone: votes})
		} else {
			err = p.Teller.MilestoneDigest(ctx, items)
		}
	}
	if err != nil {
		_ = p.Store.ReleaseSlot(ctx, e.EntrantID)
		return err
	}
	// Every milestone told (or overtaken) is settled, so its own waiting
	// task ends quietly.
	return p.Store.Settle(ctx, e.EntrantID, settled)
}

// gather is this milestone and the entrant's waiting ones still worth
// telling (live, not overtaken), and every member it settles.
func (p *Pacer) gather(ctx context.Context, entrantID, member string, first Reached) ([]Reached, []string, error) {
	items, settled := []Reached{first}, []string{member}
	others, err := p.Store.Pending(ctx, entrantID)
	if err != nil {
		return nil, nil, err
	}
	for _, m := range others {
		if m == member {
			continue
		}
		settled = append(settled, m)
		id, n, ok := strings.Cut(m, ":")
		votes, err := strconv.ParseInt(n, 10, 64)
		if !ok || err != nil {
			continue
		}
		top, err := p.Store.TopOf(ctx, id)
		if err != nil {
			return nil, nil, err
		}
		e, err := p.Entries.Get(ctx, id)
		if err != nil && !errors.Is(err, entries.ErrNotFound) {
			return nil, nil, err
		}
		if err == nil && e.Status == entries.Live && top <= votes {
			e.Votes = votes
			items = append(items, Reached{Entry: e, Votes: votes})
		}
	}
	return items, settled, nil
}
