package worker

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"time"

	"github.com/hibiken/asynq"

	"github.com/tryout/tryout/internal/blob"
	"github.com/tryout/tryout/internal/entries"
	"github.com/tryout/tryout/internal/mail"
	"github.com/tryout/tryout/internal/tasks"
)

// Uploads is the storage the cleanup job sweeps.
type Uploads interface {
	ListPending(ctx context.Context, bucket, prefix string) ([]blob.PendingUpload, error)
	AbortMultipart(ctx context.Context, bucket, key, uploadID string) error
}

// ClaimSweeper deletes records of expired sign-in links.
type ClaimSweeper interface {
	DeleteExpiredClaims(ctx context.Context, now time.Time) (int64, error)
}

// Requeuer puts work back on the queue.
type Requeuer interface {
	EnqueueMediaProcess(ctx context.Context, p tasks.MediaProcess) error
	EnqueueMail(ctx context.Context, messageID string) error
}

// CleanupHandler runs uploads:cleanup: it aborts multipart uploads abandoned
// for longer than MaxAge (deleting their parts), returns entries stuck
// uploading to draft (keeping their details), removes expired sign-in link
// records, and re-queues entries and messages whose queueing failed.
type CleanupHandler struct {
	Entries entries.Store
	Outbox  mail.Store
	Claims  ClaimSweeper
	Uploads Uploads
	Queue   Requeuer
	Bucket  string
	MaxAge  time.Duration // abandoned after this long; 24h in production
	Requeue time.Duration // work sitting unqueued this long is queued again
	Now     func() time.Time
	Log     *slog.Logger
}

// ProcessTask implements asynq.Handler.
func (h *CleanupHandler) ProcessTask(ctx context.Context, _ *asynq.Task) error {
	_, err := h.Run(ctx)
	return err
}

// Report says what one cleanup run did.
type Report struct {
	AbortedUploads, EntriesReset, ClaimsDeleted, EntriesRequeued, MessagesRequeued int
}

// Run does one sweep.
func (h *CleanupHandler) Run(ctx context.Context) (Report, error) {
	var r Report
	now := h.Now()
	cutoff := now.Add(-h.MaxAge)
	stuck, err := h.Entries.ListStale(ctx, entries.Uploading, cutoff, 500)
	if err != nil {
		return r, err
	}
	for _, e := range stuck {
		_, err := entries.MoveWith(ctx, h.Entries, e, entries.Change{To: entries.Draft, At: now, ClearUpload: true,
			Reason: "Your upload did not finish, so we cleared it. Your title and description are saved: upload your video again."})
		if errors.Is(err, entries.ErrConflict) {
			continue // it moved on by itself meanwhile
		}
		if err != nil {
			return r, err
		}
		r.EntriesReset++
		if e.Upload != nil {
			if err := h.Uploads.AbortMultipart(ctx, h.Bucket, e.Upload.Key, e.Upload.ID); err != nil {
				return r, err
			}
			r.AbortedUploads++
		}
	}
	// MinIO lists multipart uploads only for an empty prefix or an exact
	// key, so list them all and filter here.
	pending, err := h.Uploads.ListPending(ctx, h.Bucket, "")
	if err != nil {
		return r, err
	}
	for _, u := range pending {
		if u.Initiated.After(cutoff) || !strings.HasPrefix(u.Key, "campaigns/") {
			continue
		}
		if err := h.Uploads.AbortMultipart(ctx, h.Bucket, u.Key, u.UploadID); err != nil {
			return r, err
		}
		r.AbortedUploads++
	}
	n, err := h.Claims.DeleteExpiredClaims(ctx, now)
	if err != nil {
		return r, err
	}
	r.ClaimsDeleted = int(n)
	received, err := h.Entries.ListStale(ctx, entries.Received, now.Add(-h.Requeue), 500)
	if err != nil {
		return r, err
	}
	for _, e := range received {
		if err := h.Queue.EnqueueMediaProcess(ctx, tasks.MediaProcess{EntryID: e.ID, OriginalKey: e.Original.Key}); err != nil {
			return r, err
		}
		r.EntriesRequeued++
	}
	queued, err := h.Outbox.ListStale(ctx, mail.Queued, now.Add(-h.Requeue), 1000)
	if err != nil {
		return r, err
	}
	for _, m := range queued {
		if err := h.Queue.EnqueueMail(ctx, m.ID); err != nil {
			return r, err
		}
		r.MessagesRequeued++
	}
	if r != (Report{}) {
		h.Log.Info("cleanup", "aborted_uploads", r.AbortedUploads, "entries_reset", r.EntriesReset, "claims_deleted", r.ClaimsDeleted,
			"entries_requeued", r.EntriesRequeued, "messages_requeued", r.MessagesRequeued)
	}
	return r, nil
}
