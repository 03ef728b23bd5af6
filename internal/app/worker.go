package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	netmail "net/mail"
	"strings"
	"time"

	"github.com/hibiken/asynq"

	"github.com/tryout/tryout/internal/mail"
	"github.com/tryout/tryout/internal/notify"
	"github.com/tryout/tryout/internal/ratelimit"
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
		// A task that asks to run later (a send rate limit, quiet hours)
		// has not failed: it keeps its retries.
		IsFailure:      func(err error) bool { _, later := tasks.RetryIn(err); return !later },
		RetryDelayFunc: RetryDelay,
	})
	h := worker.Handlers{Media: a.MediaHandler(), Cleanup: a.Cleanup(),
		Reconcile: &worker.ReconcileHandler{Campaigns: a.Campaigns, Sources: a.voteSources(), Now: a.now, Log: a.Log},
		Counters:  &worker.CountersHandler{Views: a.Views, Sink: a.Entries, Log: a.Log},
		Release:   a.releaseHandler(),
		Milestone: &worker.MilestoneHandler{Pacer: a.Pacer()}, Broadcast: &worker.BroadcastHandler{Outreach: a.Outreach},
		Webhooks: &worker.WebhookHandler{Webhooks: a.Webhooks}}
	if a.Cfg.SMTPHost != "" {
		h.Mail = &worker.MailHandler{
			Outbox: a.Outbox, Prefs: a.Entrants, From: a.Cfg.MailFrom,
			CampaignLimit: &ratelimit.Limiter{Redis: a.Redis, Prefix: "rl:mail:campaign:", Limit: int64(a.Cfg.MailPerCampaignPerMinute), Window: time.Minute}, Domain: mailDomain(a.Cfg.MailFrom), Now: a.now, Log: a.Log,
			Sender: mail.NewSMTP(mail.SMTPConfig{Host: a.Cfg.SMTPHost, Port: a.Cfg.SMTPPort, TLS: a.Cfg.SMTPTLS,
				Username: a.Cfg.SMTPUsername, Password: a.Cfg.SMTPPassword.Reveal()}),
		}
	}
	mux := h.Mux()
	a.registerRights(mux)
	return srv, mux
}

// RetryDelay is how long a failed task waits before its n-th retry:
// exponential backoff (5 s doubling, at most 30 min), unless the task
// asked to run later or its worker died.
func RetryDelay(n int, err error, _ *asynq.Task) time.Duration {
	if d, later := tasks.RetryIn(err); later {
		return d
	}
	if errors.Is(err, asynq.ErrLeaseExpired) { // the worker died; the task did nothing wrong
		return time.Second
	}
	return min(time.Duration(1<<min(n, 10))*5*time.Second, 30*time.Minute)
}

// MediaHandler builds the media:process handler.
func (a *App) MediaHandler() *worker.MediaHandler {
	return &worker.MediaHandler{
		Entries: a.Entries, Campaigns: a.Campaigns, Blobs: a.Blobs, Media: a.Media, Outputs: a.Blobs, Provider: a.Provider,
		Bucket: a.Cfg.S3BucketOriginals, RenditionsBucket: a.Cfg.S3BucketRenditions, TempDir: a.Cfg.MediaTempDir, MaxPixels: a.Cfg.MediaMaxPixels,
		Sign: a.Presign, SignedTTL: a.Cfg.ModerationURLTTL,
		Notify: a.Notify, Guardians: a.Rights.Guardians, Now: a.now, Log: a.Log,
	}
}

// Cleanup builds the cleanup job's handler.
func (a *App) Cleanup() *worker.CleanupHandler {
	return &worker.CleanupHandler{
		Entries: a.Entries, Outbox: a.Outbox, Claims: a.Entrants, Uploads: a.Blobs, Queue: a.Queue,
		Bucket: a.Cfg.S3BucketOriginals, MaxAge: 24 * time.Hour, Requeue: 10 * time.Minute, Now: a.now, Log: a.Log,
	}
}

// Scheduler queues the periodic cleanup every 15 minutes, the view count
// flush every 30 seconds, the vote reconcile every 10 minutes and the
// re-check of held votes every 5.
func (a *App) Scheduler() (*asynq.Scheduler, error) {
	// Its own connection: a scheduler on a shared client logs an error on
	// every shutdown because it may not close it.
	s := asynq.NewScheduler(asynq.RedisClientOpt{Addr: a.Cfg.RedisAddr, Password: a.Cfg.RedisPassword.Reveal(), DB: a.Cfg.RedisDB}, &asynq.SchedulerOpts{Logger: asynqLogger{a.Log.With("component", "scheduler")}, LogLevel: asynq.WarnLevel})
	if _, err := s.Register("@every 15m", tasks.NewUploadsCleanup()); err != nil {
		return nil, fmt.Errorf("scheduler: %w", err)
	}
	if _, err := s.Register("@every 30s", tasks.NewCountersFlush()); err != nil {
		return nil, fmt.Errorf("scheduler: %w", err)
	}
	if _, err := s.Register("@every 10m", tasks.NewVotesReconcile()); err != nil {
		return nil, fmt.Errorf("scheduler: %w", err)
	}
	if _, err := s.Register("@every 5m", tasks.NewVotesRelease()); err != nil {
		return nil, fmt.Errorf("scheduler: %w", err)
	}
	if err := scheduleRights(s); err != nil {
		return nil, err
	}
	return s, nil
}

// mailDomain is the domain of the From address, for Message-IDs.
func mailDomain(from string) string {
	if a, err := netmail.ParseAddress(from); err == nil {
		if i := strings.LastIndexByte(a.Address, '@'); i >= 0 {
			return a.Address[i+1:]
		}
	}
	return "localhost"
}

// asynqLogger adapts slog to asynq's logger interface.
type asynqLogger struct{ l *slog.Logger }

func (l asynqLogger) Debug(args ...any) { l.l.Debug(sprint(args)) }
func (l asynqLogger) Info(args ...any)  { l.l.Info(sprint(args)) }
func (l asynqLogger) Warn(args ...any)  { l.l.Warn(sprint(args)) }
func (l asynqLogger) Error(args ...any) { l.l.Error(sprint(args)) }
func (l asynqLogger) Fatal(args ...any) { l.l.Error(sprint(args)) }

func sprint(args []any) string { return fmt.Sprint(args...) }

// Pacer paces vote milestone messages (quiet hours, one a day per
// entrant, digests).
func (a *App) Pacer() *notify.Pacer {
	return &notify.Pacer{Entries: a.Entries, Teller: a.Notify, Store: notify.RedisPacing{Redis: a.Redis},
		QuietFrom: a.Cfg.MailQuietFrom, QuietTo: a.Cfg.MailQuietTo, Now: a.now}
}
