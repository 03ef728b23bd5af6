// Package intake takes a submitted video into the system: it checks the
// campaign's rules, stores the original privately, records the entry and
// queues processing, and leaves nothing half-written when any step fails.
package intake

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/tryout/tryout/internal/analytics"
	"github.com/tryout/tryout/internal/blob"
	"github.com/tryout/tryout/internal/campaigns"
	"github.com/tryout/tryout/internal/entries"
	"github.com/tryout/tryout/internal/faults"
	"github.com/tryout/tryout/internal/ids"
	"github.com/tryout/tryout/internal/media"
	"github.com/tryout/tryout/internal/tasks"
)

// Errors the HTTP layer translates.
var (
	ErrTooLarge    = errors.New("file over the size limit")
	ErrNotVideo    = errors.New("file is not a video")
	ErrEmptyFile   = errors.New("file is empty")
	ErrInvalid     = errors.New("invalid submission")
	ErrUnavailable = errors.New("submission could not be completed")
)

// TooLargeError carries the limit that was exceeded.
type TooLargeError struct{ Limit int64 }

func (e *TooLargeError) Error() string {
	return fmt.Sprintf("file over the limit of %d bytes", e.Limit)
}

// Unwrap lets errors.Is(err, ErrTooLarge) match.
func (e *TooLargeError) Unwrap() error { return ErrTooLarge }

// Blobs is the object storage the service writes originals to.
type Blobs interface {
	PutStream(ctx context.Context, bucket, key string, r io.Reader, contentType string) (int64, error)
	Remove(ctx context.Context, bucket, key string) error
	Stat(ctx context.Context, bucket, key string) (int64, error)
	Head(ctx context.Context, bucket, key string, n int64) ([]byte, error)
	StartMultipart(ctx context.Context, bucket, key, contentType string) (string, error)
	Parts(ctx context.Context, bucket, key, uploadID string) ([]blob.Part, error)
	CompleteMultipart(ctx context.Context, bucket, key, uploadID string, parts []blob.Part) error
	AbortMultipart(ctx context.Context, bucket, key, uploadID string) error
}

// Notifier tells the entrant what happened.
type Notifier interface {
	EntryReceived(ctx context.Context, e entries.Entry) error
}

// Queue enqueues processing.
type Queue interface {
	EnqueueMediaProcess(ctx context.Context, p tasks.MediaProcess) error
}

// Service accepts submissions.
type Service struct {
	Campaigns      campaigns.Store
	Entries        entries.Store
	Blobs          Blobs
	Presign        Presigner
	Slots          entries.Slots
	Queue          Queue
	Notify         Notifier
	Guardians      Guardians     // asks for a guardian's consent; nil when no campaign needs one
	Bucket         string        // private originals bucket
	MaxUploadBytes int64         // server-wide cap
	PartURLTTL     time.Duration // how long a presigned part URL works
	HashIP         func(ip string) string
	// Events counts the campaign's funnel (drafts, uploads); nil for none.
	Events analytics.Events
	Now    func() time.Time
	Log    *slog.Logger
}

func newEntryID() string { return ids.New(entries.IDPrefix) }

// Check validates the campaign, the typed fields and the entry rules before
// any byte of the file is read, so a doomed request stores nothing.
func (s *Service) Check(ctx context.Context, slug, entrantID string, d Details) (campaigns.Campaign, []entries.Consent, error) {
	c, consents, _, err := s.check(ctx, slug, entrantID, d)
	return c, consents, err
}

func (s *Service) check(ctx context.Context, slug, entrantID string, d Details) (campaigns.Campaign, []entries.Consent, rights, error) {
	c, err := s.openCampaign(ctx, slug)
	if err != nil {
		return c, nil, rights{}, err
	}
	consents, r, err := s.checkDetails(ctx, c, entrantID, d)
	return c, consents, r, err
}

