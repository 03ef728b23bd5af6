// Package worker holds the asynq task handlers: the media pipeline, mail
// delivery and the upload cleanup job; screening and counters as they land.
package worker

import (
	"github.com/hibiken/asynq"

	"github.com/tryout/tryout/internal/tasks"
)

// Handlers are the task handlers the worker serves.
type Handlers struct {
	Media   *MediaHandler
	Mail    *MailHandler // nil without SMTP: no mail tasks are queued then
	Cleanup *CleanupHandler
	// Counters flushes view counts; a scheduled task (counters:flush).
	Counters *CountersHandler
	// Reconcile checks vote counters against ballots (votes:reconcile).
	Reconcile *ReconcileHandler
	// Release re-checks held votes and counts those whose cluster no
	// longer looks suspicious (votes:release).
	Release *ReleaseHandler
	// Milestone and Broadcast send entrants their vote milestones and the
	// campaign team's messages.
	Milestone, Broadcast asynq.Handler
	// Webhooks sends webhook deliveries (webhook:deliver).
	Webhooks asynq.Handler
}

// Mux routes task types to handlers.
func (h Handlers) Mux() *asynq.ServeMux {
	mux := asynq.NewServeMux()
	mux.Handle(tasks.TypeMediaProcess, h.Media)
	if h.Mail != nil {
		mux.Handle(tasks.TypeMailSend, h.Mail)
	}
	mux.Handle(tasks.TypeUploadsCleanup, h.Cleanup)
	if h.Counters != nil {
		mux.Handle(tasks.TypeCountersFlush, h.Counters)
	}
	if h.Milestone != nil {
		mux.Handle(tasks.TypeNotifyMilestone, h.Milestone)
	}
	if h.Broadcast != nil {
		mux.Handle(tasks.TypeBroadcastSend, h.Broadcast)
	}
	if h.Webhooks != nil {
		mux.Handle(tasks.TypeWebhookDeliver, h.Webhooks)
	}
	if h.Reconcile != nil {
		mux.Handle(tasks.TypeVotesReconcile, h.Reconcile)
	}
	if h.Release != nil {
		mux.Handle(tasks.TypeVotesRelease, h.Release)
	}
	return mux
}
