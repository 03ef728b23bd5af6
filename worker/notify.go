package worker

import (
	"context"
	"errors"
	"fmt"

	"github.com/hibiken/asynq"

	"github.com/tryout/tryout/internal/entries"
	"github.com/tryout/tryout/internal/messages"
	"github.com/tryout/tryout/internal/notify"
	"github.com/tryout/tryout/internal/outreach"
	"github.com/tryout/tryout/internal/tasks"
)

// MilestoneHandler runs notify:milestone: the entrant hears that their
// entry reached a vote total (once per total: the message has its key).
type MilestoneHandler struct {
	Entries entries.Store
	Notify  interface {
		Tell(ctx context.Context, stage messages.Stage, e entries.Entry, note notify.Note) error
	}
}

// ProcessTask implements asynq.Handler.
func (h *MilestoneHandler) ProcessTask(ctx context.Context, t *asynq.Task) error {
	p, err := tasks.ParseNotifyMilestone(t)
	if err != nil {
		return err
	}
	e, err := h.Entries.Get(ctx, p.EntryID)
	if errors.Is(err, entries.ErrNotFound) {
		return fmt.Errorf("milestone: entry %s is gone: %w", p.EntryID, asynq.SkipRetry)
	}
	if err != nil {
		return err
	}
	if e.Status != entries.Live {
		return nil // taken down meanwhile: no cheering
	}
	e.Votes = p.Votes // the stored count lags the counter until the next flush
	return h.Notify.Tell(ctx, messages.Milestone, e, notify.Note{Milestone: p.Votes})
}

// BroadcastHandler runs broadcast:send: a staff message goes to its
// segment as it stands when the message is due.
type BroadcastHandler struct {
	Outreach *outreach.Service
}

// ProcessTask implements asynq.Handler.
func (h *BroadcastHandler) ProcessTask(ctx context.Context, t *asynq.Task) error {
	p, err := tasks.ParseBroadcastSend(t)
	if err != nil {
		return err
	}
	err = h.Outreach.Send(ctx, p.BroadcastID)
	if errors.Is(err, outreach.ErrNotFound) {
		return fmt.Errorf("broadcast: %w: %w", err, asynq.SkipRetry)
	}
	return err
}
