package captions_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/tryout/tryout/internal/captions"
	"github.com/tryout/tryout/internal/entries"
	"github.com/tryout/tryout/internal/mongodb"
	"github.com/tryout/tryout/internal/problem"
	"github.com/tryout/tryout/internal/testkit"
)

// TestServicePut: captions are stored beside the renditions and recorded
// on the entry while it waits for review; a live entry, a finished one
// and one whose video is not processed refuse them (with text for
// people), and so does a bad file, each storing nothing.
func TestServicePut(t *testing.T) {
	k := testkit.New(t)
	ctx := context.Background()
	now := time.Date(2026, 7, 1, 12, 0, 0, 0, time.UTC)
	es := entries.NewMongoStore(k.DB.Collection(mongodb.Entries))
	bucket := k.Config.S3BucketRenditions
	s := &captions.Service{Blobs: k.Blobs, Bucket: bucket, Entries: es, Now: func() time.Time { return now }}
	entry := func(id string, st entries.Status, processed bool) entries.Entry {
		e := entries.Entry{ID: id, CampaignID: "cp_1", Title: id, Status: st, CreatedAt: now, UpdatedAt: now}
		if processed {
			e.Renditions = &entries.Renditions{Prefix: "renditions/" + id + "/"}
		}
		if err := es.Create(ctx, e); err != nil {
			t.Fatal(err)
		}
		return e
	}

	e := entry("en_review", entries.InReview, true)
	key, err := s.Put(ctx, e, strings.NewReader(good))
	if err != nil || key != "renditions/en_review/captions.vtt" {
		t.Fatalf("put: %q %v", key, err)
	}
	if b, err := k.Blobs.Get(ctx, bucket, key, 1<<20); err != nil || string(b) != good {
		t.Fatalf("stored %q %v", b, err)
	}
	if got, _ := es.Get(ctx, e.ID); got.Captions != key {
		t.Errorf("entry's captions %q", got.Captions)
	}

	for _, tc := range []struct {
		name string
		e    entries.Entry
		body string
		is   error
		text string // "" when the refusal has none of its own
	}{
		{"live", entry("en_live", entries.Live, true), good, captions.ErrLocked,
			"Captions can be added before your entry goes live. Ask the campaign team if you need to change them now."},
		{"rejected", entry("en_rejected", entries.Rejected, true), good, entries.ErrIllegalTransition, ""},
		{"not processed", entry("en_raw", entries.Processing, false), good, captions.ErrNotReady, "Add captions once your video has been processed."},
		{"not WebVTT", entry("en_srt", entries.InReview, true), "1\n00:00:00,000 --> 00:00:01,000\nHi\n", captions.ErrInvalid,
			"That is not a WebVTT captions file (it must start with WEBVTT). Export captions as .vtt and try again."},
		{"too large", entry("en_big", entries.InReview, true), "WEBVTT\n" + strings.Repeat("a", captions.MaxBytes), captions.ErrTooLarge,
			"Captions files can be up to 256 KB."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := s.Put(ctx, tc.e, strings.NewReader(tc.body))
			if !errors.Is(err, tc.is) || problem.TextOf(err, "") != tc.text {
				t.Fatalf("got %v (text %q), want %v", err, problem.TextOf(err, ""), tc.is)
			}
			if got, _ := es.Get(ctx, tc.e.ID); got.Captions != "" {
				t.Errorf("captions recorded: %q", got.Captions)
			}
			if tc.e.Renditions != nil {
				if _, err := k.Blobs.Stat(ctx, bucket, tc.e.Renditions.Prefix+captions.Key); err == nil {
					t.Errorf("a refused file was stored")
				}
			}
		})
	}
	cut := entry("en_cut", entries.InReview, true)
	_, err = s.Put(ctx, cut, iotest.ErrReader(errors.New("connection reset")))
	if !errors.Is(err, captions.ErrCutOff) || problem.TextOf(err, "") != "The captions upload was cut off. Please try again." {
		t.Fatalf("a cut-off upload: %v", err)
	}
}
