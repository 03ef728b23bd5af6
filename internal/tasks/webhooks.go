package tasks

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/hibiken/asynq"
)

// TypeWebhookDeliver sends one webhook delivery.
const TypeWebhookDeliver = "webhook:deliver"

// WebhookDeliver names the delivery to send.
type WebhookDeliver struct {
	DeliveryID string `json:"delivery_id"`
}

// WebhookRetries is how often a failed delivery is tried again, with the
// worker's exponential backoff (5 s doubling, at most 30 min apart: about
// 3 hours in all).
const WebhookRetries = 12

// NewWebhookDeliver builds the task: one per delivery at a time.
func NewWebhookDeliver(p WebhookDeliver) (*asynq.Task, error) {
	b, err := json.Marshal(p)
	if err != nil {
		return nil, fmt.Errorf("tasks: %w", err)
	}
	return asynq.NewTask(TypeWebhookDeliver, b, asynq.Queue(QueueDefault), asynq.TaskID(TypeWebhookDeliver+":"+p.DeliveryID),
		asynq.MaxRetry(WebhookRetries), asynq.Timeout(time.Minute), asynq.Retention(time.Hour)), nil
}

// ParseWebhookDeliver decodes the payload.
func ParseWebhookDeliver(t *asynq.Task) (WebhookDeliver, error) {
	return parse(t, func(p WebhookDeliver) bool { return p.DeliveryID != "" })
}

// EnqueueWebhook queues a delivery; already queued is fine.
func (q *Queue) EnqueueWebhook(ctx context.Context, deliveryID string) error {
	t, err := NewWebhookDeliver(WebhookDeliver{DeliveryID: deliveryID})
	return q.enqueue(ctx, t, err)
}
