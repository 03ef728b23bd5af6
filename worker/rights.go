package worker

import (
	"context"
	"log/slog"

	"github.com/hibiken/asynq"

	"github.com/tryout/tryout/internal/guardians"
	"github.com/tryout/tryout/internal/retention"
	"github.com/tryout/tryout/internal/tasks"
)

// Deleter runs an account deletion (rights.Deleter).
type Deleter interface {
	Run(ctx context.Context, entrantID string) error
}

// DeletionHandler handles entrant:delete: it resumes the deletion at the
// first step not done; a failure is retried by asynq.
type DeletionHandler struct{ Deleter Deleter }

// ProcessTask implements asynq.Handler.
func (h *DeletionHandler) ProcessTask(ctx context.Context, t *asynq.Task) error {
	p, err := tasks.ParseEntrantDelete(t)
	if err != nil {
		return err
	}
	return h.Deleter.Run(ctx, p.EntrantID)
}

// RetentionHandler handles retention:run.
type RetentionHandler struct {
	Runner interface {
		Run(ctx context.Context) (retention.Run, error)
	}
}

// ProcessTask implements asynq.Handler.
func (h *RetentionHandler) ProcessTask(ctx context.Context, _ *asynq.Task) error {
	_, err := h.Runner.Run(ctx)
	return err
}

// GuardiansHandler handles guardians:sweep.
type GuardiansHandler struct {
	Sweeper interface {
		Sweep(ctx context.Context) (guardians.SweepReport, error)
	}
	Log *slog.Logger
}

// ProcessTask implements asynq.Handler.
func (h *GuardiansHandler) ProcessTask(ctx context.Context, _ *asynq.Task) error {
	rep, err := h.Sweeper.Sweep(ctx)
	if rep != (guardians.SweepReport{}) {
		h.Log.Info("guardian consents swept", "sent", rep.Sent, "reminded", rep.Reminded, "expired", rep.Expired, "released", rep.Applied, "failed", rep.Failed)
	}
	return err
}
