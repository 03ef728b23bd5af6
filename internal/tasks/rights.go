package tasks

import (
	"context"
	"encoding/json"
	"errors"
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
	var p EntrantDelete
	if err := json.Unmarshal(t.Payload(), &p); err != nil || p.EntrantID == "" {
		return p, fmt.Errorf("tasks: bad %s payload: %v: %w", TypeEntrantDelete, err, asynq.SkipRetry)
	}
	return p, nil
}

// EnqueueDeletion queues an account's deletion; one already queued or
// running counts as success.
func (q *Queue) EnqueueDeletion(ctx context.Context, entrantID string) error {
	t, err := NewEntrantDelete(EntrantDelete{EntrantID: entrantID})
	if err != nil {
		return err
	}
	if _, err := q.c.EnqueueContext(ctx, t); err != nil && !errors.Is(err, asynq.ErrTaskIDConflict) {
		return fmt.Errorf("tasks: enqueue %s: %w", TypeEntrantDelete, err)
	}
	return nil
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
