package app

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/hibiken/asynq"

	"github.com/tryout/tryout/internal/tasks"
	"github.com/tryout/tryout/worker"
)

// WorkerServer builds the asynq server and its handler mux.
func (a *App) WorkerServer() (*asynq.Server, *asynq.ServeMux) {
	srv := asynq.NewServerFromRedisClient(a.Redis, asynq.Config{
		Concurrency:     a.Cfg.WorkerConcurrency,
		Queues:          tasks.Queues,
		ShutdownTimeout: a.Cfg.ShutdownTimeout,
		Logger:          asynqLogger{a.Log.With("component", "asynq")},
		LogLevel:        asynq.WarnLevel,
		BaseContext:     context.Background,
		RetryDelayFunc: func(n int, _ error, _ *asynq.Task) time.Duration {
			return min(time.Duration(1<<min(n, 10))*5*time.Second, 30*time.Minute)
		},
	})
	h := worker.Handlers{Media: &worker.MediaHandler{
		Entries: a.Entries, Campaigns: a.Campaigns, Blobs: a.Blobs, Media: a.Media,
		Bucket: a.Cfg.S3BucketOriginals, TempDir: a.Cfg.MediaTempDir, MaxPixels: a.Cfg.MediaMaxPixels,
		Now: a.now, Log: a.Log,
	}}
	return srv, h.Mux()
}

// asynqLogger adapts slog to asynq's logger interface.
type asynqLogger struct{ l *slog.Logger }

func (l asynqLogger) Debug(args ...any) { l.l.Debug(sprint(args)) }
func (l asynqLogger) Info(args ...any)  { l.l.Info(sprint(args)) }
func (l asynqLogger) Warn(args ...any)  { l.l.Warn(sprint(args)) }
func (l asynqLogger) Error(args ...any) { l.l.Error(sprint(args)) }
func (l asynqLogger) Fatal(args ...any) { l.l.Error(sprint(args)) }

func sprint(args []any) string { return fmt.Sprint(args...) }
