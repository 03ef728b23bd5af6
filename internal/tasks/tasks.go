// Package tasks names every asynq task type and builds its payload, so the
// API that enqueues and the worker that handles agree in one place.
package tasks

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/hibiken/asynq"
)

// Task type names.
const (
	TypeMediaProcess   = "media:process"
	TypeMailSend       = "mail:send"
	TypeUploadsCleanup = "uploads:cleanup"
	TypeCountersFlush  = "counters:flush"
	TypeVotesReconcile = "votes:reconcile"
	TypeVotesRelease   = "votes:release"
)

// Queue names and their weights for the worker.
const (
	QueueMedia   = "media"
	QueueMail    = "mail"
	QueueDefault = "default"
)

// Queues is the worker's queue priority map: mail is small and people wait
// for sign-in links, so it goes first.
var Queues = map[string]int{QueueMail: 6, QueueMedia: 3, QueueDefault: 1}

// MediaProcess asks the worker to process one uploaded original.
type MediaProcess struct {
	EntryID     string `json:"entry_id"`
	OriginalKey string `json:"original_key"`
}

// NewMediaProcess builds the task. Its id is the entry and original, so
// enqueueing the same upload twice is a no-op, while a resubmitted video
// (new key) gets its own task. Media work is long: a generous timeout and
// retries with asynq's exponential backoff.
func NewMediaProcess(p MediaProcess) (*asynq.Task, error) {
	b, err := json.Marshal(p)
	if err != nil {
		return nil, fmt.Errorf("tasks: %w", err)
	}
	return asynq.NewTask(TypeMediaProcess, b,
		asynq.Queue(QueueMedia),
		asynq.TaskID(TypeMediaProcess+":"+p.EntryID+":"+p.OriginalKey),
		asynq.MaxRetry(5),
		asynq.Timeout(2*time.Hour),
		asynq.Retention(24*time.Hour),
	), nil
}

// ParseMediaProcess decodes the payload; a bad payload can never succeed, so
// the error wraps asynq.SkipRetry.
func ParseMediaProcess(t *asynq.Task) (MediaProcess, error) {
	return parse(t, func(p MediaProcess) bool { return p.EntryID != "" })
}

// Queue enqueues tasks on asynq.
type Queue struct{ c *asynq.Client }

// NewQueue wraps an asynq client.
func NewQueue(c *asynq.Client) *Queue { return &Queue{c: c} }

// EnqueueMediaProcess queues processing of an original. A task already
// queued for the same original counts as success.
func (q *Queue) EnqueueMediaProcess(ctx context.Context, p MediaProcess) error {
	t, err := NewMediaProcess(p)
	return q.enqueue(ctx, t, err)
}

// LastAttempt reports whether the running task will not be retried if it
// fails now.
func LastAttempt(ctx context.Context) bool {
	n, ok1 := asynq.GetRetryCount(ctx)
	max, ok2 := asynq.GetMaxRetry(ctx)
	return ok1 && ok2 && n >= max
}

// MailSend asks the worker to deliver one outbox message.
type MailSend struct {
	MessageID string `json:"message_id"`
}

// NewMailSend builds the task. Its id is the message, so a message is
// queued at most once at a time; retries back off for hours so an SMTP
// outage delays mail but loses none.
func NewMailSend(p MailSend) (*asynq.Task, error) {
	b, err := json.Marshal(p)
	if err != nil {
		return nil, fmt.Errorf("tasks: %w", err)
	}
	return asynq.NewTask(TypeMailSend, b,
		asynq.Queue(QueueMail),
		asynq.TaskID(TypeMailSend+":"+p.MessageID),
		asynq.MaxRetry(25),
		asynq.Timeout(2*time.Minute),
		asynq.Retention(time.Hour),
	), nil
}

// ParseMailSend decodes the payload.
func ParseMailSend(t *asynq.Task) (MailSend, error) {
	return parse(t, func(p MailSend) bool { return p.MessageID != "" })
}

// EnqueueMail queues delivery of an outbox message; already queued is fine.
func (q *Queue) EnqueueMail(ctx context.Context, messageID string) error {
	t, err := NewMailSend(MailSend{MessageID: messageID})
	return q.enqueue(ctx, t, err)
}

// NewUploadsCleanup builds the periodic cleanup task. Unique for ten
// minutes, so several schedulers (one per worker) queue it once.
func NewUploadsCleanup() *asynq.Task {
	return asynq.NewTask(TypeUploadsCleanup, nil, asynq.Queue(QueueDefault), asynq.Unique(10*time.Minute), asynq.MaxRetry(3), asynq.Timeout(30*time.Minute))
}

// NewCountersFlush builds the periodic flush of view counts to MongoDB.
// Unique for 25 seconds, so several schedulers queue it once per period.
func NewCountersFlush() *asynq.Task {
	return asynq.NewTask(TypeCountersFlush, nil, asynq.Queue(QueueDefault), asynq.Unique(25*time.Second), asynq.MaxRetry(1), asynq.Timeout(5*time.Minute))
}

// NewVotesReconcile builds the periodic reconcile of vote counters with
// ballots. Unique for nine minutes, so several schedulers queue it once.
func NewVotesReconcile() *asynq.Task {
	return asynq.NewTask(TypeVotesReconcile, nil, asynq.Queue(QueueDefault), asynq.Unique(9*time.Minute), asynq.MaxRetry(1), asynq.Timeout(30*time.Minute))
}

// NewVotesRelease builds the periodic re-check of held votes (those whose
// cluster no longer looks suspicious count). Unique for four minutes.
func NewVotesRelease() *asynq.Task {
	return asynq.NewTask(TypeVotesRelease, nil, asynq.Queue(QueueDefault), asynq.Unique(4*time.Minute), asynq.MaxRetry(1), asynq.Timeout(10*time.Minute))
}

// LaterError asks for the task to run again after a while without
// counting a failure: a rate limit, quiet hours, a daily cap.
type LaterError struct {
	After time.Duration
	Why   string
}

func (e *LaterError) Error() string {
	return fmt.Sprintf("later (%s): in %s", e.Why, e.After.Round(time.Second))
}

// Later returns a LaterError.
func Later(after time.Duration, why string) error {
	return &LaterError{After: max(after, time.Second), Why: why}
}

// RetryIn reports whether err asks for a later run, and when.
func RetryIn(err error) (time.Duration, bool) {
	var l *LaterError
	if errors.As(err, &l) {
		return l.After, true
	}
	return 0, false
}
