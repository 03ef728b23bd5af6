package worker

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/hibiken/asynq"

	"github.com/tryout/tryout/internal/campaigns"
	"github.com/tryout/tryout/internal/entries"
	"github.com/tryout/tryout/internal/media"
	"github.com/tryout/tryout/internal/screening"
	"github.com/tryout/tryout/internal/tasks"
)

// Downloader fetches an original to a local file.
type Downloader interface {
	Download(ctx context.Context, bucket, key, path string) error
}

// Media inspects and transcodes local video files.
type Media interface {
	Probe(ctx context.Context, path string) (media.Probe, error)
	Remux(ctx context.Context, src string, p media.Probe, dst string) error
	Transcode(ctx context.Context, src string, p media.Probe, outDir string, progress func(int)) (media.Ladder, error)
	Images(ctx context.Context, src string, p media.Probe, outDir string) (media.Images, error)
	Detect(ctx context.Context, src string, p media.Probe) (media.Detections, error)
	Signal(ctx context.Context, src string, p media.Probe, workDir string) (media.Signal, error)
}

// MediaHandler runs media:process. Each run is idempotent: it picks up from
// the entry's recorded status, so a retry or a crash resumes rather than
// repeats.
type MediaHandler struct {
	Entries   entries.Store
	Campaigns campaigns.Store
	Blobs     Downloader
	Media     Media
	Outputs   Outputs
	Provider  screening.Provider
	Bucket    string // private originals
	// RenditionsBucket receives the playable outputs.
	RenditionsBucket string
	TempDir          string
	MaxPixels        int64
	// Sign makes the signed URLs of the poster and sampled pictures the
	// moderation provider is shown (valid SignedTTL); nil shows none.
	Sign      URLSigner
	SignedTTL time.Duration
	// Notify tells the entrant when processing ends their entry's turn
	// here: live, not accepted, or failed; nil tells nobody.
	Notify Notifier
	Now    func() time.Time
	Log    *slog.Logger

	// Guardians holds approved entries whose guardian has not consented.
	Guardians GuardianHold
}

// ProcessTask implements asynq.Handler.
func (h *MediaHandler) ProcessTask(ctx context.Context, t *asynq.Task) error {
	p, err := tasks.ParseMediaProcess(t)
	if err != nil {
		return err
	}
	e, err := h.Entries.Get(ctx, p.EntryID)
	if errors.Is(err, entries.ErrNotFound) {
		return fmt.Errorf("media: entry %s is gone: %w", p.EntryID, asynq.SkipRetry)
	}
	if err != nil {
		return err
	}
	if e.Original.Key != p.OriginalKey {
		h.Log.Info("media: task is for an older upload; skipping", "entry", e.ID)
		return nil
	}
	if e.Status == entries.Received {
		if e, err = entries.Move(ctx, h.Entries, e, entries.Processing, "", h.Now()); err != nil {
			return fmt.Errorf("media: start: %w", err)
		}
	}
	if e.Status != entries.Processing {
		return nil // already processed, withdrawn or decided: nothing to do
	}
	err = h.process(ctx, e)
	var hopeless *hopelessError
	if errors.As(err, &hopeless) || (err != nil && tasks.LastAttempt(ctx)) {
		reason, code := "We could not process your video because of a problem on our side. Please upload it again.", entries.CodeInternal
		if hopeless != nil {
			reason, code = hopeless.reason, hopeless.code
		}
		failed, ferr := entries.MoveWith(ctx, h.Entries, e, entries.Change{To: entries.Failed, Reason: reason, At: h.Now(), Automatic: true, Code: code})
		if ferr != nil {
			return fmt.Errorf("media: mark failed: %w (after %v)", ferr, err)
		}
		h.tell(ctx, failed, reason)
		h.Log.Info("media: entry failed", "entry", e.ID, "reason", reason, "err", err)
		return fmt.Errorf("media: %w: %w", err, asynq.SkipRetry)
	}
	return err
}

