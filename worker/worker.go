// Package worker holds the asynq task handlers: the media pipeline now;
// screening, mail, counters and cleanup as they land.
package worker

import (
	"github.com/hibiken/asynq"

	"github.com/tryout/tryout/internal/tasks"
)

// Handlers are the task handlers the worker serves.
type Handlers struct {
	Media *MediaHandler
}

// Mux routes task types to handlers.
func (h Handlers) Mux() *asynq.ServeMux {
	mux := asynq.NewServeMux()
	mux.Handle(tasks.TypeMediaProcess, h.Media)
	return mux
}