// Submit streams file into private storage and records the entry as
// received, in one request (for scripts and small files). Memory use is
// bounded by the storage client's part buffers, whatever the file's size.
func (s *Service) Submit(ctx context.Context, slug, entrantID string, d Details, filename string, file io.Reader) (entries.Entry, error) {
	c, consents, r, err := s.check(ctx, slug, entrantID, d)
	if err != nil {
		return entries.Entry{}, err
	}
	br := bufio.NewReaderSize(file, 64<<10)
	head, err := br.Peek(media.SniffLen)
	if len(head) == 0 {
		return entries.Entry{}, ErrEmptyFile
	}
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return entries.Entry{}, fmt.Errorf("intake: read: %w", err)
	}
	container := media.Sniff(head)
	if container == "" {
		return entries.Entry{}, ErrNotVideo
	}

	limit := min(c.MaxFileBytes, s.MaxUploadBytes)
	now := s.Now()
	id := newEntryID()
	if err := s.claimSlot(ctx, c, entrantID, id); err != nil {
		return entries.Entry{}, err
	}
	created := false
	defer func() {
		if !created {
			s.releaseSlot(ctx, id)
		}
	}()
	key := "campaigns/" + c.ID + "/entries/" + id + "/" + ids.New("orig_")
	// The storage call must be able to abort its multipart upload even after
	// the client has gone, so it does not share the request's cancellation.
	putCtx := context.WithoutCancel(ctx)
	capped := &capReader{r: br, left: limit}
	size, err := s.Blobs.PutStream(putCtx, s.Bucket, key, capped, media.ContentType(container))
	if err != nil {
		if capped.over {
			return entries.Entry{}, &TooLargeError{Limit: limit}
		}
		return entries.Entry{}, fmt.Errorf("intake: store original: %w", unavailable(err))
	}
	if size != capped.read {
		s.removeObject(putCtx, key)
		return entries.Entry{}, fmt.Errorf("intake: stored %d bytes, read %d: %w", size, capped.read, ErrUnavailable)
	}

	e := entries.Entry{
		ID: id, CampaignID: c.ID, EntrantID: entrantID,
		Title: strings.TrimSpace(d.Title), Description: strings.TrimSpace(d.Description), CreatorName: strings.TrimSpace(d.CreatorName),
		Status:    entries.Received,
		History:   []entries.StatusChange{{To: entries.Received, At: now}},
		Original:  entries.Object{Key: key, Size: size, ContentType: media.ContentType(container), Filename: cleanFilename(filename)},
		Consents:  consents,
		CreatedAt: now, UpdatedAt: now,
	}
	r.apply(&e)
	if err := s.askGuardian(putCtx, c, e, r); err != nil {
		s.removeObject(putCtx, key)
		return entries.Entry{}, err
	}
	if err := s.Entries.Create(putCtx, e); err != nil {
		s.removeObject(putCtx, key)
		return entries.Entry{}, fmt.Errorf("intake: record entry: %w", unavailable(err))
	}
	if err := s.Queue.EnqueueMediaProcess(putCtx, tasks.MediaProcess{EntryID: id, OriginalKey: key}); err != nil {
		// Without a task the entry would sit at received forever: undo both.
		if derr := s.Entries.Delete(putCtx, id); derr != nil {
			s.Log.Error("intake: undo entry", "entry", id, "err", derr)
		}
		s.removeObject(putCtx, key)
		return entries.Entry{}, fmt.Errorf("intake: queue processing: %v: %w", err, ErrUnavailable)
	}
	created = true
	s.sendGuardian(putCtx, e)
	s.count(putCtx, c.ID, id, analytics.Drafts, analytics.UploadsStarted, analytics.UploadsCompleted)
	if s.Notify != nil {
		if err := s.Notify.EntryReceived(putCtx, e); err != nil {
			s.Log.Error("intake: thank-you message", "entry", e.ID, "err", err)
		}
	}
	return e, nil
}

// unavailable marks a failure of storage or the database with
// ErrUnavailable (the request may be sent again), leaving others as they
// are.
func unavailable(err error) error {
	if faults.Unavailable(err) && !errors.Is(err, ErrUnavailable) {
		return fmt.Errorf("%w: %w", ErrUnavailable, err)
	}
	return err
}

func (s *Service) removeObject(ctx context.Context, key string) {
	if err := s.Blobs.Remove(ctx, s.Bucket, key); err != nil {
		s.Log.Error("intake: remove original after failure", "key", key, "err", err)
	}
}

// capReader fails the stream as soon as it passes left bytes, so an
// oversized upload is refused while streaming, not after.
type capReader struct {
	r    io.Reader
	left int64
	read int64
	over bool
}

func (c *capReader) Read(p []byte) (int, error) {
	if c.left < 0 {
		c.over = true
		return 0, ErrTooLarge
	}
	if int64(len(p)) > c.left+1 {
		p = p[:c.left+1]
	}
	n, err := c.r.Read(p)
	c.read += int64(n)
	c.left -= int64(n)
	if c.left < 0 {
		c.over = true
		return n, ErrTooLarge
	}
	return n, err
}

// cleanFilename keeps a short, printable base name for display only.
func cleanFilename(name string) string {
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	name = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, name)
	if utf8.RuneCountInString(name) > 200 {
		name = string([]rune(name)[:200])
	}
	return name
}