func (h *MediaHandler) process(ctx context.Context, e entries.Entry) error {
	c, err := h.Campaigns.Get(ctx, e.CampaignID)
	if err != nil {
		return fmt.Errorf("media: campaign: %w", err)
	}
	dir, err := newTaskDir(h.TempDir, e.ID)
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)

	src := filepath.Join(dir, "original")
	if err := h.Blobs.Download(ctx, h.Bucket, e.Original.Key, src); err != nil {
		return fmt.Errorf("media: fetch original: %w", err)
	}
	h.progress(ctx, e.ID, "probe", 5)
	probe, err := h.Media.Probe(ctx, src)
	if err := mediaFailure(err); err != nil {
		return err
	}
	if reason, code := validate(probe, c, h.MaxPixels); reason != "" {
		return hopeless(reason, code, errors.New(reason))
	}
	m := entries.Media{
		FormatName: probe.FormatName, DurationSeconds: probe.DurationSeconds,
		Width: probe.Width, Height: probe.Height, Rotation: probe.Rotation,
		VideoCodec: probe.VideoCodec, AudioCodec: probe.AudioCodec,
		FrameRate: probe.FrameRate, BitRate: probe.BitRate,
	}
	if err := h.Entries.SetMedia(ctx, e.ID, m, h.Now()); err != nil {
		return err
	}
	prefix := renditionPrefix(e)
	r, done := h.published(ctx, prefix)
	if !done { // a retry after publishing skips straight to the end
		out := filepath.Join(dir, "out")
		early := &earlyPublisher{h: h, entryID: e.ID, prefix: prefix, dir: dir, out: out, uploaded: map[string]bool{}}
		if probe.WebPlayable() {
			early.remux(ctx, src, probe)
		}
		h.progress(ctx, e.ID, "transcode", 10)
		last := 10
		stop := early.watch(ctx)
		l, err := h.Media.Transcode(ctx, src, probe, out, func(pct int) {
			if p := 10 + pct*80/100; p >= last+5 {
				last = p
				h.progress(ctx, e.ID, "transcode", p)
			}
		})
		stop()
		if err := mediaFailure(err); err != nil {
			return err
		}
		if err := early.finish(ctx); err != nil {
			return err
		}
		h.progress(ctx, e.ID, "posters", 90)
		img, err := h.Media.Images(ctx, src, probe, out)
		if err := mediaFailure(err); err != nil {
			return err
		}
		h.progress(ctx, e.ID, "publish", 95)
		published, err := h.publish(ctx, out, prefix, l, img, early)
		if err != nil {
			return err
		}
		r = &published
	}
	if err := h.Entries.SetRenditions(ctx, e.ID, *r, h.Now()); err != nil {
		return err
	}
	h.progress(ctx, e.ID, "screen", 97)
	d, err := h.screen(ctx, e, c, src, dir, probe, *r)
	if err != nil {
		return err
	}
	to, reason, code := entries.InReview, "", entries.CodeScreened
	switch d.Verdict {
	case screening.Reject:
		to, reason, code = entries.Rejected, d.Reason, d.Code
	case screening.Approve:
		to = entries.Live
		if e.GuardianPending {
			to, reason = entries.InReview, h.holdForGuardian(ctx, e)
		}
	}
	h.progress(ctx, e.ID, "done", 100)
	// Every move made here is Tryout's own decision, and recorded as one.
	moved, err := entries.MoveWith(ctx, h.Entries, e, entries.Change{To: to, Reason: reason, At: h.Now(), Automatic: true, Code: code})
	if errors.Is(err, entries.ErrConflict) {
		return nil // withdrawn or decided meanwhile
	}
	if err != nil {
		return fmt.Errorf("media: to %s: %w", to, err)
	}
	if to != entries.InReview {
		h.tell(ctx, moved, reason)
	}
	return nil
}

// Notifier tells an entrant about their entry's new status.
type Notifier interface {
	Decision(ctx context.Context, e entries.Entry, reason string) error
}

// tell sends the entrant the message for the entry's new status. The
// status stands whatever happens here: a failure is logged (the message
// is idempotent, so a later retry of the same change sends it once).
func (h *MediaHandler) tell(ctx context.Context, e entries.Entry, reason string) {
	if h.Notify == nil {
		return
	}
	if err := h.Notify.Decision(ctx, e, reason); err != nil {
		h.Log.Error("media: could not tell the entrant", "entry", e.ID, "status", e.Status, "err", err)
	}
}

