package judging

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/tryout/tryout/internal/audit"
	"github.com/tryout/tryout/internal/campaigns"
	"github.com/tryout/tryout/internal/entries"
	"github.com/tryout/tryout/internal/messages"
	"github.com/tryout/tryout/internal/notify"
)

// SetWinner gives a live entry a place (1-100) and a prize among its
// campaign's winners, or changes them, and records who decided. An entry
// that is not live is ErrNotLive; a bad place or prize is a
// campaigns.FieldErrors. The winners page shows it at once.
func (s *Service) SetWinner(ctx context.Context, who audit.Actor, e entries.Entry, place int, prize string) (campaigns.Winner, error) {
	w := campaigns.Winner{CampaignID: e.CampaignID, EntryID: e.ID, Place: place, Prize: strings.TrimSpace(prize), By: who.ID, At: s.Now()}
	if e.Status != entries.Live {
		return w, ErrNotLive
	}
	if err := campaigns.CheckWinner(w); err != nil {
		return w, err
	}
	if err := s.Winners.PutWinner(ctx, w); err != nil {
		return w, err
	}
	s.Audit.Record(ctx, who, "winner.set", e.ID, nil, map[string]string{"place": strconv.Itoa(w.Place), "prize": w.Prize})
	return w, nil
}

// RemoveWinner takes the entry off its campaign's winners and records who
// did.
func (s *Service) RemoveWinner(ctx context.Context, who audit.Actor, e entries.Entry) error {
	if err := s.Winners.RemoveWinner(ctx, e.CampaignID, e.ID); err != nil {
		return err
	}
	s.Audit.Record(ctx, who, "winner.remove", e.ID, nil, nil)
	return nil
}

// SetFinalist puts a live entry on the shortlist (on) or takes any entry
// off it, and records who did. An entrant put on it is sent the finalist
// message (once per entry); when that cannot be queued the change stands
// and the error wraps ErrNotTold.
func (s *Service) SetFinalist(ctx context.Context, who audit.Actor, e entries.Entry, on bool) error {
	if on && e.Status != entries.Live {
		return ErrNotLive
	}
	if err := s.Entries.SetFinalist(ctx, e.ID, on); err != nil {
		return err
	}
	var told error
	if on {
		e.Finalist = true
		if err := s.Teller.Tell(ctx, messages.Finalist, e, notify.Note{}); err != nil {
			told = fmt.Errorf("%w: %w", ErrNotTold, err)
		}
	}
	s.Audit.Record(ctx, who, "finalist.set", e.ID, nil, map[string]string{"finalist": strconv.FormatBool(on)})
	return told
}
