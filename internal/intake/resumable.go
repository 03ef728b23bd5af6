package intake

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/tryout/tryout/internal/analytics"
	"github.com/tryout/tryout/internal/blob"
	"github.com/tryout/tryout/internal/entries"
	"github.com/tryout/tryout/internal/ids"
	"github.com/tryout/tryout/internal/media"
	"github.com/tryout/tryout/internal/problem"
	"github.com/tryout/tryout/internal/tasks"
)

// Upload refusals.
var (
	ErrNoUpload    = errors.New("no upload in progress")
	ErrIncomplete  = errors.New("upload incomplete")
	ErrSizeInvalid = errors.New("invalid file size")
)

// IncompleteError lists the parts storage has not received.
type IncompleteError struct{ Missing []int }

func (e *IncompleteError) Error() string {
	return fmt.Sprintf("%d parts have not arrived yet", len(e.Missing))
}

// Unwrap lets errors.Is(err, ErrIncomplete) match.
func (e *IncompleteError) Unwrap() error { return ErrIncomplete }

// Presigner makes part-upload URLs for browsers.
type Presigner interface {
	PartURL(ctx context.Context, bucket, key, uploadID string, number int, ttl time.Duration) (string, error)
}

// Ticket tells the browser how to upload: the part size, which parts have
// arrived, and signed URLs for the parts still missing.
type Ticket struct {
	Entry    entries.Entry
	PartSize int64
	Parts    int
	Size     int64
	Received []blob.Part
	Missing  []PartURL
}

// PartURL is where to PUT one part.
type PartURL struct {
	Number int
	URL    string
}

const (
	minPartSize = 5 << 20 // the S3 minimum: a dropped connection loses little
	maxParts    = 10000   // the S3 limit
)

// partSize picks the part size for a file: 5 MiB, or larger for files that
// would need more than 10000 parts.
func partSize(size int64) int64 {
	ps := int64(minPartSize)
	for (size+ps-1)/ps > maxParts {
		ps *= 2
	}
	return ps
}

// StartUpload begins a resumable upload of a file of the declared size for
// an entry in draft, needs_changes or failed (a resubmission), or restarts
// one already uploading with a new file.
func (s *Service) StartUpload(ctx context.Context, entrantID, entryID string, size int64, filename, contentType string) (Ticket, error) {
	e, err := s.Mine(ctx, entrantID, entryID)
	if err != nil {
		return Ticket{}, err
	}
	c, err := s.Campaigns.Get(ctx, e.CampaignID)
	if err != nil {
		return Ticket{}, err
	}
	if err := c.EntryOpen(s.Now()); err != nil {
		return Ticket{}, err
	}
	if e.Status != entries.Uploading {
		if err := entries.CheckTransition(e.Status, entries.Uploading); err != nil {
			return Ticket{}, err
		}
	}
	limit := min(c.MaxFileBytes, s.MaxUploadBytes)
	if size <= 0 {
		return Ticket{}, problem.New(ErrSizeInvalid, "Send the file's size in bytes; the file is empty.")
	}
	if size > limit {
		return Ticket{}, &TooLargeError{Limit: limit}
	}
	key := "campaigns/" + c.ID + "/entries/" + e.ID + "/" + ids.New("orig_")
	if contentType == "" || len(contentType) > 100 {
		contentType = "application/octet-stream"
	}
	uploadID, err := s.Blobs.StartMultipart(ctx, s.Bucket, key, contentType)
	if err != nil {
		return Ticket{}, err
	}
	ps := partSize(size)
	up := &entries.Upload{ID: uploadID, Key: key, Size: size, PartSize: ps, PartCount: int((size + ps - 1) / ps),
		ContentType: contentType, Filename: cleanFilename(filename), StartedAt: s.Now()}
	old := e.Upload
	ch := entries.Change{To: entries.Uploading, At: s.Now(), Upload: up}
	if e.Status == entries.Uploading {
		e, err = entries.Update(ctx, s.Entries, e, ch) // a restart with another file
	} else {
		e, err = entries.MoveWith(ctx, s.Entries, e, ch)
	}
	if err != nil {
		_ = s.Blobs.AbortMultipart(context.WithoutCancel(ctx), s.Bucket, key, uploadID)
		return Ticket{}, err
	}
	s.count(ctx, e.CampaignID, e.ID, analytics.UploadsStarted)
	if old != nil { // a restart with another file: the old parts are useless
		if err := s.Blobs.AbortMultipart(context.WithoutCancel(ctx), s.Bucket, old.Key, old.ID); err != nil {
			s.Log.Error("intake: abort replaced upload", "entry", e.ID, "err", err)
		}
	}
	return s.ticket(ctx, e, nil)
}

// UploadStatus reports which parts arrived and signs URLs for the rest, so
// a browser that lost its connection or its tab sends only what is missing.
func (s *Service) UploadStatus(ctx context.Context, entrantID, entryID string) (Ticket, error) {
	e, err := s.Mine(ctx, entrantID, entryID)
	if err != nil {
		return Ticket{}, err
	}
	if e.Status != entries.Uploading || e.Upload == nil {
		return Ticket{Entry: e}, ErrNoUpload
	}
	parts, err := s.Blobs.Parts(ctx, s.Bucket, e.Upload.Key, e.Upload.ID)
	if err != nil {
		return Ticket{}, err
	}
	return s.ticket(ctx, e, parts)
}