// mediaFailure turns media errors no retry can fix into a reason the
// entrant can act on; other errors pass through for a retry.
func mediaFailure(err error) error {
	var tooLarge *media.FrameTooLargeError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &tooLarge):
		return hopeless(pixelReason(tooLarge.Width, tooLarge.Height), entries.CodeTooLarge, err)
	case errors.Is(err, media.ErrNoPicture):
		return hopeless("Your file has sound but no picture. Upload the video itself (MP4 or MOV).", entries.CodeNotVideo, err)
	case errors.Is(err, media.ErrNotVideo):
		return hopeless("We could not read your file as a video. Export it as MP4 (H.264) or MOV and upload it again.", entries.CodeNotVideo, err)
	case errors.Is(err, media.ErrTimeout):
		return hopeless("Your video took too long to process. Export it again as MP4 (H.264) and upload it again.", entries.CodeTimeout, err)
	}
	return err
}

// progress records the stage; a failure to record is logged, not fatal.
func (h *MediaHandler) progress(ctx context.Context, id, stage string, pct int) {
	if err := h.Entries.SetProgress(ctx, id, stage, pct, h.Now()); err != nil {
		h.Log.Warn("media: record progress", "entry", id, "err", err)
	}
}

// validate checks the probe against the campaign and returns a reason the
// entrant can act on and its code, or "".
func validate(p media.Probe, c campaigns.Campaign, maxPixels int64) (string, string) {
	if p.DurationSeconds <= 0 {
		return "Your video has no playable length. Export it again and upload it again.", entries.CodeNoLength
	}
	if p.DurationSeconds > float64(c.MaxDurationSeconds) {
		return fmt.Sprintf("Your video is %s long; this contest takes videos up to %s. Trim it and upload it again.",
			humanDuration(p.DurationSeconds), humanDuration(float64(c.MaxDurationSeconds))), entries.CodeTooLong
	}
	if reason := tooShort(p.DurationSeconds, c); reason != "" {
		return reason, entries.CodeTooShort
	}
	if int64(p.Width)*int64(p.Height) > maxPixels {
		return pixelReason(p.Width, p.Height), entries.CodeTooLarge
	}
	return "", ""
}

// tooShort is the reason a video of this length is under the campaign's
// minimum, or "".
func tooShort(seconds float64, c campaigns.Campaign) string {
	if c.MinDurationSeconds <= 0 || seconds >= float64(c.MinDurationSeconds) {
		return ""
	}
	return fmt.Sprintf("Your video is %s long; this contest takes videos of at least %s. Upload a longer video.",
		humanDuration(seconds), humanDuration(float64(c.MinDurationSeconds)))
}

func pixelReason(w, h int) string {
	return fmt.Sprintf("Your video is %dx%d pixels, larger than we can accept. Export it at a lower resolution (1080p plays everywhere) and upload it again.", w, h)
}

// humanDuration writes 14 minutes, 3 minutes 20 seconds, 45 seconds, or
// under ten seconds to a tenth: 0.4 seconds.
func humanDuration(sec float64) string {
	if sec < 9.95 && math.Round(sec) != math.Round(sec*10)/10 {
		return strconv.FormatFloat(math.Round(sec*10)/10, 'f', 1, 64) + " seconds"
	}
	s := int(math.Round(sec))
	m, s := s/60, s%60
	plural := func(n int, unit string) string {
		if n == 1 {
			return fmt.Sprintf("1 %s", unit)
		}
		return fmt.Sprintf("%d %ss", n, unit)
	}
	switch {
	case m == 0:
		return plural(s, "second")
	case s == 0:
		return plural(m, "minute")
	}
	return plural(m, "minute") + " " + plural(s, "second")
}

// hopelessError is a failure no retry can fix; reason is for the entrant,
// code names it (entries.Code*).
type hopelessError struct {
	reason, code string
	err          error
}

func (e *hopelessError) Error() string { return e.err.Error() }
func (e *hopelessError) Unwrap() error { return e.err }

func hopeless(reason, code string, err error) error {
	return &hopelessError{reason: reason, code: code, err: err}
}
