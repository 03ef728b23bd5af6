package guardians

import (
	"context"
	"errors"
	"fmt"

	"github.com/tryout/tryout/internal/entries"
)

// SweepReport counts what one sweep did.
type SweepReport struct {
	Sent, Reminded, Expired, Applied, Failed int
}

// Sweep sends requests that never went out, reminds, expires and finishes
// releasing entries whose consent was recorded. The worker runs it every
// hour; every step is safe to repeat.
func (s *Service) Sweep(ctx context.Context) (SweepReport, error) {
	var rep SweepReport
	list, err := s.Store.Unsettled(ctx, 5000)
	if err != nil {
		return rep, err
	}
	now := s.Now()
	for _, g := range list {
		var err error
		switch {
		case g.Status == Given:
			if err = s.apply(ctx, g); err == nil {
				rep.Applied++
			}
		case !now.Before(g.ExpiresAt):
			if err = s.expire(ctx, g); err == nil {
				rep.Expired++
			}
		case !g.Sent:
			if err = s.send(ctx, g, 0); err == nil {
				rep.Sent++
			}
		case g.ReminderDue(now):
			if err = s.send(ctx, g, g.Reminders+1); err == nil {
				rep.Reminded++
			}
		}
		if err != nil {
			rep.Failed++
			s.Log.Error("guardians: sweep", "entry", g.EntryID, "err", err)
		}
	}
	return rep, nil
}

// expire withdraws an entry whose guardian never consented and tells the
// entrant. The entry was never shown, so withdrawing loses nothing public;
// the entrant may enter again.
func (s *Service) expire(ctx context.Context, g Consent) error {
	e, err := s.Entries.Get(ctx, g.EntryID)
	if errors.Is(err, entries.ErrNotFound) {
		return s.Store.Expire(ctx, g.EntryID)
	}
	if err != nil {
		return err
	}
	days := int(g.ExpiresAt.Sub(g.RequestedAt).Hours() / 24)
	if !e.Status.Final() {
		up := e.Upload
		moved, err := entries.MoveWith(ctx, s.Entries, e, entries.Change{To: entries.Withdrawn, At: s.Now(), ClearUpload: up != nil,
			Reason: fmt.Sprintf("Your parent or guardian did not consent within %d days.", days)})
		if err != nil {
			return err // a conflict: the next sweep sees the new status
		}
		e = moved
		if err := s.Slots.Release(ctx, e.ID); err != nil {
			s.Log.Error("guardians: release entry slot", "entry", e.ID, "err", err)
		}
	}
	if err := s.Store.Expire(ctx, g.EntryID); err != nil && !errors.Is(err, ErrConflict) {
		return err
	}
	if e.Status == entries.Withdrawn {
		if err := s.Notify.GuardianExpired(ctx, e, days); err != nil {
			s.Log.Error("guardians: could not tell the entrant", "entry", e.ID, "err", err)
		}
	}
	return nil
}
