package worker

import (
	"context"
	"errors"
	"fmt"

	"github.com/hibiken/asynq"

	"github.com/tryout/tryout/internal/tasks"
	"github.com/tryout/tryout/internal/webhooks"
)

// WebhookHandler makes one attempt at a webhook delivery (webhook:deliver);
// a failed attempt is retried by asynq with backoff, and the last one marks
// the delivery failed.
type WebhookHandler struct {
	Webhooks *webhooks.Service
}

// ProcessTask implements asynq.Handler.
func (h *WebhookHandler) ProcessTask(ctx context.Context, t *asynq.Task) error {
	p, err := tasks.ParseWebhookDeliver(t)
	if err != nil {
		return err
	}
	err = h.Webhooks.Deliver(ctx, p.DeliveryID, tasks.LastAttempt(ctx))
	if errors.Is(err, webhooks.ErrGone) || errors.Is(err, webhooks.ErrNotFound) {
		return fmt.Errorf("%w: %w", err, asynq.SkipRetry)
	}
	return err
}
