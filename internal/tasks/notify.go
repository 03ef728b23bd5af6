package tasks

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/hibiken/asynq"
)

// Task types for messages to entrants beyond a single email.
const (
	TypeNotifyMilestone = "notify:milestone" // an entry reached a vote milestone
	TypeBroadcastSend   = "broadcast:send"   // a staff message to a segment
)

// NotifyMilestone asks the worker to tell an entrant their entry reached
// a vote total.
type NotifyMilestone struct {
	EntryID string `json:"entry_id"`
	Votes   int64  `json:"votes"`
}

// BroadcastSend asks the worker to send a staff message to its segment.
type BroadcastSend struct {
	BroadcastID string `json:"broadcast_id"`
}

// newTask builds a task whose id is typ and key, so queueing it twice
// while the first is pending is a no-op.
func newTask(typ, key string, payload any, opts ...asynq.Option) (*asynq.Task, error) {
	b, err := json.Marshal(payload)
	if err != nil {
		return nil, fmt.Errorf("tasks: %w", err)
	}
	return asynq.NewTask(typ, b, append([]asynq.Option{asynq.TaskID(typ + ":" + key)}, opts...)...), nil
}

// parse decodes a payload; a bad one can never succeed (SkipRetry).
func parse[T any](t *asynq.Task, ok func(T) bool) (T, error) {
	var p T
	if err := json.Unmarshal(t.Payload(), &p); err != nil || !ok(p) {
		return p, fmt.Errorf("tasks: bad %s payload: %v: %w", t.Type(), err, asynq.SkipRetry)
	}
	return p, nil
}

func (q *Queue) enqueue(ctx context.Context, t *asynq.Task, err error) error {
	if err != nil {
		return err
	}
	if _, err := q.c.EnqueueContext(ctx, t); err != nil && !errors.Is(err, asynq.ErrTaskIDConflict) {
		return fmt.Errorf("tasks: enqueue %s: %w", t.Type(), err)
	}
	return nil
}

// EnqueueMilestone queues a milestone message (once per entry and total).
func (q *Queue) EnqueueMilestone(ctx context.Context, entryID string, votes int64) error {
	t, err := newTask(TypeNotifyMilestone, entryID+":"+strconv.FormatInt(votes, 10), NotifyMilestone{entryID, votes},
		asynq.Queue(QueueMail), asynq.MaxRetry(10), asynq.Timeout(time.Minute), asynq.Retention(time.Hour))
	return q.enqueue(ctx, t, err)
}

// ParseNotifyMilestone decodes the payload.
func ParseNotifyMilestone(t *asynq.Task) (NotifyMilestone, error) {
	return parse(t, func(p NotifyMilestone) bool { return p.EntryID != "" && p.Votes > 0 })
}

// EnqueueBroadcast queues a staff message to be sent at a time (now or
// later). The send is idempotent per recipient, so a retry after a crash
// halfway through sends only to those not yet sent to.
func (q *Queue) EnqueueBroadcast(ctx context.Context, id string, at time.Time) error {
	t, err := newTask(TypeBroadcastSend, id, BroadcastSend{id},
		asynq.Queue(QueueMail), asynq.ProcessAt(at), asynq.MaxRetry(10), asynq.Timeout(30*time.Minute), asynq.Retention(24*time.Hour))
	return q.enqueue(ctx, t, err)
}

// ParseBroadcastSend decodes the payload.
func ParseBroadcastSend(t *asynq.Task) (BroadcastSend, error) {
	return parse(t, func(p BroadcastSend) bool { return p.BroadcastID != "" })
}
