package worker

import (
	"context"
	"errors"
	"fmt"

	"github.com/hibiken/asynq"

	"github.com/tryout/tryout/internal/notify"
	"github.com/tryout/tryout/internal/outreach"
	"github.com/tryout/tryout/internal/tasks"
)

// MilestoneHandler runs notify:milestone through the notifier's pacing
// (notify.Pacer): a wait (quiet hours, the entrant's daily slot) asks
// asynq to run it later without counting a failure.
type MilestoneHandler struct {
	Pacer *notify.Pacer
}

// ProcessTask implements asynq.Handler.
func (h *MilestoneHandler) ProcessTask(ctx context.Context, t *asynq.Task) error {
	p, err := tasks.ParseNotifyMilestone(t)
	if err != nil {
		return err
	}
	err = h.Pacer.Milestone(ctx, p.EntryID, p.Votes)
	var wait *notify.WaitError
	switch {
	case errors.As(err, &wait):
		return tasks.Later(wait.Wait, wait.Reason)
	case errors.Is(err, notify.ErrEntryGone):
		return fmt.Errorf("%w: %w", err, asynq.SkipRetry)
	}
	return err
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
