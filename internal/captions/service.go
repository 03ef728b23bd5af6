package captions

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/tryout/tryout/internal/entries"
	"github.com/tryout/tryout/internal/problem"
)

// Refusals of an entry that cannot take captions now; each comes as a
// *problem.Error with its text for people. An entry whose story is over
// (rejected, removed, ...) is entries.ErrIllegalTransition.
var (
	ErrLocked   = errors.New("captions: the entry is live")
	ErrNotReady = errors.New("captions: the video is not processed yet")
)

// Key is the name of an entry's captions file, beside its renditions.
const Key = "captions.vtt"

// Blobs stores files (blob.Store).
type Blobs interface {
	Put(ctx context.Context, bucket, key string, r io.Reader, size int64, contentType string) (int64, error)
}

// Entries records where an entry's captions are (entries.Store).
type Entries interface {
	SetCaptions(ctx context.Context, id, key string, at time.Time) error
}

// Service stores an entrant's captions for their entry.
type Service struct {
	Blobs   Blobs
	Bucket  string // the renditions bucket
	Entries Entries
	Now     func() time.Time
}

// Put reads a captions file from r for entry e, checks it and stores it
// beside the entry's renditions, replacing any earlier one, and returns
// its key. Captions are taken until the entry goes live (moderators see
// them with the video; ErrLocked after) and once the video is processed
// (ErrNotReady before); a new video needs new captions. The entry's owner
// is the caller's to check.
func (s *Service) Put(ctx context.Context, e entries.Entry, r io.Reader) (string, error) {
	switch {
	case e.Status == entries.Live:
		return "", problem.New(ErrLocked, "Captions can be added before your entry goes live. Ask the campaign team if you need to change them now.")
	case e.Status.Final():
		return "", fmt.Errorf("captions: entry %s is %s: %w", e.ID, e.Status, entries.ErrIllegalTransition)
	case e.Renditions == nil || e.Renditions.Prefix == "":
		return "", problem.New(ErrNotReady, "Add captions once your video has been processed.")
	}
	body, err := Read(r)
	if err != nil {
		return "", err
	}
	if err := Check(body); err != nil {
		return "", err
	}
	key := e.Renditions.Prefix + Key
	if _, err := s.Blobs.Put(ctx, s.Bucket, key, bytes.NewReader(body), int64(len(body)), "text/vtt; charset=utf-8"); err != nil {
		return "", fmt.Errorf("captions: store: %w", err)
	}
	if err := s.Entries.SetCaptions(ctx, e.ID, key, s.Now()); err != nil {
		return "", err
	}
	return key, nil
}
