package tasks

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/hibiken/asynq"
)

// Data rights task types.
const (
	TypeEntrantDelete  = "entrant:delete"  // delete one account, step by step
	TypeRetentionRun   = "retention:run"   // apply every campaign's retention (scheduled)
	TypeGuardiansSweep = "guardians:sweep" // send, remind and expire guardian consents (scheduled)
)

// EntrantDelete asks the worker to delete one account.
type EntrantDelete struct {
	EntrantID string `json:"entrant_id"`
}

// NewEntrantDelete builds the task. Its id is the entrant, so one account
// is deleted by one task at a time; retries back off for hours and each
// resumes at the step the last one stopped at.
func NewEntrantDelete(p EntrantDelete) (*asynq.Task, error) {
	b, err := json.Marshal(p)
	if err != nil {
		return nil, fmt.Errorf("tasks: %w", err)
	}
	return asynq.NewTask(TypeEntrantDelete, b,
		asynq.Queue(QueueDefault),
		asynq.TaskID(TypeEntrantDelete+":"+p.EntrantID),
		asynq.MaxRetry(25),
		asynq.Timeout(30*time.Minute),
	), nil
}

// ParseEntrantDelete decodes the payload.
func ParseEntrantDelete(t *asynq.Task) (EntrantDelete, error) {
	return parse(t, func(p EntrantDelete) bool { return p.EntrantID != "" })
}

// EnqueueDeletion queues an account's deletion; one already queued or
// running counts as success.
func (q *Queue) EnqueueDeletion(ctx context.Context, entrantID string) error {
	t, err := NewEntrantDelete(EntrantDelete{EntrantID: entrantID})
	return q.enqueue(ctx, t, err)
}

// NewRetentionRun builds the periodic retention task, unique for five
// hours so several schedulers queue it once.
func NewRetentionRun() *asynq.Task {
	return asynq.NewTask(TypeRetentionRun, nil, asynq.Queue(QueueDefault), asynq.Unique(5*time.Hour), asynq.MaxRetry(3), asynq.Timeout(2*time.Hour))
}

// NewGuardiansSweep builds the hourly guardian consent sweep.
func NewGuardiansSweep() *asynq.Task {
	return asynq.NewTask(TypeGuardiansSweep, nil, asynq.Queue(QueueDefault), asynq.Unique(50*time.Minute), asynq.MaxRetry(3), asynq.Timeout(30*time.Minute))
}