func (s *Service) ticket(ctx context.Context, e entries.Entry, arrived []blob.Part) (Ticket, error) {
	up := e.Upload
	t := Ticket{Entry: e, PartSize: up.PartSize, Parts: up.PartCount, Size: up.Size}
	have := map[int]blob.Part{}
	for _, p := range arrived {
		if p.Number >= 1 && p.Number <= up.PartCount && p.Size == expectedPartSize(up, p.Number) {
			have[p.Number] = p
		}
	}
	for n := 1; n <= up.PartCount; n++ {
		if p, ok := have[n]; ok {
			t.Received = append(t.Received, p)
			continue
		}
		u, err := s.Presign.PartURL(ctx, s.Bucket, up.Key, up.ID, n, s.PartURLTTL)
		if err != nil {
			return Ticket{}, err
		}
		t.Missing = append(t.Missing, PartURL{Number: n, URL: u})
	}
	return t, nil
}

func expectedPartSize(up *entries.Upload, n int) int64 {
	if n < up.PartCount {
		return up.PartSize
	}
	return up.Size - up.PartSize*int64(up.PartCount-1)
}

// CompleteUpload assembles the parts, then checks the real object: its size
// against the campaign limit and its first bytes against known video
// containers. Only then is the entry received and processing queued. A
// refused file is deleted and the entry goes back to draft with the reason,
// keeping its title, description and consents.
func (s *Service) CompleteUpload(ctx context.Context, entrantID, entryID string) (entries.Entry, error) {
	e, err := s.Mine(ctx, entrantID, entryID)
	if err != nil {
		return e, err
	}
	if e.Upload == nil {
		if e.Status == entries.Received || e.Status == entries.Processing {
			return e, nil // a retried completion: already done
		}
		return e, ErrNoUpload
	}
	up := *e.Upload
	parts, err := s.Blobs.Parts(ctx, s.Bucket, up.Key, up.ID)
	if err != nil {
		return e, err
	}
	t, err := s.ticket(ctx, e, parts)
	if err != nil {
		return e, err
	}
	if len(t.Missing) > 0 {
		missing := make([]int, 0, len(t.Missing))
		for _, m := range t.Missing {
			missing = append(missing, m.Number)
		}
		return e, &IncompleteError{Missing: missing}
	}
	sort.Slice(t.Received, func(i, j int) bool { return t.Received[i].Number < t.Received[j].Number })
	bg := context.WithoutCancel(ctx) // finish or undo even if the browser goes away
	if err := s.Blobs.CompleteMultipart(bg, s.Bucket, up.Key, up.ID, t.Received); err != nil {
		return e, err
	}
	c, err := s.Campaigns.Get(bg, e.CampaignID)
	if err != nil {
		return e, err
	}
	if reason, refusal := s.inspect(bg, up.Key, min(c.MaxFileBytes, s.MaxUploadBytes)); refusal != nil {
		s.removeObject(bg, up.Key)
		if _, merr := entries.MoveWith(bg, s.Entries, e, entries.Change{To: entries.Draft, Reason: reason, At: s.Now(), ClearUpload: true}); merr != nil {
			s.Log.Error("intake: return refused upload to draft", "entry", e.ID, "err", merr)
		}
		return e, refusal
	}
	obj := entries.Object{Key: up.Key, Size: up.Size, ContentType: up.ContentType, Filename: up.Filename}
	previous := e.Original
	e, err = entries.MoveWith(bg, s.Entries, e, entries.Change{To: entries.Received, At: s.Now(), Original: &obj, ClearUpload: true})
	if err != nil {
		return e, err
	}
	if previous.Key != "" && previous.Key != obj.Key { // a resubmission replaces the old video
		s.removeObject(bg, previous.Key)
	}
	s.count(bg, e.CampaignID, e.ID, analytics.UploadsCompleted)
	s.afterReceived(bg, e)
	return e, nil
}

// inspect checks a completed object; it returns the reason to record on the
// entry and the error for the API, or a nil error.
func (s *Service) inspect(ctx context.Context, key string, limit int64) (string, error) {
	const retry = "We could not check your upload. Please upload it again."
	size, err := s.Blobs.Stat(ctx, s.Bucket, key)
	if err != nil {
		return retry, err
	}
	if size > limit {
		return "Your file was larger than this contest accepts. Trim or compress it and upload it again.", &TooLargeError{Limit: limit}
	}
	head, err := s.Blobs.Head(ctx, s.Bucket, key, media.SniffLen)
	if err != nil {
		return retry, err
	}
	if media.Sniff(head) == "" {
		return "That file was not a video we can accept. Upload an MP4, MOV, WebM, MKV or AVI file.", ErrNotVideo
	}
	return "", nil
}

// afterReceived queues processing and thanks the entrant. Neither failure
// undoes the entry, which is safely stored: the cleanup job re-queues
// entries that sit in received, and the outbox keeps the message.
func (s *Service) afterReceived(ctx context.Context, e entries.Entry) {
	if err := s.Queue.EnqueueMediaProcess(ctx, tasks.MediaProcess{EntryID: e.ID, OriginalKey: e.Original.Key}); err != nil {
		s.Log.Error("intake: queue processing (the cleanup job will retry)", "entry", e.ID, "err", err)
	}
	if s.Notify != nil {
		if err := s.Notify.EntryReceived(ctx, e); err != nil {
			s.Log.Error("intake: thank-you message", "entry", e.ID, "err", err)
		}
	}
}
